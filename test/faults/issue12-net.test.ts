/**
 * Issue 12 through the built CLI, network findings:
 * - #15: a `%` that is not an escape in a proxy password is a named proxy-URL failure
 *   (PROXY_INVALID_URL), not a crashed DNS check, and the password never shows;
 * - #15: with --dns-server, the proxy probe resolves the proxy's name through that server, as
 *   real requests do (the proxy is named by a host only the loopback DNS server knows);
 * - #2: with --dns-server answering `localhost` with another address, http://localhost is
 *   still this machine: the DNS server is never asked for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseReport, runCli, TEST_KEY } from '../cli/run-cli.js';
import { findLeak } from '../cli/leak-check.js';
import { startTestDns, type TestDns } from '../support/dns.js';
import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import { startHttpServer, type TestServer } from '../support/servers.js';

let dns: TestDns;
let proxy: TestProxy;
let gateway: TestServer;

beforeAll(async () => {
  dns = await startTestDns({ 'proxy.corp.test': ['127.0.0.1'], localhost: ['192.0.2.77'] });
  proxy = await startConnectProxy();
  gateway = await startHttpServer((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}'));
});
afterAll(async () => {
  await Promise.all([dns.close(), proxy.close(), gateway.close()]);
});

const PASSWORD = 'Sw0rdfish%zz-9Qk';

describe('issue 12 network findings through the built CLI', () => {
  it('#15: a % in the proxy password → PROXY_INVALID_URL, no crashed check, no password in output', async () => {
    const run = await runCli(
      ['--json', '--no-policy', '--base-url', `https://127.0.0.1:${gateway.port}`, '--only', 'network', '--timeout', '10'],
      { PORTKEY_DOCTOR_API_KEY: TEST_KEY, HTTPS_PROXY: `http://alice:${PASSWORD}@127.0.0.1:${proxy.port}` },
      60_000,
      { network: true },
    );
    const report = parseReport(run);
    const summary = report.checks.map((c) => `${c.id}:${c.status}:${c.code ?? ''}`).join(' ');
    expect(
      report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}:${c.code}`),
      summary,
    ).toEqual([]);
    expect(
      report.checks.some((c) => c.code === 'PROXY_INVALID_URL'),
      summary,
    ).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(run.stdout + run.stderr).not.toContain('Sw0rdfish');
  }, 90_000);

  it('#15: the proxy probe resolves the proxy through --dns-server, as real requests do', async () => {
    const run = await runCli(
      ['--json', '--no-policy', '--base-url', `https://127.0.0.1:${gateway.port}`, '--only', 'network', '--timeout', '10', '--dns-server', dns.server],
      { PORTKEY_DOCTOR_API_KEY: TEST_KEY, HTTPS_PROXY: `http://proxy.corp.test:${proxy.port}` },
      60_000,
      { network: true },
    );
    const report = parseReport(run);
    const summary = report.checks.map((c) => `${c.id}:${c.status}:${c.code ?? ''}`).join(' ');
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.dns?.status, summary).toBe('ok');
    expect(byId.proxy?.status, summary).toBe('ok');
    expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
  }, 90_000);

  it('#2: --dns-server is never asked for localhost; http://localhost stays on this machine', async () => {
    const before = dns.queries.length;
    const run = await runCli(
      ['--json', '--no-policy', '--base-url', `http://localhost:${gateway.port}`, '--only', 'network', '--timeout', '10', '--dns-server', dns.server],
      { PORTKEY_DOCTOR_API_KEY: TEST_KEY },
      60_000,
      { network: true },
    );
    const report = parseReport(run);
    const summary = report.checks.map((c) => `${c.id}:${c.status}:${c.code ?? ''}`).join(' ');
    expect(
      dns.queries.slice(before).filter((q) => q.toLowerCase().endsWith('localhost')),
      summary,
    ).toEqual([]);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.dns?.status, summary).toBe('ok');
    // Both loopback families are tried (the test gateway listens on IPv4 only: a partial warning at most).
    expect(['ok', 'warn'], summary).toContain(byId.tcp?.status);
    const attempts = (byId.tcp?.details?.attempts ?? []) as { address: string }[];
    expect(attempts.length, summary).toBeGreaterThan(0);
    for (const a of attempts) expect(['127.0.0.1', '::1']).toContain(a.address);
    expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
  }, 90_000);
});
