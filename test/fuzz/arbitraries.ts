/**
 * Generators shared by the fuzz targets: values for every inference key (good, near-good and
 * arbitrary), JSON text and its near-valid mutations (BOM, trailing commas, truncation, stray
 * characters, invalid UTF-8, UTF-16, NUL bytes), and the placeholders that expand into huge
 * strings and deep nesting once the text is built.
 */
import fc from 'fast-check';
import { INFERENCE_KEYS } from '../../src/config/settings.js';
import { TEST_KEY } from './support.js';

// ---------------------------------------------------------------------------------------------
// Scalars

/** Stray text dropped into JSON by the near-valid mutations. */
const SNIPPETS = [
  ',',
  ',,',
  '//c\n',
  '/*c*/',
  '#',
  "'",
  '“',
  '”',
  '\u0000',
  '}',
  ']',
  '{',
  '[',
  '"',
  '\\',
  '\\u12',
  'NaN',
  'undefined',
  '\u2028',
  '\ufeff',
  '\n',
  ':',
  '01',
  '-',
  '1.',
  '+1',
  'tru',
  'nul1',
];

/** Strings people paste and strings parsers trip on. */
export const TRICKY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u200b',
  '\ufeff',
  '\u00a0',
  '\u2028',
  '\u202e',
  '"',
  "'",
  '“quoted”',
  '\\',
  '\n',
  '\r\n',
  '\t',
  '{',
  '[',
  'null',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\ud800',
  '\udc00',
  '😀',
  'e\u0301',
  '%00',
  '../..',
  'a'.repeat(300),
] as const;

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 24 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 2 },
  { arbitrary: fc.constantFrom(...TRICKY_STRINGS), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom(...TRICKY_STRINGS), fc.string({ maxLength: 8 })).map(([a, b]) => a + b), weight: 1 },
);

/** Any JSON value, small. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: weirdString, weight: 1 },
  { arbitrary: fc.constantFrom(0, -0, 1e308, -1, 3.5, Number.MAX_SAFE_INTEGER + 2, true, false, null, [], {}), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Placeholders expanded after JSON.stringify (huge values and deep nesting never pass through
// JSON.stringify, which is itself recursive, and stay cheap to generate and to print).

const PLACEHOLDER = /"@@(DEEP|DEEPOBJ|HUGE|MANY|MANYOBJ)\((\d+)\)@@"/g;

export const deep = (n: number): string => `@@DEEP(${n})@@`;
export const deepObject = (n: number): string => `@@DEEPOBJ(${n})@@`;
export const huge = (n: number): string => `@@HUGE(${n})@@`;
/** An array of n distinct strings ("m0", "m1", …); an object of n distinct keys. */
export const many = (n: number): string => `@@MANY(${n})@@`;
export const manyObject = (n: number): string => `@@MANYOBJ(${n})@@`;

/** Depths around and far past where recursive code overflows the stack. */
export const depthArb = fc.constantFrom(8, 64, 500, 3_000, 12_000, 60_000, 400_000);
/** Lengths of huge strings (the file limit is 5 MiB). */
export const hugeArb = fc.constantFrom(20_000, 300_000, 2_500_000);

/** Element counts of long lists (what quadratic code chokes on). */
export const countArb = fc.constantFrom(1_000, 30_000, 250_000);

/** A value that is huge, long or deeply nested once expanded. */
export const bigValue: fc.Arbitrary<string> = fc.oneof(
  depthArb.map(deep),
  depthArb.map(deepObject),
  hugeArb.map(huge),
  countArb.map(many),
  countArb.map(manyObject),
);

/** JSON text of a value, with placeholders expanded. */
export function toJsonText(value: unknown, indent: number | string = 0): string {
  return expand(JSON.stringify(value, null, indent) ?? 'null');
}

