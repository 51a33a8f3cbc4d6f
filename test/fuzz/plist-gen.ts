/**
 * Plist generators for the managed-settings target: a small plist value model, its XML and
 * binary (bplist00) encodings, and the ways such files go wrong: malformed XML, entity tricks,
 * huge and deep documents, OpenStep text, damaged binary trailers, object graphs that share or
 * cycle references.
 */
import fc from 'fast-check';
import {
  applyTextMutation,
  customHeadersNative,
  gatewayHeadersNative,
  INFERENCE_KEY_NAMES,
  jsonValue,
  modelsNative,
  settingsObject,
  textMutation,
  weirdString,
  type TextMutation,
} from './arbitraries.js';

/** A plist value. */
export type PV =
  | { t: 'string'; v: string }
  | { t: 'integer'; v: string }
  | { t: 'real'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'date'; v: string }
  | { t: 'data'; v: Uint8Array }
  | { t: 'array'; items: PV[] }
  | { t: 'dict'; entries: [string, PV][] };

/** A JS value as a plist value (numbers as integer or real, null as <null/>). */
export function fromJs(value: unknown, depth = 0): PV {
  if (typeof value === 'string') return { t: 'string', v: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { t: 'integer', v: String(value) } : { t: 'real', v: String(value) };
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (value === null || value === undefined || depth > 20) return { t: 'null' };
  if (value instanceof Uint8Array) return { t: 'data', v: value };
  if (Array.isArray(value)) return { t: 'array', items: value.map((v: unknown) => fromJs(v, depth + 1)) };
  return { t: 'dict', entries: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJs(v, depth + 1)]) };
}

/** Odd scalar plist values: every type, and contents the parsers may not expect. */
export const oddScalar: fc.Arbitrary<PV> = fc.oneof(
  fc.record({
    t: fc.constant('integer' as const),
    v: fc.oneof(fc.bigInt().map(String), fc.constantFrom('', '-', '1e3', '0x10', ' 7 ', '99999999999999999999999', 'NaN')),
  }),
  fc.record({ t: fc.constant('real' as const), v: fc.oneof(fc.double().map(String), fc.constantFrom('', 'inf', '-0', '1e400', 'x')) }),
  fc.record({ t: fc.constant('date' as const), v: fc.oneof(fc.constantFrom('2024-01-01T00:00:00Z', '', 'yesterday', '9999-99-99T99:99:99Z'), weirdString) }),
  fc.record({ t: fc.constant('data' as const), v: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ t: fc.constant('bool' as const), v: fc.boolean() }),
  fc.constant<PV>({ t: 'null' }),
);

/** How a managed value is stored: the JSON-encoded string the app wants, the native value, or another type. */
function managedValue(native: fc.Arbitrary<unknown>): fc.Arbitrary<PV> {
  return fc.oneof(
    { arbitrary: native.map((v) => ({ t: 'string' as const, v: typeof v === 'string' ? v : (JSON.stringify(v) ?? '') })), weight: 4 },
    { arbitrary: fc.tuple(native, textMutation()).map(([v, m]) => ({ t: 'string' as const, v: applyTextMutation(JSON.stringify(v) ?? '', m) })), weight: 1 },
    { arbitrary: native.map((v) => fromJs(v)), weight: 2 },
    { arbitrary: oddScalar, weight: 1 },
  );
}

/** A managed-preferences dict: inference keys in every representation, other keys, odd keys. */
export const managedDict: fc.Arbitrary<PV> = fc
  .tuple(
    settingsObject,
    fc.record(
      {
        inferenceCustomHeaders: managedValue(customHeadersNative),
        inferenceGatewayHeaders: managedValue(gatewayHeadersNative),
        inferenceModels: managedValue(modelsNative),
      },
      { requiredKeys: [] },
    ),
    fc.array(
      fc.tuple(
        fc.oneof(weirdString, fc.constantFrom(...INFERENCE_KEY_NAMES, '__proto__', 'constructor', '')),
        fc.oneof(
          oddScalar,
          jsonValue.map((v) => fromJs(v)),
        ),
      ),
      { maxLength: 3 },
    ),
    fc.boolean(),
  )
  .map(([settings, encoded, extra, extraFirst]) => {
    const entries: [string, PV][] = Object.entries(settings).map(([k, v]) => [k, typeof v === 'string' ? { t: 'string', v } : fromJs(v)]);
    for (const [k, v] of Object.entries(encoded)) entries.push([k, v]);
    return { t: 'dict' as const, entries: extraFirst ? [...extra, ...entries] : [...entries, ...extra] };
  });

