/**
 * The OS trust store through the built CLI: a real HTTPS server on 127.0.0.1 whose CA (made at
 * test time) is not in Node's bundle. Put in a stand-in for the Linux OS store (`SSL_CERT_FILE`,
 * which names the store on Linux for OpenSSL and Node's `--use-system-ca` alike), the chain is
 * "trusted by the OS store only" (TLS_OS_STORE_ONLY: fine for the app); trusted nowhere, it stays
 * TLS_UNKNOWN_CA; trusted through NODE_EXTRA_CA_CERTS, the OS store is never read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testPki, type TestPki } from '../support/certs.js';
import { startHttpServer, type TestServer } from '../support/servers.js';
import { emptyHome, parseReport, runCli, TEST_KEY } from './run-cli.js';

let pki: TestPki;
let server: TestServer;
let home: string;

beforeAll(async () => {
  pki = await testPki();
  server = await startHttpServer((_req, res) => res.end('{}'), { tls: { cert: pki.leaf.chain, key: pki.leaf.key } });
  home = emptyHome();
  writeFileSync(join(home, 'store-with-test-root.pem'), `${pki.corpRoot.cert}\n${pki.root.cert}`);
  writeFileSync(join(home, 'store-without.pem'), pki.corpRoot.cert);
  writeFileSync(join(home, 'extra.pem'), pki.root.cert);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

async function tlsCheck(env: NodeJS.ProcessEnv, id = 'tls') {
  const run = await runCli(
    ['--json', '--no-policy', '--base-url', server.url, '--only', id, '--timeout', '30', '--check-timeout', '20'],
    { HOME: home, PORTKEY_DOCTOR_API_KEY: TEST_KEY, ...env },
    60_000,
    { network: true },
  );
  const check = parseReport(run).checks.find((c) => c.id === id);
  expect(check, run.stderr).toBeDefined();
  return check!;
}

describe('the OS trust store', () => {
  it('the CA is in the OS store, not in Node’s bundle: warn TLS_OS_STORE_ONLY', async () => {
    const check = await tlsCheck({ SSL_CERT_FILE: join(home, 'store-with-test-root.pem') });
    expect({ status: check.status, code: check.code }).toEqual({ status: 'warn', code: 'TLS_OS_STORE_ONLY' });
    expect(check.details).toMatchObject({ authorized: false, osStore: { certificates: 2, trusted: true } });
    expect(String((check.details?.['osStore'] as { store: string }).store)).toContain('SSL_CERT_FILE');
  });

  it('the probes after tls trust the OS store too, as the app does: gateway-http reaches the server', async () => {
    const check = await tlsCheck({ SSL_CERT_FILE: join(home, 'store-with-test-root.pem') }, 'gateway-http');
    // The server answers {} to everything: an API, not recognisably Portkey — but reached over TLS.
    expect({ status: check.status, code: check.code }).toEqual({ status: 'warn', code: 'HTTP_UNKNOWN_API' });
  });

  it('trusted nowhere (the OS store holds other roots): TLS_UNKNOWN_CA', async () => {
    const check = await tlsCheck({ SSL_CERT_FILE: join(home, 'store-without.pem') });
    expect({ status: check.status, code: check.code }).toEqual({ status: 'fail', code: 'TLS_UNKNOWN_CA' });
    expect(check.details).toMatchObject({ osStore: { certificates: 1, trusted: false } });
  });

  it('trusted through NODE_EXTRA_CA_CERTS: TLS_PRIVATE_CA, the OS store not read', async () => {
    const check = await tlsCheck({ NODE_EXTRA_CA_CERTS: join(home, 'extra.pem'), SSL_CERT_FILE: join(home, 'store-without.pem') });
    expect({ status: check.status, code: check.code }).toEqual({ status: 'warn', code: 'TLS_PRIVATE_CA' });
    expect(check.details?.['osStore']).toBeUndefined();
  });
});
