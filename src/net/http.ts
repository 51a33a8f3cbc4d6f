/**
 * The HTTP layer, built on undici: a request bounded in time and size that records where its
 * time went (DNS, TCP, proxy tunnel, TLS, first byte) and, on failure, which layer failed.
 *
 * The connection is made by our own connector (handed to undici's Agent): undici's
 * `buildConnector` for direct connections and for TLS, and `proxyConnect` (the same code the
 * proxy probe uses) for the CONNECT tunnel, chosen per origin by `proxyFor` with
 * `EnvHttpProxyAgent`'s rules. That keeps every phase observable and the proxy verdict
 * identical between the proxy probe and real requests.
 *
 * Safety: a request that carries a key is refused (`insecure-key-transport`, nothing is sent)
 * when it would travel in clear text beyond this machine; certificate verification is only
 * off with `insecure: true`.
 */
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { rootCertificates } from 'node:tls';

import type { Agent, buildConnector, Dispatcher } from 'undici';

import { Secret, scrub } from '../core/secret.js';
import { classify, makeFailure, NetFailureError, OWN_CODES, type NetFailure, type NetPhase } from './errors.js';
import { bareHost, isLoopbackHost } from './loopback.js';
import { proxyConnect, proxyFor, type ProxyDecision } from './proxy.js';
import { SseReader, type SseSummary } from './sse.js';
import { undici } from './undici.js';
import { armSendHeaders, errorTimelines, observeSocket, phaseOf, socketTimelines, type ConnTimeline } from './timeline.js';

type Env = Readonly<Record<string, string | undefined>>;

/** A header value that carries a key, with an optional scheme prefix (`Bearer `). */
export interface SecretHeader {
  secret: Secret;
  prefix?: string;
}

/** `Authorization: Bearer <key>` without revealing the key before the wire. */
export function bearer(secret: Secret): SecretHeader {
  return { secret, prefix: 'Bearer ' };
}

/** A header value: plain text, a key, or a key with a prefix. */
export type HeaderValue = string | Secret | SecretHeader;

/**
 * Where a request's time went. Values are **milestones in ms since the request started**
 * (as curl's `time_namelookup`, `time_connect`, `time_appconnect`, `time_starttransfer`), so
 * they are ordered: dns ≤ connect ≤ proxyTunnel ≤ tls ≤ ttfb ≤ total. `null` means the phase
 * did not happen in this request: a reused socket, an IP address (no DNS), plain http (no TLS),
 * no proxy, or a failure before it.
 */
export interface HttpPhases {
  dnsMs: number | null;
  /** TCP connected (to the proxy when proxied). */
  connectMs: number | null;
  /** The proxy answered CONNECT. */
  proxyTunnelMs: number | null;
  tlsMs: number | null;
  /** Response status line and headers received. */
  ttfbMs: number | null;
  totalMs: number;
  /** The request went on a kept-alive connection opened earlier (by this client). */
  reusedSocket: boolean;
  proxied: boolean;
  /** `scheme://host:port` of the proxy (never its credentials). */
  proxy?: string;
  /** The TCP peer: the origin, or the proxy when proxied. */
  remoteAddress?: string;
  remoteFamily?: 4 | 6;
}

/** A response, bounded. */
export interface HttpOk {
  ok: true;
  status: number;
  /** Lower-cased names; repeated headers joined with `, `. Scrubbed of secrets. */
  headers: Record<string, string>;
  /** UTF-8 text of at most `maxBodyBytes` bytes, scrubbed of secrets. */
  body: string;
  /** The body went past `maxBodyBytes`: reading stopped there and the connection was dropped. */
  truncated: boolean;
  phases: HttpPhases;
  /** With `sse: true`: what the event stream showed. */
  sse?: SseSummary;
}

/** A request that got no (complete) response. */
export interface HttpFail {
  ok: false;
  failure: NetFailure;
  phases: HttpPhases;
  /** Status and headers when they came before the failure (e.g. a body timeout). */
  status?: number;
  headers?: Record<string, string>;
  sse?: SseSummary;
}

