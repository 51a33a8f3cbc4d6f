/**
 * Runs the check graph: every check starts as soon as the checks it needs have settled;
 * independent checks run concurrently. Each check has its own deadline and the run has one.
 * A check that throws or does not settle in time becomes `error` for that check only, and
 * the checks that need a check that did not pass are `skip`ped as "blocked by …".
 * Results come out in registration order whatever order they finished in.
 */
import { setMaxListeners } from 'node:events';

import { settleOnce } from '../core/deadline.js';
import type { AnyCheck, CheckContext, CheckResult, Finding, Outcome, ReportedFinding, RunContext } from '../contract/check.js';

/** Codes the engine itself emits (documented with the checks' codes). */
export const ENGINE_CODES = {
  CHECK_CRASHED: {
    title: 'The check itself failed with an unexpected error',
    fix: 'This is a bug in portkey-doctor: run again with -v and attach the JSON report (--json) to an issue.',
  },
  CHECK_TIMEOUT: {
    title: 'The check did not finish within its deadline',
    fix: 'Something it waits on is hanging (often the network). Run again with a larger --timeout, or look at the checks before it.',
  },
  RUN_DEADLINE: {
    title: 'The whole run reached its deadline before this check could finish',
    fix: 'Run again with a larger --timeout; the results above show which layer is slow.',
  },
  BLOCKED: {
    title: 'Not run because a check it depends on did not pass',
    fix: 'Fix the check named in "blocked by" first; this one runs again after that.',
  },
  CHECK_BAD_RESULT: {
    title: 'The check returned a result the engine cannot use (missing or undeclared code)',
    fix: 'This is a bug in portkey-doctor: please report it with the JSON report attached.',
  },
} as const;

export interface RunnerOptions {
  /** Deadline of one check unless it declares its own (ms). */
  checkTimeoutMs: number;
  /** Deadline of the whole run (ms). */
  runTimeoutMs: number;
  /** Aborts the run from outside (daemon shutdown). */
  signal?: AbortSignal;
  /** Called when a check starts and ends, for progress display. */
  onProgress?: (event: { type: 'start' | 'end'; id: string; title: string; done: number; total: number }) => void;
  /** Turns messages of unexpected errors into safe text (removes secrets). */
  scrub?: (text: string) => string;
}

/** The context a check gets, minus what the runner fills in per check. */
export type BaseContext = RunContext;

/**
 * The ids a check needs. Built-in and TypeScript checks name their prerequisites as check
 * values; a plain-JavaScript `--plugin` may also name them by id.
 */
export function needIds(check: AnyCheck): string[] {
  return (check.needs as readonly (AnyCheck | string)[]).map((n) => (typeof n === 'string' ? n : n.id));
}

class Deadline extends Error {
  constructor(readonly kind: 'check' | 'run') {
    super(kind === 'check' ? 'check deadline' : 'run deadline');
  }
}

/** Throws at startup if the registry is inconsistent (duplicate ids, unknown or later prerequisites). */
export function validateRegistry(checks: readonly AnyCheck[]): void {
  const seen = new Set<string>();
  for (const check of checks) {
    if (seen.has(check.id)) throw new Error(`duplicate check id ${check.id}`);
    for (const need of needIds(check)) {
      // Requiring prerequisites to be registered earlier keeps the graph acyclic by construction.
      if (!seen.has(need)) throw new Error(`check ${check.id} needs ${need}, which is not registered before it`);
    }
    seen.add(check.id);
  }
}

