/**
 * Syslog reporter: every event as an RFC 5424 message with STRUCTURED-DATA (./syslog-format.ts),
 * over UDP, TCP or the local socket (./syslog-transports.ts; destinations: src/config/syslog-target.ts).
 *
 * Delivery never throws into the daemon: messages wait in the bounded retry queue
 * (./retry-queue.ts: oldest dropped first when full) and are retried with exponential back-off
 * and jitter. Over UDP a refusal (nothing listening: ICMP port unreachable) is a failed delivery
 * like any other: logged and retried (./syslog-transports.ts, UdpTransport).
 */
import type { Facility, SyslogTarget } from '../config/syslog-target.js';
import type { Logger } from '../core/log.js';
import type { DaemonEvent } from './events.js';
import type { DaemonReporter } from './reporter-set.js';
import { RetryQueue } from './retry-queue.js';
import { eventToSyslog, type SyslogMessage } from './syslog-format.js';
import { createTransport, type SyslogTransport } from './syslog-transports.js';

export interface SyslogReporterOptions {
  target: SyslogTarget;
  facility: Facility;
  appName: string;
  log: Logger;
  /** Messages kept while the receiver is unreachable (oldest dropped first). */
  queueMax?: number;
  /** First retry delay and the cap of the exponential back-off (ms). */
  retryMinMs?: number;
  retryMaxMs?: number;
  transport?: SyslogTransport;
  hostname?: string;
}

export class SyslogReporter implements DaemonReporter {
  readonly name: string;
  readonly #opts: SyslogReporterOptions;
  readonly #transport: SyslogTransport;
  readonly #queue: RetryQueue<SyslogMessage>;
  #closed = false;

  constructor(opts: SyslogReporterOptions) {
    this.#opts = opts;
    this.name = `syslog ${opts.target.url}`;
    const log = opts.log;
    this.#transport =
      opts.transport ??
      createTransport(opts.target, {
        onLateError: (err) => log.warn({ reporter: this.name, err }, 'syslog receiver refused a message after it was sent; it may be lost'),
      });
    const transport = this.#transport;
    const batchSize = transport.deliverBatch ? Math.max(1, transport.batchMax ?? 1) : 1;
    this.#queue = new RetryQueue<SyslogMessage>({
      max: opts.queueMax ?? 1000,
      batchSize,
      send: (ms) => (transport.deliverBatch ? transport.deliverBatch(ms) : transport.deliver(ms[0]!)),
      backoff: { minMs: opts.retryMinMs ?? 500, maxMs: opts.retryMaxMs ?? 30_000 },
      onFailure: ({ err, failures, queued, retryInMs }) =>
        log[failures === 1 ? 'warn' : 'debug']({ reporter: this.name, err, failures, queued, retryInMs }, 'syslog delivery failed; will retry'),
      onRecovered: ({ failures, dropped }) => log.info({ reporter: this.name, failures, dropped }, 'syslog delivers again'),
    });
  }

  /** Messages waiting for delivery. */
  get pending(): number {
    return this.#queue.pending;
  }

  event(e: DaemonEvent): void {
    if (this.#closed) return;
    const o = this.#opts;
    this.#queue.push(eventToSyslog(e, { facility: o.facility, appName: o.appName, ...(o.hostname ? { hostname: o.hostname } : {}) }));
    // While a retry waits on its back-off, a new message waits with it (in order).
    if (!this.#queue.waiting) this.#queue.drain().catch(() => undefined);
  }

  async flush(deadline: number): Promise<void> {
    if (await this.#queue.flush(deadline)) return;
    this.#opts.log.warn({ reporter: this.name, undelivered: this.#queue.pending }, 'syslog messages not delivered before shutdown');
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.close();
    await this.#transport.close();
  }
}