/** What {@link HttpClient.request} and {@link httpRequest} return: they never throw. */
export type HttpResult = HttpOk | HttpFail;

/** Connection-level settings: shared by all requests of a {@link HttpClient}. */
export interface HttpClientOptions {
  /** `env`: use HTTP(S)_PROXY / NO_PROXY from {@link env} (as undici's EnvHttpProxyAgent); `none`: connect directly. */
  proxy: 'env' | 'none';
  /** Environment to read proxy settings from; default `process.env`. */
  env?: Env;
  /** Extra trusted CAs (PEM), added to Node's bundled roots for the origin and an https proxy. */
  extraCa?: string[];
  /** Accept any certificate. Only ever from an explicit user flag. */
  insecure?: boolean;
  /** TCP (+ proxy CONNECT) and, separately, TLS handshake bound. Default 10 000. */
  connectTimeoutMs?: number;
  /** How long an idle kept-alive connection stays usable. Default 10 000. */
  keepAliveTimeoutMs?: number;
  /** Resolve names with this instead of the system resolver (see `serversLookup`). */
  lookup?: LookupFunction;
}

/** Per-request settings. */
export interface RequestOptions {
  url: string | URL;
  /** Default `GET`. */
  method?: string;
  headers?: Record<string, HeaderValue>;
  /** Names of headers that carry a key although given as plain strings (case-insensitive). */
  secretHeaders?: string[];
  body?: string | Uint8Array;
  /** Overall deadline, from the call to the end of the body; also the default for the two below. */
  timeoutMs: number;
  /** From request sent to response headers. */
  headersTimeoutMs?: number;
  /** Longest silence while reading the body. */
  bodyTimeoutMs?: number;
  /** Stop reading the body past this many bytes. */
  maxBodyBytes: number;
  /** Past `maxBodyBytes`: `truncate` (default; `truncated: true`) or `fail` (`http-too-large`). */
  oversize?: 'truncate' | 'fail';
  /** Values to scrub from everything returned (keys given as Secret header values are added). */
  secrets?: Secret[];
  signal?: AbortSignal;
  /** Read the body as Server-Sent Events as it arrives (see {@link HttpOk.sse}). */
  sse?: boolean;
}

/** Everything a one-shot {@link httpRequest} needs. */
export type HttpRequestOptions = RequestOptions & HttpClientOptions;

/** undici's connector as it really is: it returns the socket it creates (its typing says void). */
type SocketConnector = (o: buildConnector.Options, cb: buildConnector.Callback) => Socket | undefined;

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const DEFAULT_KEEPALIVE = 10_000;