// ---------------------------------------------------------------------------------------------
// XML

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface XmlStyle {
  cdata: boolean;
  indent: string;
  header: 'full' | 'no-doctype' | 'bare';
  comment: boolean;
}

export const xmlStyle: fc.Arbitrary<XmlStyle> = fc.record({
  cdata: fc.boolean(),
  indent: fc.constantFrom('', '  ', '\t', '\n'),
  header: fc.constantFrom('full', 'full', 'no-doctype', 'bare'),
  comment: fc.boolean(),
});

export function toXml(value: PV, style: XmlStyle): string {
  const nl = style.indent === '' ? '' : '\n';
  const out: string[] = [];
  const str = (s: string) => (style.cdata && !s.includes(']]>') ? `<![CDATA[${s}]]>` : xmlEscape(s));
  const walk = (v: PV, depth: number): void => {
    const pad = style.indent === '\n' ? '' : style.indent.repeat(depth);
    switch (v.t) {
      case 'string':
        out.push(`${pad}<string>${str(v.v)}</string>${nl}`);
        return;
      case 'integer':
      case 'real':
      case 'date':
        out.push(`${pad}<${v.t}>${xmlEscape(v.v)}</${v.t}>${nl}`);
        return;
      case 'bool':
        out.push(`${pad}<${v.v}/>${nl}`);
        return;
      case 'null':
        out.push(`${pad}<null/>${nl}`);
        return;
      case 'data':
        out.push(`${pad}<data>${Buffer.from(v.v).toString('base64')}</data>${nl}`);
        return;
      case 'array':
        out.push(`${pad}<array>${nl}`);
        for (const item of v.items) walk(item, depth + 1);
        out.push(`${pad}</array>${nl}`);
        return;
      case 'dict':
        out.push(`${pad}<dict>${nl}`);
        if (style.comment) out.push(`${pad}<!-- managed by IT & co -->${nl}`);
        for (const [k, item] of v.entries) {
          out.push(`${pad}${style.indent}<key>${str(k)}</key>${nl}`);
          walk(item, depth + 1);
        }
        out.push(`${pad}</dict>${nl}`);
        return;
    }
  };
  walk(value, 1);
  const head =
    style.header === 'full'
      ? '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
      : style.header === 'no-doctype'
        ? '<?xml version="1.0" encoding="UTF-8"?>\n'
        : '';
  return `${head}<plist version="1.0">${nl}${out.join('')}</plist>${nl}`;
}

const XML_SNIPPETS = [
  '&',
  '&amp',
  '&lol;',
  '&#0;',
  '&#x110000;',
  '&#xD800;',
  '<',
  '>',
  '</dict>',
  '<dict>',
  '</plist>',
  '<key>inferenceProvider</key>',
  '<key>__proto__</key><dict/>',
  '<string>',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '<unknown/>',
  '\u0000',
  '\ufeff',
  '"',
];

export const xmlMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { arbitrary: fc.constant<TextMutation>({ kind: 'none' }), weight: 4 },
  { arbitrary: textMutation(), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), snippet: fc.constantFrom(...XML_SNIPPETS) }), weight: 3 },
);