export function expand(text: string): string {
  return text.replace(PLACEHOLDER, (_m, kind: string, n: string) => {
    const count = Number(n);
    if (kind === 'DEEP') return '['.repeat(count) + ']'.repeat(count);
    if (kind === 'DEEPOBJ') return '{"a":'.repeat(count) + '1' + '}'.repeat(count);
    if (kind === 'MANY') return `[${Array.from({ length: count }, (_, i) => `"m${i}"`).join(',')}]`;
    if (kind === 'MANYOBJ') return `{${Array.from({ length: count }, (_, i) => `"x-h${i}":"v${i}"`).join(',')}}`;
    return JSON.stringify('a'.repeat(count));
  });
}

// ---------------------------------------------------------------------------------------------
// Values of the inference keys

const CLEAN_METADATA = ['{"team":"eng"}', '{"tenant":"acme","team":"engineering","env":"prod"}', '{}', '{"_user":"dev@acme.com"}'];

/** x-portkey-metadata values: valid objects, wrong value types, near-JSON, arbitrary text. */
export const metadataText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...CLEAN_METADATA), weight: 2 },
  {
    arbitrary: fc
      .dictionary(
        fc.oneof(fc.constantFrom('team', 'Team', 'env', 'ENV', 'tenant', '__proto__', 'constructor'), weirdString),
        fc.oneof({ arbitrary: fc.constantFrom('eng', 'prod', 'dev', 'x'.repeat(129), 'y'.repeat(128)), weight: 3 }, { arbitrary: jsonValue, weight: 1 }),
        { maxKeys: 5 },
      )
      .map((o) => JSON.stringify(o)),
    weight: 3,
  },
  { arbitrary: fc.tuple(fc.constantFrom(...CLEAN_METADATA), textMutation()).map(([t, m]) => applyTextMutation(t, m)), weight: 2 },
  { arbitrary: weirdString, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), weight: 1 },
);

/** Header names: the usual, credentials, other casings, invalid tokens. */
export const headerName: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'x-portkey-metadata',
      'X-Portkey-Metadata',
      'x-portkey-config',
      'x-portkey-provider',
      'Authorization',
      'x-api-key',
      'X-PORTKEY-API-KEY',
      'proxy-authorization',
      'bad name',
      'x-a:b',
      ' x-pad ',
      'x-\u00e9',
    ),
    weight: 3,
  },
  { arbitrary: fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/), weight: 2 },
  { arbitrary: weirdString, weight: 2 },
);

const headerValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: metadataText, weight: 3 },
  { arbitrary: weirdString, weight: 2 },
  { arbitrary: jsonValue, weight: 1 },
  { arbitrary: fc.constant(TEST_KEY), weight: 1 },
);

/** `inferenceCustomHeaders` in its native form (an object), or not quite. */
export const customHeadersNative: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.dictionary(headerName, headerValue, { maxKeys: 5 }), weight: 4 },
  { arbitrary: fc.constant({ 'x-portkey-metadata': { team: 'eng' } }), weight: 1 },
  { arbitrary: jsonValue, weight: 1 },
);

/** `inferenceGatewayHeaders` in its native form (an array of "Name: Value"), or not quite. */
export const gatewayHeadersNative: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.array(
      fc.oneof(
        {
          arbitrary: fc.tuple(headerName, fc.constantFrom(':', ': ', ' : ', '::'), fc.oneof(metadataText, weirdString)).map(([n, c, v]) => `${n}${c}${v}`),
          weight: 4,
        },
        { arbitrary: weirdString, weight: 1 },
        { arbitrary: jsonValue, weight: 1 },
      ),
      { maxLength: 5 },
    ),
    weight: 4,
  },
  { arbitrary: jsonValue, weight: 1 },
);

const modelName = fc.constantFrom('claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', ' claude-sonnet-4-5', '', '@anthropic/claude');

export const modelsNative: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.array(
      fc.oneof(
        { arbitrary: modelName, weight: 3 },
        { arbitrary: fc.record({ name: fc.oneof(modelName, jsonValue), supports1m: fc.oneof(fc.boolean(), jsonValue) }, { requiredKeys: [] }), weight: 2 },
        { arbitrary: jsonValue, weight: 1 },
      ),
      { maxLength: 6 },
    ),
    weight: 4,
  },
  { arbitrary: jsonValue, weight: 1 },
);

