/**
 * One request's exchange with undici: the handler that receives the response, what arrived so
 * far (status, headers, body within its limit, the event stream), where the request stands (for
 * a deadline or an abort), and the result it settles with. Everything returned is scrubbed of
 * the request's secrets.
 */
import { performance } from 'node:perf_hooks';

import type { Dispatcher } from 'undici';

import type { Settler } from '../core/deadline.js';
import { scrub, type Secret } from '../core/secret.js';
import { classify, makeFailure, OWN_CODES, type NetFailure, type NetPhase } from './errors.js';
import type { HttpFail, HttpOk, HttpPhases, HttpResult } from './http-result.js';
import { SseReader } from './sse.js';
import { armSendHeaders, errorTimelines, phaseOf, socketTimelines, type ConnTimeline } from './timeline.js';

/** What an {@link Exchange} is set up with. */
export interface ExchangeSetup {
  /** `performance.now()` when the request started: phases are measured from here. */
  t0: number;
  /** Filled in as the request goes; part of the result. */
  phases: HttpPhases;
  /** Scrubbed from everything returned. */
  secrets: readonly Secret[];
  maxBodyBytes: number;
  oversize: 'truncate' | 'fail';
  sse: boolean;
  /** The request goes through a proxy (where it stands before any connection attempt). */
  proxied: boolean;
  /** The latest connection attempt to the request's origin, if any. */
  attempt: () => ConnTimeline | undefined;
}

function lowerRecord(headers: Record<string, string | string[] | undefined>, secrets: readonly Secret[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name.toLowerCase()] = secrets.length > 0 ? scrub(text, secrets) : text;
  }
  return out;
}

/** What a request was waiting for in a phase, for "no … within N ms". */
export function waitingFor(phase: NetPhase): string {
  switch (phase) {
    case 'dns':
      return 'DNS answer';
    case 'tcp':
      return 'TCP connection';
    case 'proxy':
      return 'proxy tunnel';
    case 'tls':
      return 'TLS handshake';
    case 'http':
      return 'response headers';
    case 'body':
      return 'end of response body';
  }
}

/** One request's response side (see the module comment). */
export class Exchange {
  readonly #s: ExchangeSetup;
  readonly #sse: SseReader | undefined;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #truncated = false;
  #controller: Dispatcher.DispatchController | undefined;
  /** The connection the request was sent on, once known. */
  #socketTl: ConnTimeline | undefined;
  #status: number | undefined;
  #headers: Record<string, string> | undefined;

  constructor(setup: ExchangeSetup) {
    this.#s = setup;
    this.#sse = setup.sse ? new SseReader() : undefined;
  }

