/**
 * "Settle once, with a deadline and an abort signal": the scaffold every probe needs (a socket
 * whose events, a timer and the caller's signal race to produce one result). Written once so
 * that none of them forgets to clear its timer, drop its abort listener or release what it
 * holds, and none can resolve twice.
 */

/** How an operation ended: its own result, the deadline, or the caller's signal. */
export type SettledBy = 'result' | 'timeout' | 'abort';

/** Options of {@link settleOnce}. */
export type SettleOnceOptions<T> = {
  /** Milliseconds until {@link onTimeout} decides the result. Not finite: no deadline. */
  timeoutMs: number;
  /** The result when the deadline passes first. */
  onTimeout: () => T;
  /**
   * Runs once on settling, whichever way, after the cleanups `start` registered; unlike those,
   * also when the signal had already aborted and `start` never ran (release what the caller
   * handed in, after what was built on it).
   */
  onSettled?: (value: T, by: SettledBy) => void;
} & (
  | {
      /** The caller's signal: when it aborts first (or already has), {@link onAbort} decides the result. */
      signal: AbortSignal | undefined;
      onAbort: () => T;
    }
  | { signal?: undefined; onAbort?: undefined }
);

/** What the operation is handed: the one way to settle, and hooks for what it must release. */
export interface Settler<T> {
  /** Settles with `value` unless already settled. Returns whether this call settled. */
  settle(value: T): boolean;
  /** True once settled (by a result, the deadline or the signal). */
  readonly settled: boolean;
  /**
   * Registers a cleanup, run once on settling (before the promise resolves), whichever way it
   * settled; at once if already settled. Cleanups run in registration order.
   */
  onSettled(cleanup: (value: T, by: SettledBy) => void): void;
  /** Replaces the deadline: `ms` from now, settle with `onTimeout()` (e.g. "connected; now hold the connection this long"). */
  restartDeadline(ms: number, onTimeout: () => T): void;
}

/**
 * Runs `start` and resolves with the first of: the value it settles with, `onTimeout()` after
 * `timeoutMs`, or `onAbort()` when `signal` aborts. When the signal has already aborted, `start`
 * never runs. If `start` throws before settling, the timer and listener are released (cleanups
 * do not run) and the promise rejects with that error.
 */
export function settleOnce<T>(opts: SettleOnceOptions<T>, start: (s: Settler<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const cleanups: ((value: T, by: SettledBy) => void)[] = [];
    let outcome: { value: T; by: SettledBy } | undefined;

    const finish = (value: T, by: SettledBy): boolean => {
      if (settled) return false;
      settled = true;
      outcome = { value, by };
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      try {
        for (const cleanup of cleanups.splice(0)) cleanup(value, by);
        opts.onSettled?.(value, by);
      } finally {
        resolve(value);
      }
      return true;
    };
    const arm = (ms: number, onTimeout: () => T): void => {
      clearTimeout(timer);
      timer = Number.isFinite(ms) ? setTimeout(() => finish(onTimeout(), 'timeout'), Math.max(0, ms)) : undefined;
    };
    function onAbort(): void {
      if (opts.onAbort) finish(opts.onAbort(), 'abort');
    }

    const settler: Settler<T> = {
      settle: (value) => finish(value, 'result'),
      get settled() {
        return settled;
      },
      onSettled(cleanup) {
        if (outcome) cleanup(outcome.value, outcome.by);
        else cleanups.push(cleanup);
      },
      restartDeadline(ms, onTimeout) {
        if (!settled) arm(ms, onTimeout);
      },
    };

    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    arm(opts.timeoutMs, opts.onTimeout);
    try {
      start(settler);
    } catch (err) {
      // A programming error (e.g. invalid socket options): release the timer and the listener
      // as a settle would. Cleanups do not run: there is no value to hand them.
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        cleanups.length = 0;
      }
      reject(err);
    }
  });
}
