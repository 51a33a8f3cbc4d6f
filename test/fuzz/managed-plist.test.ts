/**
 * Target 2: generated managed-preferences plists given as `--managed FILE` (XML with every value
 * type, malformed XML, entity tricks, OpenStep text, binary plists intact and damaged, object
 * graphs that share or cycle references, random blobs behind the `bplist00` magic), sometimes
 * shadowing a local profile → discovery → the settings checks → the reports. Same properties as
 * the settings-files target.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PROFILE, writeProfile } from '../cli/run-cli.js';
import {
  applyByteMutation,
  applyTextMutation,
  byteMutation,
  countArb,
  depthArb,
  hugeArb,
  INFERENCE_KEY_NAMES,
  type ByteMutation,
  type TextMutation,
} from './arbitraries.js';
import {
  encodeBinary,
  entityDocument,
  flatten,
  graphPlist,
  hugeContainer,
  managedDict,
  openStepText,
  toXml,
  trailerTweak,
  xmlMutation,
  xmlStyle,
  type BObj,
  type PV,
  type TrailerTweak,
  type XmlStyle,
} from './plist-gen.js';
import { brief, expectNoLeak, expectSoundResults, params, printable, runSettings, TempRoot, testTimeout, Watchdog, withDeadline } from './support.js';

/** A managed file, described so that it can be printed and rebuilt. */
type PlistCase =
  | { kind: 'xml'; value: PV; style: XmlStyle; text: TextMutation; bytes: ByteMutation }
  | { kind: 'entity'; n: number; key: string }
  | { kind: 'openstep'; text: string; bom: boolean }
  | { kind: 'binary'; value: PV; tweak: TrailerTweak; flips: [number, number][]; cut: number | null; bom: boolean }
  | { kind: 'graph'; graph: { kind: string; bytes: Buffer }; bom: boolean }
  | { kind: 'blob'; magic: string; bytes: Uint8Array };

const xmlCase = fc.record({
  kind: fc.constant('xml' as const),
  value: managedDict,
  style: xmlStyle,
  text: xmlMutation,
  bytes: fc.oneof({ arbitrary: fc.constant<ByteMutation>({ kind: 'utf8' }), weight: 4 }, { arbitrary: byteMutation(), weight: 1 }),
});

const binaryCase = fc.record({
  kind: fc.constant('binary' as const),
  value: managedDict,
  tweak: fc.oneof({ arbitrary: fc.constant({}), weight: 3 }, { arbitrary: trailerTweak, weight: 1 }),
  flips: fc.oneof(
    { arbitrary: fc.constant<[number, number][]>([]), weight: 3 },
    { arbitrary: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), weight: 1 },
  ),
  cut: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.nat(), weight: 1 }),
  bom: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
});

const plistCase: fc.Arbitrary<PlistCase> = fc.oneof(
  { arbitrary: xmlCase, weight: 10 },
  { arbitrary: binaryCase, weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('entity' as const), n: fc.nat(7), key: fc.constantFrom(...INFERENCE_KEY_NAMES) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('openstep' as const), text: openStepText, bom: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('graph' as const), graph: graphPlist, bom: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('blob' as const),
      magic: fc.constantFrom('bplist00', 'bplist', 'bplist01', 'bplist00bplist00'),
      bytes: fc.uint8Array({ maxLength: 200 }),
    }),
    weight: 2,
  },
);

function render(c: PlistCase): Buffer {
  switch (c.kind) {
    case 'xml':
      return applyByteMutation(applyTextMutation(toXml(c.value, c.style), c.text), c.bytes);
    case 'entity':
      return Buffer.from(entityDocument(c.n, c.key));
    case 'openstep':
      return Buffer.from(`${c.bom ? '\ufeff' : ''}${c.text}`);
    case 'binary': {
      let bytes = encodeBinary(flatten(c.value), 0, c.tweak);
      for (const [at, byte] of c.flips) bytes[at % bytes.length] = byte;
      if (c.cut !== null) bytes = bytes.subarray(0, c.cut % (bytes.length + 1));
      return c.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
    }
    case 'graph':
      // Behind a UTF-8 BOM, the `plist` package (not bplist-parser) would take the bytes as binary.
      return c.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), c.graph.bytes]) : c.graph.bytes;
    case 'blob':
      return Buffer.concat([Buffer.from(c.magic, 'latin1'), Buffer.from(c.bytes)]);
  }
}

/** Huge, long and deep plists (XML and binary), and containers that claim absurd lengths. */
type BigCase =
  | {
      kind: 'xml-huge-string' | 'xml-huge-data' | 'xml-many-keys' | 'xml-deep' | 'xml-deep-json-string' | 'binary-huge-string' | 'binary-deep' | 'binary-many';
      n: number;
      key: string;
    }
  | { kind: 'binary-huge-container'; n: number; refSize: number };

const bigCase: fc.Arbitrary<BigCase> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('xml-huge-string' as const, 'xml-huge-data' as const, 'binary-huge-string' as const),
    n: hugeArb,
    key: fc.constantFrom(...INFERENCE_KEY_NAMES),
  }),
  fc.record({
    kind: fc.constantFrom('xml-deep' as const, 'xml-deep-json-string' as const, 'binary-deep' as const),
    n: depthArb,
    key: fc.constantFrom(...INFERENCE_KEY_NAMES),
  }),
  fc.record({ kind: fc.constantFrom('xml-many-keys' as const, 'binary-many' as const), n: countArb, key: fc.constantFrom(...INFERENCE_KEY_NAMES) }),
  fc.record({ kind: fc.constant('binary-huge-container' as const), n: fc.constantFrom(1_000_000, 99_999_999, 0x7fffffff), refSize: fc.constantFrom(0, 1, 2) }),
);

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>';
const XML_TAIL = '</dict></plist>\n';

