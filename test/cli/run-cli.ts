/** Runs the built CLI (dist/cli.js) as a separate process, the way a user does. */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'vitest';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Distinctive: non-hex letters, so no hash or fingerprint can contain its substrings by chance. */
export const TEST_KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A home folder with nothing in it, so the real machine's settings never leak into a test. */
export function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), 'pkd-home-'));
}

/**
 * Runs the CLI. Unless `network` is set, `--offline` is added to doctor runs so that a test
 * whose settings name a public host never sends anything off this machine (not even DNS).
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, opts: { network?: boolean } = {}): Promise<CliRun> {
  const home = env.HOME ?? emptyHome();
  const isDoctor = args[0] === undefined || args[0] === 'doctor' || args[0].startsWith('-');
  const isMeta = args.includes('--help') || args.includes('--version') || args.includes('--only') || args.includes('--offline');
  if (!opts.network && isDoctor && !isMeta) args = [...args, '--offline'];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          LANG: 'C.UTF-8',
          PORTKEY_DOCTOR_POLICY: join(home, 'no-policy.json'),
          ...env,
        },
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
        recordReport(stdout);
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * With PKD_REPORT_LOG=file, every JSON report a test gets is appended to that file as one line:
 * the test file and each check's id, status and primary code. Two such logs, taken before and
 * after a refactoring, show that no verdict changed (scripts/compare-report-logs.mjs).
 */
function recordReport(stdout: string): void {
  const log = process.env.PKD_REPORT_LOG;
  if (!log) return;
  let checks: unknown;
  try {
    checks = (JSON.parse(stdout) as { checks?: unknown }).checks;
  } catch {
    return;
  }
  if (!Array.isArray(checks)) return;
  const file = (expect.getState().testPath ?? '?').replace(/^.*\/test\//, 'test/');
  const verdicts = checks.map((c: { id: string; status: string; code?: string }) => `${c.id}:${c.status}:${c.code ?? ''}`);
  appendFileSync(log, `${JSON.stringify({ file, verdicts })}\n`);
}

/** Writes a current-layout Claude-3p folder with one applied profile; returns the folder. */
export function writeProfile(profile: Record<string, unknown> | string, opts: { raw?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkd-claude3p-'));
  const id = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
  mkdirSync(join(dir, 'configLibrary'));
  writeFileSync(join(dir, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: id, entries: [{ id, name: 'Default' }] }));
  writeFileSync(join(dir, 'configLibrary', `${id}.json`), typeof profile === 'string' || opts.raw ? String(profile) : JSON.stringify(profile, null, 2));
  return dir;
}

/** A correct Portkey setup. */
export const GOOD_PROFILE = {
  inferenceProvider: 'gateway',
  inferenceGatewayBaseUrl: 'https://api.portkey.ai',
  inferenceGatewayApiKey: TEST_KEY,
  inferenceGatewayAuthScheme: 'bearer',
  inferenceCustomHeaders: { 'x-portkey-metadata': '{"tenant":"acme","team":"engineering","env":"prod"}' },
  inferenceModels: ['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: false }],
};

export interface JsonReport {
  schemaVersion: string;
  checks: { id: string; group: string; status: string; code?: string; summary: string; details?: Record<string, unknown>; blockedBy?: string[] }[];
  settings: { inForce: { kind: string; location: string } | null; sources: { kind: string; inForce: boolean }[] };
  exitCode: number;
  [k: string]: unknown;
}

export function parseReport(run: CliRun): JsonReport {
  try {
    return JSON.parse(run.stdout) as JsonReport;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}); stderr: ${run.stderr.slice(0, 500)}`);
  }
}
