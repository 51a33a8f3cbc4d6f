import { describe, expect, it } from 'vitest';
import { documentPaths, expectCured, fixOnce, GOOD_KEY, keysOf, makeLayout, read } from './harness.js';

describe('unknown-keys fixer (misspelt keys) on real files', () => {
  it('a misspelt required key is renamed in place; base-url then passes; unknown keys kept', async () => {
    const profile = { mine: 'x', inferenceProvider: 'gateway', inferenceGatewayBaseURL: 'https://api.portkey.ai', inferenceGatewayApiKey: GOOD_KEY };
    const layout = makeLayout({ profile });
    const run = await expectCured(layout, { check: 'unknown-keys', code: 'KEYS_NEAR_MISS_REQUIRED', expectAfter: 'warn' });
    expect(keysOf(read(documentPaths(layout).settings!))).toEqual(['mine', 'inferenceProvider', 'inferenceGatewayBaseUrl', 'inferenceGatewayApiKey']);
    expect(run.before.checks.find((c) => c.id === 'base-url')?.status).toBe('fail');
    expect(run.after.checks.find((c) => c.id === 'base-url')?.status).toBe('ok');
  });

  it('the real key set already: explained, not renamed', async () => {
    const layout = makeLayout({
      profile: {
        inferenceProvider: 'gateway',
        inferenceGatewayBaseUrl: 'https://api.portkey.ai',
        inferenceGatewayBaseURL: 'https://x.test',
        inferenceGatewayApiKey: GOOD_KEY,
      },
    });
    const before = read(documentPaths(layout).settings!);
    const run = await fixOnce(layout);
    expect(run.plan.files).toEqual([]);
    expect(run.plan.explanations.map((e) => e.code)).toEqual(['KEYS_NEAR_MISS']);
    expect(read(documentPaths(layout).settings!)).toBe(before);
  });
});
