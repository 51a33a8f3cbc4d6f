/**
 * Passwords in the OS proxy settings never reach an output: a KDE `kioslaverc` whose proxy URL
 * carries `user:password@` (the path decision then takes that OS proxy), and GNOME's
 * `authentication-password` key written with the real `gsettings` (never read). The built CLI runs
 * `doctor --json`, `doctor -v` and `report` (Markdown and JSON files); stdout, stderr and every
 * file are searched for the password, any 8-character run of it, and its encoded forms.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { emptyHome, parseReport, runCli, TEST_KEY } from '../cli/run-cli.js';
import { findEncodedLeak } from '../cli/leak-check.js';
import { refusedPort } from '../support/servers.js';
import { filesUnder } from '../support/files.js';

const KDE_PASS = 'Kde-Pw-Qz7Xv3Rk9Jm';
const GNOME_PASS = 'Gnome-Pw-Wz5Qx8Rv2Hk';
const USER = 'corp-user';

let hasGsettings = true;
try {
  execFileSync('gsettings', ['--version'], { stdio: 'ignore' });
} catch {
  hasGsettings = false;
}

let proxyPort: number;
beforeAll(async () => {
  proxyPort = await refusedPort();
});

async function runAll(home: string, env: NodeJS.ProcessEnv): Promise<{ texts: [string, string][]; report: ReturnType<typeof parseReport> }> {
  const common = ['--no-policy', '--base-url', 'https://127.0.0.1:9', '--only', 'network', '--timeout', '20', '--check-timeout', '8'];
  const all = { HOME: home, PORTKEY_DOCTOR_API_KEY: TEST_KEY, ...env };
  const json = await runCli(['--json', ...common], all, 60_000, { network: true });
  const verbose = await runCli(['-v', ...common], all, 60_000, { network: true });
  const md = await runCli(['report', ...common, '--format', 'markdown', '-o', join(home, 'report.md')], all, 60_000, { network: true });
  const js = await runCli(['report', ...common, '--format', 'json', '-o', join(home, 'report.json')], all, 60_000, { network: true });
  const texts: [string, string][] = [];
  for (const [name, run] of Object.entries({ json, verbose, md, js })) {
    texts.push([`${name} stdout`, run.stdout], [`${name} stderr`, run.stderr]);
  }
  for (const file of filesUnder(home)) {
    if (file.endsWith('kioslaverc') || file.includes('glib-2.0')) continue; // the settings themselves
    texts.push([file, readFileSync(file, 'utf8')]);
  }
  return { texts, report: parseReport(json) };
}

describe('OS proxy passwords never leak', () => {
  it.each([
    ['a URL', 'http://'],
    ['host and port without a scheme', ''],
  ])('KDE: a proxy given as %s with user:password@ (the path takes that proxy; the password is a Secret)', async (_what, scheme) => {
    const home = emptyHome();
    mkdirSync(join(home, '.config'), { recursive: true });
    const proxy = `${scheme}${USER}:${KDE_PASS}@127.0.0.1 ${proxyPort}`;
    writeFileSync(join(home, '.config', 'kioslaverc'), `[Proxy Settings]\nProxyType=1\nhttpsProxy=${proxy}\nhttpProxy=${proxy}\nNoProxyFor=\n`);
    const { texts, report } = await runAll(home, { XDG_CURRENT_DESKTOP: 'KDE' });
    // The OS proxy was read and used: the password had every chance to show.
    const path = report.checks.find((c) => c.id === 'network-path');
    expect(JSON.stringify(path?.details ?? {})).toContain(`127.0.0.1:${proxyPort}`);
    for (const [where, text] of texts) expect(findEncodedLeak(text, KDE_PASS, [USER]), where).toBeUndefined();
  });

  it.skipIf(!hasGsettings)('GNOME: authentication-password is never read', async () => {
    const home = emptyHome();
    const env = { GSETTINGS_BACKEND: 'keyfile', XDG_CONFIG_HOME: join(home, '.config') };
    const set = (...args: string[]) => execFileSync('gsettings', ['set', ...args], { env: { ...process.env, ...env } });
    set('org.gnome.system.proxy', 'mode', 'manual');
    set('org.gnome.system.proxy.https', 'host', '127.0.0.1');
    set('org.gnome.system.proxy.https', 'port', String(proxyPort));
    set('org.gnome.system.proxy.http', 'use-authentication', 'true');
    set('org.gnome.system.proxy.http', 'authentication-user', USER);
    set('org.gnome.system.proxy.http', 'authentication-password', GNOME_PASS);
    const { texts, report } = await runAll(home, { ...env, XDG_CURRENT_DESKTOP: 'GNOME' });
    expect(JSON.stringify(report.checks.find((c) => c.id === 'network-path')?.details ?? {})).toContain(`127.0.0.1:${proxyPort}`);
    for (const [where, text] of texts) expect(findEncodedLeak(text, GNOME_PASS, [USER]), where).toBeUndefined();
  });
});
