/**
 * The extra headers the app sends on every request, resolved from both setting keys and both
 * forms (docs/claude-desktop.md, "Keys and their shapes"): `inferenceCustomHeaders` and the older
 * `inferenceGatewayHeaders`, each an object or a list of "Name: Value" strings, native or as a
 * JSON string, plus `--header` flags. Resolution is lenient — it keeps every header it
 * can — and lists each problem with its code, so the network checks can still probe with what
 * the app would most likely send while the extra-headers check reports what is wrong.
 */
import { KEY_TABLE_STAMP } from '../app/config-keys.js';
import { parseJsonStrict } from '../config/json.js';
import type { Field, Origin, Target } from '../config/target.js';
import { credentialSecret, isCredentialHeaderName, showSetting } from '../core/key-shape.js';
import { Secret } from '../core/secret.js';
import { safeJson } from './text.js';

export type HeaderSettingKey = 'inferenceCustomHeaders' | 'inferenceGatewayHeaders';

export interface ResolvedHeader {
  name: string;
  /**
   * The value; a {@link Secret} for a credential header (`Authorization`, `x-portkey-api-key`, …:
   * {@link isCredentialHeaderName}), so it is never printed and the network layer treats the
   * request as carrying a key.
   */
  value: string | Secret;
  /** The header carries a credential ({@link value} is a Secret). */
  credential?: true;
  origin: Origin;
  from: HeaderSettingKey | 'flag';
  /** The value cannot be sent (line break, control character): kept for analysis, never sent. */
  invalid?: true;
}

/** Codes, failures first, then warnings ({@link HEADER_WARNING_CODES}). */
export type HeaderProblemCode =
  | 'HEADERS_INVALID_JSON'
  | 'HEADERS_WRONG_TYPE'
  | 'HEADERS_VALUE_NOT_STRING'
  | 'HEADERS_ENTRY_MALFORMED'
  | 'HEADERS_BAD_NAME'
  | 'HEADERS_BAD_VALUE'
  | 'HEADERS_NATIVE_IN_MANAGED'
  | 'HEADERS_CREDENTIAL'
  | 'HEADERS_DUPLICATE'
  | 'HEADERS_BOTH_KEYS';

/** Problems that leave the headers usable as they are (the app sends them): warnings at most. */
export const HEADER_WARNING_CODES: readonly HeaderProblemCode[] = ['HEADERS_NATIVE_IN_MANAGED', 'HEADERS_CREDENTIAL', 'HEADERS_DUPLICATE', 'HEADERS_BOTH_KEYS'];

export interface HeaderProblem {
  code: HeaderProblemCode;
  key: HeaderSettingKey | 'flag';
  /** Safe to print: never contains header values. */
  message: string;
  line?: number;
  column?: number;
  hint?: string;
}

export interface HeaderResolution {
  headers: ResolvedHeader[];
  problems: HeaderProblem[];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Credential headers the HEADERS_CREDENTIAL warning names (the key belongs in the key field). */
const CREDENTIALS = new Set(['authorization', 'x-api-key', 'x-portkey-api-key', 'proxy-authorization']);

export function resolveHeaders(target: Target): HeaderResolution {
  const problems: HeaderProblem[] = [];
  const legacy = target.gatewayHeaders ? fromSetting(target.gatewayHeaders, 'inferenceGatewayHeaders', target.managed, problems) : [];
  const current = target.customHeaders ? fromSetting(target.customHeaders, 'inferenceCustomHeaders', target.managed, problems) : [];
  if (target.customHeaders && target.gatewayHeaders) {
    problems.push({
      code: 'HEADERS_BOTH_KEYS',
      key: 'inferenceCustomHeaders',
      message: 'both inferenceCustomHeaders and inferenceGatewayHeaders are set',
    });
  }
  const flags: ResolvedHeader[] = target.flagHeaders.map((h) => ({ ...h, origin: 'flag', from: 'flag' }));

  // Later sources override earlier ones by (case-insensitive) name: legacy < current < flags.
  const byName = new Map<string, ResolvedHeader>();
  const seenInSettings = new Map<string, string>();
  for (const header of [...legacy, ...current]) {
    const lower = header.name.toLowerCase();
    const earlier = seenInSettings.get(lower);
    if (earlier !== undefined) {
      problems.push({ code: 'HEADERS_DUPLICATE', key: header.from as HeaderSettingKey, message: `header ${header.name} is set more than once` });
    }
    seenInSettings.set(lower, header.name);
  }
  for (const header of [...legacy, ...current, ...flags]) {
    if (!TOKEN.test(header.name)) {
      problems.push({
        code: 'HEADERS_BAD_NAME',
        key: header.from,
        message: `header name ${JSON.stringify(showSetting(header.name, 40))} is not a valid HTTP header name`,
      });
      continue;
    }
    if (CREDENTIALS.has(header.name.toLowerCase()) && header.from !== 'flag') {
      problems.push({ code: 'HEADERS_CREDENTIAL', key: header.from, message: `header ${header.name} carries a credential in the extra headers` });
    }
    // A credential's value is a Secret from here on (a --header one already is).
    const secured: ResolvedHeader = isCredentialHeaderName(header.name)
      ? { ...header, value: header.value instanceof Secret ? header.value : credentialSecret(header.value), credential: true }
      : header;
    // CR, LF, NUL and other control characters (tab aside) cannot go into an HTTP header: the
    // app's request would fail, and a CR/LF could smuggle a header of its own.
    const text = secured.value instanceof Secret ? secured.value.reveal() : secured.value;
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)) {
      problems.push({ code: 'HEADERS_BAD_VALUE', key: header.from, message: `the value of header ${header.name} contains a line break or control character` });
      byName.set(header.name.toLowerCase(), { ...secured, invalid: true });
      continue;
    }
    byName.set(header.name.toLowerCase(), secured);
  }
  return { headers: [...byName.values()], problems: sortProblems(problems) };
}