/** Whole documents built around entity tricks. */
export function entityDocument(kind: number, key: string): string {
  const doc = (dtd: string, value: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist [${dtd}]>\n<plist version="1.0"><dict><key>${key}</key><string>${value}</string></dict></plist>\n`;
  switch (kind % 8) {
    case 0: {
      // Billion laughs.
      const ents = ['<!ENTITY lol "lol">'];
      for (let i = 1; i <= 9; i++) ents.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
      return doc(ents.join(''), '&lol9;');
    }
    case 1:
      return doc('<!ENTITY xxe SYSTEM "file:///etc/passwd">', '&xxe;');
    case 2:
      return doc('<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;', 'x');
    case 3:
      return doc('<!ENTITY gw "gateway">', '&gw;');
    case 4:
      return doc('', '&#x67;&#97;teway&#0;&#xFFFF;');
    case 5:
      return doc('<!ENTITY a "&b;"><!ENTITY b "&a;">', '&a;');
    case 6:
      return doc('<!ELEMENT plist ANY>', '&undefined;');
    default:
      return doc('', '&amp;&lt;&gt;&quot;&apos;');
  }
}

/** OpenStep ("old-style") plist text, which the `plist` package also parses. */
export const openStepText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom(...INFERENCE_KEY_NAMES, 'x', '"q"'),
        fc.constantFrom('gateway', '"https://api.portkey.ai"', '( a, b )', '{ a = b; }', '<0fbd77>', '"\\U00e9"', '"unterminated', ''),
      ),
      { maxLength: 5 },
    ),
    textMutation(),
  )
  .map(([pairs, m]) => applyTextMutation(`{ ${pairs.map(([k, v]) => `${k} = ${v};`).join(' ')} }`, m));

// ---------------------------------------------------------------------------------------------
// Binary

/** An object of a binary plist: a leaf (its encoded bytes) or a container (references). */
export type BObj = { kind: 'leaf'; bytes: Buffer } | { kind: 'array'; refs: number[] } | { kind: 'dict'; keys: number[]; values: number[] };

function lengthMarker(type: number, n: number): Buffer {
  if (n < 15) return Buffer.from([(type << 4) | n]);
  if (n < 256) return Buffer.from([(type << 4) | 0xf, 0x10, n]);
  if (n < 65536) return Buffer.from([(type << 4) | 0xf, 0x11, n >> 8, n & 0xff]);
  const b = Buffer.alloc(6);
  b[0] = (type << 4) | 0xf;
  b[1] = 0x12;
  b.writeUInt32BE(n, 2);
  return b;
}

function leafOf(v: PV): Buffer {
  switch (v.t) {
    case 'null':
      return Buffer.from([0x00]);
    case 'bool':
      return Buffer.from([v.v ? 0x09 : 0x08]);
    case 'integer': {
      const n = BigInt.asIntN(64, /^-?\d+$/.test(v.v.trim()) ? BigInt(v.v.trim()) : 0n);
      const b = Buffer.alloc(9);
      b[0] = 0x13;
      b.writeBigInt64BE(n, 1);
      return b;
    }
    case 'real': {
      const b = Buffer.alloc(9);
      b[0] = 0x23;
      b.writeDoubleBE(Number(v.v), 1);
      return b;
    }
    case 'date': {
      const b = Buffer.alloc(9);
      b[0] = 0x33;
      b.writeDoubleBE((Date.parse(v.v) - 978307200000) / 1000 || 0, 1);
      return b;
    }
    case 'data':
      return Buffer.concat([lengthMarker(0x4, v.v.length), Buffer.from(v.v)]);
    case 'string': {
      if (/^[\x00-\x7f]*$/.test(v.v)) return Buffer.concat([lengthMarker(0x5, v.v.length), Buffer.from(v.v, 'latin1')]);
      const le = Buffer.from(v.v, 'utf16le');
      return Buffer.concat([lengthMarker(0x6, le.length / 2), le.swap16()]);
    }
    default:
      throw new Error(`not a leaf: ${v.t}`);
  }
}

/** Flattens a plist value into binary-plist objects; the top object is index 0. */
export function flatten(value: PV): BObj[] {
  const objs: BObj[] = [];
  const add = (v: PV): number => {
    const i = objs.length;
    if (v.t === 'array') {
      const obj: BObj = { kind: 'array', refs: [] };
      objs.push(obj);
      obj.refs = v.items.map(add);
    } else if (v.t === 'dict') {
      const obj: BObj = { kind: 'dict', keys: [], values: [] };
      objs.push(obj);
      for (const [k, item] of v.entries) {
        obj.keys.push(add({ t: 'string', v: k }));
        obj.values.push(add(item));
      }
    } else {
      objs.push({ kind: 'leaf', bytes: leafOf(v) });
    }
    return i;
  };
  add(value);
  return objs;
}

export interface TrailerTweak {
  offsetSize?: number;
  refSize?: number;
  numObjects?: number;
  top?: number;
  tableOffset?: number;
}

function uintBE(n: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  let x = BigInt(Math.max(0, Math.floor(n)));
  for (let i = size - 1; i >= 0; i--) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
}

/** Encodes binary-plist objects (`bplist00`), with optional trailer overrides. */
export function encodeBinary(objs: BObj[], top = 0, tweak: TrailerTweak = {}): Buffer {
  const refSize = objs.length < 256 ? 1 : objs.length < 65536 ? 2 : 4;
  const parts: Buffer[] = [Buffer.from('bplist00', 'latin1')];
  let size = 8;
  const offsets: number[] = [];
  const refs = (list: number[]) => Buffer.concat(list.map((r) => uintBE(r, refSize)));
  for (const o of objs) {
    offsets.push(size);
    const bytes =
      o.kind === 'leaf'
        ? o.bytes
        : o.kind === 'array'
          ? Buffer.concat([lengthMarker(0xa, o.refs.length), refs(o.refs)])
          : Buffer.concat([lengthMarker(0xd, o.keys.length), refs(o.keys), refs(o.values)]);
    parts.push(bytes);
    size += bytes.length;
  }
  const offsetSize = size < 256 ? 1 : size < 65536 ? 2 : 4;
  const tableOffset = size;
  parts.push(Buffer.concat(offsets.map((o) => uintBE(o, offsetSize))));
  const trailer = Buffer.alloc(32);
  trailer[6] = tweak.offsetSize ?? offsetSize;
  trailer[7] = tweak.refSize ?? refSize;
  uintBE(tweak.numObjects ?? objs.length, 8).copy(trailer, 8);
  uintBE(tweak.top ?? top, 8).copy(trailer, 16);
  uintBE(tweak.tableOffset ?? tableOffset, 8).copy(trailer, 24);
  parts.push(trailer);
  return Buffer.concat(parts);
}

/** Object graphs no encoder of a tree produces: layered sharing (exponential expansion), cycles, random references. */
export const graphPlist: fc.Arbitrary<{ kind: string; bytes: Buffer }> = fc.oneof(
  fc.record({ layers: fc.integer({ min: 1, max: 60 }), width: fc.integer({ min: 2, max: 4 }) }).map(({ layers, width }) => {
    // dict {inferenceModels: a0}; a_i = [a_{i+1} × width]; last = "x". Expands to width^layers nodes.
    const objs: BObj[] = [
      { kind: 'dict', keys: [1], values: [2] },
      { kind: 'leaf', bytes: leafOf({ t: 'string', v: 'inferenceModels' }) },
    ];
    for (let i = 0; i < layers; i++) objs.push({ kind: 'array', refs: Array(width).fill(objs.length + 1) });
    objs.push({ kind: 'leaf', bytes: leafOf({ t: 'string', v: 'x' }) });
    return { kind: `dag ${layers}x${width}`, bytes: encodeBinary(objs) };
  }),
  fc.integer({ min: 1, max: 5 }).map((n) => {
    // A cycle of n containers under the top dict.
    const objs: BObj[] = [
      { kind: 'dict', keys: [1], values: [2] },
      { kind: 'leaf', bytes: leafOf({ t: 'string', v: 'inferenceCustomHeaders' }) },
    ];
    for (let i = 0; i < n; i++) objs.push({ kind: 'array', refs: [i === n - 1 ? 2 : objs.length + 1] });
    return { kind: `cycle ${n}`, bytes: encodeBinary(objs) };
  }),
  fc.constant(0).map(() => ({ kind: 'self-top', bytes: encodeBinary([{ kind: 'array', refs: [0] }]) })),
  fc
    .array(
      fc.oneof(
        fc.array(fc.nat(12), { maxLength: 4 }).map((refs): BObj => ({ kind: 'array', refs })),
        fc
          .array(fc.tuple(fc.nat(12), fc.nat(12)), { maxLength: 3 })
          .map((kv): BObj => ({ kind: 'dict', keys: kv.map((x) => x[0]), values: kv.map((x) => x[1]) })),
        oddScalar.map((v): BObj => ({ kind: 'leaf', bytes: leafOf(v) })),
        weirdString.map((v): BObj => ({ kind: 'leaf', bytes: leafOf({ t: 'string', v }) })),
      ),
      { minLength: 1, maxLength: 12 },
    )
    .map((objs) => ({ kind: 'random graph', bytes: encodeBinary(objs) })),
);

export const trailerTweak: fc.Arbitrary<TrailerTweak> = fc.record(
  {
    offsetSize: fc.constantFrom(0, 1, 3, 8, 255),
    refSize: fc.constantFrom(0, 1, 3, 8, 255),
    numObjects: fc.constantFrom(0, 1, 32768, 32769, 0xffffffff, 2 ** 40),
    top: fc.constantFrom(0, 1, 7, 0xffffffff),
    tableOffset: fc.constantFrom(0, 8, 0xfffffff0, 2 ** 40),
  },
  { requiredKeys: [] },
);

/** A container of absurd length whose references the parser would read past the end of the file. */
export function hugeContainer(length: number, refSize: number): Buffer {
  const objs: BObj[] = [
    { kind: 'leaf', bytes: Buffer.from([0x09]) },
    { kind: 'leaf', bytes: lengthMarker(0xa, length) },
  ];
  return encodeBinary(objs, 1, { refSize });
}
