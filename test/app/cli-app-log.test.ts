/**
 * The app-log check through the built CLI (`node dist/cli.js --json`), as a user runs it: a HOME
 * with the app's main.log in place (test/fixtures/app-log/), the settings in a Claude-3p folder
 * changed before the app last started. Asserts status and codes, never prose.
 */
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

import { emptyHome, GOOD_PROFILE, parseReport, runCli, writeProfile } from '../cli/run-cli.js';
import { startStandIn, type StandIn, uniqueAppPath } from './stand-in.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/app-log/', import.meta.url));
const LONG_AGO = new Date('2026-01-01T00:00:00Z');

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

/** A settings folder whose files last changed long before the logs' start. */
function settings(): string {
  const dir = writeProfile(GOOD_PROFILE);
  for (const f of readdirSync(join(dir, 'configLibrary'))) utimesSync(join(dir, 'configLibrary', f), LONG_AGO, LONG_AGO);
  return dir;
}

/** A HOME whose Linux third-party log holds `content`. */
function homeWithLog(content: string | Buffer): string {
  const home = emptyHome();
  mkdirSync(join(home, '.config', 'Claude-3p', 'logs'), { recursive: true });
  writeFileSync(join(home, '.config', 'Claude-3p', 'logs', 'main.log'), content);
  return home;
}

async function appLog(home: string, env: Record<string, string> = {}) {
  const report = parseReport(
    await runCli(['--json', '--offline', '--no-policy', '--claude-dir', settings()], {
      HOME: home,
      PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop'),
      ...env,
    }),
  );
  const c = report.checks.find((x) => x.id === 'app-log');
  if (!c) throw new Error('no app-log in the report (is it registered in src/checks/index.ts?)');
  const more = (c as { moreFindings?: { code: string }[] }).moreFindings ?? [];
  return { status: c.status, code: c.code, more: more.map((m) => m.code), exitCode: report.exitCode, stdout: JSON.stringify(report), details: c.details };
}

const fixture = (name: string) => readFileSync(join(FIXTURES, name));

const CASES: [string, { status: string; code?: string; more?: string[] }][] = [
  ['healthy.log', { status: 'ok' }],
  ['models-rejected.log', { status: 'fail', code: 'APP_LOG_MODELS_REJECTED' }],
  ['config-invalid.log', { status: 'fail', code: 'APP_LOG_CONFIG_INVALID' }],
  ['degraded.log', { status: 'fail', code: 'APP_LOG_DEGRADED' }],
  ['no-credential.log', { status: 'fail', code: 'APP_LOG_NO_CREDENTIAL' }],
  ['key-ignored.log', { status: 'warn', code: 'APP_LOG_KEY_IGNORED', more: ['APP_LOG_KEY_IGNORED'] }],
  ['managed-key-unrecognized.log', { status: 'fail', code: 'APP_LOG_MANAGED_KEY_UNRECOGNIZED' }],
  ['config-parse-failed.log', { status: 'fail', code: 'APP_LOG_CONFIG_PARSE_FAILED' }],
  ['credentials-read-failed.log', { status: 'fail', code: 'APP_LOG_CREDENTIALS_READ_FAILED' }],
  ['sso-discovery.log', { status: 'fail', code: 'APP_LOG_SSO_DISCOVERY_FAILED' }],
  ['helper-failed.log', { status: 'fail', code: 'APP_LOG_HELPER_FAILED', more: ['APP_LOG_DEGRADED'] }],
  ['several.log', { status: 'fail', code: 'APP_LOG_CREDENTIALS_READ_FAILED', more: ['APP_LOG_DEGRADED', 'APP_LOG_KEY_IGNORED'] }],
  ['older-than-start.log', { status: 'ok' }],
  ['second-instance.log', { status: 'fail', code: 'APP_LOG_NO_CREDENTIAL' }],
  ['multi-line.log', { status: 'fail', code: 'APP_LOG_MODELS_REJECTED' }],
  ['binary.log', { status: 'fail', code: 'APP_LOG_MODELS_REJECTED', more: ['APP_LOG_DEGRADED'] }],
  // The third-party lines captured on real machines (FIELD-NOTES §8).
  ['helper-provider-error.log', { status: 'fail', code: 'APP_LOG_HELPER_FAILED' }],
  ['config-health.log', { status: 'fail', code: 'APP_LOG_CONFIG_HEALTH_ERROR' }],
  ['picker-empty.log', { status: 'warn', code: 'APP_LOG_MODEL_PICKER_EMPTY' }],
  ['helper-spawn-failed.log', { status: 'fail', code: 'APP_LOG_HELPER_FAILED' }],
  ['field-lines.log', { status: 'fail', code: 'APP_LOG_CONFIG_INVALID', more: ['APP_LOG_HELPER_FAILED', 'APP_LOG_KEY_IGNORED', 'APP_LOG_MODEL_PICKER_EMPTY'] }],
];

