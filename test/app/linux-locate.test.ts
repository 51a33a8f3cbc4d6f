/**
 * Finding the official Linux build: by its running process (a real stand-in process, listed by
 * the real `ps`), at the place the .deb installs it, its version from the app.asar beside it or
 * from dpkg; and saying what could not be established when neither finds it.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

import { customRule } from '../../src/app/process-rules.js';
import { debianUpstreamVersion, launchedFrom, locateLinux } from '../../src/platform/app-locate.js';
import { startStandIn, type StandIn, uniqueAppPath } from './stand-in.js';

const APP = fileURLToPath(new URL('../fixtures/app/', import.meta.url));
const ctx = { platform: 'linux' as const, env: {}, homedir: '/home/alex', username: 'alex' };
const noProcesses = async () => ({ processes: [], source: 'ps' as const, startTimeUncertaintyMs: 2000, notes: [] });
const noDpkg = async () => undefined;

/** A folder laid out as the .deb lays it out: `<root>/usr/lib/claude-desktop/claude-desktop`, with or without the app.asar. */
function debTree(withAsar: boolean): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pkd-deb-')), 'usr', 'lib', 'claude-desktop');
  mkdirSync(dir, { recursive: true });
  if (withAsar) cpSync(join(APP, 'linux-community/claude-desktop/resources'), join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'claude-desktop'), '');
  return join(dir, 'claude-desktop');
}

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('locateLinux', () => {
  it('at the .deb’s place: found, the version from the app.asar beside it', async () => {
    const exe = debTree(true);
    const r = await locateLinux(ctx, {}, { debExe: exe, listProcesses: noProcesses, debVersion: noDpkg });
    expect(r.installs).toEqual([expect.objectContaining({ path: exe, version: '0.14.10' })]);
    expect(r.searched).toContain(exe);
    expect(r.undetermined).toBeUndefined();
  });

  it('no app.asar readable: the version from dpkg (the .deb’s package)', async () => {
    const exe = debTree(false);
    const asked: string[] = [];
    const r = await locateLinux(
      ctx,
      {},
      {
        debExe: exe,
        listProcesses: noProcesses,
        debVersion: async (pkg) => {
          asked.push(pkg);
          return '1.26832.0';
        },
      },
    );
    expect(asked).toEqual(['claude-desktop']);
    expect(r.installs[0]).toMatchObject({ path: exe, version: '1.26832.0', versionSource: 'dpkg-query -W claude-desktop' });
  });

  it('neither running nor at the .deb’s place: nothing found, and what could not be established is said', async () => {
    const r = await locateLinux(ctx, {}, { debExe: '/nonexistent/usr/lib/claude-desktop/claude-desktop', listProcesses: noProcesses, debVersion: noDpkg });
    expect(r.installs).toEqual([]);
    expect(r.undetermined).toMatch(/not running.*documents no other install location/);
  });

  it('the process list fails: noted, the .deb’s place still looked at', async () => {
    const r = await locateLinux(
      ctx,
      {},
      {
        debExe: '/nonexistent/claude-desktop',
        listProcesses: async () => {
          throw Object.assign(new Error('spawn ps ENOENT'), { code: 'ENOENT' });
        },
      },
    );
    expect(r.notes).toEqual(['cannot list processes (ENOENT)']);
    expect(r.undetermined).toBeDefined();
  });

  it.skipIf(process.platform === 'win32')('running (a real process, listed by the real ps): found by its process, with its version', async () => {
    const exe = debTree(true);
    const app = await startStandIn(exe, { helpers: 1 });
    started.push(app);
    // A stand-in is node with argv0 set: /proc/<pid>/exe names node, so the command line is used.
    const r = await locateLinux(
      ctx,
      { processRule: customRule(exe), self: { pid: process.pid } },
      { debExe: '/nonexistent/claude-desktop', exeOf: async () => undefined, debVersion: noDpkg },
    );
    expect(r.installs).toEqual([expect.objectContaining({ path: exe, version: '0.14.10' })]);
    expect(r.notes).toEqual([`found by its running process (pid ${app.pid})`]);
  });

  it('another user’s app is not this user’s install', async () => {
    const r = await locateLinux(
      ctx,
      { self: { pid: 1, uid: 1000 } },
      {
        debExe: '/nonexistent/claude-desktop',
        listProcesses: async () => ({
          processes: [{ pid: 50, ppid: 1, uid: 1001, name: 'claude-desktop', cmd: '/usr/lib/claude-desktop/claude-desktop' }],
          source: 'ps',
          startTimeUncertaintyMs: 2000,
          notes: [],
        }),
        exeOf: async () => '/usr/lib/claude-desktop/claude-desktop',
      },
    );
    expect(r.installs).toEqual([]);
  });

  it('the running app’s executable comes from /proc/<pid>/exe when readable', async () => {
    const r = await locateLinux(
      ctx,
      { self: { pid: 1, uid: 1000 } },
      {
        debExe: '/nonexistent/claude-desktop',
        listProcesses: async () => ({
          processes: [{ pid: 50, ppid: 1, uid: 1000, name: 'claude-desktop', cmd: 'claude-desktop --ozone-platform=wayland' }],
          source: 'ps',
          startTimeUncertaintyMs: 2000,
          notes: [],
        }),
        exeOf: async () => uniqueAppPath('claude-desktop'),
      },
    );
    // The executable no longer exists (an upgrade replaced it): still named, version unknown.
    expect(r.installs).toEqual([expect.objectContaining({ kind: 'unknown' })]);
    expect(r.notes).toEqual(['found by its running process (pid 50)']);
  });
});

describe('Linux helpers', () => {
  it('launchedFrom: the executable, or the app an Electron runs', () => {
    expect(launchedFrom('/usr/lib/claude-desktop/claude-desktop', '/usr/bin/claude-desktop --hidden')).toBe('/usr/lib/claude-desktop/claude-desktop');
    expect(launchedFrom(undefined, '/usr/lib/claude-desktop/claude-desktop --type=renderer')).toBe('/usr/lib/claude-desktop/claude-desktop');
    expect(launchedFrom('/usr/lib/electron/electron', '/usr/bin/electron /usr/lib/claude-desktop-bin/app.asar')).toBe('/usr/lib/claude-desktop-bin/app.asar');
    expect(launchedFrom(undefined, 'claude-desktop --hidden')).toBeUndefined();
  });

  it('debianUpstreamVersion: epoch and Debian revision removed, nonsense refused', () => {
    expect(debianUpstreamVersion('1.26832.0')).toBe('1.26832.0');
    expect(debianUpstreamVersion('1:2.2553.1-1ubuntu2\n')).toBe('2.2553.1');
    expect(debianUpstreamVersion('')).toBeUndefined();
    expect(debianUpstreamVersion('dpkg-query: no packages found matching claude-desktop')).toBeUndefined();
  });
});
