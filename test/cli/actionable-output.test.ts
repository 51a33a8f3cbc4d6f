/**
 * Issue 13: output a person can act on. The console report on a pseudo-terminal and in a pipe,
 * asserted on structure (rows per group, which checks are listed, exit codes, JSON fields).
 */
import { describe, expect, it } from 'vitest';
import { consoleRows, hasScript, runTty } from './tty.js';
import { GOOD_PROFILE, parseReport, runCli, writeProfile } from './run-cli.js';
import { reportValidator } from './schema.js';

const validate = reportValidator();
const nonEmpty = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('--offline says what was not checked (point 1)', () => {
  const dir = writeProfile(structuredClone(GOOD_PROFILE));

  it('JSON: notChecked names network and gateway with reason offline; options.offline; schema-valid', async () => {
    const run = await runCli(['--json', '--no-policy', '--offline', '--claude-dir', dir]);
    const report = parseReport(run);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.notChecked).toEqual([
      expect.objectContaining({ group: 'network', reason: 'offline' }),
      expect.objectContaining({ group: 'gateway', reason: 'offline' }),
    ]);
    expect(report.options).toMatchObject({ offline: true });
    expect(report.checks.some((c) => c.group === 'network' || c.group === 'gateway')).toBe(false);
    expect(run.code).toBe(0);
  });

  it('the Markdown report lists what was not checked', async () => {
    const run = await runCli(['report', '--no-policy', '--offline', '--claude-dir', dir, '--output', '-']);
    expect(run.code).toBe(0);
    const list = run.stdout.split('\n\n').find((p) => /^- .*--offline/m.test(p));
    expect(list?.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(2);
  });

  it('a full run has no notChecked', async () => {
    // Loopback, a closed port: nothing leaves this machine.
    const run = await runCli(['--json', '--no-policy', '--claude-dir', dir, '--base-url', 'http://127.0.0.1:9', '--timeout', '5'], {}, 60_000, {
      network: true,
    });
    const report = parseReport(run);
    expect(report.notChecked).toBeUndefined();
  });

  it('--only records the groups it left out (reason only)', async () => {
    const run = await runCli(['--json', '--no-policy', '--only', 'settings', '--claude-dir', dir]);
    const report = parseReport(run);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect((report.notChecked as { group: string; reason: string }[]).map((n) => [n.group, n.reason])).toEqual([
      ['app', 'only'],
      ['network', 'only'],
      ['gateway', 'only'],
    ]);
    expect(report.options).toMatchObject({ only: ['settings'] });
  });

  it.each([['pipe'], ['tty']])('console (%s): the network and gateway groups each show one "not checked" row; no clean bill of health', async (how) => {
    const args = ['--no-policy', '--offline', '--claude-dir', dir];
    const run = how === 'tty' ? await runTty(args) : await runCli(args);
    if (how === 'tty' && !hasScript) return;
    expect(run.code).toBe(0);
    const rows = consoleRows(run.stdout);
    expect(rows.get('Network path to the gateway')).toEqual([expect.stringMatching(/^\[ \] /)]);
    expect(rows.get('Gateway')).toEqual([expect.stringMatching(/^\[ \] /)]);
    expect(nonEmpty(run.stdout)).not.toContain('No problems found.');
  });

  it('--only metadata-header --offline runs (a settings check); --offline with a network group or check is refused (exit 2)', async () => {
    const ok = await runCli(['--json', '--no-policy', '--offline', '--only', 'metadata-header', '--claude-dir', dir]);
    expect(ok.code).toBe(0);
    const report = parseReport(ok);
    expect(report.checks.map((c) => c.id)).toContain('metadata-header');
    expect(report.checks.every((c) => c.group === 'settings')).toBe(true);
    for (const only of ['network', 'dns', 'settings,key-validity']) {
      const bad = await runCli(['--no-policy', '--offline', '--only', only, '--claude-dir', dir]);
      expect(bad.code, only).toBe(2);
      expect(bad.stderr).toMatch(/--offline/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('no settings: blocked checks fold into one line per group (point 2) and the summary counts only what is downstream (point 3)', () => {
  it.each([['pipe'], ['tty']])('console (%s): one fold line per group, no irrelevant rows, at most 20 lines', async (how) => {
    if (how === 'tty' && !hasScript) return;
    const args = ['--no-policy'];
    const run = how === 'tty' ? await runTty(args) : await runCli(args, {}, 60_000, { network: true });
    expect(run.code).toBe(1);
    const rows = consoleRows(run.stdout);
    const settings = rows.get('Claude Desktop settings')!;
    expect(settings).toHaveLength(2);
    expect(settings[0]).toMatch(/^\[✗\] .*SETTINGS_NOT_FOUND/);
    expect(settings[1]).toMatch(/^\[-\] 9 /);
    expect(rows.get('Network path to the gateway')).toHaveLength(1);
    expect(rows.get('Gateway')).toHaveLength(1);
    const app = rows.get('Claude Desktop app')!;
    // Only the install row and the fold: no green "App running" beside no app, no keychain row.
    expect(app).toHaveLength(2);
    expect(app.some((r) => r.startsWith('[✓]'))).toBe(false);
    expect(run.stdout).not.toMatch(/D-Bus/);
    expect(nonEmpty(run.stdout).length).toBeLessThanOrEqual(20);
    // The fix is a runnable example.
    expect(run.stdout).toMatch(/portkey-doctor --base-url https:\/\/\S+/);
  });

  it('-v lists every check, and --json keeps every check', async () => {
    const verbose = await runCli(['--no-policy', '-v'], {}, 60_000, { network: true });
    const json = parseReport(await runCli(['--no-policy', '--json'], {}, 60_000, { network: true }));
    const rows = [...consoleRows(verbose.stdout).values()].flat();
    expect(rows).toHaveLength(json.checks.length);
    expect(json.checks.length).toBeGreaterThanOrEqual(27);
  });

  it('JSON: a blocked check names one check it waits on, the first failing one; blockedBy keeps the direct ones', async () => {
    const report = parseReport(await runCli(['--no-policy', '--json'], {}, 60_000, { network: true }));
    const tls = report.checks.find((c) => c.id === 'tls')!;
    expect(tls.blockedBy).toEqual(['dns', 'proxy', 'network-path']);
    expect(tls.summary).toBe('blocked by claude-settings');
    const appVersion = report.checks.find((c) => c.id === 'app-version')!;
    expect(appVersion.summary).toBe('blocked by app-installed');
  });
});
