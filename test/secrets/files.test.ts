/**
 * Issue 12, findings 8, 9 and 16 (files): FIFOs, devices and symbolic links where the doctor and
 * the daemon read or write files, through the built CLI. Every read position with a FIFO ends
 * within the hang guard (a report, or a usage error), `/dev/zero` is never read whole, outputs are
 * never written through links, and nothing a file supplies is echoed without bound.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { CLI, GOOD_PROFILE, parseReport, runCli, type CliRun, writeProfile } from '../cli/run-cli.js';
import { jsonl, spawnDaemon, tmp } from '../daemon/support/daemon.js';

const ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const POSIX = process.platform !== 'win32';
/** Generous: a hang is a child killed after this long (exit code -1), never a slow pass. */
const GUARD_MS = 25_000;

function mkfifo(path: string): void {
  execFileSyncQuiet('mkfifo', [path]);
}

function execFileSyncQuiet(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: 'ignore' });
}

function home(): string {
  return mkdtempSync(join(tmpdir(), 'pkd-files-home-'));
}

/** The run ended on its own (not killed by the guard) with a report or a usage error. */
function ended(run: CliRun): void {
  expect(run.code, `killed by the hang guard? stderr: ${run.stderr.slice(0, 300)}`).not.toBe(-1);
  expect([0, 1, 2]).toContain(run.code);
}

function codeOf(run: CliRun, id: string): string | undefined {
  return parseReport(run).checks.find((c) => c.id === id)?.code;
}

describe.runIf(POSIX).concurrent('finding 8: FIFOs and devices where files are read', () => {
  it('the applied profile is a FIFO: SETTINGS_UNREADABLE, no hang', async () => {
    const dir = writeProfile(GOOD_PROFILE);
    const file = join(dir, 'configLibrary', `${ID}.json`);
    execFileSyncQuiet('rm', [file]);
    mkfifo(file);
    const run = await runCli(['--claude-dir', dir, '--json', '--timeout', '1', '--no-policy'], {}, GUARD_MS);
    ended(run);
    expect(codeOf(run, 'claude-settings')).toBe('SETTINGS_UNREADABLE');
  });

  it('_meta.json is a FIFO: SETTINGS_UNREADABLE, no hang', async () => {
    const dir = writeProfile(GOOD_PROFILE);
    const meta = join(dir, 'configLibrary', '_meta.json');
    execFileSyncQuiet('rm', [meta]);
    mkfifo(meta);
    const run = await runCli(['--claude-dir', dir, '--json', '--timeout', '1', '--no-policy'], {}, GUARD_MS);
    ended(run);
    expect(codeOf(run, 'claude-settings')).toBe('SETTINGS_UNREADABLE');
  });

  it('claude_desktop_config.json is a FIFO: no hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-legacy-'));
    mkfifo(join(dir, 'claude_desktop_config.json'));
    const run = await runCli(['--claude-dir', dir, '--json', '--timeout', '1', '--no-policy'], {}, GUARD_MS);
    ended(run);
    expect(run.code).not.toBe(2);
  });

  it('the profile is a symbolic link to /dev/zero: refused, not read', async () => {
    const dir = writeProfile(GOOD_PROFILE);
    const file = join(dir, 'configLibrary', `${ID}.json`);
    execFileSyncQuiet('rm', [file]);
    symlinkSync('/dev/zero', file);
    const run = await runCli(['--claude-dir', dir, '--json', '--timeout', '1', '--no-policy'], {}, GUARD_MS);
    ended(run);
    expect(codeOf(run, 'claude-settings')).toBe('SETTINGS_UNREADABLE');
  });

  it.each([
    ['--policy', 'policy.json'],
    ['--api-key-file', 'key.txt'],
    ['--plugin', 'plugin.mjs'],
  ])('%s names a FIFO: a usage error (exit 2), no hang', async (flag, name) => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-flag-'));
    const fifo = join(dir, name);
    mkfifo(fifo);
    const run = await runCli(
      ['--claude-dir', writeProfile(GOOD_PROFILE), '--json', '--timeout', '1', ...(flag === '--policy' ? [] : ['--no-policy']), flag, fifo],
      {},
      GUARD_MS,
    );
    ended(run);
    expect(run.code).toBe(2);
  });

  it('--api-key-file names /dev/zero: a usage error, not read whole', async () => {
    const run = await runCli(['--claude-dir', writeProfile(GOOD_PROFILE), '--json', '--no-policy', '--api-key-file', '/dev/zero'], {}, GUARD_MS);
    ended(run);
    expect(run.code).toBe(2);
  });

  it('--managed names a FIFO: no hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-managed-'));
    const fifo = join(dir, 'managed.json');
    mkfifo(fifo);
    const run = await runCli(['--claude-dir', writeProfile(GOOD_PROFILE), '--json', '--timeout', '1', '--no-policy', '--managed', fifo], {}, GUARD_MS);
    ended(run);
  });

  it('developer_settings.json is a FIFO: no hang', async () => {
    const data = mkdtempSync(join(tmpdir(), 'pkd-files-claude-'));
    mkfifo(join(data, 'developer_settings.json'));
    const run = await runCli(['--claude-dir', writeProfile(GOOD_PROFILE), '--claude-data-dir', data, '--json', '--timeout', '1', '--no-policy'], {}, GUARD_MS);
    ended(run);
    expect(run.code).not.toBe(2);
  });

  it("the policy's caFile is a FIFO: the CA read ends (ENOTREG), the TLS probe is not held", async () => {
    const { extraCas } = await import('../../src/gateway/endpoint.js');
    const { realOs } = await import('../../src/io/real.js');
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-ca-'));
    const fifo = join(dir, 'ca.pem');
    mkfifo(fifo);
    const policy = { source: join(dir, 'policy.json'), gateway: { caFile: fifo } };
    const read = extraCas({ env: {}, policy: policy as never, os: realOs() });
    const guard = new Promise<'hang'>((r) => setTimeout(() => r('hang'), 5_000).unref());
    const result = await Promise.race([read, guard]);
    expect(result).not.toBe('hang');
    expect(result === 'hang' ? [] : result.problems.map((p) => p.code)).toEqual(['ENOTREG']);
  });
});

