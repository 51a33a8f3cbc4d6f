import { describe, expect, it } from 'vitest';
import { repairBaseUrl } from '../../../src/fix/fixers/base-url.js';
import { documentPaths, expectCured, goodProfile, keysOf, makeLayout, read } from './harness.js';

describe('repairBaseUrl (pure)', () => {
  it.each([
    ['https://gw.example.test/v1', 'https://gw.example.test', ['BASE_URL_ENDS_V1']],
    ['https://gw.example.test/portkey/V1/', 'https://gw.example.test/portkey', ['BASE_URL_ENDS_V1']],
    ['https://gw.example.test/', 'https://gw.example.test', ['BASE_URL_TRAILING_SLASH']],
    ['  https://api.portkey.ai\n', 'https://api.portkey.ai', ['BASE_URL_WHITESPACE']],
    ['https://api.\u200Bportkey.ai\uFEFF', 'https://api.portkey.ai', ['BASE_URL_INVISIBLE_CHAR']],
    ['https://app.portkey.ai/dashboard', 'https://api.portkey.ai', ['BASE_URL_DASHBOARD']],
    [' https://portkey.ai/v1 ', 'https://api.portkey.ai', ['BASE_URL_WHITESPACE', 'BASE_URL_DASHBOARD']],
  ])('%j → %j', (raw, value, cures) => {
    expect(repairBaseUrl(raw)).toEqual({ kind: 'repaired', value, cures });
  });

  it.each(['https://api.portkey.ai', 'http://127.0.0.1:8787', 'https://gw.example.test/portkey'])('%j is left as it is', (raw) => {
    expect(repairBaseUrl(raw)).toEqual({ kind: 'unchanged' });
  });

  it.each([
    'https://user:s3cretpass@gw.example.test/v1',
    'https://gw.example.test/v1?api_key=abcdefgh',
    'gw.example.test/v1',
    'ftp://gw.example.test/',
    ' \u200B ',
  ])('%j is explained, never echoed', (raw) => {
    const r = repairBaseUrl(raw);
    expect(r.kind).toBe('explained');
    expect(JSON.stringify(r)).not.toContain('s3cretpass');
    expect(JSON.stringify(r)).not.toContain('abcdefgh');
  });
});

describe('base-url fixer on real files', () => {
  it.each([
    ['BASE_URL_ENDS_V1', 'https://api.portkey.ai/v1'],
    ['BASE_URL_TRAILING_SLASH', 'https://api.portkey.ai/'],
    ['BASE_URL_WHITESPACE', ' https://api.portkey.ai\n'],
    ['BASE_URL_INVISIBLE_CHAR', 'https://api.portkey.ai\u200B'],
    ['BASE_URL_DASHBOARD', 'https://app.portkey.ai/logs'],
  ])('%s: fixed, the check passes, unknown keys and order kept, idempotent', async (code, url) => {
    const profile = { zzUnknownKey: { keep: [1, 2] }, ...goodProfile({ inferenceGatewayBaseUrl: url }), aaLast: 'x' };
    const layout = makeLayout({ profile, mode: 0o640 });
    const before = read(documentPaths(layout).settings!);
    await expectCured(layout, { check: 'base-url', code });
    const after = read(documentPaths(layout).settings!);
    expect(keysOf(after)).toEqual(keysOf(before));
    expect(JSON.parse(after)).toEqual({ ...profile, inferenceGatewayBaseUrl: 'https://api.portkey.ai' });
  });
});

describe('one value, one change, every code it cures', () => {
  it('a space and a /v1: one change, cures BASE_URL_WHITESPACE and BASE_URL_ENDS_V1', async () => {
    const { fixOnce } = await import('./harness.js');
    const layout = makeLayout({ profile: goodProfile({ inferenceGatewayBaseUrl: ' https://api.portkey.ai/v1' }) });
    const run = await fixOnce(layout);
    expect(run.plan.changes.map((c) => [c.code, ...(c.alsoCures ?? [])])).toEqual([['BASE_URL_WHITESPACE', 'BASE_URL_ENDS_V1']]);
    expect(run.after.checks.find((c) => c.id === 'base-url')?.status).toBe('ok');
  });
});
