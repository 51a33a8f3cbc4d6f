/**
 * `x-portkey-metadata`: strict JSON object of short string values, with the keys the policy
 * requires. Invalid metadata is silently dropped by Portkey, so policies "don't apply".
 * Every finding of the analysis is reported (a number value and a missing required key are
 * fixed together); the first is primary.
 */
import { defineCheck, fail, findings, ok, problem, skip } from '../contract/check.js';
import { METADATA_HEADER, METADATA_MAX_VALUE_LENGTH } from '../core/portkey.js';
import { HEADER_WARNING_CODES, resolveHeaders } from '../inference/headers.js';
import { analyzeMetadata } from '../inference/metadata.js';
import claudeSettings from './claude-settings.js';

export default defineCheck({
  id: 'metadata-header',
  title: 'x-portkey-metadata',
  group: 'settings',
  // Not behind extra-headers: metadata that breaks the header (a multi-line value) is still
  // worth analysing, with the line and column of its own errors.
  needs: [claudeSettings],
  codes: {
    METADATA_HEADERS_UNREADABLE: {
      title: 'The extra headers could not be read, so the metadata header cannot be examined',
      fix: 'Fix the extra headers first (see the extra-headers check).',
    },
    METADATA_REQUIRED_NOT_SET: {
      title: 'The policy requires metadata, but no x-portkey-metadata header is set',
      fix: 'Add the extra header x-portkey-metadata with a JSON object holding the required keys.',
    },
    METADATA_INVALID_JSON: {
      title: 'x-portkey-metadata is not valid JSON, so Portkey silently ignores it',
      fix: 'Fix the JSON in the x-portkey-metadata value at the character shown: double quotes around keys and values, no trailing comma, e.g. {"team":"engineering"}.',
    },
    METADATA_NOT_OBJECT: { title: 'x-portkey-metadata is JSON but not an object', fix: 'Write it as an object: {"team":"engineering","env":"prod"}.' },
    METADATA_VALUE_NOT_STRING: {
      title: 'A metadata value is not a string',
      fix: 'Put every value in double quotes: {"count":"3"} rather than {"count":3}.',
    },
    METADATA_VALUE_TOO_LONG: {
      title: `A metadata value is longer than ${METADATA_MAX_VALUE_LENGTH} characters`,
      fix: `Shorten each value to at most ${METADATA_MAX_VALUE_LENGTH} characters.`,
    },
    METADATA_KEY_CASE: {
      title: 'A metadata key differs from the policy’s only in upper/lower case (keys are case-sensitive)',
      fix: 'Rename the key to exactly the spelling the policy requires.',
    },
    METADATA_REQUIRED_MISSING: { title: 'Metadata keys the policy requires are missing', fix: 'Add the missing keys to x-portkey-metadata.' },
    METADATA_VALUE_NOT_ALLOWED: {
      title: 'A metadata value is not one the policy allows',
      fix: 'Use one of the values the policy lists for that key (see details).',
    },
  },
  run({ target, policy }) {
    const resolution = resolveHeaders(target);
    const header = resolution.headers.find((h) => h.name.toLowerCase() === METADATA_HEADER);
    if (!header && resolution.problems.some((p) => !HEADER_WARNING_CODES.includes(p.code))) {
      return skip('METADATA_HEADERS_UNREADABLE', 'the extra headers could not be read (see extra-headers), so the metadata is unknown');
    }
    const required = policy?.metadata?.requiredKeys ?? [];
    if (!header) {
      if (required.length > 0) {
        return fail('METADATA_REQUIRED_NOT_SET', 'no x-portkey-metadata header, and the policy requires one', {
          details: { requiredKeys: required, policy: policy?.source },
        });
      }
      return ok('not set (optional: logs are not tagged)');
    }
    // A credential header is a Secret; the metadata header never is one.
    const analysis = analyzeMetadata(typeof header.value === 'string' ? header.value : '', policy);
    const keys = analysis.keys ?? [];
    const details: Record<string, unknown> = {
      from: header.from,
      ...(analysis.keys ? { keys: analysis.keys } : {}),
      ...(required.length > 0 ? { requiredKeys: required } : {}),
    };
    const found = analysis.findings;
    const [first] = found;
    if (first) {
      details.findings = found.map((f) => ({
        code: f.code,
        message: f.message,
        ...(f.line ? { line: f.line, column: f.column, character: f.character } : {}),
      }));
      if (first.line !== undefined) Object.assign(details, { line: first.line, column: first.column, character: first.character });
      const allowedValues = policy?.metadata?.allowedValues;
      if (first.code === 'METADATA_VALUE_NOT_ALLOWED' && allowedValues) {
        details.allowedValues = Object.fromEntries((first.keys ?? []).map((k) => [k, allowedValues[k]]));
      }
    }
    // Every metadata finding is a failure, so the first listed is primary and carries the details.
    const list = found.map((f, i) =>
      problem('fail', f.code, i === 0 && found.length > 1 ? `${f.message} (+${found.length - 1} more)` : f.message, {
        ...(i === 0 ? { details } : {}),
        ...(f.hint ? { fix: `${f.hint}.` } : {}),
      }),
    );
    return findings(list, ok(`valid JSON object with ${keys.length} key(s): ${keys.join(', ')}`, details));
  },
});
