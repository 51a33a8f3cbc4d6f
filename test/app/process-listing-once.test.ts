/**
 * One process listing per run (src/io/real.ts, listingOncePerRun): on Linux app-installed finds
 * the app by its running process and app-running lists processes too; each listing is two `ps`
 * runs (ps-list). Counted through the built CLI with a `ps` first on PATH that notes each call
 * and runs the real one. Before: four `ps` runs per doctor run.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport, runCli } from '../cli/run-cli.js';

const PS = ['/usr/bin/ps', '/bin/ps'].find((p) => existsSync(p));

describe.skipIf(process.platform !== 'linux' || PS === undefined)('the process listing, once per run', () => {
  it('app-installed and app-running share one listing: two ps runs (ps-list), not four', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-ps-'));
    const log = join(dir, 'calls.log');
    writeFileSync(join(dir, 'ps'), `#!/bin/sh\necho "$*" >> '${log}'\nexec ${PS} "$@"\n`);
    chmodSync(join(dir, 'ps'), 0o755);
    const r = await runCli(['--json', '--no-policy', '--offline', '--only', 'app'], { PATH: `${dir}:${process.env.PATH}` });
    const report = parseReport(r);
    const status = (id: string) => report.checks.find((c) => c.id === id)?.status;
    // Both checks ran on the listing (no app here: neither found it, neither failed to list).
    expect(status('app-installed')).toBeDefined();
    expect(report.checks.find((c) => c.id === 'app-running')?.code).not.toBe('PROCESS_LIST_FAILED');
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    // ps-list's two calls (fields, then arguments), nothing more; a -p call would be start times.
    expect(calls.filter((c) => !c.includes(' -p '))).toHaveLength(2);
  });
});
