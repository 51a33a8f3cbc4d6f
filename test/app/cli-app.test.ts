/**
 * The app checks through the built CLI (`node dist/cli.js --json`), as a user runs it: a real
 * stand-in app process, real settings files and their modification times. Needs the app checks
 * in src/checks/index.ts and the --app/--claude-data-dir/--keychain-* flags in the CLI.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { localTime } from '../../src/app/format.js';
import { emptyHome, GOOD_PROFILE, parseReport, runCli, writeProfile, type JsonReport } from '../cli/run-cli.js';
import { onExit } from '../support/exit.js';
import { sleep, standInHandle, startStandIn, uniqueAppPath, type StandIn } from './stand-in.js';

const APP = fileURLToPath(new URL('../fixtures/app/', import.meta.url));
const PROFILE_ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const PROFILE = GOOD_PROFILE;
const APP_CHECKS = ['app-installed', 'app-running', 'app-version', 'developer-mode', 'relaunch-needed', 'keychain', 'app-log'];

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

/** A small real program (a copy of `sleep`) run from `path`, so /proc/<pid>/exe and the command line both name that path. */
const SLEEP = ['/usr/bin/sleep', '/bin/sleep'].find((p) => existsSync(p));
async function runAs(path: string): Promise<StandIn> {
  copyFileSync(SLEEP!, path);
  const child = spawn(path, ['600'], { stdio: 'ignore' });
  const cancel = onExit(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  return standInHandle(child, [], cancel);
}

const check = (report: JsonReport, id: string) => {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in the report (is it registered in src/checks/index.ts?)`);
  return { status: c.status, code: c.code, details: c.details };
};
const doctor = async (dir: string, env: Record<string, string>, extra: string[] = []) =>
  // --offline: the settings and app layers only (no gateway to reach from a test).
  parseReport(await runCli(['--json', '--offline', '--no-policy', '--claude-dir', dir, ...extra], env));

describe.skipIf(process.platform === 'win32')('app checks through the CLI', () => {
  it('a stand-in started before a settings change → RELAUNCH_NEEDED; restarted → ok', async () => {
    const dir = writeProfile(PROFILE);
    const app = uniqueAppPath('claude-desktop');
    const env = { PORTKEY_DOCTOR_APP_PROCESS: app };
    started.push(await startStandIn(app, { helpers: 2 }));

    let report = await doctor(dir, env);
    expect(check(report, 'app-running')).toMatchObject({ status: 'ok', details: { running: true, helpers: 2 } });
    expect(check(report, 'relaunch-needed')).toMatchObject({ status: 'ok' });

    await sleep(2_500);
    writeFileSync(join(dir, 'configLibrary', `${PROFILE_ID}.json`), JSON.stringify({ ...PROFILE, inferenceGatewayAuthScheme: 'bearer' }));
    report = await doctor(dir, env);
    expect(check(report, 'relaunch-needed')).toMatchObject({ status: 'warn', code: 'RELAUNCH_NEEDED' });

    await started.splice(0)[0]!.stop();
    started.push(await startStandIn(app));
    report = await doctor(dir, env);
    expect(check(report, 'relaunch-needed')).toMatchObject({ status: 'ok' });
  });

  it.skipIf(process.platform !== 'linux' || !SLEEP)(
    'Linux, no flags: a program at …/claude-desktop/claude-desktop is the app (found by its process, named, its version read); Claude Code’s `claude` is not',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'pkd-deb-'));
      const dir = join(root, 'usr', 'lib', 'claude-desktop');
      mkdirSync(dir, { recursive: true });
      cpSync(join(APP, 'linux-community/claude-desktop/resources'), join(dir, 'resources'), { recursive: true });
      const codeDir = join(root, 'home', '.config', 'Claude', 'claude-code', '2.1.3');
      mkdirSync(codeDir, { recursive: true });
      // Claude Code first: started before the app, it would be the "earliest main process" if taken for it.
      const code = await runAs(join(codeDir, 'claude'));
      started.push(code);
      await sleep(1_100);
      const app = await runAs(join(dir, 'claude-desktop'));
      started.push(app);
      // The app logged its start with an older version than the one now on disk (0.14.10 in resources/app.asar).
      const home = emptyHome();
      mkdirSync(join(home, '.config', 'Claude-3p', 'logs'), { recursive: true });
      writeFileSync(
        join(home, '.config', 'Claude-3p', 'logs', 'main.log'),
        [`${localTime(Date.now())} [info] Starting app {`, "  appVersion: '0.14.9',", '}', ''].join('\n'),
      );

      // No extra headers: the old stand-in version is then judged only for the relaunch.
      const { inferenceCustomHeaders: _headers, ...noHeaders } = PROFILE;
      const report = await doctor(writeProfile(noHeaders), { HOME: home });
      const running = check(report, 'app-running');
      const d = running.details as {
        main: { pid: number };
        otherMain?: { pid: number }[];
        helperPids: number[];
        notApp?: { pid: number; why: string }[];
        build?: string;
      };
      const mains = [d.main.pid, ...(d.otherMain ?? []).map((m) => m.pid)];
      // Ours alone: ok. Another test file's stand-in running at the same moment (the fix command's
      // tests start one too) makes two main processes: that warning, and only that one.
      if (mains.length === 1) expect(running.status).toBe('ok');
      else expect(running).toMatchObject({ status: 'warn', code: 'APP_MULTIPLE_MAIN' });
      // Other test files on this machine may run their own stand-ins: ours is among the main processes.
      expect(mains).toContain(app.pid);
      expect([...mains, ...d.helperPids]).not.toContain(code.pid);
      expect(d.notApp?.find((n) => n.pid === code.pid)?.why).toMatch(/^Claude Code/);
      // app-installed lists the processes again: another test's stand-in may come or go between
      // the two listings, so what follows is asserted when both saw ours alone.
      const installed = check(report, 'app-installed');
      const foundOurs = ((installed.details?.['notes'] as string[] | undefined) ?? []).includes(`found by its running process (pid ${app.pid})`);
      if (mains.length === 1 && foundOurs) {
        expect(d.build).toMatch(/claude-desktop executable/);
        expect(installed).toMatchObject({ status: 'ok', details: { path: join(dir, 'claude-desktop'), version: '0.14.10' } });
        expect(check(report, 'app-version')).toMatchObject({
          status: 'warn',
          code: 'APP_UPDATE_NOT_RELAUNCHED',
          details: { running: '0.14.9', onDisk: '0.14.10' },
        });
      }
    },
  );

  it('Linux without the app (and no log): the app checks skip or pass, none fails, and the run goes on', async () => {
    const report = await doctor(writeProfile(PROFILE), { PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') });
    // Linux has an official build; with the app neither running nor at the .deb's place, what
    // could not be established is said, as a skip.
    expect(check(report, 'app-installed')).toMatchObject({ status: 'skip', code: 'APP_NOT_LOCATED' });
    expect(check(report, 'app-version')).toMatchObject({ status: 'skip', code: 'BLOCKED' });
    expect(check(report, 'developer-mode')).toMatchObject({ status: 'skip', code: 'DEVELOPER_DATA_DIR_NOT_FOUND' });
    expect(check(report, 'app-running')).toMatchObject({ status: 'ok', details: { running: false } });
    expect(check(report, 'relaunch-needed')).toMatchObject({ status: 'ok' });
    expect(check(report, 'keychain')).toMatchObject({ status: 'ok' });
    expect(check(report, 'app-log')).toMatchObject({ status: 'skip', code: 'APP_LOG_NOT_FOUND' });
    for (const id of APP_CHECKS) expect(['ok', 'warn', 'skip']).toContain(check(report, id).status);
    expect(report.checks.filter((c) => c.group === 'app').map((c) => c.id)).toEqual(APP_CHECKS);
    expect(report.exitCode).toBe(0);
  });

  it('without a Secret Service the keychain check reports it unavailable and the run goes on', async () => {
    const { inferenceGatewayApiKey: _key, ...noKey } = PROFILE;
    const report = await doctor(writeProfile(noKey), { PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') });
    expect(check(report, 'keychain')).toMatchObject({ status: 'skip', code: 'KEYCHAIN_UNAVAILABLE' });
    expect(check(report, 'relaunch-needed').status).toBe('ok');
    // A profile with no key is the app without a credential (issue 11: CREDENTIALS_NONE fails);
    // nothing else fails, and no app check.
    expect(report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => [c.id, c.code])).toEqual([['credentials', 'CREDENTIALS_NONE']]);
  });

  it('--app and --claude-data-dir steer the app checks (same as the environment variables)', async () => {
    const dir = writeProfile(PROFILE);
    const none = { PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') };
    let report = await doctor(dir, none, ['--app', join(APP, 'old/Claude.app'), '--claude-data-dir', join(APP, 'claude-data/corrupt/Claude')]);
    expect(check(report, 'app-version')).toMatchObject({ status: 'fail', code: 'APP_TOO_OLD_CUSTOM_HEADERS' });
    expect(check(report, 'developer-mode')).toMatchObject({ status: 'fail', code: 'DEVELOPER_SETTINGS_INVALID_JSON' });
    expect(report.exitCode).toBe(1);
    report = await doctor(dir, {
      ...none,
      PORTKEY_DOCTOR_APP: join(APP, 'current/Claude.app'),
      PORTKEY_DOCTOR_CLAUDE_DATA_DIR: join(APP, 'claude-data/on/Claude'),
    });
    expect(check(report, 'app-installed')).toMatchObject({ status: 'ok', details: { version: '1.8089.0' } });
    expect(check(report, 'app-version')).toMatchObject({ status: 'ok' });
    expect(check(report, 'developer-mode')).toMatchObject({ status: 'ok' });
  });
});
