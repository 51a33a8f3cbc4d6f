/** On a terminal, slow checks show progress on stderr; in a pipe, nothing extra is written. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, emptyHome, GOOD_PROFILE, runCli, writeProfile } from './run-cli.js';

function slowPlugin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkd-slow-'));
  const file = join(dir, 'slow.mjs');
  writeFileSync(
    file,
    `export default { id: 'slow-probe', title: 'Slow probe', group: 'network', codes: {},
      run: () => new Promise((r) => setTimeout(() => r({ status: 'ok', summary: 'done' }), 1200)) };`,
  );
  return file;
}

const hasScript = await new Promise<boolean>((resolve) => execFile('script', ['--version'], (err) => resolve(!err)));

describe('progress display', () => {
  it.skipIf(!hasScript)('shows "checking" with the running check on a TTY (util-linux script gives a real pty)', async () => {
    const dir = writeProfile(structuredClone(GOOD_PROFILE));
    const cmd = [process.execPath, CLI, '--no-policy', '--claude-dir', dir, '--plugin', slowPlugin()].map((a) => `'${a}'`).join(' ');
    const home = emptyHome();
    const out = await new Promise<string>((resolve) =>
      execFile(
        'script',
        ['-qfec', cmd, '/dev/null'],
        { env: { PATH: process.env.PATH, HOME: home, TERM: 'xterm', PORTKEY_DOCTOR_POLICY: join(home, 'none') }, timeout: 30_000 },
        (_e, stdout) => resolve(stdout),
      ),
    );
    expect(out).toContain('checking');
    expect(out).toContain('Slow probe');
  });

  it('writes no progress when stderr is not a terminal', async () => {
    const run = await runCli(['--no-policy', '--claude-dir', writeProfile(structuredClone(GOOD_PROFILE)), '--plugin', slowPlugin()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
