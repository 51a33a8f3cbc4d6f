/** The ticket summary counts only the checks downstream of the first failure (issue 13, point 3). */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/contract/check.js';
import { downstreamOf, rootsOf, summarise } from '../../src/report/report.js';
import type { Target } from '../../src/config/target.js';

const c = (id: string, group: CheckResult['group'], status: CheckResult['status'], blockedBy?: string[]): CheckResult => ({
  id,
  title: id,
  group,
  status,
  summary: blockedBy ? `blocked by ${blockedBy.join(', ')}` : id,
  durationMs: 0,
  ...(blockedBy ? { code: 'BLOCKED', blockedBy } : status === 'ok' ? {} : { code: `${id.toUpperCase()}_X` }),
});

const checks = [
  c('claude-settings', 'settings', 'fail'),
  c('base-url', 'settings', 'skip', ['claude-settings']),
  c('app-installed', 'app', 'skip'),
  c('app-version', 'app', 'skip', ['app-installed']),
  c('dns', 'network', 'skip', ['base-url']),
  c('tcp', 'network', 'skip', ['dns']),
  c('proxy', 'network', 'skip', ['tcp']),
  c('tls', 'network', 'skip', ['dns', 'proxy']),
];

describe('summary', () => {
  it('roots: a blocked check waits on the first failing check, through checks that are blocked themselves', () => {
    expect(rootsOf(checks[7]!, checks).map((r) => r.id)).toEqual(['claude-settings']);
    expect(rootsOf(checks[3]!, checks).map((r) => r.id)).toEqual(['app-installed']);
  });

  it('counts only checks downstream of the first failure, not those blocked by an unrelated skip', () => {
    expect(downstreamOf(checks[0]!, checks).map((x) => x.id)).toEqual(['base-url', 'dns', 'tcp', 'proxy', 'tls']);
    const text = summarise(checks, { baseUrl: undefined } as unknown as Target);
    expect(text).toContain('5 check(s) behind it');
  });
});