/** Native or, as in managed settings, JSON-encoded (possibly broken) in a string. */
export function encodedOrNative(native: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: native, weight: 3 },
    { arbitrary: native.map((v) => JSON.stringify(v) ?? 'undefined'), weight: 2 },
    { arbitrary: fc.tuple(native, textMutation()).map(([v, m]) => applyTextMutation(JSON.stringify(v) ?? '', m)), weight: 1 },
  );
}

/** The API key: the distinctive test key as people mangle it, or another type holding it. */
export const apiKeyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      TEST_KEY,
      ` ${TEST_KEY}`,
      `${TEST_KEY}\n`,
      `Bearer ${TEST_KEY}`,
      `"${TEST_KEY}"`,
      `“${TEST_KEY}”`,
      `${TEST_KEY.slice(0, 10)} ${TEST_KEY.slice(10)}`,
      `${TEST_KEY.slice(0, 10)}\u200b${TEST_KEY.slice(10)}`,
      `sk-ant-${TEST_KEY}`,
      `sk-proj-${TEST_KEY.replace(/[^A-Za-z0-9]/g, '')}`,
      `sk-${TEST_KEY}`,
      `${TEST_KEY}\u0000`,
      `${TEST_KEY}\\`,
      '',
      '   ',
    ),
    weight: 5,
  },
  { arbitrary: fc.constantFrom([TEST_KEY], { key: TEST_KEY }, [[{ k: [TEST_KEY] }]], 42, null, true), weight: 1 },
  { arbitrary: jsonValue, weight: 1 },
);

export const baseUrlValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'https://api.portkey.ai',
      'https://api.portkey.ai/',
      'https://api.portkey.ai/v1',
      'https://API.PORTKEY.AI/v1/',
      'https://api.portkey.ai/gateway',
      'http://api.portkey.ai',
      'http://127.0.0.1:8787',
      'http://[::1]:8787/v1',
      'https://app.portkey.ai',
      'api.portkey.ai',
      'https://user:pw@api.portkey.ai',
      'https://api.portkey.ai?x=1',
      'https://api.portkey.ai#frag',
      ' https://api.portkey.ai',
      'https://api.portkey.ai\u200b',
      'https://gw.example.com/portkey',
      'ftp://gw.example.com',
      'javascript:alert(1)',
      'https://',
      'https://%zz',
      'https://[::1',
      'https://xn--nxasmq6b.example',
      '',
    ),
    weight: 4,
  },
  { arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }), weight: 2 },
  { arbitrary: fc.tuple(fc.webUrl(), weirdString).map(([u, s]) => u + s), weight: 1 },
  { arbitrary: jsonValue, weight: 1 },
);

export const providerValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom('gateway', ' gateway ', 'Gateway', 'bedrock', 'vertex', 'foundry', ''), weight: 4 },
  { arbitrary: jsonValue, weight: 1 },
);

export const authSchemeValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom('bearer', 'Bearer', ' bearer', 'x-api-key', 'X-API-KEY', 'sso', 'auto', 'basic', ''), weight: 4 },
  { arbitrary: jsonValue, weight: 1 },
);

