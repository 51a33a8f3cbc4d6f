/**
 * Extra headers under both setting keys and both forms (docs/claude-desktop.md, "Keys and their
 * shapes"). Names only are reported: header values may be personal data or credentials.
 *
 * Every problem resolution found is a finding: the first (most severe: resolution sorts them)
 * is primary, the others are listed, so a bad name and a credential header are fixed together.
 */
import { defineCheck, findings, ok, problem } from '../contract/check.js';
import { HEADER_WARNING_CODES, resolveHeaders, type HeaderProblem } from '../inference/headers.js';
import claudeSettings from './claude-settings.js';

const isWarning = (p: HeaderProblem) => HEADER_WARNING_CODES.includes(p.code);

const where = (p: HeaderProblem) => (p.line !== undefined ? ` (line ${p.line}, column ${p.column})` : '');

export default defineCheck({
  id: 'extra-headers',
  title: 'Extra headers',
  group: 'settings',
  needs: [claudeSettings],
  codes: {
    HEADERS_NATIVE_IN_MANAGED: {
      title: 'Managed settings hold the headers as a native dictionary/array; current app versions read it, older ones need a JSON-encoded string',
      fix: 'For older app versions too, make the value a string holding JSON, e.g. <string>{"x-portkey-metadata":"{\\"team\\":\\"eng\\"}"}</string>.',
    },
    HEADERS_INVALID_JSON: { title: 'The headers setting is a string that is not valid JSON', fix: 'Fix the JSON at the line and column shown.' },
    HEADERS_WRONG_TYPE: {
      title: 'The headers setting has the wrong shape',
      fix: 'Write the headers as an object {"Header-Name": "value"} (or, older form, a list ["Header-Name: value"]).',
    },
    HEADERS_VALUE_NOT_STRING: {
      title: 'A header value is not a string (metadata must be JSON-encoded inside a string)',
      fix: 'Write the value as a string: {"x-portkey-metadata": "{\\"team\\":\\"eng\\"}"}.',
    },
    HEADERS_ENTRY_MALFORMED: { title: 'An entry of inferenceGatewayHeaders is not "Name: Value"', fix: 'Write each entry as "Header-Name: value".' },
    HEADERS_BAD_VALUE: {
      title: 'A header value contains a line break or control character',
      fix: 'Write the value on one line: in JSON a line break inside a string must not be there at all (metadata is one JSON object on one line).',
    },
    HEADERS_BAD_NAME: {
      title: 'A header name is not a valid HTTP header name',
      fix: 'Use only letters, digits and - in header names (e.g. x-portkey-metadata).',
    },
    HEADERS_CREDENTIAL: {
      title: 'A credential header is set among the extra headers',
      fix: 'Put the key in the Gateway API key field and remove Authorization/x-api-key/x-portkey-api-key from the extra headers.',
    },
    HEADERS_DUPLICATE: { title: 'The same header is set more than once', fix: 'Keep one entry per header name; which one wins is not defined.' },
    HEADERS_BOTH_KEYS: {
      title: 'Both inferenceCustomHeaders and the older inferenceGatewayHeaders are set',
      fix: 'Keep inferenceCustomHeaders (app 1.8089.0 and later) and remove inferenceGatewayHeaders, unless older app versions must be served too.',
    },
  },
  run({ target }) {
    // Resolution lists failures before warnings: the first listed is the primary finding.
    const { headers, problems } = resolveHeaders(target);
    const names = headers.map((h) => h.name);
    const details: Record<string, unknown> = {
      headers: headers.map((h) => ({ name: h.name, from: h.from, origin: h.origin })),
      ...(problems.length > 0 ? { findings: problems.map((p) => ({ code: p.code, key: p.key, message: p.message, line: p.line, column: p.column })) } : {}),
    };
    const list = problems.map((p, i) =>
      problem(
        isWarning(p) ? 'warn' : 'fail',
        p.code,
        i === 0 ? `${p.message}${where(p)}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}` : `${p.message}${where(p)}`,
        {
          ...(i === 0 ? { details } : {}),
          ...(p.hint ? { fix: p.hint } : {}),
        },
      ),
    );
    return findings(list, ok(names.length === 0 ? 'none set' : names.join(', '), details));
  },
});
