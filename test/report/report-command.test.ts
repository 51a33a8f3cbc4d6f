/** `portkey-doctor report`: file, mode, formats, schema, redaction, and the key never in it. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportValidator } from '../cli/schema.js';
import { findLeak } from '../cli/leak-check.js';
import { CLI, GOOD_PROFILE, TEST_KEY, writeProfile } from '../cli/run-cli.js';
import { cpSync } from 'node:fs';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in `cwd` with HOME set (the report command writes into the current folder). */
function run(args: string[], cwd: string, home: string): Promise<Run> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH, HOME: home, PORTKEY_DOCTOR_POLICY: join(home, 'none.json') }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr }),
    ),
  );
}

/** A home folder whose name is a user name, with a Claude-3p folder inside it. */
function homeWithProfile(profile: Record<string, unknown>): { home: string; claudeDir: string } {
  const home = join(mkdtempSync(join(tmpdir(), 'pkd-rep-')), 'alexsmith');
  mkdirSync(home);
  const claudeDir = join(home, '.config', 'Claude-3p');
  mkdirSync(join(home, '.config'));
  cpSync(writeProfile(profile), claudeDir, { recursive: true });
  return { home, claudeDir };
}

describe('portkey-doctor report', () => {
  it('writes a date-named markdown file with mode 0600 and the summary and every problem code', async () => {
    const { home, claudeDir } = homeWithProfile({ ...GOOD_PROFILE, inferenceGatewayBaseUrl: 'https://api.portkey.ai/v1', inferenceModels: [] });
    const cwd = mkdtempSync(join(tmpdir(), 'pkd-cwd-'));
    const r = await run(['report', '--offline', '--no-policy', '--claude-dir', claudeDir], cwd, home);
    expect(r.code).toBe(1);
    const files = readdirSync(cwd);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^portkey-doctor-report-\d{4}-\d{2}-\d{2}-\d{4}\.md$/);
    const path = join(cwd, files[0]!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const md = readFileSync(path, 'utf8');
    expect(md).toMatch(/^# portkey-doctor report\n\n> \d+ problem/);
    for (const code of ['BASE_URL_ENDS_V1', 'MODELS_EMPTY']) expect(md).toContain(`\`${code}\``);
    expect(findLeak(md + r.stdout + r.stderr, TEST_KEY)).toBeUndefined();
  });

  it('JSON format validates against the schema and masks the home folder and user name', async () => {
    const { home, claudeDir } = homeWithProfile({ ...GOOD_PROFILE, inferenceModels: ['@alex.smith@acme.example/claude-sonnet-4-5'] });
    const cwd = mkdtempSync(join(tmpdir(), 'pkd-cwd-'));
    const r = await run(['report', '--format', 'json', '--output', 'r.json', '--offline', '--no-policy', '--claude-dir', claudeDir], cwd, home);
    expect(r.code).toBe(0);
    const text = readFileSync(join(cwd, 'r.json'), 'utf8');
    const report = JSON.parse(text);
    const validate = reportValidator();
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(text).not.toContain(home);
    expect(text).not.toContain('alexsmith');
    expect(text).not.toContain('alex.smith@acme.example');
    const kinds = Object.fromEntries((report.redactions as { kind: string; count: number }[]).map((x) => [x.kind, x.count]));
    expect(kinds['home-path']).toBeGreaterThan(0);
    expect(kinds.email).toBeGreaterThan(0);
    expect(findLeak(text, TEST_KEY)).toBeUndefined();
  });

  it('--include-personal keeps them, and lists no redactions', async () => {
    const { home, claudeDir } = homeWithProfile({ ...GOOD_PROFILE, inferenceModels: ['@alex.smith@acme.example/claude-sonnet-4-5'] });
    const cwd = mkdtempSync(join(tmpdir(), 'pkd-cwd-'));
    const r = await run(['report', '--format', 'json', '-o', '-', '--include-personal', '--offline', '--no-policy', '--claude-dir', claudeDir], cwd, home);
    const report = JSON.parse(r.stdout);
    expect(JSON.stringify(report)).toContain('alex.smith@acme.example');
    expect(report.redactions).toBeUndefined();
    expect(readdirSync(cwd)).toHaveLength(0);
  });

  it('a bad --format or unwritable --output exits 2', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pkd-home-'));
    expect((await run(['report', '--format', 'pdf', '--offline'], home, home)).code).toBe(2);
    const bad = await run(['report', '--output', join(home, 'missing-dir', 'r.md'), '--offline', '--no-policy'], home, home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^portkey-doctor: /);
  });
});