const ORDER: HeaderProblemCode[] = [
  'HEADERS_INVALID_JSON',
  'HEADERS_WRONG_TYPE',
  'HEADERS_VALUE_NOT_STRING',
  'HEADERS_ENTRY_MALFORMED',
  'HEADERS_BAD_NAME',
  'HEADERS_BAD_VALUE',
  'HEADERS_NATIVE_IN_MANAGED',
  'HEADERS_CREDENTIAL',
  'HEADERS_DUPLICATE',
  'HEADERS_BOTH_KEYS',
];
function sortProblems(problems: HeaderProblem[]): HeaderProblem[] {
  return problems.sort((a, b) => ORDER.indexOf(a.code) - ORDER.indexOf(b.code));
}

/**
 * Sources whose documented form for arrays and objects is native JSON (the Linux managed file):
 * a native value there is never a finding. Elsewhere in managed settings (plist, registry) a
 * native value is read by current app versions but older ones needed a JSON string.
 */
const NATIVE_IS_DOCUMENTED: readonly Origin[] = ['managed-file'];

/** Whether a non-string value of `field` is a native managed value (a warning at most). */
export function isNativeManaged(field: Field, managed: boolean): boolean {
  return managed && !NATIVE_IS_DOCUMENTED.includes(field.origin) && field.value !== null && typeof field.value === 'object';
}

/** Decodes a JSON string value (any source), or notes a native value in managed settings. */
function decode(field: Field, key: HeaderSettingKey, managed: boolean, problems: HeaderProblem[]): { ok: true; value: unknown } | { ok: false } {
  const value = field.value;
  if (typeof value === 'string') {
    const parsed = parseJsonStrict(value);
    if (!parsed.ok) {
      problems.push({
        code: 'HEADERS_INVALID_JSON',
        key,
        message: `${key} is not valid JSON: ${parsed.message}`,
        line: parsed.line,
        column: parsed.column,
        ...(parsed.hint ? { hint: parsed.hint } : {}),
      });
      return { ok: false };
    }
    return { ok: true, value: parsed.value };
  }
  if (isNativeManaged(field, managed)) {
    // Current builds read a native <dict>/<array> as the equivalent JSON; older ones needed a
    // string (docs/claude-desktop.md, "Managed sources"). A warning, and the value is used.
    problems.push({
      code: 'HEADERS_NATIVE_IN_MANAGED',
      key,
      message: `${key} is a native ${Array.isArray(value) ? 'array' : 'dictionary'} in managed settings: read by current app versions (documented as of ${KEY_TABLE_STAMP.referenceCoversAppUpTo}); older versions need a JSON-encoded string`,
    });
  }
  return { ok: true, value };
}

/**
 * Either key, either form (docs/claude-desktop.md, "Keys and their shapes"): an object
 * `{"Name": "value"}` (the documented form of both keys) or a list of `"Name: Value"` strings
 * (the first documented form of `inferenceGatewayHeaders`, still accepted for both), each also as
 * a JSON string.
 */
function fromSetting(field: Field, key: HeaderSettingKey, managed: boolean, problems: HeaderProblem[]): ResolvedHeader[] {
  const decoded = decode(field, key, managed, problems);
  if (!decoded.ok) return [];
  const value = decoded.value;
  if (Array.isArray(value)) return fromList(value, field, key, problems);
  if (value === null || typeof value !== 'object') {
    problems.push({
      code: 'HEADERS_WRONG_TYPE',
      key,
      message: `${key} must be an object of header names to string values (or a list of "Name: Value" strings), found ${kindOf(value)}`,
    });
    return [];
  }
  const out: ResolvedHeader[] = [];
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      problems.push({
        code: 'HEADERS_VALUE_NOT_STRING',
        key,
        message: `the value of header ${name} is ${kindOf(v)}, not a string`,
        hint: 'JSON-encode it: {"x-portkey-metadata": "{\\"team\\":\\"eng\\"}"}',
      });
      if (v !== null && typeof v === 'object') {
        // Sent as its JSON text (what was meant); a value nested too deeply to serialise is dropped.
        const text = safeJson(v);
        if (text !== undefined) out.push({ name, value: text, origin: field.origin, from: key });
      }
      continue;
    }
    out.push({ name, value: v, origin: field.origin, from: key });
  }
  return out;
}

function fromList(value: readonly unknown[], field: Field, key: HeaderSettingKey, problems: HeaderProblem[]): ResolvedHeader[] {
  const out: ResolvedHeader[] = [];
  value.forEach((entry: unknown, index) => {
    const colon = typeof entry === 'string' ? entry.indexOf(':') : -1;
    if (typeof entry !== 'string' || colon <= 0) {
      problems.push({ code: 'HEADERS_ENTRY_MALFORMED', key, message: `entry ${index} of ${key} is not a "Name: Value" string` });
      return;
    }
    out.push({ name: entry.slice(0, colon).trim(), value: entry.slice(colon + 1).trim(), origin: field.origin, from: key });
  });
  return out;
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
