import { describe, expect, it } from 'vitest';
import { documentPaths, expectCured, fixOnce, goodProfile, makeLayout, read } from './harness.js';

describe('auth-scheme fixer on real files', () => {
  it.each(['x-api-key', ' X-API-KEY'])('%j on Portkey SaaS → bearer; the check passes', async (scheme) => {
    const profile = goodProfile({ inferenceGatewayAuthScheme: scheme, other: 1 });
    const layout = makeLayout({ profile });
    await expectCured(layout, { check: 'auth-scheme', code: 'AUTH_SCHEME_X_API_KEY' });
    expect(JSON.parse(read(documentPaths(layout).settings!))).toEqual({ ...profile, inferenceGatewayAuthScheme: 'bearer' });
  });

  it('another gateway: explained, not changed (it may want x-api-key)', async () => {
    const layout = makeLayout({ profile: goodProfile({ inferenceGatewayBaseUrl: 'https://gw.example.test', inferenceGatewayAuthScheme: 'x-api-key' }) });
    const before = read(documentPaths(layout).settings!);
    const run = await fixOnce(layout);
    expect(run.plan.changes).toEqual([]);
    expect(run.plan.explanations.map((e) => e.code)).toEqual(['AUTH_SCHEME_X_API_KEY']);
    expect(read(documentPaths(layout).settings!)).toBe(before);
  });
});