describe.runIf(POSIX).concurrent('finding 16: bounded work and echo for what a file supplies', () => {
  it('a settings file nested 2.4 million levels deep is refused before parsing (SETTINGS_UNREADABLE)', async () => {
    const n = 2_400_000;
    const dir = writeProfile(`{"inferenceProvider":"gateway","x":${'['.repeat(n)}${']'.repeat(n)}}`, { raw: true });
    const run = await runCli(['--claude-dir', dir, '--json', '--timeout', '1', '--no-policy'], {}, GUARD_MS);
    ended(run);
    expect(codeOf(run, 'claude-settings')).toBe('SETTINGS_UNREADABLE');
  });

  it('an appliedId of 100,000 characters is not echoed (output stays small)', async () => {
    const dir = writeProfile(GOOD_PROFILE);
    const long = 'a'.repeat(100_000);
    writeFileSync(join(dir, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: long, entries: [{ id: long, name: 'b'.repeat(100_000) }] }));
    for (const args of [['--json'], ['-v']]) {
      const run = await runCli(['--claude-dir', dir, '--no-policy', ...args], {}, GUARD_MS);
      ended(run);
      expect(run.stdout + run.stderr).not.toContain('a'.repeat(1_000));
      expect((run.stdout + run.stderr).length).toBeLessThan(100_000);
    }
  });
});

/** Runs the CLI in a working folder (the report's default name is relative). */
function runIn(cwd: string, args: string[], h: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        env: { PATH: process.env.PATH, HOME: h, XDG_CONFIG_HOME: join(h, '.config'), LANG: 'C.UTF-8', PORTKEY_DOCTOR_POLICY: join(h, 'no-policy.json') },
        timeout: GUARD_MS,
      },
      (err, stdout, stderr) => {
        const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe.runIf(POSIX).concurrent('finding 9: writes never follow links nor touch devices', () => {
  it('report --output through a symbolic link: refused (exit 2); the target keeps its content and mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-out-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    chmodSync(victim, 0o644);
    const link = join(dir, 'report.md');
    symlinkSync(victim, link);
    const run = await runCli(['report', '--claude-dir', writeProfile(GOOD_PROFILE), '--offline', '--no-policy', '--output', link], {}, GUARD_MS);
    ended(run);
    expect(run.code).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('report under the default name, where a symbolic link waits: refused; the target untouched', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pkd-files-cwd-'));
    const victim = join(cwd, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    chmodSync(victim, 0o644);
    // The name holds the minute: plant links for this minute and the next two.
    const now = Date.now();
    for (const dt of [0, 60_000, 120_000]) {
      const stamp = new Date(now + dt).toISOString().slice(0, 16).replace('T', '-').replace(':', '');
      symlinkSync(victim, join(cwd, `portkey-doctor-report-${stamp}.md`));
    }
    const run = await runIn(cwd, ['report', '--claude-dir', writeProfile(GOOD_PROFILE), '--offline', '--no-policy'], home());
    ended(run);
    expect(run.code).toBe(2);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('report --output a FIFO: refused (exit 2), no hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-outfifo-'));
    const fifo = join(dir, 'out.md');
    mkfifo(fifo);
    const run = await runCli(['report', '--claude-dir', writeProfile(GOOD_PROFILE), '--offline', '--no-policy', '--output', fifo], {}, GUARD_MS);
    ended(run);
    expect(run.code).toBe(2);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('report --output an existing file of this user: replaced, mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-files-outok-'));
    const out = join(dir, 'r.json');
    writeFileSync(out, 'old');
    chmodSync(out, 0o644);
    const run = await runCli(['report', '--claude-dir', writeProfile(GOOD_PROFILE), '--offline', '--no-policy', '--output', out], {}, GUARD_MS);
    ended(run);
    expect(run.code).not.toBe(2);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('checks');
  });
});

