/**
 * Shared machinery of the fuzz suite: fast-check parameters (fixed seed, run counts, time
 * limits), a per-input deadline for async hangs, a watchdog process for synchronous ones (a
 * loop that blocks the event loop defeats every timer in this process), temp folders, and the
 * settings-checks harness built the way src/commands/doctor.ts builds a run.
 *
 * Environment: FUZZ_SEED=<int> runs with another seed; FUZZ_PATH=<n> replays input n+1 of it
 * alone (the watchdog prints both); FUZZ_SCALE=<x> multiplies every run count and time budget
 * (e.g. FUZZ_SCALE=20 for a long local session); FUZZ_PROFILE=<ms> logs inputs slower than that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Check, CheckResult } from '../../src/contract/check.js';
import { CHECKS } from '../../src/checks/index.js';
import { selectChecks } from '../../src/run/select.js';
import { discoverSettings } from '../../src/config/discover.js';
import type { Policy } from '../../src/config/policy.js';
import { resolveTarget } from '../../src/config/resolve-target.js';
import type { Discovery } from '../../src/config/settings.js';
import type { Target } from '../../src/config/target.js';
import { resolveHeaders } from '../../src/inference/headers.js';
import { buildReport } from '../../src/report/report.js';
import { palette } from '../../src/reporters/color.js';
import { renderConsole } from '../../src/reporters/console.js';
import { renderJson } from '../../src/reporters/json.js';
import { ENGINE_CODES, runChecks, type BaseContext } from '../../src/engine/runner.js';
import { scrub, Secret } from '../../src/core/secret.js';
import { findLeak } from '../cli/leak-check.js';
import { TEST_KEY } from '../cli/run-cli.js';
import { fakeIO } from '../../src/io/fakes.js';

export { TEST_KEY, findLeak };

/** The seed every property starts from (printed by fast-check on failure, with the path). */
export const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 0x5eed_d0c;
const SCALE = process.env.FUZZ_SCALE !== undefined ? Math.max(0.01, Number(process.env.FUZZ_SCALE)) : 1;

/**
 * Deadline of one input in the in-process targets: generous, since a loaded CI machine is several
 * times slower; the largest generated input (5 MB) takes about 1.5 s on an idle one.
 */
export const INPUT_DEADLINE_MS = 10_000;
/** The watchdog kills the worker when one input blocks the event loop this long. */
const WATCHDOG_MS = 30_000;

/**
 * fc.assert parameters: a fixed seed, `endOnFailure` (report the first counterexample at once,
 * no shrinking of multi-megabyte inputs), and `interruptAfterTimeLimit` as the budget of the
 * whole property, so that a general slowdown cannot stall the suite: on a machine too loaded to
 * do every run in the budget (about three times the idle time) the property stops early and
 * passes with the runs it did. Hangs of one input are the per-input deadline's business.
 */
export function params(numRuns: number, budgetMs: number): fc.Parameters<unknown> {
  runCounter = 0;
  return {
    seed: SEED,
    // FUZZ_PATH=<n> replays input n+1 of the seed alone (the watchdog names inputs by number).
    ...(process.env.FUZZ_PATH !== undefined ? { path: process.env.FUZZ_PATH } : {}),
    numRuns: Math.max(1, Math.round(numRuns * SCALE)),
    endOnFailure: true,
    interruptAfterTimeLimit: Math.round(budgetMs * SCALE),
    markInterruptAsFailure: false,
  };
}

/** Vitest timeout for a property with the given budget. */
export function testTimeout(budgetMs: number): number {
  return Math.round(budgetMs * SCALE) + 30_000;
}

// ---------------------------------------------------------------------------------------------
// Hang guards

/**
 * A child process that kills this worker when an input runs longer than {@link WATCHDOG_MS}
 * between `arm` and `disarm`. Only a separate process can see a synchronous endless loop; the
 * worker's death (reported by vitest) then names the input via the label written to stderr.
 */
export class Watchdog {
  #child: ChildProcess | undefined;

