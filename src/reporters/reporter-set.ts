/**
 * The daemon's reporters, any combination: console, JSON file, syslog. Each gets every event
 * (and every run's report, if it wants it). A reporter that fails is logged and keeps its own
 * retry; it never stops the daemon or the other reporters: calls to one reporter are chained
 * (so its output stays in order) and isolated from the others and from the run.
 *
 * Reporters do not scrub: every event passes the output scrub here, once for all of them, and
 * every report has passed it as it left the run (src/run/run-once.ts).
 */
import { settleOnce } from '../core/deadline.js';
import type { Logger } from '../core/log.js';
import { OUTPUT_SCRUB, type OutputScrub } from '../core/output-scrub.js';
import type { Report } from '../report/report.js';
import type { DaemonEvent, RunSummary } from './events.js';

export interface DaemonReporter {
  readonly name: string;
  event?(e: DaemonEvent): void | Promise<void>;
  run?(report: Report, summary: RunSummary): void | Promise<void>;
  /** Delivers what is queued, giving up at `deadline` (epoch ms). */
  flush?(deadline: number): Promise<void>;
  /** Releases sockets, timers and files. */
  close?(): Promise<void>;
}

interface Slot {
  reporter: DaemonReporter;
  chain: Promise<void>;
  failing: boolean;
  failures: number;
}

export class ReporterSet {
  readonly #slots: Slot[];
  readonly #log: Logger;
  readonly #scrub: OutputScrub;

  constructor(reporters: readonly DaemonReporter[], log: Logger, scrub: OutputScrub = OUTPUT_SCRUB) {
    this.#slots = reporters.map((reporter) => ({ reporter, chain: Promise.resolve(), failing: false, failures: 0 }));
    this.#log = log;
    this.#scrub = scrub;
  }

  get names(): string[] {
    return this.#slots.map((s) => s.reporter.name);
  }

  /** Hands an event to every reporter, through the output scrub. */
  event(e: DaemonEvent): void {
    const clean = this.#scrub.json(e);
    for (const slot of this.#slots) {
      if (slot.reporter.event) this.#call(slot, 'event', () => slot.reporter.event!(clean));
    }
  }

  /** Hands a run's report to every reporter that wants it: the report as runOnce returned it (scrubbed). */
  run(report: Report, summary: RunSummary): void {
    for (const slot of this.#slots) {
      if (slot.reporter.run) this.#call(slot, 'run', () => slot.reporter.run!(report, summary));
    }
  }

  #call(slot: Slot, what: string, fn: () => void | Promise<void>): void {
    slot.chain = slot.chain.then(fn).then(
      () => {
        if (slot.failing) {
          this.#log.info({ reporter: slot.reporter.name, failures: slot.failures }, 'reporter works again');
          slot.failing = false;
          slot.failures = 0;
        }
      },
      (err: unknown) => {
        slot.failures += 1;
        // The first failure of a spell is a warning; repeats are debug, so a long outage
        // does not flood the log.
        const level = slot.failing ? 'debug' : 'warn';
        slot.failing = true;
        this.#log[level]({ reporter: slot.reporter.name, call: what, failures: slot.failures, err }, 'reporter failed; it will retry');
      },
    );
  }

  /** Waits for every reporter's pending calls and queues, at most until `deadline` (epoch ms). */
  async flush(deadline: number): Promise<void> {
    await Promise.all(
      this.#slots.map(async (slot) => {
        await withDeadline(slot.chain, deadline);
        if (slot.reporter.flush) {
          await withDeadline(
            Promise.resolve()
              .then(() => slot.reporter.flush!(deadline))
              .catch((err: unknown) => this.#log.warn({ reporter: slot.reporter.name, err }, 'reporter flush failed')),
            deadline,
          );
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#slots.map((slot) =>
        Promise.resolve()
          .then(() => slot.reporter.close?.())
          .catch((err: unknown) => this.#log.debug({ reporter: slot.reporter.name, err }, 'reporter close failed')),
      ),
    );
  }
}

/** Resolves when `p` settles or at `deadline` (epoch ms), whichever is first; never rejects. */
export function withDeadline(p: Promise<unknown>, deadline: number): Promise<void> {
  const ms = deadline - Date.now();
  if (ms <= 0) return Promise.resolve();
  return settleOnce({ timeoutMs: ms, onTimeout: () => undefined }, (s) => {
    p.then(
      () => s.settle(undefined),
      () => s.settle(undefined),
    );
  });
}