describe.skipIf(process.platform === 'win32')('app-log through the CLI', () => {
  it.each(CASES)('%s', async (name, expected) => {
    const r = await appLog(homeWithLog(fixture(name)));
    expect({ status: r.status, code: r.code, more: r.more }).toEqual({ status: expected.status, code: expected.code, more: expected.more ?? [] });
    expect(r.exitCode).toBe(expected.status === 'fail' ? 1 : 0);
  });

  it('no log: skip APP_LOG_NOT_FOUND, naming where it looked', async () => {
    const home = emptyHome();
    const r = await appLog(home);
    expect({ status: r.status, code: r.code }).toEqual({ status: 'skip', code: 'APP_LOG_NOT_FOUND' });
    expect(r.details?.['searched']).toContain(join(home, '.config', 'Claude-3p', 'logs', 'main.log'));
    expect(r.exitCode).toBe(0);
  });

  it('a huge log: its tail is read, the problems in it found', async () => {
    const filler = Buffer.from('2026-12-01 08:59:59 [info] [growthbook] next refresh in 60 min\n'.repeat(80_000)); // ~5 MB
    const r = await appLog(homeWithLog(Buffer.concat([fixture('several.log').subarray(0, 60), filler, fixture('several.log')])));
    expect({ status: r.status, code: r.code }).toEqual({ status: 'fail', code: 'APP_LOG_CREDENTIALS_READ_FAILED' });
    expect(r.details).toMatchObject({ truncated: true });
  });

  it('the captured lines that are no finding are evidence in the details (--json) and shown with -v', async () => {
    const home = homeWithLog(fixture('field-lines.log'));
    const r = await appLog(home);
    const evidence = (r.details?.['evidence'] ?? []) as { kind: string; subject?: string }[];
    expect(evidence.map((e) => [e.kind, e.subject])).toEqual([
      ['config-health', 'provider_error'],
      ['credentials-loaded', 'gateway'],
      ['helper-running', '/usr/local/bin/portkey-key'],
      ['api-host', 'http://127.0.0.1:11436'],
    ]);
    const run = await runCli(['-v', '--no-color', '--offline', '--no-policy', '--claude-dir', settings()], {
      HOME: home,
      PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop'),
    });
    const verbose = run.stdout;
    expect(verbose).toMatch(/^\s+evidence: .*"kind":"api-host"/m);
    expect(verbose).toContain('APP_LOG_CONFIG_INVALID');
    const plain = await runCli(['--no-color', '--offline', '--no-policy', '--claude-dir', settings()], {
      HOME: home,
      PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop'),
    });
    expect(plain.stdout).not.toMatch(/^\s+evidence: /m);
  });

  it('the newest log is read: a first-party log written after the third-party one', async () => {
    const home = homeWithLog(fixture('healthy.log'));
    utimesSync(join(home, '.config', 'Claude-3p', 'logs', 'main.log'), LONG_AGO, LONG_AGO);
    mkdirSync(join(home, '.config', 'Claude', 'logs'), { recursive: true });
    writeFileSync(join(home, '.config', 'Claude', 'logs', 'main.log'), fixture('config-invalid.log'));
    const r = await appLog(home);
    expect({ status: r.status, code: r.code }).toEqual({ status: 'fail', code: 'APP_LOG_CONFIG_INVALID' });
    expect(r.details).toMatchObject({ folder: 'first-party', otherLogs: [{ folder: 'third-party' }] });
  });

  it('no secret of the log reaches the report', async () => {
    const r = await appLog(homeWithLog(fixture('secrets.log')));
    expect(r.code).toBe('APP_LOG_CONFIG_INVALID');
    for (const s of ['hunter2-Secret', 'sk-ant-api03-Xq7LmN2pQ9rS4tU6vW8yZ0aB', 'pk-LogSecret-Mv3Nb8Qc1Xz5', 'Zk4Jm9Pq2Lx7Wn5Rt8Yv3Bc6']) {
      expect(r.stdout).not.toContain(s);
    }
  });

  it('no secret of a helper path, its arguments or the apiHost reaches the report', async () => {
    const r = await appLog(homeWithLog(fixture('helper-secrets.log')));
    expect(r.code).toBe('APP_LOG_HELPER_FAILED');
    for (const s of ['pk-HelperSecret-Qw8Er4Ty2Ui6', 'Hv7Kp2Mx9Qz4Lw6Nb3Rt8Yc', 'hunter2-Secret', 'Pz5Lq8Wm3Xn7Kc2Vb9Rj4Ty6']) {
      expect(r.stdout).not.toContain(s);
    }
  });

  it('the app running since after the log’s lines: they are older than its start and ignored (APP_LOG_OUTDATED)', async () => {
    const app = uniqueAppPath('claude-desktop');
    started.push(await startStandIn(app));
    const r = await appLog(homeWithLog(fixture('models-rejected.log')), { PORTKEY_DOCTOR_APP_PROCESS: app });
    expect({ status: r.status, code: r.code }).toEqual({ status: 'skip', code: 'APP_LOG_OUTDATED' });
    expect(r.details).toMatchObject({ ignoredOlderThanApp: 2 });
  });
});
