/**
 * The contract between the engine and a check module. A check is a small object with an id,
 * the ids it needs, the diagnosis codes it may emit, and a `run` that observes and returns an
 * outcome; it never throws to mean "unhealthy" (a throw means the check itself broke).
 */
import type { Discovery } from '../config/settings.js';
import type { Policy } from '../config/policy.js';
import type { Target } from '../config/target.js';

/** `error` means the check itself broke or ran out of time, not that the thing it checks is bad. */
export type Status = 'ok' | 'warn' | 'fail' | 'skip' | 'error';

/** Layers, in the order a person reads them: root causes first. */
export type Group = 'settings' | 'app' | 'network' | 'gateway';
export const GROUPS: readonly Group[] = ['settings', 'app', 'network', 'gateway'];

/** What a diagnosis code means and what to do about it; documented in the README's table. */
export interface CodeInfo {
  /** One line: what this code means. */
  title: string;
  /** What to do, for the person who will do it. A check may give a more specific fix. */
  fix: string;
}

/** What a check returns. */
export interface CheckOutcome {
  status: Status;
  /** Stable diagnosis code; required whenever status is not `ok`. */
  code?: string;
  /** What was observed, in one line. */
  summary: string;
  /** What to do; defaults to the code's fix. */
  fix?: string;
  /** Facts for `-v`, the JSON report, and dependent checks. Never holds the key's value. */
  details?: Record<string, unknown>;
}

/** An outcome as reported: the outcome plus the engine's bookkeeping. */
export interface CheckResult extends CheckOutcome {
  id: string;
  title: string;
  group: Group;
  durationMs: number;
  /** For `skip` by dependency: the prerequisite(s) that did not pass. */
  blockedBy?: string[];
}

/** Run-wide options that checks may read. */
export interface RunOptions {
  /** Send one real (billed) streamed `POST /v1/messages` in the routing check. */
  live: boolean;
  /** Number of latency samples. */
  samples: number;
  /** Certificate verification turned off by an explicit flag (shown in every report). */
  insecure: boolean;
  /** Resolve names through these DNS servers (`ip` or `ip:port`) instead of the system resolver. */
  dnsServers?: string[];
}

/** Everything a check touches comes in here, so the CLI, the daemon and tests run the same code. */
export interface CheckContext {
  target: Target;
  discovery: Discovery;
  policy: Policy | undefined;
  options: RunOptions;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Aborted at this check's deadline or the run's. */
  signal: AbortSignal;
  /** This check's own deadline in ms: network probes bound themselves a little under it, so they
   * end with a classified failure (e.g. tcp-timeout) rather than the engine's CHECK_TIMEOUT. */
  timeoutMs: number;
  now(): Date;
  /** The result of a check this one `needs` (only those are guaranteed to be settled). */
  upstream(id: string): CheckResult | undefined;
}

/** A check module. */
export interface Check {
  id: string;
  title: string;
  group: Group;
  /** Ids of checks that must end `ok` or `warn` before this one runs. */
  needs?: readonly string[];
  /** This check's own deadline in ms (default: the engine's). */
  timeoutMs?: number;
  /** Every code this check may return, with its meaning and fix. */
  codes: Record<string, CodeInfo>;
  run(ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome;
}

/** Identity helper that gives check modules type inference. */
export function defineCheck<const C extends Check>(check: C): C {
  return check;
}

/** Outcome helpers, so checks read as a list of findings. */
export const ok = (summary: string, details?: Record<string, unknown>): CheckOutcome => ({
  status: 'ok',
  summary,
  ...(details ? { details } : {}),
});

export function finding(
  status: Exclude<Status, 'ok' | 'error'>,
  code: string,
  summary: string,
  extra: { fix?: string; details?: Record<string, unknown> } = {},
): CheckOutcome {
  return { status, code, summary, ...extra };
}

export const warn = (code: string, summary: string, extra?: { fix?: string; details?: Record<string, unknown> }) =>
  finding('warn', code, summary, extra);
export const fail = (code: string, summary: string, extra?: { fix?: string; details?: Record<string, unknown> }) =>
  finding('fail', code, summary, extra);
export const skip = (code: string, summary: string, extra?: { fix?: string; details?: Record<string, unknown> }) =>
  finding('skip', code, summary, extra);
