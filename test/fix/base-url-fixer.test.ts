/** The first fixer, through the pure planner: a base URL ending in /v1 loses it; everything else stays. */
import { describe, expect, it } from 'vitest';
import { readDocument } from '../../src/fix/apply.js';
import type { FixInput } from '../../src/fix/fixer.js';
import { FIXERS } from '../../src/fix/fixers/index.js';
import { planFixes } from '../../src/fix/plan.js';

const input = (text: string, codes: string[], root: (string | number)[] = []): FixInput => ({
  files: { settings: readDocument('/x/profile.json', text) },
  root,
  findings: codes.map((code) => ({ check: 'base-url', code, status: 'fail' as const })),
});

describe('base-url fixer through planFixes', () => {
  it('drops /v1, keeps unknown keys, their order, comments and the tab indentation', () => {
    const text = '{\n\t// mine\n\t"zeta": 1,\n\t"inferenceGatewayBaseUrl": "https://gw.example.test/v1",\n\t"alpha": [1, 2]\n}\n';
    const plan = planFixes(input(text, ['BASE_URL_ENDS_V1']), FIXERS);
    expect(plan.changes.map((c) => c.code)).toEqual(['BASE_URL_ENDS_V1']);
    expect(plan.files).toHaveLength(1);
    expect(plan.files[0]!.after).toBe(text.replace('/v1"', '"'));
  });

  it('works inside enterpriseConfig (the legacy file) and keeps a self-hosted prefix', () => {
    const text = JSON.stringify({ enterpriseConfig: { inferenceGatewayBaseUrl: 'https://gw.example.test/portkey/v1/' }, other: true }, null, 4);
    const plan = planFixes(input(text, ['BASE_URL_ENDS_V1'], ['enterpriseConfig']), FIXERS);
    expect(JSON.parse(plan.files[0]!.after)).toEqual({ enterpriseConfig: { inferenceGatewayBaseUrl: 'https://gw.example.test/portkey' }, other: true });
    expect(plan.files[0]!.after).toContain('\n    "enterpriseConfig"');
  });

  it('does nothing without the finding, and a second pass changes nothing', () => {
    const text = '{"inferenceGatewayBaseUrl": "https://gw.example.test/v1"}';
    expect(planFixes(input(text, []), FIXERS).files).toEqual([]);
    const fixed = planFixes(input(text, ['BASE_URL_ENDS_V1']), FIXERS).files[0]!.after;
    expect(planFixes(input(fixed, ['BASE_URL_ENDS_V1']), FIXERS).files).toEqual([]);
  });
});
