/**
 * The app checks through the built CLI (`node dist/cli.js --json`), as a user runs it: a real
 * stand-in app process, real settings files and their modification times. Needs the app checks
 * in src/checks/index.ts and the --app/--claude-data-dir/--keychain-* flags in the CLI.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_PROFILE, parseReport, runCli, writeProfile, type JsonReport } from '../cli/run-cli.js';
import { sleep, startStandIn, uniqueAppPath, type StandIn } from './stand-in.js';

const APP = fileURLToPath(new URL('../fixtures/app/', import.meta.url));
const PROFILE_ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const PROFILE = GOOD_PROFILE;
const APP_CHECKS = ['app-installed', 'app-running', 'app-version', 'developer-mode', 'relaunch-needed', 'keychain', 'app-log'];

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

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