/** A settings object: any subset of the inference keys, plus unrelated keys. */
export const settingsObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      {
        inferenceProvider: providerValue,
        inferenceGatewayBaseUrl: baseUrlValue,
        inferenceGatewayApiKey: apiKeyValue,
        inferenceGatewayAuthScheme: authSchemeValue,
        inferenceCustomHeaders: encodedOrNative(customHeadersNative),
        inferenceGatewayHeaders: encodedOrNative(gatewayHeadersNative),
        inferenceModels: encodedOrNative(modelsNative),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.oneof(weirdString, fc.constantFrom('deploymentMode', 'INFERENCEPROVIDER', 'inferenceprovider')), jsonValue, { maxKeys: 3 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** The keys the app reads: the project's own list, so the fuzzer follows it when it grows. */
export const INFERENCE_KEY_NAMES = INFERENCE_KEYS;

/** Settings objects with one huge, long or deeply nested value (in an inference key or another). */
export const settingsObjectWithBig: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(settingsObject, fc.constantFrom(...INFERENCE_KEY_NAMES, 'someOtherKey'), bigValue)
  .map(([obj, key, big]) => ({ ...obj, [key]: big }));

// ---------------------------------------------------------------------------------------------
// Text and byte mutations

export type TextMutation =
  | { kind: 'none' }
  | { kind: 'bom' }
  | { kind: 'trailing-comma'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; snippet: string }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'requote'; at: number; quote: string };

export function textMutation(): fc.Arbitrary<TextMutation> {
  return fc.oneof(
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 6 },
    { arbitrary: fc.constant({ kind: 'bom' as const }), weight: 1 },
    { arbitrary: fc.nat().map((at) => ({ kind: 'trailing-comma' as const, at })), weight: 1 },
    { arbitrary: fc.nat().map((at) => ({ kind: 'truncate' as const, at })), weight: 1 },
    {
      arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), snippet: fc.oneof(fc.constantFrom(...SNIPPETS), weirdString) }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('requote' as const), at: fc.nat(), quote: fc.constantFrom("'", '“', '”', '`') }), weight: 1 },
  );
}

export function applyTextMutation(text: string, m: TextMutation): string {
  const pos = (at: number) => (text.length === 0 ? 0 : at % (text.length + 1));
  switch (m.kind) {
    case 'none':
      return text;
    case 'bom':
      return `\ufeff${text}`;
    case 'trailing-comma': {
      const closers = [...text.matchAll(/[}\]]/g)].map((x) => x.index);
      if (closers.length === 0) return `${text},`;
      const i = closers[m.at % closers.length]!;
      return `${text.slice(0, i)},${text.slice(i)}`;
    }
    case 'truncate':
      return text.slice(0, text.length === 0 ? 0 : m.at % text.length);
    case 'insert': {
      const i = pos(m.at);
      return text.slice(0, i) + m.snippet + text.slice(i);
    }
    case 'delete': {
      const i = pos(m.at);
      return text.slice(0, i) + text.slice(i + m.count);
    }
    case 'requote': {
      const quotes = [...text.matchAll(/"/g)].map((x) => x.index);
      if (quotes.length === 0) return text;
      const i = quotes[m.at % quotes.length]!;
      return text.slice(0, i) + m.quote + text.slice(i + 1);
    }
  }
}

export type ByteMutation =
  | { kind: 'utf8' }
  | { kind: 'invalid-utf8'; at: number; bytes: number[] }
  | { kind: 'utf16le' | 'utf16be'; bom: boolean }
  | { kind: 'random'; bytes: Uint8Array };

const BAD_BYTES = [[0xff], [0xfe], [0xc3], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf], [0x00], [0x00, 0x00]];

export function byteMutation(): fc.Arbitrary<ByteMutation> {
  return fc.oneof(
    { arbitrary: fc.constant({ kind: 'utf8' as const }), weight: 12 },
    { arbitrary: fc.record({ kind: fc.constant('invalid-utf8' as const), at: fc.nat(), bytes: fc.constantFrom(...BAD_BYTES) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constantFrom('utf16le' as const, 'utf16be' as const), bom: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 64 }) }), weight: 1 },
  );
}

export function applyByteMutation(text: string, m: ByteMutation): Buffer {
  switch (m.kind) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'invalid-utf8': {
      const bytes = Buffer.from(text, 'utf8');
      const i = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(m.bytes), bytes.subarray(i)]);
    }
    case 'utf16le':
    case 'utf16be': {
      const le = Buffer.from(text, 'utf16le');
      const body = m.kind === 'utf16le' ? le : le.swap16();
      const bom = m.kind === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff];
      return m.bom ? Buffer.concat([Buffer.from(bom), body]) : body;
    }
    case 'random':
      return Buffer.from(m.bytes);
  }
}

/** JSON text as a file's bytes: serialized, then (one time in three) mutated as text and as bytes. */
export const jsonFileOf = (value: fc.Arbitrary<unknown>) =>
  fc.record({
    value,
    indent: fc.constantFrom(0, 2, '\t'),
    text: fc.oneof({ arbitrary: fc.constant<TextMutation>({ kind: 'none' }), weight: 2 }, { arbitrary: textMutation(), weight: 1 }),
    bytes: fc.oneof({ arbitrary: fc.constant<ByteMutation>({ kind: 'utf8' }), weight: 3 }, { arbitrary: byteMutation(), weight: 1 }),
  });

