/**
 * `x-portkey-metadata` repairs (cures METADATA_INVALID_JSON and METADATA_VALUE_NOT_STRING of the
 * metadata-header check), only when the repair is unambiguous and the result is strict JSON:
 *
 * - typographic double quotes (“ ” „ ‟ ″) → `"`;
 * - single quotes (also ‘ ’) → `"`, only when the text holds no double quote at all;
 * - a trailing comma before `}` or `]` dropped;
 * - a number or boolean value → the same text as a string (`3` → `"3"`, as written: `1.50` stays `1.50`).
 *
 * Every reading above that parses must give the same object, or nothing is changed ("ambiguous").
 * A `null`, nested object or array value, a duplicated key, or anything that still does not parse
 * is explained, not changed: the doctor cannot know what was meant. A value over 128 characters
 * is explained (never shortened). Messages name keys only, never values (personal data, or a key
 * pasted in the wrong field).
 */
import { applyEdits, modify, type Node, parseTree, type ParseError } from 'jsonc-parser';
import { isKeyShaped } from '../../core/key-shape.js';
import { METADATA_HEADER, METADATA_MAX_VALUE_LENGTH } from '../../core/portkey.js';
import { safeJson } from '../../inference/text.js';
import { type Fixer, type FixEdit, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

export type MetadataCure = 'METADATA_INVALID_JSON' | 'METADATA_VALUE_NOT_STRING';

export type MetadataRepair =
  | { kind: 'unchanged'; tooLong?: string[] }
  | { kind: 'repaired'; value: string; cures: MetadataCure[]; tooLong?: string[] }
  | { kind: 'explained'; code: 'METADATA_INVALID_JSON' | 'METADATA_VALUE_NOT_STRING' | 'METADATA_NOT_OBJECT'; why: string };

/** Longest metadata text worth repairing (a header value is far shorter). */
const MAX_TEXT = 16_384;

interface Pair {
  key: string;
  value: string;
  /** The value was a number or boolean, turned into its text. */
  converted: boolean;
}

type Reading = { ok: true; pairs: Pair[] } | { ok: false; code: 'METADATA_INVALID_JSON' | 'METADATA_VALUE_NOT_STRING' | 'METADATA_NOT_OBJECT'; why: string };

/** The metadata text repaired, or why it is left alone. Pure. */
export function repairMetadata(text: string): MetadataRepair {
  if (text.length > MAX_TEXT) return { kind: 'explained', code: 'METADATA_INVALID_JSON', why: 'the metadata is too long to repair safely' };
  const strict = strictObject(text);
  if (strict === undefined && isJson(text)) {
    return { kind: 'explained', code: 'METADATA_NOT_OBJECT', why: 'not changed: the metadata is JSON but not an object, and what was meant cannot be known' };
  }
  if (strict !== undefined) {
    // Valid JSON already: only non-string values need changing, edited in place (formatting kept).
    const reading = read(text);
    if (!reading.ok) return { kind: 'explained', code: reading.code, why: reading.why };
    const tooLong = longValues(reading.pairs);
    const converted = reading.pairs.filter((p) => p.converted);
    if (converted.length === 0) return { kind: 'unchanged', ...(tooLong.length > 0 ? { tooLong } : {}) };
    let out = text;
    for (const p of converted) out = applyEdits(out, modify(out, [p.key], p.value, {}));
    return verified(out, ['METADATA_VALUE_NOT_STRING'], tooLong);
  }
  const readings = candidates(text)
    .map((c) => read(c))
    .filter((r): r is Extract<Reading, { ok: true }> => r.ok);
  const first = readings[0];
  if (!first) {
    // Say why the best reading fails when it is a value problem, not syntax.
    const why = candidates(text)
      .map((c) => read(c))
      .find((r): r is Extract<Reading, { ok: false }> => !r.ok && r.code !== 'METADATA_INVALID_JSON');
    return why
      ? { kind: 'explained', code: why.code, why: `not changed: once its quotes and commas are repaired, ${why.why}` }
      : {
          kind: 'explained',
          code: 'METADATA_INVALID_JSON',
          why: 'not changed: no unambiguous repair of quotes or a trailing comma makes it valid JSON; fix it at the character shown',
        };
  }
  const canonical = (r: { pairs: Pair[] }) => serialize(r.pairs);
  if (readings.some((r) => canonical(r) !== canonical(first))) {
    return { kind: 'explained', code: 'METADATA_INVALID_JSON', why: 'not changed: the quotes can be read more than one way; fix it at the character shown' };
  }
  const cures: MetadataCure[] = ['METADATA_INVALID_JSON'];
  if (first.pairs.some((p) => p.converted)) cures.push('METADATA_VALUE_NOT_STRING');
  return verified(canonical(first), cures, longValues(first.pairs));
}

function verified(out: string, cures: MetadataCure[], tooLong: string[]): MetadataRepair {
  const again = strictObject(out);
  // Never hand on something that is not a strict JSON object of strings (a bug here must not write a file).
  if (again === undefined || Object.values(again).some((v) => typeof v !== 'string')) {
    return { kind: 'explained', code: 'METADATA_INVALID_JSON', why: 'not changed: the repair would not give a JSON object of strings' };
  }
  return { kind: 'repaired', value: out, cures, ...(tooLong.length > 0 ? { tooLong } : {}) };
}

function longValues(pairs: readonly Pair[]): string[] {
  return pairs.filter((p) => p.value.length > METADATA_MAX_VALUE_LENGTH).map((p) => p.key);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function strictObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const TYPO_DOUBLE = /[\u201C\u201D\u201E\u201F\u2033]/g;
const SINGLE = /[\u0027\u2018\u2019\u201A\u201B]/g;

/** The readings tried, fewest changes first: as is, typographic doubles straightened, single quotes as doubles. */
function candidates(text: string): string[] {
  const out = [text];
  const doubles = text.replace(TYPO_DOUBLE, '"');
  if (doubles !== text) out.push(doubles);
  // Single quotes as string delimiters only when no double quote is there to be one.
  if (!doubles.includes('"') && SINGLE.test(doubles)) out.push(doubles.replace(SINGLE, '"'));
  return out;
}

/** One reading: an object whose values are strings, numbers or booleans, each key once. Trailing commas tolerated. */
function read(text: string): Reading {
  const errors: ParseError[] = [];
  const root: Node | undefined = parseTree(text, errors, { allowTrailingComma: true, disallowComments: true, allowEmptyContent: false });
  if (errors.length > 0 || !root) return { ok: false, code: 'METADATA_INVALID_JSON', why: 'it is not valid JSON' };
  if (root.type !== 'object')
    return { ok: false, code: 'METADATA_NOT_OBJECT', why: `it is ${root.type === 'array' ? 'an array' : `a ${root.type}`}, not an object` };
  const pairs: Pair[] = [];
  const seen = new Set<string>();
  for (const prop of root.children ?? []) {
    const [keyNode, valueNode] = prop.children ?? [];
    if (!keyNode || !valueNode || typeof keyNode.value !== 'string') return { ok: false, code: 'METADATA_INVALID_JSON', why: 'it is not valid JSON' };
    const key: string = keyNode.value;
    if (seen.has(key)) return { ok: false, code: 'METADATA_INVALID_JSON', why: `the key ${quoteKey(key)} appears twice (which one is meant cannot be known)` };
    seen.add(key);
    if (valueNode.type === 'string') pairs.push({ key, value: valueNode.value as string, converted: false });
    else if (valueNode.type === 'number') pairs.push({ key, value: text.slice(valueNode.offset, valueNode.offset + valueNode.length), converted: true });
    else if (valueNode.type === 'boolean') pairs.push({ key, value: String(valueNode.value), converted: true });
    else {
      return {
        ok: false,
        code: 'METADATA_VALUE_NOT_STRING',
        why: `the value of ${quoteKey(key)} is ${valueNode.type === 'null' ? 'null' : `an ${valueNode.type}`}, and which text is meant cannot be known`,
      };
    }
  }
  return { ok: true, pairs };
}

function serialize(pairs: readonly Pair[]): string {
  return `{${pairs.map((p) => `${JSON.stringify(p.key)}:${JSON.stringify(p.value)}`).join(',')}}`;
}

/** A key name for a message: bounded, control characters removed. */
function quoteKey(key: string): string {
  // A key pasted where a metadata key name belongs is never echoed.
  if (isKeyShaped(key)) return 'a key with the shape of an API key';
  const clean = key.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return `"${clean.length > 40 ? `${clean.slice(0, 40)}…` : clean}"`;
}

const HEADER_KEYS = ['inferenceGatewayHeaders', 'inferenceCustomHeaders'] as const;
const CURES = ['METADATA_INVALID_JSON', 'METADATA_VALUE_NOT_STRING'] as const;

interface Site {
  /** The new value of the setting (the whole setting when it is a JSON string). */
  edit: FixEdit;
  repair: Extract<MetadataRepair, { kind: 'repaired' }>;
}

export const metadataHeaderFixer: Fixer = {
  id: 'metadata-header',
  check: 'metadata-header',
  cures: CURES,
  propose(input): FixProposal {
    const found = findingsOf(input, [...CURES, 'METADATA_VALUE_TOO_LONG']);
    if (found.length === 0) return NOTHING;
    const settings = settingsObject(input);
    if (!settings) return NOTHING;
    const proposal: FixProposal = { changes: [], explanations: [] };
    const explained = new Set<string>();
    const explain = (code: string, says: string) => {
      if (explained.has(`${code} ${says}`)) return;
      explained.add(`${code} ${says}`);
      proposal.explanations.push({ code, says });
    };
    for (const key of HEADER_KEYS) {
      if (!Object.hasOwn(settings, key)) continue;
      for (const site of sites(settings[key], [...input.root, key], explain)) {
        const [code, ...more] = site.repair.cures;
        proposal.changes.push({
          code: code ?? 'METADATA_INVALID_JSON',
          ...(more.length > 0 ? { alsoCures: more } : {}),
          says: `repair the x-portkey-metadata JSON in ${key} (${site.repair.cures.map((c) => (c === 'METADATA_INVALID_JSON' ? 'quotes and commas' : 'numbers and booleans as strings')).join(', ')})`,
          edits: [site.edit],
        });
        if (site.repair.tooLong) explain('METADATA_VALUE_TOO_LONG', tooLongSays(site.repair.tooLong));
      }
    }
    if (found.some((f) => f.code === 'METADATA_VALUE_TOO_LONG') && !proposal.explanations.some((e) => e.code === 'METADATA_VALUE_TOO_LONG')) {
      explain('METADATA_VALUE_TOO_LONG', tooLongSays([]));
    }
    return proposal;
  },
};

function tooLongSays(keys: readonly string[]): string {
  return `not changed: ${keys.length > 0 ? `the value of ${keys.map(quoteKey).join(', ')}` : 'a value'} is over ${METADATA_MAX_VALUE_LENGTH} characters; only you can say how to shorten it`;
}

/** Every place in one header setting where the metadata is, repaired. */
function sites(setting: unknown, path: (string | number)[], explain: (code: string, says: string) => void): Site[] {
  const out: Site[] = [];
  const handle = (text: string, make: (value: string) => FixEdit | undefined) => {
    const repair = repairMetadata(text);
    if (repair.kind === 'explained') explain(repair.code, repair.why);
    else if (repair.kind === 'repaired') {
      const edit = make(repair.value);
      if (edit) out.push({ edit, repair });
    } else if (repair.tooLong) explain('METADATA_VALUE_TOO_LONG', tooLongSays(repair.tooLong));
  };
  const isMetadata = (name: string) => name.trim().toLowerCase() === METADATA_HEADER;
  if (typeof setting === 'string') {
    // The setting is JSON text: edit inside it, keeping the rest of its text as written.
    let decoded: unknown;
    try {
      decoded = JSON.parse(setting);
    } catch {
      return out; // HEADERS_INVALID_JSON: the metadata cannot be found (extra-headers says so)
    }
    for (const [inner, text, rebuild] of entries(decoded)) {
      if (!isMetadata(inner.name)) continue;
      handle(text, (value) => {
        const edited = applyEdits(setting, modify(setting, [inner.at], rebuild(value), {}));
        return { file: 'settings', op: 'set', path, value: edited };
      });
    }
    return out;
  }
  for (const [inner, text, rebuild] of entries(setting)) {
    if (!isMetadata(inner.name)) continue;
    handle(text, (value) => ({ file: 'settings', op: 'set', path: [...path, inner.at], value: rebuild(value) }));
  }
  return out;
}

/** The headers of an object or "Name: Value" list: where each is, its metadata text, how to write a new value back. */
function entries(value: unknown): [{ name: string; at: string | number }, string, (v: string) => string][] {
  const out: [{ name: string; at: string | number }, string, (v: string) => string][] = [];
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, i) => {
      if (typeof entry !== 'string') return;
      const colon = entry.indexOf(':');
      if (colon <= 0) return;
      const head = entry.slice(0, colon + 1);
      out.push([{ name: entry.slice(0, colon), at: i }, entry.slice(colon + 1).trim(), (v) => `${head} ${v}`]);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string') out.push([{ name, at: name }, v, (s) => s]);
      else if (v !== null && typeof v === 'object') {
        // A metadata object where a string belongs: its JSON text, repaired, becomes the string.
        const text = safeJson(v);
        if (text !== undefined) out.push([{ name, at: name }, text, (s) => s]);
      }
    }
  }
  return out;
}
