/**
 * Issue 16, "Shown by": the process listings and command outputs of real machines (FIELD-NOTES §8,
 * turned into fixtures in test/fixtures/platform — its README says where each came from) give the
 * right main process, the right relaunch verdict and the right version: the app told from Claude
 * Code (a CLI in a terminal, and the sessions the app starts), from the app's own services, and
 * from processes whose path cannot be read.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localTime } from '../../src/app/format.js';
import type { ProcessInfo, ProcessListing } from '../../src/app/process-info.js';
import { DARWIN_RULE, findAppProcesses, LINUX_RULE, WIN32_RULE } from '../../src/app/process-rules.js';
import { msixAppVersion } from '../../src/app/versions.js';
import appInstalled from '../../src/checks/app-installed.js';
import appRunning, { type AppRunningData } from '../../src/checks/app-running.js';
import appVersion from '../../src/checks/app-version.js';
import relaunchNeeded from '../../src/checks/relaunch-needed.js';
import { locateLinux, locateWin32, msixInstall, parseAppxPackages } from '../../src/platform/app-locate.js';
import { parsePsOutput, parseWin32Processes } from '../../src/platform/processes.js';
import { assertExpected, given, runCheck } from '../checks/check-tester.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/platform/${name}`, import.meta.url), 'utf8');
const pids = (ps: readonly { pid: number }[]) => ps.map((p) => p.pid).sort((a, b) => a - b);
const SETTINGS = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceGatewayApiKey: 'pk-test-key' };
/** runCheck's scenarios carry an expectation; these tests assert on the results themselves. */
const NO_EXPECTATION = { status: 'ok' } as const;
const PROFILE = '/fake/Claude-3p/configLibrary/0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10.json';

/** app-running on a listing, then relaunch-needed with what it handed on and a settings file changed at `changedAt`. */
async function verdicts(platform: NodeJS.Platform, listing: ProcessListing, changedAt: Date, self: { pid: number; uid?: number } = { pid: 1 }) {
  const running = await runCheck(appRunning, { name: 'app-running', os: { platform, processes: listing, self }, expect: NO_EXPECTATION });
  const data = running.data as AppRunningData;
  const relaunch = await runCheck(relaunchNeeded, {
    os: { platform },
    settings: SETTINGS,
    source: { files: [{ path: PROFILE, mtimeMs: changedAt.getTime() }] },
    upstream: [given(appRunning, data)],
    name: 'relaunch-needed',
    expect: NO_EXPECTATION,
  });
  return { running: running.result, data, relaunch: relaunch.result };
}

/** The log lines the app writes when it starts, at `at` in local time (as the app writes them). */
const startLines = (at: Date, version: string) => [`${localTime(at)} [info] Starting app {`, `  appVersion: '${version}',`, `  isPackaged: true,`, '}'];

