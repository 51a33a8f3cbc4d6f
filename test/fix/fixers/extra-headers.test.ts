import { describe, expect, it } from 'vitest';
import { OLDER_KEY_CODE } from '../../../src/fix/fixers/extra-headers.js';
import { documentPaths, expectCured, fixOnce, goodProfile, keysOf, makeLayout, read, statuses } from './harness.js';

const NEW_ENOUGH = '1.9000.0';

describe('extra-headers fixer (older header key) on real files', () => {
  it('inferenceGatewayHeaders → inferenceCustomHeaders in place when the app reads it; a list becomes the object; idempotent', async () => {
    const profile = { a: 1, inferenceGatewayHeaders: ['x-portkey-metadata: {"team":"eng"}', 'x-trace: 1'], ...goodProfile(), z: 2 };
    const layout = makeLayout({ profile, mode: 0o600 });
    const run = await expectCured(layout, { check: 'extra-headers', code: OLDER_KEY_CODE, unflagged: true, appVersion: NEW_ENOUGH });
    expect(run.plan.changes.map((c) => c.code)).toEqual([OLDER_KEY_CODE]);
    const after = read(documentPaths(layout).settings!);
    expect(keysOf(after)).toEqual(Object.keys(profile).map((k) => (k === 'inferenceGatewayHeaders' ? 'inferenceCustomHeaders' : k)));
    expect((JSON.parse(after) as Record<string, unknown>)['inferenceCustomHeaders']).toEqual({ 'x-portkey-metadata': '{"team":"eng"}', 'x-trace': '1' });
    expect(statuses(run.after)['extra-headers']).toBe('ok');
    expect(statuses(run.after)['metadata-header']).toBe('ok');
  });

  it.each([
    [undefined, 'unknown'],
    ['1.5000.0', 'older'],
  ] as [string | undefined, string][])('app version %s (%s): explained, nothing written', async (version, _why) => {
    const layout = makeLayout({ profile: goodProfile({ inferenceGatewayHeaders: { 'x-trace': '1' } }) });
    const before = read(documentPaths(layout).settings!);
    const run = await fixOnce(layout, version);
    expect(run.plan.files).toEqual([]);
    expect(run.plan.explanations.map((e) => e.code)).toEqual([OLDER_KEY_CODE]);
    expect(read(documentPaths(layout).settings!)).toBe(before);
  });

  it('both keys (HEADERS_BOTH_KEYS): the older removed when the newer holds all of it; explained when not', async () => {
    const same = makeLayout({
      profile: goodProfile({ inferenceGatewayHeaders: ['x-trace: 1'], inferenceCustomHeaders: { 'x-trace': '1', 'x-more': '2' } }),
    });
    const run = await expectCured(same, { check: 'extra-headers', code: 'HEADERS_BOTH_KEYS', appVersion: NEW_ENOUGH });
    expect(run.plan.changes.map((c) => c.code)).toEqual(['HEADERS_BOTH_KEYS']);
    expect(keysOf(read(documentPaths(same).settings!))).not.toContain('inferenceGatewayHeaders');
    expect(statuses(run.after)['extra-headers']).toBe('ok');

    const differ = makeLayout({ profile: goodProfile({ inferenceGatewayHeaders: ['x-trace: 1'], inferenceCustomHeaders: { 'x-trace': '2' } }) });
    const other = await fixOnce(differ, NEW_ENOUGH);
    expect(other.plan.files).toEqual([]);
    expect(other.plan.explanations.map((e) => e.code)).toEqual(['HEADERS_BOTH_KEYS']);
  });
});
