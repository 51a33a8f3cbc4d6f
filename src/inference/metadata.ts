/**
 * `x-portkey-metadata`: Portkey silently ignores metadata that is not strict JSON, so policies
 * "don't apply" without any error (Portkey's metadata documentation). This module finds every reason it would be
 * ignored or would break a policy, each with its code, most severe first.
 */
import { parseJsonStrict } from '../config/json.js';
import type { Policy } from '../config/policy.js';
import { isKeyShaped } from '../core/key-shape.js';
import { METADATA_MAX_VALUE_LENGTH } from '../core/portkey.js';

export type MetadataCode =
  | 'METADATA_INVALID_JSON'
  | 'METADATA_NOT_OBJECT'
  | 'METADATA_VALUE_NOT_STRING'
  | 'METADATA_VALUE_TOO_LONG'
  | 'METADATA_KEY_CASE'
  | 'METADATA_REQUIRED_MISSING'
  | 'METADATA_VALUE_NOT_ALLOWED';

export interface MetadataFinding {
  code: MetadataCode;
  /** Safe to print: names keys, never quotes values (they may be personal data). */
  message: string;
  keys?: string[];
  line?: number;
  column?: number;
  /** 1-based position in the header value (METADATA_INVALID_JSON). */
  character?: number;
  /** The few characters around that position, quoted, with ⟨…⟩ around the one at fault. */
  fragment?: string;
  hint?: string;
}

/**
 * The shape around an offset, 12 characters either side, the one at fault marked and shown:
 * `{⟨t⟩··· "···"}`. Everything but JSON punctuation and spaces is masked (·): a metadata value
 * may be personal data, or a key pasted into the wrong field, and is never quoted.
 */
export function fragmentAt(text: string, offset: number): string {
  const from = Math.max(0, offset - 12);
  const to = Math.min(text.length, offset + 13);
  const at = offset < text.length ? `⟨${text.slice(offset, offset + 1)}⟩` : '⟨end⟩';
  const one = (t: string) => t.replace(/[\r\n\t]/g, ' ').replace(/[^\s{}[\]:,"']/gu, '·');
  return `\`${from > 0 ? '…' : ''}${one(text.slice(from, offset))}${at}${one(text.slice(offset + 1, to))}${to < text.length ? '…' : ''}\``;
}

export interface MetadataAnalysis {
  findings: MetadataFinding[];
  /** The parsed object when it parsed; keys only are reported. */
  keys?: string[];
}

export function analyzeMetadata(text: string, policy: Policy | undefined): MetadataAnalysis {
  const parsed = parseJsonStrict(text);
  if (!parsed.ok) {
    // One message, placed inside the header's value (not a file's line and column), the spot
    // shown, what it costs, and a hint whose example comes from the metadata itself.
    const what = parsed.message.replace(/^Invalid JSON at line \d+, column \d+: /, '');
    const character = parsed.offset + 1;
    const fragment = fragmentAt(text, parsed.offset);
    // The example is the metadata's own key name, unless it has the shape of a key (a secret).
    const name = parsed.hintCode === 'unquoted-key' ? /^[A-Za-z_$][\w$-]{0,23}(?![\w$-])/.exec(text.slice(parsed.offset))?.[0] : undefined;
    const key = name !== undefined && !isKeyShaped(name) ? name : undefined;
    const hint = key ? `put the key in double quotes: "${key}"` : parsed.hint;
    return {
      findings: [
        {
          code: 'METADATA_INVALID_JSON',
          message: `in the x-portkey-metadata value, character ${character}: ${what}, near ${fragment}; Portkey ignores the whole metadata, so budget and policy rules keyed on it do not apply`,
          line: parsed.line,
          column: parsed.column,
          character,
          fragment,
          ...(hint ? { hint } : {}),
        },
      ],
    };
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      findings: [
        {
          code: 'METADATA_NOT_OBJECT',
          message: `must be a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
        },
      ],
    };
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const findings: MetadataFinding[] = [];

  const notString = keys.filter((k) => typeof record[k] !== 'string');
  if (notString.length > 0) {
    findings.push({ code: 'METADATA_VALUE_NOT_STRING', message: `values must be strings; not a string: ${notString.join(', ')}`, keys: notString });
  }
  const tooLong = keys.filter((k) => typeof record[k] === 'string' && (record[k] as string).length > METADATA_MAX_VALUE_LENGTH);
  if (tooLong.length > 0) {
    findings.push({
      code: 'METADATA_VALUE_TOO_LONG',
      message: `values may have at most ${METADATA_MAX_VALUE_LENGTH} characters; longer: ${tooLong.join(', ')}`,
      keys: tooLong,
    });
  }

  const required = policy?.metadata?.requiredKeys ?? [];
  // Own keys only: `k in record` also sees Object.prototype, so a required "constructor" or
  // "valueOf" was never reported missing.
  const missing = required.filter((k) => !Object.hasOwn(record, k));
  const caseOnly = missing.filter((k) => keys.some((have) => have !== k && have.toLowerCase() === k.toLowerCase()));
  if (caseOnly.length > 0) {
    const pairs = caseOnly.map((k) => `${keys.find((h) => h.toLowerCase() === k.toLowerCase())} → ${k}`);
    findings.push({ code: 'METADATA_KEY_CASE', message: `keys are case-sensitive; rename ${pairs.join(', ')}`, keys: caseOnly });
  }
  const reallyMissing = missing.filter((k) => !caseOnly.includes(k));
  if (reallyMissing.length > 0) {
    findings.push({
      code: 'METADATA_REQUIRED_MISSING',
      message: `the policy requires keys that are missing: ${reallyMissing.join(', ')}`,
      keys: reallyMissing,
    });
  }
  const allowed = policy?.metadata?.allowedValues ?? {};
  const disallowed = Object.entries(allowed)
    .filter(([k, values]) => typeof record[k] === 'string' && !values.includes(record[k] as string))
    .map(([k]) => k);
  if (disallowed.length > 0) {
    findings.push({ code: 'METADATA_VALUE_NOT_ALLOWED', message: `values not allowed by the policy for: ${disallowed.join(', ')}`, keys: disallowed });
  }
  return { findings, keys };
}
