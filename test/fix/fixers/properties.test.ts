/**
 * Property tests (fast-check) over generated profiles, on real files with the real settings
 * checks (harness.ts): fixing never makes any check's status worse, never writes a file that is
 * not strict JSON, never loses or alters a key it did not mean to change (nor reorders keys),
 * never puts the key into its words or the reports, and reaches a fixed point (a further fix
 * changes nothing).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskedDiff } from '../../../src/fix/display.js';
import type { FixEdit } from '../../../src/fix/fixer.js';
import type { Plan } from '../../../src/fix/plan.js';
import { documentPaths, fixOnce, type FixRun, makeLayout, read, statuses } from './harness.js';

/** Distinctive key: non-hex letters, so no fingerprint can contain a run of it by chance. */
const KEY = 'pk-PropertyKey-Wq7Zx2Vr9Ty4';
const KEY_RUN = KEY.slice(3, 15);

const baseUrl = fc.constantFrom<unknown>(
  'https://api.portkey.ai',
  'https://api.portkey.ai/v1',
  'https://api.portkey.ai/v1/',
  'https://api.portkey.ai/',
  ' https://api.portkey.ai\n',
  'https://api.portkey.ai\u200B',
  'https://app.portkey.ai/dashboard',
  'https://gw.example.test/portkey/v1',
  'http://gw.example.test',
  'https://user:pw@gw.example.test/v1',
  'not a url',
  42,
  '',
);
const apiKey = fc.constantFrom<unknown>(
  KEY,
  `Bearer ${KEY}`,
  ` ${KEY}\n`,
  `${KEY.slice(0, 9)}\n${KEY.slice(9)}`,
  `${KEY.slice(0, 9)} ${KEY.slice(9)}`,
  'Bearer ',
  7,
);
const scheme = fc.constantFrom<unknown>('bearer', 'x-api-key', ' X-API-KEY', 'sso', 'auto', 'nope', true);
const metadata = fc.constantFrom(
  '{"team":"eng"}',
  '{“team”:“eng”}',
  "{'team':'eng','n':3}",
  '{"team":"eng",}',
  "{'team':'o'neil'}",
  '{"team":null}',
  '{"n":1.50,"b":false}',
  `{"long":"${'z'.repeat(140)}"}`,
  '[1]',
  'team=eng',
);
const headersSetting = fc.oneof(
  fc.constant(undefined),
  metadata.map((m) => ({ key: 'inferenceCustomHeaders', value: { 'x-trace': 't', 'x-portkey-metadata': m } })),
  metadata.map((m) => ({ key: 'inferenceCustomHeaders', value: JSON.stringify({ 'x-portkey-metadata': m }) })),
  metadata.map((m) => ({ key: 'inferenceGatewayHeaders', value: [`x-portkey-metadata: ${m}`, 'x-trace: t'] })),
  metadata.map((m) => ({ key: 'inferenceGatewayHeaders', value: { 'x-portkey-metadata': m } })),
);
/**
 * Keys the app does not know, with any JSON value: they must come through untouched. Values as a
 * JSON file holds them (fc.jsonValue may give -0, which a file can only hold as 0: a generated -0
 * compared with the 0 read back failed the property with nothing changed).
 */
const unknownKeys = fc.dictionary(
  fc.constantFrom('zeta', 'myTool', 'notes', 'ccds_managed', 'inferenceGatewayBaseURLx', 'zzz'),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown),
  { maxKeys: 3 },
);
/** Some settings written with a near miss of their name instead. */
const misspell = fc.subarray(['inferenceGatewayBaseUrl', 'inferenceProvider', 'inferenceGatewayAuthScheme'], { maxLength: 2 });
const MISSPELT: Record<string, string> = {
  inferenceGatewayBaseUrl: 'inferenceGatewayBaseURL',
  inferenceProvider: 'inferenceProvder',
  inferenceGatewayAuthScheme: 'inferenceGatewayAuthSchema',
};

const profileCase = fc.record({
  baseUrl: fc.option(baseUrl, { nil: undefined }),
  apiKey: fc.option(apiKey, { nil: undefined }),
  scheme: fc.option(scheme, { nil: undefined }),
  provider: fc.constantFrom<unknown>('gateway', ' gateway', 'bedrock', undefined),
  headers: headersSetting,
  unknown: unknownKeys,
  misspell,
  unknownFirst: fc.boolean(),
  indent: fc.constantFrom<string | number>(2, 4, '\t'),
  appVersion: fc.constantFrom<string | undefined>(undefined, '1.5000.0', '1.9000.0'),
  upperId: fc.boolean(),
  developer: fc.constantFrom('{"allowDevTools": true}\n', '', '{"allowDevTools": tru', '\uFEFF{"allowDevTools": true}', '[1]'),
  desktopConfig: fc.constantFrom<string | undefined>(undefined, '{"deploymentMode": "1p", "keep": [1]}', '{"deploymentMode": "3p"}'),
  confirm: fc.boolean(),
  legacy: fc.boolean(),
});

type Case = typeof profileCase extends fc.Arbitrary<infer T> ? T : never;