describe.runIf(POSIX).concurrent('daemon: FIFOs, links and an open state folder', () => {
  const daemonArgs = (stateDir: string, jsonFile: string) => [
    '--claude-dir',
    writeProfile(GOOD_PROFILE),
    '--offline',
    '--no-policy',
    '--schedule',
    '* * * * * *',
    '--splay',
    '0',
    '--heartbeat',
    '0',
    '--max-runs',
    '1',
    '--state-dir',
    stateDir,
    '--json-file',
    jsonFile,
  ];

  it('state.json and daemon.pid are FIFOs: the daemon starts, runs and stops on its own', async () => {
    const dir = tmp();
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    mkfifo(join(state, 'state.json'));
    mkfifo(join(state, 'daemon.pid'));
    const d = spawnDaemon(daemonArgs(state, join(dir, 'status.json')));
    const timer = setTimeout(() => d.kill('SIGKILL'), GUARD_MS);
    const exit = await d.exited;
    clearTimeout(timer);
    expect(exit.signal, d.stderr().slice(0, 500)).toBeNull();
    expect(exit.code).toBe(0);
    expect(jsonl(join(dir, 'status.jsonl')).map((e) => e.type)).toEqual(['started', 'stopped']);
  });

  it('state.json is a FIFO and SIGTERM comes during the start: the process ends within the bound', async () => {
    const dir = tmp();
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    mkfifo(join(state, 'state.json'));
    const args = daemonArgs(state, join(dir, 'status.json'));
    args[args.indexOf('--max-runs') + 1] = '100';
    const d = spawnDaemon(args);
    // The lock is taken (signal handlers installed) just before the state is read.
    for (let i = 0; i < 200 && !existsSync(join(state, 'daemon.pid')); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    d.kill('SIGTERM');
    const timer = setTimeout(() => d.kill('SIGKILL'), GUARD_MS);
    const exit = await d.exited;
    clearTimeout(timer);
    expect(exit.signal, d.stderr().slice(0, 500)).toBeNull();
  });

  it('history.jsonl and the events file are symbolic links: the targets are neither appended nor chmodded', async () => {
    const dir = tmp();
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    const victim1 = join(dir, 'victim1.txt');
    const victim2 = join(dir, 'victim2.txt');
    for (const v of [victim1, victim2]) {
      writeFileSync(v, 'precious\n');
      chmodSync(v, 0o644);
    }
    symlinkSync(victim1, join(state, 'history.jsonl'));
    symlinkSync(victim2, join(dir, 'status.jsonl'));
    const d = spawnDaemon(daemonArgs(state, join(dir, 'status.json')));
    const timer = setTimeout(() => d.kill('SIGKILL'), GUARD_MS);
    const exit = await d.exited;
    clearTimeout(timer);
    expect(exit.signal).toBeNull();
    for (const v of [victim1, victim2]) {
      expect(readFileSync(v, 'utf8')).toBe('precious\n');
      expect(statSync(v).mode & 0o777).toBe(0o644);
    }
  });

  it('a state folder writable by everyone is narrowed to 0700', async () => {
    const dir = tmp();
    const state = join(dir, 'state');
    mkdirSync(state);
    chmodSync(state, 0o777);
    const d = spawnDaemon(daemonArgs(state, join(dir, 'status.json')));
    const timer = setTimeout(() => d.kill('SIGKILL'), GUARD_MS);
    const exit = await d.exited;
    clearTimeout(timer);
    expect(exit.code).toBe(0);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(existsSync(join(state, 'state.json'))).toBe(true);
    expect(readdirSync(state)).toContain('history.jsonl');
  });
});
