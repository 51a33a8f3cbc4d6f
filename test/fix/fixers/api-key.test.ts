import { describe, expect, it } from 'vitest';
import { repairApiKey } from '../../../src/fix/fixers/api-key.js';
import { documentPaths, expectCured, GOOD_KEY, goodProfile, keysOf, makeLayout, read } from './harness.js';

describe('repairApiKey (pure)', () => {
  it.each([
    [`Bearer ${GOOD_KEY}`, ['API_KEY_BEARER_PREFIX']],
    [`bearer\t${GOOD_KEY}`, ['API_KEY_BEARER_PREFIX']],
    [`  ${GOOD_KEY}\n`, ['API_KEY_WHITESPACE']],
    [`${GOOD_KEY.slice(0, 10)}\r\n  ${GOOD_KEY.slice(10)}`, ['API_KEY_WHITESPACE']],
    [` Bearer ${GOOD_KEY.slice(0, 10)}\n${GOOD_KEY.slice(10)} `, ['API_KEY_BEARER_PREFIX', 'API_KEY_WHITESPACE']],
  ])('%j is repaired', (raw, cures) => {
    const r = repairApiKey(raw);
    expect(r.kind).toBe('repaired');
    if (r.kind !== 'repaired') return;
    expect(r.cures).toEqual(cures);
    expect(r.value.reveal()).toBe(GOOD_KEY);
    // Every way of printing the repair shows the fingerprint, never the key.
    expect(JSON.stringify(r)).not.toContain(GOOD_KEY);
    expect(String(r.value)).not.toContain(GOOD_KEY);
  });

  it.each([[`${GOOD_KEY.slice(0, 10)} ${GOOD_KEY.slice(10)}`], ['   '], ['Bearer  ']])('%j is explained: the key cannot be known', (raw) => {
    const r = repairApiKey(raw);
    expect(r.kind).toBe('explained');
    expect(JSON.stringify(r)).not.toContain(GOOD_KEY.slice(0, 10));
  });

  it('a clean key is unchanged', () => {
    expect(repairApiKey(GOOD_KEY)).toEqual({ kind: 'unchanged' });
  });
});

describe('api-key fixer on real files', () => {
  it.each([
    ['API_KEY_BEARER_PREFIX', `Bearer ${GOOD_KEY}`],
    ['API_KEY_WHITESPACE', `${GOOD_KEY}\n`],
  ])('%s: fixed, the check passes, the key never in the plan’s words', async (code, key) => {
    const profile = { first: true, ...goodProfile({ inferenceGatewayApiKey: key }), last: null };
    const layout = makeLayout({ profile });
    const run = await expectCured(layout, { check: 'api-key', code });
    const after = read(documentPaths(layout).settings!);
    expect(JSON.parse(after)).toEqual({ ...profile, inferenceGatewayApiKey: GOOD_KEY });
    expect(keysOf(after)).toEqual(Object.keys(profile));
    const words = JSON.stringify([...run.plan.changes.map((c) => c.says), ...run.plan.explanations.map((e) => e.says)]);
    expect(words).not.toContain(GOOD_KEY);
  });

  it('a space inside the key: explained, nothing written', async () => {
    const layout = makeLayout({ profile: goodProfile({ inferenceGatewayApiKey: `${GOOD_KEY.slice(0, 10)} ${GOOD_KEY.slice(10)}` }) });
    const before = read(documentPaths(layout).settings!);
    const { fixOnce } = await import('./harness.js');
    const run = await fixOnce(layout);
    expect(run.plan.files).toEqual([]);
    expect(run.plan.explanations.map((e) => e.code)).toContain('API_KEY_WHITESPACE');
    expect(read(documentPaths(layout).settings!)).toBe(before);
  });
});