describe('Windows: the MSIX app, its helpers, Claude Code and the app’s services', () => {
  const processes = parseWin32Processes(fixture('win32-processes-msix-claude-code.json'));
  const listing: ProcessListing = { processes, source: 'powershell', startTimeUncertaintyMs: 0, notes: [] };
  const appStart = new Date('2026-09-14T09:20:39.123Z');

  it('the main process is the MSIX Claude.exe; Claude Code, cowork-svc and chrome-native-host are not the app; a hidden path is not guessed', () => {
    const found = findAppProcesses(processes, WIN32_RULE);
    expect(pids(found.main)).toEqual([7200]);
    expect(pids(found.helpers)).toEqual([7212, 7260, 7270, 7344]);
    expect(pids(found.unseen)).toEqual([9001]);
    expect(pids(found.notApp.map((n) => n.process))).toEqual([6240, 7400, 7480, 8090]);
    expect(WIN32_RULE.build?.(found.main[0]!)).toBe('MSIX package');
  });

  it('the app is told by path, case-insensitively, on either separator; Claude Code’s claude.exe never', () => {
    const p = (path: string): ProcessInfo => ({ pid: 1, ppid: 0, name: path.split(/[\\/]/).pop()!, path });
    const m = (path: string) => WIN32_RULE.matches(p(path));
    expect(m('C:\\Program Files\\WindowsApps\\Claude_1.11847.5.0_arm64__pzs8sxrjxfjjc\\app\\Claude.exe')).toBe(true);
    expect(m('c:\\program files\\windowsapps\\claude_2.110.0.0_x64__pzs8sxrjxfjjc\\APP\\CLAUDE.EXE')).toBe(true);
    expect(m('C:\\Users\\alex\\AppData\\Local\\AnthropicClaude\\app-1.8089.0\\claude.exe')).toBe(true);
    expect(m('C:/Users/alex/AppData/Local/AnthropicClaude/app-2.2553.1/Claude.exe')).toBe(true);
    expect(m('C:\\Users\\alex\\AppData\\Roaming\\Claude\\claude-code\\2.1.3\\claude.exe')).toBe(false);
    expect(m('C:\\Users\\alex\\.local\\bin\\claude.exe')).toBe(false);
    expect(m('C:\\Users\\alex\\AppData\\Roaming\\npm\\node_modules\\@anthropic-ai\\claude-code\\bin\\claude.exe')).toBe(false);
    expect(m('C:\\Program Files\\WindowsApps\\Claude_1.5354.0.0_x64__pzs8sxrjxfjjc\\app\\resources\\cowork-svc.exe')).toBe(false);
    // The command line's first word stands in for a path the listing left out.
    expect(
      WIN32_RULE.matches({
        pid: 1,
        ppid: 0,
        name: 'Claude.exe',
        cmd: '"C:\\Program Files\\WindowsApps\\Claude_1.5354.0.0_x64__pzs8sxrjxfjjc\\app\\Claude.exe" ',
      }),
    ).toBe(true);
    expect(WIN32_RULE.unseen?.({ pid: 1, ppid: 0, name: 'CLAUDE.EXE' })).toBe(true);
  });

  it('app-running names the main process, what it could not see and what is not the app', async () => {
    const { running, data } = await verdicts('win32', listing, new Date('2026-09-14T09:00:00Z'));
    assertExpected(
      { result: running, data, net: undefined as never },
      {
        status: 'ok',
        details: {
          running: true,
          main: { pid: 7200 },
          build: 'MSIX package',
          helperPids: [7212, 7260, 7270, 7344],
          unseen: { pids: [9001] },
        },
        data: { main: { pid: 7200, startTime: appStart }, unseenPids: [9001] },
      },
    );
    const notApp = (running.details?.['notApp'] as { pid: number; why: string }[]).map((n) => n.pid).sort();
    expect(notApp).toEqual([6240, 7400, 7480, 8090]);
  });

  it('relaunch verdict: settings changed after the Claude Code CLI started but before the app → ok (the CLI is not the app); after the app → RELAUNCH_NEEDED', async () => {
    // The CLI (pid 6240) started 08:02:30; taken for the app (as by name alone), this change at
    // 09:00 would wrongly ask for a relaunch.
    const before = await verdicts('win32', listing, new Date('2026-09-14T09:00:00Z'));
    expect({ status: before.relaunch.status, code: before.relaunch.code }).toEqual({ status: 'ok', code: undefined });
    const after = await verdicts('win32', listing, new Date('2026-09-14T09:45:00Z'));
    expect({ status: after.relaunch.status, code: after.relaunch.code }).toEqual({ status: 'warn', code: 'RELAUNCH_NEEDED' });
  });

  it('only processes whose path is hidden (another session, or a listing without paths): APP_PROCESS_UNSEEN, relaunch not guessed', async () => {
    const bare = processes.map(({ pid, ppid, name, startTime }) => ({ pid, ppid, name, ...(startTime ? { startTime } : {}) }));
    const r = await verdicts(
      'win32',
      { processes: bare, source: 'ps-list (no start times)', startTimeUncertaintyMs: 0, notes: [] },
      new Date('2026-09-14T09:00:00Z'),
    );
    expect({ status: r.running.status, code: r.running.code }).toEqual({ status: 'warn', code: 'APP_PROCESS_UNSEEN' });
    expect(r.data.unseenPids).toEqual([6240, 7200, 7212, 7260, 7270, 7344, 7480, 9001]);
    expect({ status: r.relaunch.status, code: r.relaunch.code }).toEqual({ status: 'skip', code: 'RELAUNCH_START_UNKNOWN' });
  });

  it('Get-AppxPackage → the app’s three-part version; MSIX before the Squirrel folder', async () => {
    expect(parseAppxPackages(fixture('appx-claude-msix.json'))).toEqual([
      expect.objectContaining({ name: 'Claude', version: '1.5354.0.0', fullName: 'Claude_1.5354.0.0_x64__pzs8sxrjxfjjc' }),
    ]);
    expect(msixAppVersion('1.11847.5.0')).toBe('1.11847.5');
    expect(msixAppVersion('2.2553.1.0')).toBe('2.2553.1');
    expect(msixAppVersion('1.2.3.4')).toBe('1.2.3.4');
    const found = await locateWin32(
      { platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\alex\\AppData\\Local' }, homedir: 'C:\\Users\\alex', username: 'alex' },
      {
        readRegistry: async (key) => ({
          status: 'found',
          key,
          values: [{ name: 'DisplayVersion', type: 'REG_SZ', data: '1.3036.0' }],
          subkeys: [],
        }),
        appxJson: async () => ({ ok: true, stdout: fixture('appx-claude-msix.json') }),
      },
    );
    expect(found.installs.map((i) => [i.kind, i.version])).toEqual([
      ['msix', '1.5354.0'],
      ['squirrel', '1.3036.0'],
    ]);
    expect(found.installs[0]).toMatchObject({
      path: 'C:\\Program Files\\WindowsApps\\Claude_1.5354.0.0_x64__pzs8sxrjxfjjc',
      versionSource: 'Get-AppxPackage Claude (package version 1.5354.0.0)',
    });
  });

  it('app-version: the version the running app logged is preferred; the newer MSIX on disk → APP_UPDATE_NOT_RELAUNCHED', async () => {
    const { data } = await verdicts('win32', listing, new Date('2026-09-14T09:00:00Z'));
    const install = msixInstall(parseAppxPackages(fixture('appx-claude-msix.json'))[0]!);
    const lines = [...startLines(new Date('2026-09-13T18:00:00Z'), '1.3036.0'), ...startLines(new Date(appStart.getTime() + 2_000), '1.4758.0')];
    const r = await runCheck(appVersion, {
      os: { platform: 'win32' },
      settings: SETTINGS,
      upstream: [given(appInstalled, { install }), given(appRunning, data)],
      appLog: {
        status: 'found',
        path: 'C:\\Users\\alex\\AppData\\Local\\Claude-3p\\Logs\\main.log',
        folder: 'third-party',
        lines,
        truncated: false,
        searched: [],
      },
      name: 'app-version',
      expect: NO_EXPECTATION,
    });
    assertExpected(r, {
      status: 'warn',
      code: 'APP_UPDATE_NOT_RELAUNCHED',
      details: { version: '1.4758.0', versionFrom: 'running app (its log)', onDisk: '1.5354.0', running: '1.4758.0' },
    });
  });
});

describe('macOS: the app with its helpers and Claude Code sessions open', () => {
  const processes = parsePsOutput(fixture('ps-macos-claude-code.txt'));
  const listing: ProcessListing = { processes, source: 'ps', startTimeUncertaintyMs: 2000, notes: [] };
  const appStart = processes.find((p) => p.pid === 733)!.startTime!;

  it('the GPU helper without a suffix and the (Plugin) helper are helpers; disclaimer, chrome-native-host and Claude Code are not the app', () => {
    const found = findAppProcesses(processes, DARWIN_RULE, { ownUid: 501 });
    expect(pids(found.main)).toEqual([733]);
    expect(pids(found.helpers)).toEqual([744, 745, 752, 760]);
    expect(pids(found.notApp.map((n) => n.process))).toEqual([560, 771, 802, 815, 905]);
    expect(found.notApp.find((n) => n.process.pid === 802)?.why).toMatch(/^Claude Code/);
    // Another user's Claude Code is no evidence about this user's app.
    const theirs: ProcessInfo = { ...processes.find((p) => p.pid === 802)!, pid: 9802, uid: 502 };
    expect(pids(findAppProcesses([...processes, theirs], DARWIN_RULE, { ownUid: 501 }).notApp.map((n) => n.process))).not.toContain(9802);
  });

  it('relaunch verdict: a change after the CLI but before the app → ok; after the app started → RELAUNCH_NEEDED', async () => {
    const before = await verdicts('darwin', listing, new Date(appStart.getTime() - 10 * 60_000), { pid: 1500, uid: 501 });
    expect(before.running).toMatchObject({ status: 'ok', details: { main: { pid: 733 }, helpers: 4 } });
    expect(before.relaunch.status).toBe('ok');
    const after = await verdicts('darwin', listing, new Date(appStart.getTime() + 20 * 60_000), { pid: 1500, uid: 501 });
    expect({ status: after.relaunch.status, code: after.relaunch.code }).toEqual({ status: 'warn', code: 'RELAUNCH_NEEDED' });
  });
});

describe('Linux: the official .deb, the community AppImage and deb', () => {
  it('official .deb: its main process and --type helpers; Claude Code (a session and the CLI) is not the app', () => {
    const processes = parsePsOutput(fixture('ps-linux-deb.txt'));
    const found = findAppProcesses(processes, LINUX_RULE, { ownUid: 1000 });
    expect(pids(found.main)).toEqual([3100]);
    expect(pids(found.helpers)).toEqual([3104, 3105, 3131, 3140, 3170]);
    expect(pids(found.notApp.map((n) => n.process))).toEqual([2301, 3300]);
    expect(LINUX_RULE.build?.(found.main[0]!)).toMatch(/^official build/);
  });

  it('official .deb layout: found by its process, version from the package database, named official', async () => {
    const processes = parsePsOutput(fixture('ps-linux-deb.txt'));
    const found = await locateLinux(
      { platform: 'linux', env: {}, homedir: '/home/alex', username: 'alex' },
      { self: { pid: 3500, uid: 1000 } },
      {
        listProcesses: async () => ({ processes, source: 'ps', startTimeUncertaintyMs: 2000, notes: [] }),
        exeOf: async (pid) => (pid === 3100 ? '/usr/lib/claude-desktop/claude-desktop' : undefined),
        debVersion: async (pkg) => (pkg === 'claude-desktop' ? '2.2553.1' : undefined),
      },
    );
    expect(found.installs).toEqual([
      expect.objectContaining({
        path: '/usr/lib/claude-desktop/claude-desktop',
        version: '2.2553.1',
        versionSource: 'dpkg-query -W claude-desktop',
        build: 'official build (.deb: /usr/lib/claude-desktop/claude-desktop)',
      }),
    ]);
  });

  it('AppImage (from /tmp/.mount_claude…): recognised and named; the cowork VM service beside it is not the app', () => {
    const processes = parsePsOutput(fixture('ps-linux-appimage.txt'));
    const found = findAppProcesses(processes, LINUX_RULE, { ownUid: 1000 });
    expect(pids(found.main)).toEqual([1509190]);
    expect(pids(found.helpers)).toEqual([1509193, 1509194, 1509222, 1509260]);
    expect(found.notApp.map((n) => [n.process.pid, n.why])).toEqual([[1508933, expect.stringMatching(/service/)]]);
    expect(LINUX_RULE.build?.(found.main[0]!)).toBe('community build (AppImage, running from /tmp/.mount_…)');
  });

  it('community deb: the launcher script is not the app, the Electron it starts is, named as a community build', () => {
    const processes = parsePsOutput(fixture('ps-linux-community-deb.txt'));
    const found = findAppProcesses(processes, LINUX_RULE, { ownUid: 1000 });
    expect(pids(found.main)).toEqual([321466]);
    expect(pids(found.helpers)).toEqual([321469, 321471, 321473]);
    expect(found.notApp.map((n) => [n.process.pid, n.why])).toEqual([[321456, expect.stringMatching(/launcher/)]]);
    expect(LINUX_RULE.build?.(found.main[0]!)).toMatch(/^community build \(claude-desktop-unofficial/);
  });

  it('AUR claude-desktop-bin and a bundled claude binary are named as such', () => {
    const build = (cmd: string) => LINUX_RULE.build?.({ pid: 1, ppid: 0, name: cmd.split(' ')[0]!.split('/').pop()!, cmd });
    expect(build('/usr/bin/electron /usr/lib/claude-desktop-bin/app.asar')).toBe('community build (AUR claude-desktop-bin: Electron running app.asar)');
    expect(build('/usr/lib/claude-desktop-bin/claude')).toMatch(/bundled claude binary/);
    expect(build('/home/alex/.local/bin/claude')).toBeUndefined();
  });
});