  start(): void {
    const script = `
      const [pid, limit] = process.argv.slice(1).map(Number);
      let timer, label = '';
      let buf = '';
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          clearTimeout(timer);
          if (line[0] === 'A') {
            label = line.slice(1);
            timer = setTimeout(() => {
              process.stderr.write('\\nfuzz watchdog: one input blocked the worker for ' + limit + ' ms; killing it. Input: ' + label + '\\n');
              try { process.kill(pid, 'SIGKILL'); } catch {}
              process.exit(1);
            }, limit);
          }
        }
      });
      process.stdin.on('end', () => process.exit(0));
    `;
    this.#child = spawn(process.execPath, ['-e', script, String(process.pid), String(WATCHDOG_MS)], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    this.#child.unref();
  }

  arm(label: string): void {
    this.#child?.stdin?.write(`A${label.replace(/[\r\n]/g, ' ').slice(0, 400)}\n`);
  }

  disarm(): void {
    this.#child?.stdin?.write('D\n');
  }

  stop(): void {
    this.#child?.stdin?.end();
    this.#child = undefined;
  }
}

let runCounter = 0;

/**
 * Runs one input under the per-input deadline: a timer for async hangs, the elapsed time for
 * synchronous slowness (which a timer cannot interrupt), the watchdog for endless loops.
 */
export async function withDeadline<T>(watchdog: Watchdog | undefined, label: string, fn: () => Promise<T> | T, ms = INPUT_DEADLINE_MS): Promise<T> {
  runCounter += 1;
  watchdog?.arm(`[replay: FUZZ_SEED=${SEED} FUZZ_PATH=${runCounter - 1}] ${label}`);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`input did not finish within ${ms} ms (${label})`)), ms);
    });
    const value = await Promise.race([Promise.resolve().then(fn), deadline]);
    const elapsed = performance.now() - started;
    if (process.env.FUZZ_PROFILE && elapsed > Number(process.env.FUZZ_PROFILE)) console.log(`slow input: ${Math.round(elapsed)} ms: ${label.slice(0, 300)}`);
    if (elapsed > ms) throw new Error(`input took ${Math.round(elapsed)} ms, over the ${ms} ms deadline (${label})`);
    return value;
  } finally {
    clearTimeout(timer);
    watchdog?.disarm();
  }
}

// ---------------------------------------------------------------------------------------------
// Temp folders

/** One temp root per test file; each input gets its own folder under it, removed after use. */
export class TempRoot {
  readonly root = mkdtempSync(join(tmpdir(), 'pkd-fuzz-'));
  #n = 0;

