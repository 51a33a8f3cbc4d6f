/**
 * The bounded retry queue the reporters that deliver somewhere share (syslog, the JSON file's
 * event lines): what could not be delivered waits, in order, and is delivered before anything
 * newer; when more than `max` items wait, the oldest are dropped (and counted), so an outage
 * costs bounded memory. Only what was delivered leaves the queue. Sends never overlap.
 *
 * Retrying: with `backoff`, a failed send is retried in the background with exponential
 * back-off and jitter (syslog: a receiver that comes back gets the backlog without waiting for
 * the next event); without it, what failed waits for the next {@link RetryQueue.drain} (the JSON
 * file: every event appends everything that waits, and the caller hears of each failure).
 */
import { settleOnce } from '../core/deadline.js';

export interface RetryQueueOptions<T> {
  /** Items kept while delivery fails; beyond it the oldest are dropped. */
  max: number;
  /** Delivers items in order; rejects when they could not be delivered (they stay queued). */
  send(batch: readonly T[]): Promise<void>;
  /** Items per send: 1 (one message, one datagram) up to Infinity (everything waiting in one append). Default 1. */
  batchSize?: number;
  /** Background retries: the first delay and the cap of the exponential back-off (ms). */
  backoff?: { minMs: number; maxMs: number };
  /** Told of every failed send (for a log), with the retry delay when one is scheduled. */
  onFailure?(info: { err: unknown; failures: number; queued: number; retryInMs?: number }): void;
  /** Told once when a send succeeds after failures or drops. */
  onRecovered?(info: { failures: number; dropped: number }): void;
}

/** Retries while flushing come this quickly: the process is about to stop. */
const FLUSH_RETRY_MS = 100;

/** Wrapped, so that "is this still the item I sent?" is identity even for equal values. */
interface Entry<T> {
  value: T;
}

export class RetryQueue<T> {
  readonly #opts: RetryQueueOptions<T>;
  #entries: Entry<T>[] = [];
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #dropped = 0;
  #flushing = false;
  #closed = false;
  /** Called when a drain ends with nothing left (or on close): flush() waits on them. */
  #idle: (() => void)[] = [];

  constructor(opts: RetryQueueOptions<T>) {
    this.#opts = opts;
  }

  /** Items waiting for delivery. */
  get pending(): number {
    return this.#entries.length;
  }

  /** True while a back-off retry is scheduled: a new item then waits for it rather than sending at once. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** Adds an item (the oldest dropped beyond `max`). Does not send: see {@link drain}. */
  push(item: T): void {
    if (this.#closed) return;
    this.#entries.push({ value: item });
    const over = this.#entries.length - this.#opts.max;
    if (over > 0) {
      this.#entries.splice(0, over);
      this.#dropped += over;
    }
  }

  /**
   * Sends what waits, batch by batch, until nothing does. Rejects with the error of a send that
   * failed (its items stay queued; with back-off a retry is scheduled). A call during a send
   * joins it; items pushed meanwhile are sent by it.
   */
  drain(): Promise<void> {
    this.#running ??= this.#loop().finally(() => {
      this.#running = undefined;
      if (this.#entries.length === 0 || this.#closed) for (const fn of this.#idle.splice(0)) fn();
    });
    return this.#running;
  }

  async #loop(): Promise<void> {
    while (this.#entries.length > 0 && !this.#closed) {
      const batch = this.#entries.slice(0, this.#opts.batchSize ?? 1);
      try {
        await this.#opts.send(batch.map((e) => e.value));
      } catch (err) {
        this.#failed(err);
        throw err;
      }
      // Only what was sent leaves, and only if it is still at the head (the oldest may have been dropped meanwhile).
      let sent = 0;
      while (sent < batch.length && this.#entries[sent] === batch[sent]) sent += 1;
      this.#entries.splice(0, sent);
      if (this.#failures > 0 || this.#dropped > 0) {
        this.#opts.onRecovered?.({ failures: this.#failures, dropped: this.#dropped });
        this.#failures = 0;
        this.#dropped = 0;
      }
    }
  }

  #failed(err: unknown): void {
    this.#failures += 1;
    const backoffOpts = this.#opts.backoff;
    if (!backoffOpts || this.#closed) {
      this.#opts.onFailure?.({ err, failures: this.#failures, queued: this.#entries.length });
      return;
    }
    const delay = this.#flushing ? FLUSH_RETRY_MS : backoff(this.#failures, backoffOpts.minMs, backoffOpts.maxMs);
    this.#opts.onFailure?.({ err, failures: this.#failures, queued: this.#entries.length, retryInMs: delay });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.drain().catch(() => undefined);
    }, delay);
  }

  /**
   * Delivers what waits, giving up at `deadline` (epoch ms); never rejects. With back-off, a
   * retry waiting on its delay is tried now and the next ones come quickly; without, the send
   * under way is waited for. Resolves whether the queue is empty.
   */
  async flush(deadline: number): Promise<boolean> {
    if (this.#entries.length === 0 && !this.#running) return true;
    if (!this.#opts.backoff) {
      const running = this.#running ?? Promise.resolve();
      await settleOnce({ timeoutMs: deadline - Date.now(), onTimeout: () => undefined }, (s) => {
        running.then(
          () => s.settle(undefined),
          () => s.settle(undefined),
        );
      });
      return this.#entries.length === 0;
    }
    this.#flushing = true;
    try {
      await settleOnce({ timeoutMs: deadline - Date.now(), onTimeout: () => undefined }, (s) => {
        const done = () => s.settle(undefined);
        this.#idle.push(done);
        s.onSettled(() => {
          const i = this.#idle.indexOf(done);
          if (i !== -1) this.#idle.splice(i, 1);
        });
        if (this.#timer) {
          clearTimeout(this.#timer);
          this.#timer = undefined;
        }
        this.drain().catch(() => undefined);
      });
    } finally {
      this.#flushing = false;
    }
    return this.#entries.length === 0;
  }

  /** Stops sending: no more retries, waiting flushes released. What waits is dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const fn of this.#idle.splice(0)) fn();
  }
}

/** Exponential back-off with ±20 % jitter, so a fleet does not retry in step. */
export function backoff(failures: number, minMs: number, maxMs: number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
