import { describe, expect, it } from 'vitest';
import { documentPaths, fixOnce, makeLayout, read } from './harness.js';

describe('values only the person can know: explained, never invented', () => {
  it('no key, no base URL, a non-Claude model: explanations, nothing written', async () => {
    const layout = makeLayout({ profile: { inferenceProvider: 'gateway', inferenceModels: '["gpt-4o"]' } });
    const before = read(documentPaths(layout).settings!);
    const run = await fixOnce(layout);
    expect(run.plan.files).toEqual([]);
    const explained = run.plan.explanations.map((e) => e.code);
    for (const code of ['BASE_URL_MISSING', 'API_KEY_NOT_IN_SETTINGS']) expect(explained).toContain(code);
    const found = run.before.checks.flatMap((c) => [c.code, ...(c.moreFindings ?? []).map((m) => m.code)]);
    expect(found).toContain('MODELS_NOT_ANTHROPIC');
    expect(explained).toContain('MODELS_NOT_ANTHROPIC');
    expect(read(documentPaths(layout).settings!)).toBe(before);
  });
});
