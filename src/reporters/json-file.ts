/**
 * JSON file reporter, for the file-collecting agents IT already runs:
 * - `PATH`: the latest full report (schema/report.schema.json), replaced atomically after every
 *   run (temporary file, fsync, rename), mode 0600: a reader never sees a torn document;
 * - `PATH` with `.jsonl` in place of `.json` (or `PATH.jsonl`): one line per event (raised,
 *   cleared, heartbeat, started, stopped), rotated by size.
 * A write that fails (folder gone, disk full) throws to the reporter set, which logs it; the
 * latest report is written again at the next run, and event lines that could not be appended
 * are kept (bounded) and appended before the next ones.
 */
import { resolve } from 'node:path';
import type { DaemonEvent, RunSummary } from './events.js';
import { RotatingJsonl, writeFileAtomic } from './rotating-file.js';
import type { DaemonReporter } from './reporter-set.js';
import { scrubDeep } from '../core/log.js';
import type { Report } from '../report/report.js';
import { knownSecrets, scrub } from '../core/secret.js';
import { renderJson } from './json.js';

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
  readonly #pendingMax: number;
  #pending: unknown[] = [];

  constructor(opts: JsonFileReporterOptions) {
    this.path = resolve(opts.path);
    this.name = `json ${this.path}`;
    this.events = new RotatingJsonl({ path: eventsPathFor(this.path), maxBytes: opts.eventsMaxBytes ?? 5 * 1024 * 1024, keep: opts.eventsKeep ?? 3 });
    this.#pendingMax = opts.pendingMax ?? 1000;
  }

  async run(report: Report, _summary: RunSummary): Promise<void> {
    // The report never holds the key (only its fingerprint); scrubbing is the last line of defence.
    await writeFileAtomic(this.path, scrub(renderJson(report), knownSecrets()));
  }

  async event(e: DaemonEvent): Promise<void> {
    const secrets = knownSecrets();
    this.#pending.push(secrets.length > 0 ? scrubDeep(e, secrets) : e);
    // While the file cannot be written, the oldest lines go first.
    if (this.#pending.length > this.#pendingMax) this.#pending = this.#pending.slice(-this.#pendingMax);
    const batch = this.#pending;
    await this.events.append(batch);
    // Only what was written leaves the queue (new events may have arrived meanwhile).
    this.#pending = this.#pending.slice(batch.length);
  }

  async flush(): Promise<void> {
    await this.events.settle();
  }
}