function profileOf(c: Case): Record<string, unknown> {
  const known: [string, unknown][] = [];
  if (c.provider !== undefined) known.push(['inferenceProvider', c.provider]);
  if (c.baseUrl !== undefined) known.push(['inferenceGatewayBaseUrl', c.baseUrl]);
  if (c.apiKey !== undefined) known.push(['inferenceGatewayApiKey', c.apiKey]);
  if (c.scheme !== undefined) known.push(['inferenceGatewayAuthScheme', c.scheme]);
  if (c.headers) known.push([c.headers.key, c.headers.value]);
  const named = known.map(([k, v]): [string, unknown] => [c.misspell.includes(k) ? (MISSPELT[k] ?? k) : k, v]);
  const unknown = Object.entries(c.unknown);
  return Object.fromEntries(c.unknownFirst ? [...unknown, ...named] : [...named, ...unknown]);
}

const RANK: Record<string, number> = { ok: 0, skip: 1, warn: 2, fail: 3, error: 4 };

/** Top-level keys of the settings file the plan edits (by path), renames or removes. */
function touched(plan: Plan): { edited: Set<string>; renamed: Map<string, string>; removed: Set<string> } {
  const edited = new Set<string>();
  const renamed = new Map<string, string>();
  const removed = new Set<string>();
  for (const change of plan.changes) {
    for (const e of change.edits as FixEdit[]) {
      if (e.file !== 'settings' || !('path' in e)) continue;
      // Settings keys sit at the top, or under enterpriseConfig in the legacy file.
      const path = e.path[0] === 'enterpriseConfig' ? e.path.slice(1) : e.path;
      if (path.length === 0) continue;
      const top = String(path[0]);
      if (e.op === 'rename-key' && path.length === 1) renamed.set(top, e.to);
      else if (e.op === 'remove' && path.length === 1) removed.add(top);
      else edited.add(top);
    }
  }
  return { edited, renamed, removed };
}

async function check(c: Case): Promise<void> {
  const id = c.upperId ? 'AB12-PROFILE-0001' : 'ab12-profile-0001';
  const profile = profileOf(c);
  const layout = makeLayout({
    id,
    profile: `${JSON.stringify(profile, null, c.indent)}\n`,
    developer: c.developer,
    ...(c.desktopConfig !== undefined ? { desktopConfig: c.desktopConfig } : {}),
    legacy: c.legacy,
  });
  const accept = (ch: { confirm?: boolean }) => c.confirm || !ch.confirm;
  const runs: FixRun[] = [];
  for (let pass = 0; pass < 3; pass++) runs.push(await fixOnce(layout, c.appVersion, accept));
  const first = runs[0]!;
  // 1. No check's status gets worse, pass after pass.
  for (const run of runs) {
    const before = statuses(run.before);
    for (const [check, status] of Object.entries(statuses(run.after))) {
      expect(RANK[status], `${check}: ${before[check]} → ${status}`).toBeLessThanOrEqual(RANK[before[check] ?? 'ok']!);
    }
    // 2. Every file written is strict JSON.
    for (const f of run.plan.files) if (f.after !== f.before) expect(() => JSON.parse(f.after)).not.toThrow();
    // 4. The key is never in the words of the plan, nor in a report.
    const words = JSON.stringify([run.plan.changes.map((ch) => ch.says), run.plan.explanations]);
    expect(words).not.toContain(KEY_RUN);
    // …nor in the diff a person is shown (the engine's masked diff).
    for (const f of run.plan.files) expect(JSON.stringify(maskedDiff(f.before, f.after))).not.toContain(KEY_RUN);
    expect(JSON.stringify([run.before, run.after])).not.toContain(KEY_RUN);
  }
  // 3. No key lost or changed that no change meant to touch, and the order kept.
  const file = JSON.parse(read(documentPaths(layout).settings!)) as Record<string, unknown>;
  const after = (c.legacy ? file['enterpriseConfig'] : file) as Record<string, unknown>;
  const all = runs.map((r) => touched(r.plan));
  const rename = (k: string) => all.reduce((name, t) => t.renamed.get(name) ?? name, k);
  const meant = (k: string) => all.some((t) => t.edited.has(k) || t.removed.has(k) || t.renamed.has(k));
  const expectedKeys = Object.keys(profile)
    .filter((k) => !all.some((t) => t.removed.has(k)))
    .map(rename);
  expect(Object.keys(after)).toEqual(expectedKeys);
  for (const [k, v] of Object.entries(profile)) {
    if (meant(k)) continue;
    expect(isDeepStrictEqual(after[k], v), `key ${k} changed`).toBe(true);
  }
  // 5. A fixed point: the last pass changes nothing.
  expect(runs[2]!.plan.files.filter((f) => f.after !== f.before || f.renameTo)).toEqual([]);
  expect(first).toBeDefined();
}

describe('fix over generated profiles', () => {
  it('never worse, always strict JSON, keeps untouched keys and order, never leaks the key, reaches a fixed point', async () => {
    await fc.assert(fc.asyncProperty(profileCase, check), { numRuns: Number(process.env.FIX_PROPERTY_RUNS ?? 60) });
  }, 240_000);
});
