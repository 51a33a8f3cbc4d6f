/**
 * The contract between the engine and a check module (Check API v2).
 *
 * A check is a small object: an id, the checks it needs (as values, so a typo does not
 * compile), the diagnosis codes it may emit (a code it did not declare does not compile), and
 * a `run` that observes through the I/O services of its context and returns an outcome. It
 * never throws to mean "unhealthy": a throw means the check itself broke.
 *
 * An outcome carries two kinds of facts, kept apart on purpose:
 * - `details`: for people and the report (`-v`, `--json`); never holds a secret's value;
 * - `data`: typed facts for the checks that need this one (`ctx.upstream(check)`); never reported.
 *
 * A check may find several things at once (a key with a `Bearer ` prefix *and* a trailing
 * space): `findings([...])` makes the most severe one primary — its status and code are the
 * check's, and the daemon raises and clears by it — and lists the others in `moreFindings`.
 */
import type { Discovery } from '../config/settings.js';
import type { Policy } from '../config/policy.js';
import type { Target } from '../config/target.js';
import type { CheckIO } from './io.js';

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

/** The codes a check declares: code → meaning and fix. */
export type CodeTable = Readonly<Record<string, CodeInfo>>;

/** The codes of a table, as a union of string literals. */
export type CodeOf<T extends CodeTable> = Extract<keyof T, string>;

/** The statuses a finding can have (`ok` is no finding; `error` is the engine's). */
export type FindingStatus = 'warn' | 'fail' | 'skip';

/** One thing a check found. */
export interface Finding<Code extends string = string> {
  status: FindingStatus;
  code: Code;
  /** What was observed, in one line. */
  summary: string;
  /** What to do; defaults to the code's fix. */
  fix?: string;
  /** Facts for `-v` and the JSON report. Never holds a secret's value. */
  details?: Record<string, unknown>;
}

/** A finding as reported after the primary one (details stay with the primary). */
export interface ReportedFinding {
  status: FindingStatus;
  code: string;
  summary: string;
  fix?: string;
}

/** What a check returns: ok, or a primary finding (and maybe more), plus data for dependents. */
export type Outcome<Code extends string = string, Data = unknown> =
  | { status: 'ok'; code?: undefined; summary: string; fix?: undefined; details?: Record<string, unknown>; data?: Data; moreFindings?: undefined }
  | (Finding<Code> & { data?: Data; moreFindings?: Finding<Code>[] });

