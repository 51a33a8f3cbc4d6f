/**
 * Issue 13, points 6-8: flags and errors name options in full, `report --json`, reports never
 * overwritten, each command's own help, the keychain's dead end, the daemon on a terminal.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasScript, runTty } from './tty.js';
import { CLI, emptyHome, FIXTURES, runCli } from './run-cli.js';
import { execFile } from 'node:child_process';

const FLAT_OK = join(FIXTURES, 'layouts', 'flat-ok');
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = emptyHome();
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PORTKEY_DOCTOR_POLICY: join(home, 'none'), ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    ),
  );
}

describe('option names in errors (point 6)', () => {
  it.each([
    [['--claude-dir'], '--claude-dir'],
    [['--only'], '--only'],
    [['--use-credential-helpr'], '--use-credential-helpr'],
    [['report', '--format'], '--format'],
    [['report', '--output'], '--output'],
  ])('%j: exit 2, the option named in full', async (args, name) => {
    const run = await runCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`'(-\\w, )?${name}[ ']`));
    noStack(run.stderr);
  });

  it('a value is still masked: an unknown option with a value after = shows no value', async () => {
    const run = await runCli(['--api-key-value=pk-SecretLookingValue1234']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('SecretLookingValue');
  });
});

describe('--claude-dir mistakes are recognised (point 5)', () => {
  it.each([
    ['the configLibrary folder', join(FLAT_OK, 'configLibrary')],
    ['_meta.json', join(FLAT_OK, 'configLibrary', '_meta.json')],
    ['a legacy file', join(FIXTURES, 'claude-3p', 'legacy-ok', 'claude_desktop_config.json')],
  ])('%s: exit 2, and the hint names the folder to pass instead', async (_what, dir) => {
    const run = await runCli(['--claude-dir', dir]);
    expect(run.code).toBe(2);
    noStack(run.stderr);
    const hint = /--claude-dir (\S+)\s*$/.exec(run.stderr)?.[1];
    expect(hint).toBeDefined();
    // The folder it names is one the doctor reads without complaint.
    const again = await runCli(['--json', '--no-policy', '--claude-dir', hint!]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).checks[0]).toMatchObject({ id: 'claude-settings', status: 'ok' });
  });
});

describe('report (point 6)', () => {
  it('report --json prints (with -o -) the JSON report, as --format json', async () => {
    const run = await runCli(['report', '--json', '--offline', '--no-policy', '--claude-dir', FLAT_OK, '--output', '-']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ schemaVersion: expect.any(String), options: { offline: true } });
  });

  it('report --json --format markdown is refused (exit 2)', async () => {
    const run = await runCli(['report', '--json', '--format', 'markdown', '--offline', '--claude-dir', FLAT_OK]);
    expect(run.code).toBe(2);
    noStack(run.stderr);
  });

  it('two reports in the same minute: two files, neither overwritten, both mode 0600', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pkd-reports-'));
    const args = ['report', '--offline', '--no-policy', '--claude-dir', FLAT_OK];
    const [a, b, c] = [await runIn(cwd, args), await runIn(cwd, args), await runIn(cwd, [...args, '--json'])];
    expect([a.code, b.code, c.code]).toEqual([0, 0, 0]);
    const files = readdirSync(cwd).sort();
    expect(files.filter((f) => f.endsWith('.md'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    for (const f of files) {
      expect(f).toMatch(/^portkey-doctor-report-\d{4}-\d{2}-\d{2}-\d{4}(-\d+)?\.(md|json)$/);
      expect(statSync(join(cwd, f)).mode & 0o777).toBe(0o600);
    }
  });
});

describe('each command its own help (point 6)', () => {
  it.each([['report'], ['daemon'], ['agent'], ['key']])('%s --help: exit 0, short, about that command', async (command) => {
    const general = await runCli(['--help']);
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toBe(general.stdout);
    expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^portkey-doctor ${command}\\b`));
    expect(run.stdout.split('\n').length).toBeLessThan(40);
  });

  it('help report is the same as report --help', async () => {
    expect((await runCli(['help', 'report'])).stdout).toBe((await runCli(['report', '--help'])).stdout);
  });
});

describe('the keychain is not a dead end (point 7)', () => {
  it.runIf(process.platform === 'linux')('key status / set without a D-Bus session: exit 2, and it names what to use instead', async () => {
    for (const args of [
      ['key', 'status'],
      ['key', 'delete'],
    ]) {
      const run = await runCli(args, { DBUS_SESSION_BUS_ADDRESS: '' });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--api-key-env');
      expect(run.stderr).toContain('--api-key-file');
      expect(run.stderr).toContain('PORTKEY_DOCTOR_API_KEY');
    }
  });
});

describe.concurrent('the daemon on a terminal shows each event once (point 8)', () => {
  const args = ['daemon', '--max-runs', '1', '--offline', '--no-policy', '--claude-dir', FLAT_OK];

  it.skipIf(!hasScript)(
    'on a pty: the console lines, no JSON log lines',
    async () => {
      const state = mkdtempSync(join(tmpdir(), 'pkd-state-'));
      const run = await runTty([...args, '--state-dir', state], {}, 90_000);
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
      expect(lines.filter((l) => / started /.test(l))).toHaveLength(1);
      expect(lines.filter((l) => / stopped /.test(l))).toHaveLength(1);
      expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    },
    120_000,
  );

  it('in a pipe (a service manager): the JSON log at info on stderr, as before', async () => {
    const state = mkdtempSync(join(tmpdir(), 'pkd-state-'));
    const run = await runCli([...args, '--state-dir', state], {}, 90_000);
    expect(run.code).toBe(0);
    const logs = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; event?: string });
    expect(logs.some((l) => l.level === 'info' && l.event === 'started')).toBe(true);
  }, 120_000);

  it.skipIf(!hasScript)(
    'on a pty, --log-level info asks for the JSON log',
    async () => {
      const state = mkdtempSync(join(tmpdir(), 'pkd-state-'));
      const run = await runTty([...args, '--state-dir', state, '--log-level', 'info'], {}, 90_000);
      expect(run.stdout.split('\n').some((l) => l.startsWith('{'))).toBe(true);
    },
    120_000,
  );
});
