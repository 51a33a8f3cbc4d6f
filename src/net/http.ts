/**
 * The HTTP layer, built on undici: a request bounded in time and size that records where its
 * time went (DNS, TCP, proxy tunnel, TLS, first byte) and, on failure, which layer failed.
 *
 * The pieces, each in its own module: the connector that opens (and times) connections,
 * directly or through a proxy (`connector.ts`); the headers that may carry a key
 * (`secret-headers.ts`); the rule that refuses to send a key in clear text beyond this machine
 * (`clear-text.ts`: `insecure-key-transport`, nothing is sent); one request's response side
 * (`exchange.ts`); options and results (`http-options.ts`, `http-result.ts`). Certificate
 * verification is only off with `insecure: true`.
 */
import { performance } from 'node:perf_hooks';

import type { Agent, Dispatcher } from 'undici';

import { settleOnce } from '../core/deadline.js';
import type { Secret } from '../core/secret.js';
import { clearTextVerdict } from './clear-text.js';
import { Connector, originKey } from './connector.js';
import { classify, makeFailure, OWN_CODES, type NetFailure } from './errors.js';
import { Exchange } from './exchange.js';
import type { Env, HttpClientOptions, HttpRequestOptions, RequestOptions } from './http-options.js';
import { emptyPhases, type HttpResult } from './http-result.js';
import { proxyDecisionFor } from './proxy.js';
import { wireHeaders } from './secret-headers.js';
import { undici } from './undici.js';

// The types and helpers this module has always offered, wherever they now live.
export { bearer } from './secret-headers.js';
export type { HeaderValue, SecretHeader } from './secret-headers.js';
export type { HttpClientOptions, HttpRequestOptions, RequestOptions } from './http-options.js';
export type { HttpFail, HttpOk, HttpPhases, HttpResult } from './http-result.js';

const DEFAULT_KEEPALIVE = 10_000;

/**
 * A keep-alive client: requests to the same origin reuse connections, so latency can be
 * sampled cold (first request) and warm (later ones; `phases.reusedSocket`). Close it when
 * done; {@link httpRequest} is the one-shot form.
 */
export class HttpClient {
  readonly #env: Env;
  readonly #opts: HttpClientOptions;
  readonly #agent: Agent;
  readonly #connector: Connector;
  #closed = false;

  constructor(opts: HttpClientOptions) {
    this.#opts = opts;
    this.#env = opts.env ?? process.env;
    this.#connector = new Connector(opts, this.#env);
    const { Agent } = undici();
    const keepAlive = opts.keepAliveTimeoutMs ?? DEFAULT_KEEPALIVE;
    this.#agent = new Agent({
      connect: (o, cb) => this.#connector.connect(o, cb),
      // One connection per origin. With a pool, a request sent in the same event-loop turn
      // the previous response ended finds that connection not yet released and opens a new
      // one, so "warm" samples would silently be cold. Concurrent requests to one origin queue.
      connections: 1,
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: keepAlive,
      allowH2: false,
    });
  }

  /** Sends one request; never throws (failures are results). */
  request(o: RequestOptions): Promise<HttpResult> {
    const t0 = performance.now();
    const phases = emptyPhases();
    const elapsed = (): number => performance.now() - t0;
    const secrets: Secret[] = [...(o.secrets ?? [])];
    const early = (failure: NetFailure): Promise<HttpResult> => {
      phases.totalMs = elapsed();
      return Promise.resolve({ ok: false, failure, phases });
    };

    if (this.#closed) return early(makeFailure('invalid-request', 'UND_ERR_DESTROYED', 'client is closed', { phase: 'http' }));
    let url: URL;
    try {
      url = typeof o.url === 'string' ? new URL(o.url) : o.url;
    } catch {
      return early(makeFailure('invalid-request', 'ERR_INVALID_URL', 'invalid URL', { phase: 'http', secrets }));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return early(makeFailure('invalid-request', 'ERR_INVALID_URL', `unsupported scheme ${url.protocol}`, { phase: 'http' }));
    }

    const headers = wireHeaders(o.headers ?? {}, {
      url,
      ...(o.secretHeaders ? { secretHeaders: o.secretHeaders } : {}),
      ...(o.secrets ? { known: o.secrets } : {}),
    });
    secrets.push(...headers.secrets);
    const decision = this.#opts.proxy === 'none' ? undefined : proxyDecisionFor(this.#opts, url, this.#env);
    if (decision?.proxied) {
      phases.proxied = true;
      phases.proxy = decision.proxy.display;
    }
    const verdict = clearTextVerdict({ url, proxy: decision, carriesKey: headers.carriesKey });
    if (!verdict.allowed) return early(makeFailure(verdict.kind, OWN_CODES.insecureKeyTransport, verdict.reason, { phase: 'http', secrets }));

    const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80);
    const key = originKey(url.protocol, url.hostname, port);
    const exchange = new Exchange({
      t0,
      phases,
      secrets,
      maxBodyBytes: Math.max(0, o.maxBodyBytes),
      oversize: o.oversize ?? 'truncate',
      sse: o.sse === true,
      proxied: decision?.proxied === true,
      attempt: () => this.#connector.attempt(key),
    });
    return settleOnce<HttpResult>(
      {
        timeoutMs: o.timeoutMs,
        signal: o.signal,
        onTimeout: () => exchange.timedOut(o.timeoutMs),
        onAbort: () => exchange.aborted(),
        onSettled: (_r, by) => {
          phases.totalMs = elapsed();
          if (by !== 'result') exchange.stop(by === 'timeout' ? 'deadline' : 'aborted');
        },
      },
      (settler) => {
        try {
          this.#agent.dispatch(
            {
              origin: url.origin,
              path: `${url.pathname}${url.search}`,
              method: (o.method ?? 'GET') as Dispatcher.HttpMethod,
              headers: headers.wire,
              body: o.body ?? null,
              headersTimeout: o.headersTimeoutMs ?? o.timeoutMs,
              bodyTimeout: o.bodyTimeoutMs ?? o.timeoutMs,
            },
            exchange.handler(settler),
          );
        } catch (err) {
          settler.settle(exchange.failed(classify(err, { phase: 'http', secrets })));
        }
      },
    );
  }

  /** Drops every connection now (in-flight requests of this client fail). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#connector.close();
    await this.#agent.destroy();
  }
}

/** Creates a keep-alive {@link HttpClient}. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  return new HttpClient(opts);
}

/** One request on a fresh client, which is closed before this returns. Never throws. */
export async function httpRequest(opts: HttpRequestOptions): Promise<HttpResult> {
  // One request: its connect bound defaults to its own deadline.
  const client = new HttpClient({ ...opts, connectTimeoutMs: opts.connectTimeoutMs ?? opts.timeoutMs });
  try {
    return await client.request(opts);
  } finally {
    await client.close();
  }
}
