/**
 * DNS faults through the CLI, with `--dns-server` pointing at a DNS server on 127.0.0.1: name
 * not found, resolver timeout and resolver failure each get their own code, and the layers
 * behind DNS are skipped. A name the loopback server knows is reached at the address it gave
 * (TLS then checks the certificate against that name).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeak } from '../cli/leak-check.js';
import { parseReport, runCli, TEST_KEY } from '../cli/run-cli.js';
import { testPki, type TestPki } from '../support/certs.js';
import { startTestDns, type TestDns } from '../support/dns.js';
import { startHttpServer, type TestServer } from '../support/servers.js';

const BEHIND_DNS = ['tcp', 'proxy', 'tls', 'gateway-http', 'key-validity', 'workspace-scope', 'routing', 'live-message', 'latency'];

let answering: TestDns;
let silent: TestDns;
let failing: TestDns;
let pki: TestPki;
let server: TestServer;

beforeAll(async () => {
  pki = await testPki();
  answering = await startTestDns({ 'gateway.test': ['127.0.0.1'] });
  silent = await startTestDns({}, 'silent');
  failing = await startTestDns({}, 'servfail');
  server = await startHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), { tls: pki.leaf });
});

afterAll(async () => {
  await Promise.all([answering?.close(), silent?.close(), failing?.close(), server?.close()]);
  pki?.cleanup();
});

async function doctor(dns: TestDns, host: string, port = 443, env: NodeJS.ProcessEnv = {}) {
  const started = Date.now();
  const run = await runCli(
    [
      '--json',
      '--no-policy',
      '--only',
      'network,gateway',
      '--timeout',
      '8',
      '--dns-server',
      dns.server,
      '--base-url',
      `https://${host}${port === 443 ? '' : `:${port}`}`,
    ],
    { PORTKEY_DOCTOR_API_KEY: TEST_KEY, ...env },
    60_000,
    { network: true },
  );
  const report = parseReport(run);
  expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
  return { report, byId: new Map(report.checks.map((c) => [c.id, c])), elapsed: Date.now() - started };
}

describe('DNS faults', () => {
  it.each([
    ['name not found (NXDOMAIN)', 'answering', 'nowhere.test', 'DNS_NOT_FOUND'],
    ['resolver never answers', 'silent', 'gateway.test', 'DNS_TIMEOUT'],
    ['resolver fails (SERVFAIL)', 'failing', 'gateway.test', 'DNS_FAILURE'],
  ] as const)('%s (%s resolver) → %s %s', async (_name, which, host, code) => {
    const dns = { answering, silent, failing }[which];
    const { byId, elapsed } = await doctor(dns, host);
    expect({ status: byId.get('dns')?.status, code: byId.get('dns')?.code }).toEqual({ status: 'fail', code });
    for (const id of BEHIND_DNS) expect([id, byId.get(id)?.code]).toEqual([id, 'BLOCKED']);
    expect(elapsed).toBeLessThan(8_000 + 20_000);
  });

  it('a name the resolver knows is reached at its address, and TLS checks that name', async () => {
    const port = Number(new URL(server.url).port);
    const ca = join(mkdtempSync(join(tmpdir(), 'pkd-ca-')), 'root.pem');
    writeFileSync(ca, pki.root.cert);
    const { byId } = await doctor(answering, 'gateway.test', port, { NODE_EXTRA_CA_CERTS: ca });
    expect(byId.get('dns')).toMatchObject({ status: 'ok', details: { chosen: '127.0.0.1' } });
    expect(byId.get('tcp')?.status).toBe('ok');
    // The test leaf is for 127.0.0.1/localhost, not gateway.test: proof that SNI and the
    // identity check used the configured name while the connection used the resolved address.
    expect(byId.get('tls')).toMatchObject({ status: 'fail', code: 'TLS_HOSTNAME_MISMATCH' });
    expect(answering.queries).toContain('gateway.test');
  });
});
