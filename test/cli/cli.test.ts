/** The CLI contract: exit codes, help, version, flags, colour, plugins that crash or hang. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOOD_PROFILE, parseReport, runCli, writeProfile } from './run-cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pkd-cli-'));

describe('portkey-doctor CLI', () => {
  it('--version prints the package version and exits 0', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help documents the exit codes and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes/);
    expect(run.stdout).toMatch(/--claude-dir/);
  });

  it('exits 0 for a correct setup, 1 when a check fails', async () => {
    const good = await runCli(['--no-policy', '--claude-dir', writeProfile(structuredClone(GOOD_PROFILE))]);
    expect(good.code).toBe(0);
    const bad = await runCli(['--no-policy', '--claude-dir', writeProfile({ ...GOOD_PROFILE, inferenceGatewayBaseUrl: 'https://api.portkey.ai/v1' })]);
    expect(bad.code).toBe(1);
  });

  it.each([
    [['--bogus']],
    [['--timeout', 'soon']],
    [['--timeout', '0']],
    [['--header', 'no colon here']],
    [['--policy', 'x.json', '--no-policy']],
    [['frobnicate']],
    [['--claude-dir', '']],
    [['--managed', '/nonexistent/managed.plist']],
  ])('bad flags %j exit 2 with a message and no stack trace', async (args) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^portkey-doctor: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('a missing explicit policy file exits 2', async () => {
    const run = await runCli(['--policy', join(tmp(), 'nope.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nope\.json/);
  });

  it('an invalid policy exits 2 naming the file and the place', async () => {
    const dir = tmp();
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ metadata: { requiredKeys: 'team' } }));
    const run = await runCli(['--policy', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('/metadata/requiredKeys');
    const syntax = join(dir, 'broken.json');
    writeFileSync(syntax, '{\n  "gateway": {,\n}');
    const run2 = await runCli(['--policy', syntax]);
    expect(run2.code).toBe(2);
    expect(run2.stderr).toMatch(/line 2, column \d+/);
  });

  it('the default policy location is used when it exists', async () => {
    const dir = tmp();
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ gateway: { allowedBaseUrls: ['https://gw.example.com'] } }));
    const run = await runCli(['--json', '--claude-dir', writeProfile(structuredClone(GOOD_PROFILE))], { PORTKEY_DOCTOR_POLICY: file });
    const report = parseReport(run);
    expect(report.checks.find((c) => c.id === 'base-url')).toMatchObject({ status: 'fail', code: 'BASE_URL_NOT_ALLOWED' });
  });

  it('--json prints only JSON on stdout', async () => {
    const run = await runCli(['--json', '--no-policy', '--claude-dir', writeProfile(structuredClone(GOOD_PROFILE))]);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(run.stderr).toBe('');
  });

  it('uses no colour when not on a terminal, and none with NO_COLOR even when forced', async () => {
    const dir = writeProfile(structuredClone(GOOD_PROFILE));
    const plain = await runCli(['--no-policy', '--claude-dir', dir]);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runCli(['--no-policy', '--claude-dir', dir], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[');
    const noColor = await runCli(['--no-policy', '--claude-dir', dir], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('a plugin check that throws and one that never settles end as error; the rest finishes in time', async () => {
    const dir = tmp();
    const plugin = join(dir, 'faulty.mjs');
    writeFileSync(
      plugin,
      `const codes = {};
export default [
  { id: 'throws', title: 'Throws', group: 'settings', codes, run() { throw new Error('deliberate'); } },
  { id: 'hangs', title: 'Hangs', group: 'settings', codes, run() { return new Promise(() => {}); } },
  { id: 'after-hang', title: 'After hang', group: 'settings', needs: ['hangs'], codes, run() { return { status: 'ok', summary: 'x' }; } },
];`,
    );
    const started = Date.now();
    const run = await runCli([
      '--json',
      '--no-policy',
      '--check-timeout',
      '1',
      '--timeout',
      '5',
      '--plugin',
      plugin,
      '--claude-dir',
      writeProfile(structuredClone(GOOD_PROFILE)),
    ]);
    const elapsed = Date.now() - started;
    const report = parseReport(run);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('throws')).toMatchObject({ status: 'error', code: 'CHECK_CRASHED' });
    expect(byId.get('hangs')).toMatchObject({ status: 'error', code: 'CHECK_TIMEOUT' });
    expect(byId.get('after-hang')).toMatchObject({ status: 'skip', code: 'BLOCKED', blockedBy: ['hangs'] });
    expect(byId.get('base-url')).toMatchObject({ status: 'ok' });
    expect(run.code).toBe(1);
    // Hang guard only: CHECK_TIMEOUT above shows the 1 s check deadline cut the hanging check; this only catches a run that never ends.
    expect(elapsed).toBeLessThan(25_000);
  });

  it('a malformed plugin exits 2', async () => {
    const dir = tmp();
    const plugin = join(dir, 'bad.mjs');
    writeFileSync(plugin, 'export default { id: "Bad Id" };');
    const run = await runCli(['--plugin', plugin]);
    expect(run.code).toBe(2);
  });

  it('probes a gateway from flags alone, without Claude Desktop', async () => {
    const run = await runCli(['--json', '--no-policy', '--base-url', 'https://gw.example.com'], { PORTKEY_DOCTOR_API_KEY: 'pk-AnotherKey-Qwzxy' });
    const report = parseReport(run);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('claude-settings')?.status).toBe('ok');
    expect(byId.get('inference-mode')).toMatchObject({ status: 'skip', code: 'SETTINGS_FROM_FLAGS' });
    expect(byId.get('base-url')?.status).toBe('ok');
    expect(byId.get('api-key')?.status).toBe('ok');
  });
});