/** An outcome as reported: the outcome plus the engine's bookkeeping. `data` is not part of it. */
export interface CheckResult {
  id: string;
  title: string;
  group: Group;
  status: Status;
  /** Stable diagnosis code; present whenever status is not `ok`. */
  code?: string;
  summary: string;
  fix?: string;
  details?: Record<string, unknown>;
  /** Further findings of this check, after the primary one (which gives status and code). */
  moreFindings?: ReportedFinding[];
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

/** What every check sees: the resolved settings, the run's options, and its I/O services. */
export interface RunContext extends CheckIO {
  target: Target;
  discovery: Discovery;
  policy: Policy | undefined;
  options: RunOptions;
  env: NodeJS.ProcessEnv;
}

/** Any check, whatever its codes and data (the registry's element type). */
// `any`, not CodeTable/unknown: a code union is contravariant in its table (keyof), so only
// `any` keeps every Check<Id, Codes, Data> assignable to the registry type.
// biome-ignore lint/suspicious/noExplicitAny: keeps every Check assignable to the registry type
export type AnyCheck = Check<string, any, any>;

/** The data a check hands to its dependents. */
export type DataOf<C> = C extends { readonly dataType?: infer D } ? Exclude<D, undefined> : never;

/** The context of one run of one check. `Needs` is the union of the checks it declared. */
export interface CheckContext<Needs extends AnyCheck = never> extends RunContext {
  /** Aborted at this check's deadline or the run's. */
  signal: AbortSignal;
  /** This check's own deadline in ms: network probes bound themselves a little under it, so they
   * end with a classified failure (e.g. tcp-timeout) rather than the engine's CHECK_TIMEOUT. */
  timeoutMs: number;
  /**
   * The data a needed check handed on. Only checks named in `needs` can be asked (a compile
   * error otherwise); they ended ok or warn, or this check would not run. `undefined` when that
   * check passed without data.
   */
  upstream<N extends Needs>(check: N): DataOf<N> | undefined;
}

/** A check module. Build one with `defineCheck`, which infers the type parameters. */
export interface Check<Id extends string = string, Codes extends CodeTable = CodeTable, Data = unknown> {
  readonly id: Id;
  readonly title: string;
  readonly group: Group;
  /** Checks that must end `ok` or `warn` before this one runs. */
  readonly needs: readonly AnyCheck[];
  /** This check's own deadline in ms (default: the engine's). */
  readonly timeoutMs?: number;
  /** Every code this check may return, with its meaning and fix. */
  readonly codes: Codes;
  // Method syntax on purpose: parameters are compared bivariantly, so a check that needs
  // specific checks is still an AnyCheck.
  run(ctx: CheckContext<AnyCheck>): Promise<Outcome<CodeOf<Codes>, Data>> | Outcome<CodeOf<Codes>, Data>;
  /** Type-level only (never set): the data this check hands on, for `ctx.upstream`. */
  readonly dataType?: Data;
}

/** What `defineCheck` takes. */
export interface CheckSpec<Id extends string, Codes extends CodeTable, Data, Needs extends readonly AnyCheck[]> {
  id: Id;
  title: string;
  group: Group;
  needs?: Needs;
  timeoutMs?: number;
  codes: Codes;
  run(ctx: CheckContext<Needs[number]>): Promise<Outcome<NoInfer<CodeOf<Codes>>, Data>> | Outcome<NoInfer<CodeOf<Codes>>, Data>;
}

/**
 * Defines a check. The codes are taken from `codes` only (`NoInfer`): returning a code the
 * check does not declare is a compile error. `Data` is inferred from what `run` returns.
 */
export function defineCheck<const Id extends string, const Codes extends CodeTable, Data = never, const Needs extends readonly AnyCheck[] = []>(
  spec: CheckSpec<Id, Codes, Data, Needs>,
): Check<Id, Codes, Data> {
  return { ...spec, needs: spec.needs ?? [] } as Check<Id, Codes, Data>;
}

// ---------------------------------------------------------------------------------------------
// Outcome helpers, so a check reads as a list of findings. The code's literal type is kept, so
// the check's declared codes decide whether it compiles.

type Extra<D> = { fix?: string; details?: Record<string, unknown>; data?: D };

/** A pass. `data` goes to dependent checks only. */
export function ok<D = never>(summary: string, details?: Record<string, unknown>, data?: D): Outcome<never, D> {
  return { status: 'ok', summary, ...(details ? { details } : {}), ...(data !== undefined ? { data } : {}) };
}

export function finding<const C extends string, D = never>(status: FindingStatus, code: C, summary: string, extra: Extra<D> = {}): Outcome<C, D> {
  return { status, code, summary, ...extra };
}

export const warn = <const C extends string, D = never>(code: C, summary: string, extra?: Extra<D>): Outcome<C, D> => finding('warn', code, summary, extra);
export const fail = <const C extends string, D = never>(code: C, summary: string, extra?: Extra<D>): Outcome<C, D> => finding('fail', code, summary, extra);
export const skip = <const C extends string, D = never>(code: C, summary: string, extra?: Extra<D>): Outcome<C, D> => finding('skip', code, summary, extra);

/** One finding for `findings([...])`. */
export const problem = <const C extends string>(
  status: FindingStatus,
  code: C,
  summary: string,
  extra: { fix?: string; details?: Record<string, unknown> } = {},
): Finding<C> => ({
  status,
  code,
  summary,
  ...extra,
});

const SEVERITY: Record<FindingStatus, number> = { fail: 3, warn: 2, skip: 1 };

/**
 * Several findings of one check: the most severe is primary (ties: the first listed, so list
 * them in the order a person should fix them); the others are reported in `moreFindings`.
 * With no findings, `otherwise` (usually an `ok`) is the outcome.
 */
export function findings<C extends string, D = never>(list: readonly Finding<C>[], otherwise: Outcome<C, D>, data?: D): Outcome<C, D> {
  if (list.length === 0) return otherwise;
  let primary = list[0]!;
  for (const f of list) if (SEVERITY[f.status] > SEVERITY[primary.status]) primary = f;
  const rest = list.filter((f) => f !== primary);
  return { ...primary, ...(rest.length ? { moreFindings: rest } : {}), ...(data !== undefined ? { data } : {}) };
}