export type JsonFileSpec = { value: unknown; indent: number | string; text: TextMutation; bytes: ByteMutation };

export function renderJsonFile(spec: JsonFileSpec): Buffer {
  return applyByteMutation(applyTextMutation(toJsonText(spec.value, spec.indent), spec.text), spec.bytes);
}

// ---------------------------------------------------------------------------------------------
// Policies

const nonEmpty = fc.oneof(
  fc.constantFrom(
    'team',
    'env',
    'Team',
    'tenant',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'https://api.portkey.ai',
    'anthropic',
    'claude-sonnet-4-5',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** A policy valid per schema/policy.schema.json (latency order not guaranteed). */
export const validPolicyObject: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    $schema: fc.constantFrom('./policy.schema.json', 'https://example.com/policy.schema.json'),
    gateway: fc.record({ allowedBaseUrls: fc.array(nonEmpty, { minLength: 1, maxLength: 3 }), caFile: nonEmpty }, { requiredKeys: [] }),
    metadata: fc.record(
      {
        requiredKeys: fc.array(nonEmpty, { maxLength: 4 }),
        allowedValues: fc.dictionary(nonEmpty, fc.array(fc.oneof(nonEmpty, fc.constant('')), { minLength: 1, maxLength: 3 }), { maxKeys: 3 }),
      },
      { requiredKeys: [] },
    ),
    routing: fc.record({ expectedProviders: fc.array(nonEmpty, { maxLength: 3 }), expectedModels: fc.array(nonEmpty, { maxLength: 3 }) }, { requiredKeys: [] }),
    latency: fc.record(
      {
        warnMs: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.001, max: 1e6, noNaN: true })),
        failMs: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0.001, max: 1e6, noNaN: true })),
        samples: fc.integer({ min: 1, max: 50 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

/** A structural change that may make a policy invalid: a value replaced, a key added or removed. */
export type PolicyEdit = { path: string[]; op: 'set'; value: unknown } | { path: string[]; op: 'delete' };

const POLICY_PATHS: string[][] = [
  [],
  ['gateway'],
  ['gateway', 'allowedBaseUrls'],
  ['gateway', 'allowedBaseUrls', '0'],
  ['gateway', 'caFile'],
  ['gateway', 'unknownKey'],
  ['metadata'],
  ['metadata', 'requiredKeys'],
  ['metadata', 'requiredKeys', '0'],
  ['metadata', 'allowedValues'],
  ['metadata', 'allowedValues', 'env'],
  ['metadata', 'allowedValues', 'env', '0'],
  ['routing', 'expectedModels'],
  ['latency', 'warnMs'],
  ['latency', 'failMs'],
  ['latency', 'samples'],
  ['latency', 'p95'],
  ['$schema'],
  ['typo'],
  ['metadata', 'requiredkeys'],
];

export const policyEdit: fc.Arbitrary<PolicyEdit> = fc.oneof(
  fc.record({
    path: fc.constantFrom(...POLICY_PATHS),
    op: fc.constant('set' as const),
    value: fc.oneof(jsonValue, fc.constantFrom(0, -1, 1.5, '', [], {}, [''], null)),
  }),
  fc.record({ path: fc.constantFrom(...POLICY_PATHS), op: fc.constant('delete' as const) }),
);

export function applyPolicyEdit(policy: Record<string, unknown>, edit: PolicyEdit): unknown {
  if (edit.path.length === 0) return edit.op === 'set' ? edit.value : {};
  const copy = structuredClone(policy) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const seg of edit.path.slice(0, -1)) {
    const next = node[seg];
    if (next === null || typeof next !== 'object') node[seg] = {};
    node = node[seg] as Record<string, unknown>;
  }
  const last = edit.path.at(-1)!;
  if (edit.op === 'set') node[last] = edit.value;
  else delete node[last];
  return copy;
}