export async function runChecks(checks: readonly AnyCheck[], base: BaseContext, options: RunnerOptions): Promise<CheckResult[]> {
  validateRegistry(checks);
  const scrub = options.scrub ?? ((t: string) => t);
  const results = new Map<string, CheckResult>();
  // What each check handed to its dependents; kept apart from the results, never reported.
  const data = new Map<string, unknown>();
  const settled = new Map<string, Promise<CheckResult>>();
  const runController = new AbortController();
  // One abort listener per running check is by design, not a leak: lift the warning's limit.
  setMaxListeners(0, runController.signal);
  let done = 0;

  const onOuterAbort = () => runController.abort(new Deadline('run'));
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const runTimer = setTimeout(() => runController.abort(new Deadline('run')), options.runTimeoutMs);

  const finish = (check: AnyCheck, result: CheckResult): CheckResult => {
    results.set(check.id, result);
    done += 1;
    options.onProgress?.({ type: 'end', id: check.id, title: check.title, done, total: checks.length });
    return result;
  };

  const runOne = async (check: AnyCheck): Promise<CheckResult> => {
    const needs = needIds(check);
    const upstreamResults = await Promise.all(needs.map((id) => settled.get(id)!));
    const head = { id: check.id, title: check.title, group: check.group };
    const blockedBy = upstreamResults.filter((r) => r.status !== 'ok' && r.status !== 'warn').map((r) => r.id);
    if (blockedBy.length > 0) {
      return finish(check, {
        ...head,
        status: 'skip',
        code: 'BLOCKED',
        summary: `blocked by ${blockedBy.join(', ')}`,
        fix: ENGINE_CODES.BLOCKED.fix,
        blockedBy,
        durationMs: 0,
      });
    }
    if (runController.signal.aborted) {
      return finish(check, {
        ...head,
        status: 'skip',
        code: 'RUN_DEADLINE',
        summary: 'not started: the run reached its deadline',
        fix: ENGINE_CODES.RUN_DEADLINE.fix,
        durationMs: 0,
      });
    }

    options.onProgress?.({ type: 'start', id: check.id, title: check.title, done, total: checks.length });
    const started = performance.now();
    const controller = new AbortController();
    const timeoutMs = check.timeoutMs ?? options.checkTimeoutMs;
    const ctx: CheckContext<AnyCheck> = {
      ...base,
      signal: controller.signal,
      timeoutMs,
      // Typed at compile time (only checks in `needs`); guarded here for plugins.
      upstream: (need) => (needs.includes(need.id) ? data.get(need.id) : undefined) as never,
    };
    // The deadline race does not wait for the check: a check that never settles is abandoned
    // (its signal is aborted, so a well-behaved check stops its I/O).
    const ended = await settleOnce<{ outcome: Outcome } | { error: unknown }>(
      {
        timeoutMs,
        onTimeout: () => ({ error: new Deadline('check') }),
        signal: runController.signal,
        onAbort: () => ({ error: new Deadline('run') }),
        onSettled: (value) => {
          if ('error' in value && value.error instanceof Deadline) controller.abort(value.error);
        },
      },
      (s) => {
        Promise.resolve()
          .then(() => check.run(ctx))
          .then(
            (outcome) => s.settle({ outcome }),
            (error: unknown) => s.settle({ error }),
          );
      },
    );
    let reported: Reported;
    if ('outcome' in ended) {
      reported = validateOutcome(check, ended.outcome);
      if (reported.status === 'ok' || reported.status === 'warn') data.set(check.id, (ended.outcome as { data?: unknown }).data);
    } else {
      reported = errorOutcome(ended.error, timeoutMs, scrub);
    }
    const { moreFindings, ...primary } = reported;
    return finish(check, {
      ...head,
      ...primary,
      fix: primary.fix ?? fixFor(check, primary.code),
      ...(moreFindings?.length ? { moreFindings: moreFindings.map((f) => ({ ...f, fix: f.fix ?? fixFor(check, f.code) })) } : {}),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  };

  for (const check of checks) settled.set(check.id, runOne(check));
  try {
    await Promise.all(settled.values());
  } finally {
    clearTimeout(runTimer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  return checks.map((c) => results.get(c.id)!);
}

function fixFor(check: AnyCheck, code: string | undefined): string | undefined {
  if (!code) return undefined;
  return check.codes[code]?.fix ?? (ENGINE_CODES as Record<string, { fix: string }>)[code]?.fix;
}

/** An outcome as the engine reports it: without `data`, secondary findings without details. */
type Reported = Omit<CheckResult, 'id' | 'title' | 'group' | 'durationMs' | 'blockedBy'>;

/**
 * Checks written in TypeScript cannot return an undeclared code (a compile error); plugins in
 * plain JavaScript can, so the engine still checks at run time.
 */
function validateOutcome(check: AnyCheck, outcome: Outcome): Reported {
  const declared = (code: unknown) => typeof code === 'string' && Object.hasOwn(check.codes, code);
  const isFinding = (f: Finding) =>
    f && typeof f === 'object' && ['warn', 'fail', 'skip'].includes(f.status) && typeof f.summary === 'string' && declared(f.code);
  const more: unknown = outcome?.moreFindings;
  const valid =
    outcome &&
    typeof outcome === 'object' &&
    typeof outcome.summary === 'string' &&
    (outcome.status === 'ok' ? outcome.code === undefined : isFinding(outcome as Finding)) &&
    (more === undefined || (Array.isArray(more) && more.every(isFinding)));
  if (valid) {
    const { data: _data, moreFindings, ...primary } = outcome as Outcome & { data?: unknown };
    const secondary: ReportedFinding[] | undefined = moreFindings?.map((f) => ({
      status: f.status,
      code: f.code,
      summary: f.summary,
      ...(f.fix ? { fix: f.fix } : {}),
    }));
    return { ...primary, ...(secondary?.length ? { moreFindings: secondary } : {}) };
  }
  return {
    status: 'error',
    code: 'CHECK_BAD_RESULT',
    summary: `check returned an unusable result (status ${String(outcome?.status)}, code ${String(outcome?.code)})`,
  };
}

function errorOutcome(err: unknown, timeoutMs: number, scrub: (t: string) => string): Reported {
  if (err instanceof Deadline) {
    return err.kind === 'check'
      ? { status: 'error', code: 'CHECK_TIMEOUT', summary: `did not finish within ${timeoutMs} ms` }
      : { status: 'error', code: 'RUN_DEADLINE', summary: 'stopped: the run reached its deadline' };
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    status: 'error',
    code: 'CHECK_CRASHED',
    summary: `the check crashed: ${scrub(message).slice(0, 300)}`,
  };
}
