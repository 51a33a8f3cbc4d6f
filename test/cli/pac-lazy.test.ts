/**
 * QuickJS and pac-resolver are loaded only when a PAC file is evaluated (start-up time is
 * measured): the built CLI runs with a module hook that reports every module it resolves, once
 * with no PAC configured and once with a PAC file (file://) in the app's settings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { refusedPort } from '../support/servers.js';
import { parseReport, runCli, writeProfile } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pkd-pac-lazy-'));
const hook = join(dir, 'hook.mjs');
writeFileSync(
  hook,
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, n) { const r = await n(s, c); if (/quickjs-wasi|pac-resolver/.test(r.url)) process.stderr.write('PAC-MODULE ' + r.url + '\\\\n'); return r; }\`));
`,
);
const pacFile = join(dir, 'proxy.pac');
let port: number;
beforeAll(async () => {
  // The PAC file names a proxy on loopback (refusing): the gateway's name is never resolved.
  port = await refusedPort();
  writeFileSync(pacFile, `function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:${port}"; }`);
});

async function run(profile: Record<string, unknown>) {
  const args = [
    '--json',
    '--no-policy',
    '--claude-dir',
    writeProfile({ inferenceProvider: 'gateway', ...profile }),
    '--base-url',
    'https://gateway.pac-lazy.invalid',
    '--only',
    'network',
    '--timeout',
    '20',
  ];
  return runCli(args, { NODE_OPTIONS: `--import=${hook}` }, 60_000, { network: true });
}

describe('the PAC sandbox is loaded lazily', () => {
  it('no PAC configured: neither QuickJS nor pac-resolver is loaded', async () => {
    const r = await run({ egressProxyUrl: `http://127.0.0.1:${port}` });
    expect(parseReport(r).checks.find((c) => c.id === 'network-path')?.details).toMatchObject({ source: 'app-url' });
    expect(r.stderr).not.toContain('PAC-MODULE');
  });

  it('a PAC file configured: they are loaded and the PAC file decides', async () => {
    const r = await run({ egressProxyPacUrl: `file://${pacFile}` });
    expect(parseReport(r).checks.find((c) => c.id === 'network-path')?.details).toMatchObject({ source: 'app-pac', proxy: `http://127.0.0.1:${port}` });
    expect(r.stderr).toContain('PAC-MODULE');
  });
});
