/**
 * The road from the OS settings, through the built CLI on loopback (issue 17): a KDE desktop's
 * automatic configuration (a PAC file served on loopback) and its manual proxy asking for the OS
 * login. The probes take the OS's proxy, not HTTPS_PROXY's; the gateway's name is only ever
 * asked of the proxy (nothing is resolved or sent off this machine).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import { startHttpServer, type TestServer } from '../support/servers.js';
import { emptyHome, parseReport, runCli, TEST_KEY } from './run-cli.js';

let pacProxy: TestProxy;
let decoy: TestProxy;
let osLogin: TestProxy;
let pac: TestServer;

beforeAll(async () => {
  [pacProxy, decoy, osLogin] = await Promise.all([startConnectProxy(), startConnectProxy(), startConnectProxy({ challenge: ['Negotiate', 'NTLM'] })]);
  pac = await startHttpServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' })
      .end(`function FindProxyForURL(url, host) { return shExpMatch(host, "*.portkey.ai") ? "PROXY 127.0.0.1:${pacProxy.port}" : "DIRECT"; }`);
  });
});
afterAll(async () => {
  await Promise.allSettled([pacProxy, decoy, osLogin, pac].map((s) => s?.close()));
});

/** A home whose KDE settings say `kioslaverc`; the run is on a KDE desktop. */
function kdeHome(settings: string): string {
  const home = emptyHome();
  mkdirSync(join(home, '.config'), { recursive: true });
  writeFileSync(join(home, '.config', 'kioslaverc'), `[Proxy Settings]\n${settings}\n`);
  return home;
}

async function run(home: string, env: Record<string, string> = {}) {
  const args = ['--json', '--no-policy', '--base-url', 'https://api.portkey.ai', '--only', 'network', '--timeout', '20', '--check-timeout', '8'];
  const r = await runCli(args, { HOME: home, XDG_CURRENT_DESKTOP: 'KDE', PORTKEY_DOCTOR_API_KEY: TEST_KEY, ...env }, 60_000, { network: true });
  const report = parseReport(r);
  return (id: string) => report.checks.find((c) => c.id === id);
}

describe('the OS settings decide the road (KDE, built CLI)', () => {
  it('the OS automatic configuration: a PAC file on loopback picks the proxy; HTTPS_PROXY is not used (and said to differ)', async () => {
    const check = await run(kdeHome(`ProxyType=2\nProxy Config Script=http://127.0.0.1:${pac.port}/proxy.pac`), { HTTPS_PROXY: decoy.url });
    expect(check('network-path')).toMatchObject({
      status: 'warn',
      code: 'NETWORK_PATH_ENV_DIFFERS',
      details: { source: 'os-pac', proxy: pacProxy.url, environment: decoy.url },
    });
    expect(check('proxy')?.details).toMatchObject({ proxied: true, proxy: pacProxy.url, path: 'os-pac' });
    // The OS's proxy was asked for the gateway (it only tunnels to loopback, so it refuses); the decoy saw nothing.
    expect(pacProxy.targets).toContain('api.portkey.ai:443');
    expect(decoy.connections).toBe(0);
  });

  it('the OS proxy asks for the OS login (Negotiate, NTLM): PROXY_AUTH_BY_OS, the road is not called broken', async () => {
    const check = await run(kdeHome(`ProxyType=1\nhttpsProxy=http://127.0.0.1 ${osLogin.port}\nhttpProxy=http://127.0.0.1 ${osLogin.port}`));
    expect(check('network-path')?.details).toMatchObject({ source: 'os-manual', proxy: osLogin.url });
    expect(check('proxy')).toMatchObject({ status: 'skip', code: 'PROXY_AUTH_BY_OS' });
    expect(check('tls')).toMatchObject({ status: 'skip', code: 'BLOCKED' });
  });
});
