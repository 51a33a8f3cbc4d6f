/**
 * JSON file reporter, for the file-collecting agents IT already runs:
 * - `PATH`: the latest full report (schema/report.schema.json), replaced atomically after every
 *   run (temporary file, fsync, rename), mode 0600: a reader never sees a torn document;
 * - `PATH` with `.jsonl` in place of `.json` (or `PATH.jsonl`): one line per event (raised,
 *   cleared, heartbeat, started, stopped), rotated by size.
 * A write that fails (folder gone, disk full) throws to the reporter set, which logs it; the
 * latest report is written again at the next run, and event lines that could not be appended
 * wait in the bounded retry queue (./retry-queue.ts) and are appended before the next ones.
 * Reports and events arrive through the output scrub (see ReporterSet).
 */
import { resolve } from 'node:path';
import type { Report } from '../report/report.js';
import type { DaemonEvent, RunSummary } from './events.js';
import { renderJson } from './json.js';
import type { DaemonReporter } from './reporter-set.js';
import { RetryQueue } from './retry-queue.js';
import { RotatingJsonl, writeFileAtomic } from './rotating-file.js';

export interface JsonFileReporterOptions {
  path: string;
  /** Size at which the events file is rotated (bytes). */
  eventsMaxBytes?: number;
  /** Rotated events files kept. */
  eventsKeep?: number;
  /** Event lines kept in memory while the file cannot be written. */
  pendingMax?: number;
}

/** `status.json` → `status.jsonl`; anything else gets `.jsonl` appended. */
export function eventsPathFor(path: string): string {
  return path.endsWith('.json') ? `${path}l` : `${path}.jsonl`;
}

export class JsonFileReporter implements DaemonReporter {
  readonly name: string;
  readonly path: string;
  readonly events: RotatingJsonl;
  /** Event lines not yet appended; each event appends all of them, oldest first (no background retry). */
  readonly #pending: RetryQueue<DaemonEvent>;

  constructor(opts: JsonFileReporterOptions) {
    this.path = resolve(opts.path);
    this.name = `json ${this.path}`;
    this.events = new RotatingJsonl({ path: eventsPathFor(this.path), maxBytes: opts.eventsMaxBytes ?? 5 * 1024 * 1024, keep: opts.eventsKeep ?? 3 });
    this.#pending = new RetryQueue({ max: opts.pendingMax ?? 1000, batchSize: Infinity, send: (batch) => this.events.append(batch) });
  }

  async run(report: Report, _summary: RunSummary): Promise<void> {
    await writeFileAtomic(this.path, renderJson(report));
  }

  /** Rejects when the lines could not be appended (the reporter set logs it); they are tried again with the next event. */
  async event(e: DaemonEvent): Promise<void> {
    this.#pending.push(e);
    await this.#pending.drain();
  }

  async flush(deadline: number): Promise<void> {
    await this.#pending.flush(deadline);
  }
}