function renderBig(c: BigCase): Buffer {
  switch (c.kind) {
    case 'xml-huge-string':
      return Buffer.from(`${XML_HEAD}<key>${c.key}</key><string>${'a'.repeat(c.n)}</string>${XML_TAIL}`);
    case 'xml-huge-data':
      return Buffer.from(`${XML_HEAD}<key>${c.key}</key><data>${Buffer.alloc(c.n, 7).toString('base64')}</data>${XML_TAIL}`);
    case 'xml-many-keys': {
      const entries = Array.from({ length: c.n }, (_, i) => `<key>k${i}</key><string>v${i}</string>`).join('');
      return Buffer.from(`${XML_HEAD}<key>${c.key}</key><dict>${entries}</dict>${XML_TAIL}`);
    }
    case 'xml-deep':
      return Buffer.from(`${XML_HEAD}<key>${c.key}</key>${'<array>'.repeat(c.n)}${'</array>'.repeat(c.n)}${XML_TAIL}`);
    case 'xml-deep-json-string': {
      // The managed form (a JSON-encoded string) of a deeply nested value, for headers: inside an object.
      const json = c.key === 'inferenceCustomHeaders' ? `{"x-portkey-metadata":${'['.repeat(c.n)}${']'.repeat(c.n)}}` : `${'['.repeat(c.n)}${']'.repeat(c.n)}`;
      return Buffer.from(`${XML_HEAD}<key>${c.key}</key><string>${json}</string>${XML_TAIL}`);
    }
    case 'binary-huge-string':
      return encodeBinary(flatten({ t: 'dict', entries: [[c.key, { t: 'string', v: 'b'.repeat(c.n) }]] }));
    case 'binary-many':
      return encodeBinary(
        flatten({ t: 'dict', entries: [[c.key, { t: 'array', items: Array.from({ length: c.n }, (_, i) => ({ t: 'string' as const, v: `m${i}` })) }]] }),
      );
    case 'binary-deep': {
      // {key: [[[…true…]]]}: a chain of nested arrays, each its own object (at most 32768 objects).
      const depth = Math.min(c.n, 32_000);
      const objs: BObj[] = [{ kind: 'dict', keys: [1], values: [2] }, ...flatten({ t: 'string', v: c.key })];
      for (let i = 0; i < depth; i++) objs.push({ kind: 'array', refs: [objs.length + 1] });
      objs.push({ kind: 'leaf', bytes: Buffer.from([0x09]) });
      return encodeBinary(objs);
    }
    case 'binary-huge-container':
      return hugeContainer(c.n, c.refSize);
  }
}

describe('fuzz: managed plists', () => {
  const temp = new TempRoot();
  const watchdog = new Watchdog();
  beforeAll(() => watchdog.start());
  /** A local profile that differs from any managed one, so shadowing is compared. */
  const shadowDir = writeProfile({ ...GOOD_PROFILE, inferenceModels: ['claude-haiku-4-5'] });
  afterAll(() => {
    watchdog.stop();
    temp.cleanup();
    rmSync(shadowDir, { recursive: true, force: true });
  });

  async function property(file: Buffer, label: string, shadow: boolean): Promise<void> {
    const root = temp.dir();
    try {
      const managedFile = join(root, 'com.anthropic.claudefordesktop.plist');
      writeFileSync(managedFile, file);
      mkdirSync(join(root, 'home'));
      const run = await withDeadline(watchdog, `plist ${label}`, () =>
        runSettings({ home: join(root, 'home'), managedFile, ...(shadow ? { claudeDir: shadowDir } : {}) }),
      );
      expectSoundResults(run.results);
      expectNoLeak(run);
      // A --managed FILE that cannot be read is in force, and never reported as fine.
      const managed = run.discovery.sources.find((s) => s.kind === 'managed-plist');
      expect(managed).toBeDefined();
      if (managed?.problem) {
        expect(run.discovery.inForce).toBe(managed);
        expect(run.results[0]!.status).toBe('fail');
      }
    } finally {
      temp.remove(root);
    }
  }

  it(
    'any managed plist: no crash, codes on every finding, within the deadline, no key in the output',
    async () => {
      await fc.assert(
        fc.asyncProperty(plistCase.map(printable), fc.boolean(), async (c, shadow) => {
          await property(render(c), `${c.kind} ${brief(c, 40)}`, shadow);
        }),
        params(1_200, 30_000),
      );
    },
    testTimeout(30_000),
  );

  it(
    'huge, long and deep plists, absurd container lengths: the same, within the deadline',
    async () => {
      await fc.assert(
        fc.asyncProperty(bigCase.map(printable), fc.boolean(), async (c, shadow) => {
          await property(renderBig(c), `${c.kind} ${brief(c)}`, shadow);
        }),
        params(30, 30_000),
      );
    },
    testTimeout(30_000),
  );
});
