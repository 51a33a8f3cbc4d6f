/**
 * The HTTP client's connector (handed to undici's Agent): undici's `buildConnector` for direct
 * connections and for TLS, and `proxyConnect` (the same code the proxy probe uses) for the
 * CONNECT tunnel, chosen per origin by `proxyFor` with `EnvHttpProxyAgent`'s rules. It records
 * each connection's timeline (see `timeline.ts`), which is what makes every phase observable
 * and keeps the proxy verdict identical between the proxy probe and real requests.
 */
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { rootCertificates } from 'node:tls';

import type { buildConnector } from 'undici';

import { isLoopbackHost, normalHost } from '../core/host.js';
import { makeFailure, NetFailureError, OWN_CODES } from './errors.js';
import type { Env, HttpClientOptions } from './http-options.js';
import { proxyConnect, proxyDecisionFor, type ProxyDecision } from './proxy.js';
import { errorTimelines, observeSocket, socketTimelines, type ConnTimeline } from './timeline.js';
import { undici } from './undici.js';
import { wasmBaselineOnly } from './wasm-tier.js';

/** undici's connector as it really is: it returns the socket it creates (its typing says void). */
type SocketConnector = (o: buildConnector.Options, cb: buildConnector.Callback) => Socket | undefined;

const DEFAULT_CONNECT_TIMEOUT = 10_000;

/** `http://host:port` with the host as the network layer names it: the key of an origin's connection attempts. */
export function originKey(protocol: string, hostname: string, port: number): string {
  return `${protocol}//${normalHost(hostname)}:${port}`;
}

/**
 * The clear-text rule (clear-text.ts) on the address actually connected: plain http to a host
 * that is loopback by name (`localhost`) is allowed to carry a key only because it stays on this
 * machine, so a connection that a resolver or lookup sent elsewhere is refused before anything
 * is written on it. Checked per connection, whatever the first request carries: a kept-alive
 * connection may carry a key later. An error when refused.
 */
function strayedFromLoopback(host: string, address: string | undefined): NetFailureError | undefined {
  const name = normalHost(host);
  if (isIP(name) !== 0 || !isLoopbackHost(name)) return undefined;
  if (address !== undefined && isLoopbackHost(address)) return undefined;
  const where = address ?? 'an unknown address';
  return new NetFailureError(
    makeFailure(
      'insecure-key-transport',
      OWN_CODES.insecureKeyTransport,
      `${name} resolved to ${where}, not loopback: refused to use plain http to it; use https`,
      {
        phase: 'tcp',
      },
    ),
  );
}

/** Opens connections for one client; tracks them so a request can tell where it stands, and so they can be dropped on close. */
export class Connector {
  readonly #opts: HttpClientOptions;
  readonly #env: Env;
  readonly #direct: SocketConnector;
  /** The latest connection attempt per origin: where a request stood when its deadline fired before it had a socket. */
  readonly #attempts = new Map<string, ConnTimeline>();
  /** Sockets still connecting (undici does not track them): destroyed on close. */
  readonly #connecting = new Set<Socket>();
  /** Aborts proxy tunnels still being set up when the client closes. */
  readonly #closing = new AbortController();

  constructor(opts: HttpClientOptions, env: Env) {
    this.#opts = opts;
    this.#env = env;
    const tlsOptions = {
      timeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT,
      // `ca` replaces the default roots, so extra CAs are added to Node's, never used alone.
      ...(opts.extraCa && opts.extraCa.length > 0 ? { ca: [...rootCertificates, ...opts.extraCa] } : {}),
      ...(opts.insecure ? { rejectUnauthorized: false } : {}),
      ...(opts.lookup ? { lookup: opts.lookup } : {}),
    };
    this.#direct = undici().buildConnector(tlsOptions) as unknown as SocketConnector;
  }

  /** The latest connection attempt to an origin (see {@link originKey}). */
  attempt(key: string): ConnTimeline | undefined {
    return this.#attempts.get(key);
  }

  /** undici's `connect` option: direct, or through the proxy the environment selects; records the timeline. */
  connect(o: buildConnector.Options, cb: buildConnector.Callback): void {
    const https = o.protocol === 'https:';
    const port = Number.parseInt(String(o.port), 10) || (https ? 443 : 80);
    const decision: ProxyDecision = proxyDecisionFor(this.#opts, `${o.protocol}//${o.host ?? o.hostname}`, this.#env);
    const tl: ConnTimeline = { startAt: performance.now(), needsLookup: isIP(normalHost(o.hostname)) === 0, https, requests: 0 };
    this.#attempts.set(originKey(o.protocol, o.hostname, port), tl);
    let pending: Socket | undefined;
    const done = (err: Error | null, socket: Socket | null): void => {
      if (pending) this.#connecting.delete(pending);
      if (err) {
        errorTimelines.set(err, tl);
        cb(err, null);
      } else if (socket) {
        const refused = !https ? strayedFromLoopback(decision.proxied ? decision.proxy.host : o.hostname, tl.remoteAddress ?? socket.remoteAddress) : undefined;
        if (refused) {
          socket.destroy();
          errorTimelines.set(refused, tl);
          cb(refused, null);
          return;
        }
        socketTimelines.set(socket, tl);
        // undici compiles its HTTP parser (WebAssembly) when it gets its first socket.
        wasmBaselineOnly();
        cb(null, socket);
      }
    };
    const track = (socket: Socket | undefined): void => {
      if (!socket) return;
      observeSocket(socket, tl);
      pending = socket;
      this.#connecting.add(socket);
    };

    if (!decision.proxied) {
      track(this.#direct(o, done as buildConnector.Callback));
      return;
    }

    const proxy = decision.proxy;
    tl.proxy = proxy.display;
    tl.needsLookup = isIP(normalHost(proxy.host)) === 0;
    proxyConnect(proxy, normalHost(o.hostname), port, {
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
        track(this.#direct({ ...o, httpSocket: r.socket }, done as buildConnector.Callback));
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err)), null),
    );
  }

  /** Aborts tunnels being set up and destroys sockets still connecting. */
  close(): void {
    this.#closing.abort();
    for (const socket of this.#connecting) socket.destroy();
    this.#connecting.clear();
  }
}