function isSecretHeader(v: unknown): v is SecretHeader {
  return typeof v === 'object' && v !== null && (v as { secret?: unknown }).secret instanceof Secret;
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

function emptyPhases(): HttpPhases {
  return { dnsMs: null, connectMs: null, proxyTunnelMs: null, tlsMs: null, ttfbMs: null, totalMs: 0, reusedSocket: false, proxied: false };
}

/**
 * A keep-alive client: requests to the same origin reuse connections, so latency can be
 * sampled cold (first request) and warm (later ones; `phases.reusedSocket`). Close it when
 * done; {@link httpRequest} is the one-shot form.
 */
export class HttpClient {
  readonly #env: Env;
  readonly #opts: HttpClientOptions;
  readonly #agent: Agent;
  readonly #direct: SocketConnector;
  /** The latest connection attempt per origin: where a request stood when its deadline fired before it had a socket. */
  readonly #attempts = new Map<string, ConnTimeline>();
  /** Sockets still connecting (undici does not track them): destroyed on close. */
  readonly #connecting = new Set<Socket>();
  /** Aborts proxy tunnels still being set up when the client closes. */
  readonly #closing = new AbortController();
  #closed = false;

  constructor(opts: HttpClientOptions) {
    this.#opts = opts;
    this.#env = opts.env ?? process.env;
    const tlsOptions = {
      timeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT,
      // `ca` replaces the default roots, so extra CAs are added to Node's, never used alone.
      ...(opts.extraCa && opts.extraCa.length > 0 ? { ca: [...rootCertificates, ...opts.extraCa] } : {}),
      ...(opts.insecure ? { rejectUnauthorized: false } : {}),
      ...(opts.lookup ? { lookup: opts.lookup } : {}),
    };
    const { Agent, buildConnector } = undici();
    this.#direct = buildConnector(tlsOptions) as unknown as SocketConnector;
    const keepAlive = opts.keepAliveTimeoutMs ?? DEFAULT_KEEPALIVE;
    this.#agent = new Agent({
      connect: (o, cb) => this.#connect(o, cb),
      // One connection per origin. With a pool, a request sent in the same event-loop turn
      // the previous response ended finds that connection not yet released and opens a new
      // one, so "warm" samples would silently be cold. Concurrent requests to one origin queue.
      connections: 1,
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: keepAlive,
      allowH2: false,
    });
  }

  /** Our connector: direct, or through the proxy the environment selects; records the timeline. */
  #connect(o: buildConnector.Options, cb: buildConnector.Callback): void {
    const https = o.protocol === 'https:';
    const port = Number.parseInt(String(o.port), 10) || (https ? 443 : 80);
    const originKey = `${o.protocol}//${bareHost(o.hostname)}:${port}`;
    const decision: ProxyDecision =
      this.#opts.proxy === 'env' ? proxyFor(`${o.protocol}//${o.host ?? o.hostname}`, this.#env) : { proxied: false, reason: 'no-proxy-configured' };
    const tl: ConnTimeline = { startAt: performance.now(), needsLookup: isIP(bareHost(o.hostname)) === 0, https, requests: 0 };
    this.#attempts.set(originKey, tl);
    let pending: Socket | undefined;
    const done = (err: Error | null, socket: Socket | null): void => {
      if (pending) this.#connecting.delete(pending);
      if (err) {
        errorTimelines.set(err, tl);
        cb(err, null);
      } else if (socket) {
        socketTimelines.set(socket, tl);
        cb(null, socket);
      }
    };

    if (!decision.proxied) {
      const socket = this.#direct(o, done as buildConnector.Callback);
      if (socket) {
        observeSocket(socket, tl);
        pending = socket;
        this.#connecting.add(socket);
      }
      return;
    }

    const proxy = decision.proxy;
    tl.proxy = proxy.display;
    tl.needsLookup = isIP(bareHost(proxy.host)) === 0;
    proxyConnect(proxy, bareHost(o.hostname), port, {
      timeoutMs: this.#opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT,
      signal: this.#closing.signal,
      ...(this.#opts.extraCa ? { ca: this.#opts.extraCa } : {}),
      ...(this.#opts.lookup ? { lookup: this.#opts.lookup } : {}),
    }).then(
      (r) => {
        if (r.timings.lookupMs !== undefined) tl.lookupAt = tl.startAt + r.timings.lookupMs;
        if (r.timings.connectMs !== undefined) tl.connectAt = tl.startAt + r.timings.connectMs;
        if (!r.ok) {
          done(new NetFailureError(r.failure), null);
          return;
        }
        tl.tunnelAt = tl.startAt + (r.timings.tunnelMs ?? 0);
        tl.remoteAddress = r.proxyAddress;
        tl.remoteFamily = r.proxyFamily;
        if (!https) {
          done(null, r.socket);
          return;
        }
        // TLS with the origin inside the tunnel, with the same CA/verification settings.
        const tlsSocket = this.#direct({ ...o, httpSocket: r.socket }, done as buildConnector.Callback);
        if (tlsSocket) {
          observeSocket(tlsSocket, tl);
          pending = tlsSocket;
          this.#connecting.add(tlsSocket);
        }
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), null),
    );
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

    // Headers on the wire; note whether any carries a key.
    const marked = new Set((o.secretHeaders ?? []).map((n) => n.toLowerCase()));
    const wire: Record<string, string> = {};
    let carriesKey = false;
    for (const [name, value] of Object.entries(o.headers ?? {})) {
      if (value instanceof Secret) {
        wire[name] = value.reveal();
        secrets.push(value);
        carriesKey = true;
      } else if (isSecretHeader(value)) {
        wire[name] = `${value.prefix ?? ''}${value.secret.reveal()}`;
        secrets.push(value.secret);
        carriesKey = true;
      } else {
        wire[name] = value;
        if (marked.has(name.toLowerCase())) carriesKey = true;
      }
    }
    // Defence in depth: a known secret anywhere in the headers or URL counts, marked or not.
    for (const secret of o.secrets ?? []) {
      const v = secret.reveal();
      if (v.length > 0 && (url.href.includes(v) || Object.values(wire).some((h) => h.includes(v)))) carriesKey = true;
    }

    const decision = this.#opts.proxy === 'env' ? proxyFor(url, this.#env) : undefined;
    if (decision?.proxied) {
      phases.proxied = true;
      phases.proxy = decision.proxy.display;
    }
    if (carriesKey && url.protocol === 'http:') {
      // Plain http is only safe if the bytes never leave this machine: loopback target, and
      // no proxy in between (a proxy reads the tunnel's clear text) unless it is loopback too.
      const clearTextHop = !isLoopbackHost(url.hostname)
        ? url.hostname
        : decision?.proxied && !isLoopbackHost(decision.proxy.host)
          ? `proxy ${decision.proxy.display}`
          : undefined;
      if (clearTextHop !== undefined) {
        return early(
          makeFailure('insecure-key-transport', OWN_CODES.insecureKeyTransport, `refused to send a key over plain http to ${clearTextHop}; use https`, {
            phase: 'http',
            secrets,
          }),
        );
      }
    }

    const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80);
    const originKey = `${url.protocol}//${bareHost(url.hostname)}:${port}`;
    const maxBody = Math.max(0, o.maxBodyBytes);

    return new Promise<HttpResult>((resolve) => {
      let settled = false;
      let controller: Dispatcher.DispatchController | undefined;
      let socketTl: ConnTimeline | undefined;
      let status: number | undefined;
      let headers: Record<string, string> | undefined;
      const chunks: Buffer[] = [];
      let bytes = 0;
      let truncated = false;
      const sse = o.sse ? new SseReader() : undefined;

      const rel = (t: number | undefined): number | null => (t === undefined ? null : Math.max(0, t - t0));
      const fill = (tl: ConnTimeline, fresh: boolean): void => {
        if (fresh) {
          phases.dnsMs = tl.needsLookup ? rel(tl.lookupAt) : null;
          phases.connectMs = rel(tl.connectAt);
          phases.proxyTunnelMs = rel(tl.tunnelAt);
          phases.tlsMs = rel(tl.secureAt);
        }
        if (tl.proxy !== undefined) {
          phases.proxied = true;
          phases.proxy = tl.proxy;
        }
        if (tl.remoteAddress !== undefined) phases.remoteAddress = tl.remoteAddress;
        if (tl.remoteFamily !== undefined) phases.remoteFamily = tl.remoteFamily;
      };
      /** Where this request stands now (for deadline and abort). */
      const currentPhase = (): NetPhase => {
        if (status !== undefined) return 'body';
        if (socketTl) return 'http';
        const attempt = this.#attempts.get(originKey);
        if (attempt) {
          const phase = phaseOf(attempt);
          // An older, finished connection means this request is queued behind another one on
          // it: waiting for the server, but none of that connection's phases are this request's.
          if (phase !== 'http' || attempt.startAt >= t0) fill(attempt, true);
          return phase;
        }
        return decision?.proxied ? 'proxy' : 'tcp';
      };
      const scrubbed = (text: string): string => (secrets.length > 0 ? scrub(text, secrets) : text);
      const withPartial = (r: HttpFail): HttpFail => {
        if (status !== undefined) r.status = status;
        if (headers !== undefined) r.headers = headers;
        if (sse) r.sse = sse.summary;
        return r;
      };
      const settle = (r: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        o.signal?.removeEventListener('abort', onAbort);
        phases.totalMs = elapsed();
        resolve(r);
      };
      const failWith = (failure: NetFailure): void => settle(withPartial({ ok: false, failure, phases }));
      const succeed = (): void => {
        if (sse) for (const e of sse.summary.tail) e.data = scrubbed(e.data);
        if (sse?.summary.errorData !== undefined) sse.summary.errorData = scrubbed(sse.summary.errorData);
        settle({
          ok: true,
          status: status ?? 0,
          headers: headers ?? {},
          body: scrubbed(Buffer.concat(chunks).toString('utf8')),
          truncated,
          phases,
          ...(sse ? { sse: sse.summary } : {}),
        });
      };
      /** Stops the exchange after we settled; undici then drops the connection. */
      const stop = (why: string): void => {
        controller?.abort(Object.assign(new Error(why), { code: 'UND_ERR_ABORTED' }));
      };
      const ownError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

      const deadline = setTimeout(() => {
        const phase = currentPhase();
        failWith(classify(ownError(OWN_CODES.deadline, `no ${waitingFor(phase)} within ${o.timeoutMs} ms`), { phase, secrets }));
        stop('deadline');
      }, o.timeoutMs);
      const onAbort = (): void => {
        const phase = currentPhase();
        failWith(makeFailure('aborted', OWN_CODES.aborted, 'aborted by caller', { phase }));
        stop('aborted');
      };
      if (o.signal?.aborted) {
        onAbort();
        return;
      }
      o.signal?.addEventListener('abort', onAbort, { once: true });

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (ctrl) => {
          controller = ctrl;
          if (settled) {
            stop('settled');
            return;
          }
          armSendHeaders((socket) => {
            const tl = socketTimelines.get(socket);
            if (!tl) return;
            socketTl = tl;
            phases.reusedSocket = tl.requests > 0;
            tl.requests += 1;
            fill(tl, !phases.reusedSocket);
          });
        },
        onResponseStart: (_ctrl, statusCode, rawHeaders) => {
          if (settled || statusCode < 200) return; // 1xx are interim
          status = statusCode;
          headers = lowerRecord(rawHeaders as Record<string, string | string[] | undefined>, secrets);
          phases.ttfbMs = elapsed();
        },
        onResponseData: (_ctrl, chunk) => {
          if (settled) return;
          const room = maxBody - bytes;
          if (chunk.length > room) {
            const part = chunk.subarray(0, Math.max(0, room));
            chunks.push(part);
            sse?.push(part, elapsed());
            bytes += part.length;
            truncated = true;
            if (o.oversize === 'fail') {
              failWith(makeFailure('http-too-large', OWN_CODES.bodyTooLarge, `response body exceeds ${maxBody} bytes`, { phase: 'body' }));
            } else {
              succeed();
            }
            stop('body limit');
            return;
          }
          chunks.push(chunk);
          bytes += chunk.length;
          sse?.push(chunk, elapsed());
        },
        onResponseEnd: () => {
          if (settled) return;
          sse?.end(elapsed());
          succeed();
        },
        onResponseError: (_ctrl, err) => {
          if (settled) return;
          const tl = errorTimelines.get(err);
          let phase: NetPhase;
          if (tl) {
            fill(tl, true);
            phase = phaseOf(tl);
          } else {
            phase = status !== undefined ? 'body' : socketTl ? 'http' : currentPhase();
          }
          failWith(classify(err, { phase, secrets }));
        },
      };

      try {
        this.#agent.dispatch(
          {
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: (o.method ?? 'GET') as Dispatcher.HttpMethod,
            headers: wire,
            body: o.body ?? null,
            headersTimeout: o.headersTimeoutMs ?? o.timeoutMs,
            bodyTimeout: o.bodyTimeoutMs ?? o.timeoutMs,
          },
          handler,
        );
      } catch (err) {
        failWith(classify(err, { phase: 'http', secrets }));
      }
    });
  }

  /** Drops every connection now (in-flight requests of this client fail). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    for (const socket of this.#connecting) socket.destroy();
    this.#connecting.clear();
    await this.#agent.destroy();
  }
}

function waitingFor(phase: NetPhase): string {
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
