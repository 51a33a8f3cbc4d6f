/**
 * The report's own record of the app's version in use and of the network path (schema 1.5.0):
 * what a support engineer reads first in an attached report.
 */
import { describe, expect, it } from 'vitest';
import type { Discovery } from '../../src/config/settings.js';
import type { Target } from '../../src/config/target.js';
import type { CheckResult } from '../../src/contract/check.js';
import { buildReport } from '../../src/report/report.js';
import { renderMarkdown } from '../../src/reporters/markdown.js';

const result = (id: string, group: CheckResult['group'], details: Record<string, unknown>): CheckResult => ({
  id,
  title: id,
  group,
  status: 'ok',
  summary: id,
  durationMs: 0,
  details,
});

function report(checks: CheckResult[]) {
  return buildReport({
    version: '0.0.0-test',
    startedAt: new Date(),
    durationMs: 1,
    discovery: { sources: [], searched: [], inForce: undefined } as unknown as Discovery,
    target: { apiKey: undefined } as unknown as Target,
    headerNames: [],
    policySource: undefined,
    options: { timeoutMs: 1000, insecure: false, live: false },
    checks,
  });
}

const installed = result('app-installed', 'app', { version: '2.2553.1', path: '/usr/lib/claude-desktop/claude-desktop' });

describe('report.app: the version in use', () => {
  it('the running app’s version (from its log) when app-version found it, the disk’s beside it', () => {
    const r = report([installed, result('app-version', 'app', { version: '2.110.0', running: '2.110.0', onDisk: '2.2553.1' })]);
    expect(r.app).toEqual({
      version: '2.110.0',
      path: '/usr/lib/claude-desktop/claude-desktop',
      versionFrom: 'running',
      onDisk: '2.2553.1',
      running: '2.110.0',
    });
    expect(renderMarkdown(r)).toContain('2.2553.1 on disk');
  });

  it('else the one on disk', () => {
    const r = report([installed, result('app-version', 'app', { version: '2.2553.1', onDisk: '2.2553.1' })]);
    expect(r.app).toEqual({ version: '2.2553.1', path: '/usr/lib/claude-desktop/claude-desktop', versionFrom: 'disk' });
  });
});

describe('report.networkPath', () => {
  it('the network-path check’s decision: source, proxy, what the environment would choose', () => {
    const r = report([result('network-path', 'network', { source: 'app-url', proxy: 'http://127.0.0.1:3128', environment: 'http://127.0.0.1:8080' })]);
    expect(r.networkPath).toEqual({ source: 'app-url', proxy: 'http://127.0.0.1:3128', environment: 'http://127.0.0.1:8080' });
    expect(renderMarkdown(r)).toContain('| Network path |');
  });

  it('absent when the check did not run', () => {
    expect(report([installed]).networkPath).toBeUndefined();
  });
});