  #elapsed(): number {
    return performance.now() - this.#s.t0;
  }

  #rel(t: number | undefined): number | null {
    return t === undefined ? null : Math.max(0, t - this.#s.t0);
  }

  /** Copies a connection's milestones into the phases; `fresh`: the connection was opened for this request. */
  #fill(tl: ConnTimeline, fresh: boolean): void {
    const phases = this.#s.phases;
    if (fresh) {
      phases.dnsMs = tl.needsLookup ? this.#rel(tl.lookupAt) : null;
      phases.connectMs = this.#rel(tl.connectAt);
      phases.proxyTunnelMs = this.#rel(tl.tunnelAt);
      phases.tlsMs = this.#rel(tl.secureAt);
    }
    if (tl.proxy !== undefined) {
      phases.proxied = true;
      phases.proxy = tl.proxy;
    }
    if (tl.remoteAddress !== undefined) phases.remoteAddress = tl.remoteAddress;
    if (tl.remoteFamily !== undefined) phases.remoteFamily = tl.remoteFamily;
  }

  /** Where this request stands now (for a deadline or an abort). */
  currentPhase(): NetPhase {
    if (this.#status !== undefined) return 'body';
    if (this.#socketTl) return 'http';
    const attempt = this.#s.attempt();
    if (attempt) {
      const phase = phaseOf(attempt);
      // An older, finished connection means this request is queued behind another one on
      // it: waiting for the server, but none of that connection's phases are this request's.
      if (phase !== 'http' || attempt.startAt >= this.#s.t0) this.#fill(attempt, true);
      return phase;
    }
    return this.#s.proxied ? 'proxy' : 'tcp';
  }

  #scrubbed(text: string): string {
    return this.#s.secrets.length > 0 ? scrub(text, this.#s.secrets) : text;
  }

  /** A failure, with the status, headers and event stream that came before it. */
  failed(failure: NetFailure): HttpFail {
    const r: HttpFail = { ok: false, failure, phases: this.#s.phases };
    if (this.#status !== undefined) r.status = this.#status;
    if (this.#headers !== undefined) r.headers = this.#headers;
    if (this.#sse) r.sse = this.#sse.summary;
    return r;
  }

  #succeeded(): HttpOk {
    const sse = this.#sse;
    if (sse) for (const e of sse.summary.tail) e.data = this.#scrubbed(e.data);
    if (sse?.summary.errorData !== undefined) sse.summary.errorData = this.#scrubbed(sse.summary.errorData);
    return {
      ok: true,
      status: this.#status ?? 0,
      headers: this.#headers ?? {},
      body: this.#scrubbed(Buffer.concat(this.#chunks).toString('utf8')),
      truncated: this.#truncated,
      phases: this.#s.phases,
      ...(sse ? { sse: sse.summary } : {}),
    };
  }

  /** The result when the overall deadline passes: named for the phase the request was in. */
  timedOut(timeoutMs: number): HttpFail {
    const phase = this.currentPhase();
    const err = Object.assign(new Error(`no ${waitingFor(phase)} within ${timeoutMs} ms`), { code: OWN_CODES.deadline });
    return this.failed(classify(err, { phase, secrets: [...this.#s.secrets] }));
  }

  /** The result when the caller aborts. */
  aborted(): HttpFail {
    return this.failed(makeFailure('aborted', OWN_CODES.aborted, 'aborted by caller', { phase: this.currentPhase() }));
  }

  /** Stops the exchange after it settled; undici then drops the connection. */
  stop(why: string): void {
    this.#controller?.abort(Object.assign(new Error(why), { code: 'UND_ERR_ABORTED' }));
  }

  /** undici's handler for this request, settling through `settler`. */
  handler(settler: Settler<HttpResult>): Dispatcher.DispatchHandler {
    const secrets = [...this.#s.secrets];
    return {
      onRequestStart: (ctrl) => {
        this.#controller = ctrl;
        if (settler.settled) {
          this.stop('settled');
          return;
        }
        armSendHeaders((socket) => {
          const tl = socketTimelines.get(socket);
          if (!tl) return;
          this.#socketTl = tl;
          const reused = tl.requests > 0;
          this.#s.phases.reusedSocket = reused;
          tl.requests += 1;
          this.#fill(tl, !reused);
        });
      },
      onResponseStart: (_ctrl, statusCode, rawHeaders) => {
        if (settler.settled || statusCode < 200) return; // 1xx are interim
        this.#status = statusCode;
        this.#headers = lowerRecord(rawHeaders as Record<string, string | string[] | undefined>, secrets);
        this.#s.phases.ttfbMs = this.#elapsed();
      },
      onResponseData: (_ctrl, chunk) => {
        if (settler.settled) return;
        const room = this.#s.maxBodyBytes - this.#bytes;
        if (chunk.length > room) {
          const part = chunk.subarray(0, Math.max(0, room));
          this.#chunks.push(part);
          this.#sse?.push(part, this.#elapsed());
          this.#bytes += part.length;
          this.#truncated = true;
          if (this.#s.oversize === 'fail') {
            settler.settle(
              this.failed(makeFailure('http-too-large', OWN_CODES.bodyTooLarge, `response body exceeds ${this.#s.maxBodyBytes} bytes`, { phase: 'body' })),
            );
          } else {
            settler.settle(this.#succeeded());
          }
          this.stop('body limit');
          return;
        }
        this.#chunks.push(chunk);
        this.#bytes += chunk.length;
        this.#sse?.push(chunk, this.#elapsed());
      },
      onResponseEnd: () => {
        if (settler.settled) return;
        this.#sse?.end(this.#elapsed());
        settler.settle(this.#succeeded());
      },
      onResponseError: (_ctrl, err) => {
        if (settler.settled) return;
        const tl = errorTimelines.get(err);
        let phase: NetPhase;
        if (tl) {
          this.#fill(tl, true);
          phase = phaseOf(tl);
        } else {
          phase = this.#status !== undefined ? 'body' : this.#socketTl ? 'http' : this.currentPhase();
        }
        settler.settle(this.failed(classify(err, { phase, secrets })));
      },
    };
  }
}
