/**
 * Credentials in the app's own proxy settings never reach an output (issue 17): `egressProxyUrl`
 * with `user:password@` (APP_PROXY_CREDENTIALS), and `egressProxyPacUrl` with `user:password@` and
 * a token in its query, served by a PAC server that reflects what it received into the PAC
 * file's answer. The built CLI runs `doctor --json`, `doctor -v` and `report` (Markdown and JSON
 * files); stdout, stderr and every file under HOME are searched for the password, any
 * 8-character run of it, and its encoded forms. Everything listens on 127.0.0.1; the gateway's
 * name is never resolved (the road goes through a proxy on loopback, or stops before it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findEncodedLeak } from '../cli/leak-check.js';
import { emptyHome, parseReport, runCli, TEST_KEY, writeProfile } from '../cli/run-cli.js';
import { refusedPort, startHttpServer, type TestServer } from '../support/servers.js';
import { filesUnder } from '../support/files.js';

const USER = 'corp-user';
const URL_PASS = 'Egress-Pw-Kq7Zx3Vr9J';
const PAC_PASS = 'PacUrl-Pw-Wm5Qz8Rx2H';
const PAC_TOKEN = 'PacTok-Hv4Jq9Zw6Rk';

let pac: TestServer;
let proxyPort: number;
beforeAll(async () => {
  proxyPort = await refusedPort();
  // A hostile PAC server: its answer reflects the request line and headers it got.
  pac = await startHttpServer((req, res) => {
    const seen = JSON.stringify({ url: req.url, headers: req.headers }).replace(/["\\]/g, ' ');
    res
      .writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' })
      .end(`function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:${proxyPort}; X ${seen}"; }`);
  });
});
afterAll(async () => {
  await pac?.close();
});

async function runAll(profile: Record<string, unknown>): Promise<{ texts: [string, string][]; report: ReturnType<typeof parseReport> }> {
  const home = emptyHome();
  const dir = writeProfile({ inferenceProvider: 'gateway', ...profile });
  const common = [
    '--no-policy',
    '--claude-dir',
    dir,
    '--base-url',
    'https://gateway.leak.invalid',
    '--only',
    'network',
    '--timeout',
    '20',
    '--check-timeout',
    '8',
  ];
  const env = { HOME: home, PORTKEY_DOCTOR_API_KEY: TEST_KEY };
  const json = await runCli(['--json', ...common], env, 60_000, { network: true });
  const verbose = await runCli(['-v', ...common], env, 60_000, { network: true });
  const md = await runCli(['report', ...common, '--format', 'markdown', '-o', join(home, 'report.md')], env, 60_000, { network: true });
  const js = await runCli(['report', ...common, '--format', 'json', '-o', join(home, 'report.json')], env, 60_000, { network: true });
  const texts: [string, string][] = [];
  for (const [name, run] of Object.entries({ json, verbose, md, js })) texts.push([`${name} stdout`, run.stdout], [`${name} stderr`, run.stderr]);
  for (const file of filesUnder(home)) texts.push([file, readFileSync(file, 'utf8')]);
  expect(readFileSync(join(home, 'report.md'), 'utf8')).toContain('Network path');
  return { texts, report: parseReport(json) };
}

describe('the app’s proxy credentials never leak', () => {
  it('egressProxyUrl with user:password@: APP_PROXY_CREDENTIALS, the password in no output', async () => {
    const { texts, report } = await runAll({ egressProxyUrl: `http://${USER}:${URL_PASS}@127.0.0.1:${proxyPort}` });
    expect(report.checks.find((c) => c.id === 'network-path')).toMatchObject({ status: 'fail', code: 'APP_PROXY_CREDENTIALS' });
    for (const [where, text] of texts) expect(findEncodedLeak(text, URL_PASS, [USER]), where).toBeUndefined();
  });

  it('egressProxyPacUrl with user:password@ and a query token, from a PAC server that reflects its request', async () => {
    const { texts, report } = await runAll({ egressProxyPacUrl: `http://${USER}:${PAC_PASS}@127.0.0.1:${pac.port}/proxy.pac?token=${PAC_TOKEN}` });
    // The PAC file was fetched and followed: its proxy is the road (and it refuses).
    expect(report.checks.find((c) => c.id === 'network-path')).toMatchObject({ details: { source: 'app-pac', proxy: `http://127.0.0.1:${proxyPort}` } });
    expect(report.checks.find((c) => c.id === 'tcp')).toMatchObject({ status: 'fail', code: 'PROXY_REFUSED' });
    for (const [where, text] of texts) {
      expect(findEncodedLeak(text, PAC_PASS, [USER]), where).toBeUndefined();
      expect(findEncodedLeak(text, PAC_TOKEN, []), where).toBeUndefined();
    }
  });
});
