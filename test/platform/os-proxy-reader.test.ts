/**
 * The OS proxy readers with real tools: the real `gsettings` (keyfile backend in a temporary
 * folder), KDE's file, stand-in scripts for a tool that hangs or floods, and `scutil` played by a
 * script that prints a fixture (the reader runs any OS's tool by path).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { linuxDesktop, OS_PROXY_MAX_OUTPUT, readOsProxySettings } from '../../src/platform/os-proxy.js';
import { realOs } from '../../src/io/real.js';

const dir = mkdtempSync(join(tmpdir(), 'pkd-os-proxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/os-proxy/${name}`, import.meta.url), 'utf8');

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

let hasGsettings = true;
try {
  execFileSync('gsettings', ['--version'], { stdio: 'ignore' });
} catch {
  hasGsettings = false;
}

describe('Linux desktop', () => {
  it.skipIf(!hasGsettings)('GNOME: the real gsettings, settings written with gsettings set', async () => {
    const config = join(dir, 'gnome');
    mkdirSync(config);
    const env = { ...process.env, GSETTINGS_BACKEND: 'keyfile', XDG_CONFIG_HOME: config, XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' };
    const set = (...args: string[]) => execFileSync('gsettings', ['set', ...args], { env });
    set('org.gnome.system.proxy', 'mode', 'manual');
    set('org.gnome.system.proxy.http', 'host', 'proxy.corp.example');
    set('org.gnome.system.proxy.http', 'port', '3128');
    set('org.gnome.system.proxy.http', 'authentication-password', 'Gnome-Proxy-Pass-7x');
    const s = await readOsProxySettings({ platform: 'linux', env });
    expect(s).toMatchObject({ source: 'linux-desktop', httpsProxy: 'proxy.corp.example:3128', httpProxy: 'proxy.corp.example:3128' });
    expect(s.bypass).toContain('127.0.0.0/8');
    expect(JSON.stringify(s)).not.toContain('Gnome-Proxy-Pass-7x');
  });

  it('GNOME: a gsettings that hangs ends the read within the bound, said in unreadable', async () => {
    const hung = script('gsettings-hung', 'exec sleep 30');
    const started = Date.now();
    const s = await readOsProxySettings({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME' }, timeoutMs: 300, commands: { gsettings: hung } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(s.source).toBe('none');
    expect(s.unreadable).toMatch(/did not answer/);
  });

  it('GNOME: a flood of output is cut at the bound, said in unreadable', async () => {
    const flood = script('gsettings-flood', `head -c ${OS_PROXY_MAX_OUTPUT * 4} /dev/zero | tr '\\0' 'a'`);
    const s = await readOsProxySettings({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME' }, commands: { gsettings: flood } });
    expect(s.source).toBe('none');
    expect(s.unreadable).toMatch(/more than/);
  });

  it('GNOME: no gsettings at all', async () => {
    const s = await readOsProxySettings({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'GNOME' }, commands: { gsettings: join(dir, 'nope') } });
    expect(s.source).toBe('none');
    expect(s.unreadable).toMatch(/cannot run/);
  });

  it('KDE: kioslaverc under XDG_CONFIG_HOME; missing: none', async () => {
    const config = join(dir, 'kde');
    mkdirSync(config);
    writeFileSync(join(config, 'kioslaverc'), fixture('kioslaverc-pac'));
    const s = await readOsProxySettings({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE', XDG_CONFIG_HOME: config } });
    expect(s).toEqual({ source: 'linux-desktop', pacUrl: 'http://wpad.corp.example/proxy.pac', bypass: [], bypassSuffixMatching: true });
    const none = await readOsProxySettings({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE', XDG_CONFIG_HOME: join(dir, 'empty') } });
    expect(none).toEqual({ source: 'none', bypass: [] });
    const relative = await readOsProxySettings({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE', XDG_CONFIG_HOME: 'relative/dir' } });
    expect(relative).toMatchObject({ source: 'none', unreadable: expect.stringMatching(/absolute/) });
  });

  it('no desktop (a server, CI): none, the environment decides', async () => {
    expect(await readOsProxySettings({ platform: 'linux', env: {} })).toEqual({ source: 'none', bypass: [] });
    expect(linuxDesktop({ XDG_CURRENT_DESKTOP: 'X-Cinnamon' })).toBe('gnome');
    expect(linuxDesktop({ DESKTOP_SESSION: 'plasma' })).toBe('kde');
    expect(linuxDesktop({ XDG_CURRENT_DESKTOP: 'sway' })).toBeUndefined();
  });
});

describe('macOS and Windows readers', () => {
  it('macOS: scutil --proxy parsed (a script prints the fixture)', async () => {
    const scutil = script('scutil', `cat '${new URL('../fixtures/os-proxy/scutil-manual.txt', import.meta.url).pathname}'`);
    const s = await readOsProxySettings({ platform: 'darwin', commands: { scutil } });
    expect(s).toMatchObject({ source: 'macos', httpsProxy: 'secure-proxy.corp.example:8443', bypassSimpleHosts: true });
  });

  it('macOS: scutil failing is said, not thrown', async () => {
    const scutil = script('scutil-fail', 'exit 3');
    const s = await readOsProxySettings({ platform: 'darwin', commands: { scutil } });
    expect(s).toMatchObject({ source: 'macos', unreadable: expect.stringMatching(/exit code 3/) });
  });

  it('macOS rules on another OS: nothing is run', async () => {
    if (process.platform === 'darwin') return;
    expect(await readOsProxySettings({ platform: 'darwin' })).toEqual({ source: 'none', bypass: [] });
  });

  it('Windows rules on another OS: the registry is not read', async () => {
    if (process.platform === 'win32') return;
    expect(await readOsProxySettings({ platform: 'win32' })).toEqual({ source: 'none', bypass: [] });
  });

  it('ctx.os.proxySettings reads once per run', async () => {
    const os = realOs('linux', { XDG_CURRENT_DESKTOP: 'sway' });
    const first = os.proxySettings();
    expect(os.proxySettings()).toBe(first);
    expect(await first).toEqual({ source: 'none', bypass: [] });
  });
});