  dir(): string {
    const d = join(this.root, String(this.#n++));
    mkdirSync(d);
    return d;
  }

  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Settings harness

export const SETTINGS_CHECKS: readonly Check[] = selectChecks(CHECKS, ['settings']);
const STATUSES = new Set(['ok', 'warn', 'fail', 'skip', 'error']);

export interface SettingsRun {
  discovery: Discovery;
  target: Target;
  results: CheckResult[];
  /** The JSON and console reports, as the CLI would print them. */
  json: string;
  text: string;
}

/**
 * Discovery → target → the settings checks through the engine → the report, as
 * `prepare` + `runOnce` in src/commands/doctor.ts do (no flags, no environment overrides,
 * an empty home so this machine's own settings are never read).
 */
export async function runSettings(opts: { home: string; claudeDir?: string; managedFile?: string; policy?: Policy }): Promise<SettingsRun> {
  const env: NodeJS.ProcessEnv = {};
  const discovery = await discoverSettings({
    platform: process.platform,
    env,
    homedir: opts.home,
    username: 'fuzz',
    ...(opts.claudeDir !== undefined ? { claudeDir: opts.claudeDir } : {}),
    ...(opts.managedFile !== undefined ? { managedFile: opts.managedFile } : {}),
  });
  const target = resolveTarget(discovery, { headers: [] }, env);
  const secrets = [target.apiKey?.value].filter((s): s is Secret => s instanceof Secret);
  const base: BaseContext = {
    target,
    discovery,
    policy: opts.policy,
    options: { live: false, samples: 1, insecure: false },
    env,
    // Settings checks do no I/O: a fake that answers nothing proves it (a call would crash the check).
    ...fakeIO(),
  };
  const startedAt = new Date();
  const results = await runChecks(SETTINGS_CHECKS, base, {
    checkTimeoutMs: INPUT_DEADLINE_MS,
    runTimeoutMs: INPUT_DEADLINE_MS,
    scrub: (text) => scrub(text, secrets),
  });
  const report = buildReport({
    version: '0.0.0-fuzz',
    startedAt,
    durationMs: 1,
    discovery,
    target,
    headerNames: resolveHeaders(target).headers.map((h) => h.name),
    policySource: opts.policy?.source,
    options: { timeoutMs: INPUT_DEADLINE_MS, insecure: false, live: false },
    checks: results,
  });
  const json = renderJson(report);
  const text = renderConsole(report, { verbose: true, color: palette(false) });
  return { discovery, target, results, json, text };
}

/**
 * What every settings run must satisfy: one result per check, a known status, never `error`
 * (a check crashed or ran out of time), and a code the check declares on every non-ok result
 * (or the engine's BLOCKED on a skip by dependency).
 */
export function expectSoundResults(results: CheckResult[], checks: readonly Check[] = SETTINGS_CHECKS): void {
  expect(results.map((r) => r.id)).toEqual(checks.map((c) => c.id));
  for (const [i, r] of results.entries()) {
    const check = checks[i]!;
    expect(STATUSES.has(r.status), `${r.id}: status ${r.status}`).toBe(true);
    expect(r.status, `${r.id} errored: ${r.code} ${r.summary}`).not.toBe('error');
    if (r.status === 'ok') {
      if (r.code !== undefined) expect(Object.keys(check.codes), `${r.id}: ok with an undeclared code`).toContain(r.code);
      continue;
    }
    expect(typeof r.code, `${r.id}: ${r.status} without a code`).toBe('string');
    const declared = r.code! in check.codes || (r.status === 'skip' && r.code === 'BLOCKED' && 'BLOCKED' in ENGINE_CODES);
    expect(declared, `${r.id}: ${r.status} with undeclared code ${r.code}`).toBe(true);
    expect(typeof r.summary).toBe('string');
  }
}

/** The key, or any 8-character run of it, appears nowhere in what the doctor would show. */
export function expectNoLeak(run: Pick<SettingsRun, 'results' | 'json' | 'text'>): void {
  for (const [what, text] of [
    ['results', JSON.stringify(run.results)],
    ['JSON report', run.json],
    ['console report', run.text],
  ] as const) {
    const leak = findLeak(text, TEST_KEY);
    expect(leak, `${what} leaks ${leak}`).toBeUndefined();
  }
}

// ---------------------------------------------------------------------------------------------
// Readable counterexamples

/** Abbreviates a value for a failure report: long strings and byte buffers are cut. */
/** Where the huge / long / deep placeholders of a generated case sit, e.g. `profile.inferenceModels=MANY(250000)`. */
export function bigParts(value: unknown, path = '', out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') {
    const m = /^@@([A-Z]+\(\d+\))@@$/.exec(value);
    if (m) out.push(`${path || '.'}=${m[1]}`);
  } else if (value && typeof value === 'object' && depth < 12 && !(value instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(value)) bigParts(v, path ? `${path}.${k}` : k, out, depth + 1);
  }
  return out;
}

export function brief(value: unknown, max = 160): string {
  return (
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'string' && v.length > max) return `${v.slice(0, max)}…(${v.length} chars)`;
      if (v instanceof Uint8Array) return `<${v.length} bytes: ${Buffer.from(v.subarray(0, 48)).toString('hex')}${v.length > 48 ? '…' : ''}>`;
      if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
        const data = (v as { data: number[] }).data;
        return `<${data.length} bytes: ${Buffer.from(data.slice(0, 48)).toString('hex')}${data.length > 48 ? '…' : ''}>`;
      }
      return v;
    }) ?? String(value)
  );
}

/** Gives generated cases a short printed form, so a failure with a 4 MB input stays readable. */
export function printable<T extends object>(value: T): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => brief(value), enumerable: false, configurable: true });
  return value;
}
