/**
 * What an HTTP request returns: a bounded response or a classified failure, and where its time
 * went. Plain data (no sockets), so fakes can build them too.
 */
import type { NetFailure } from './errors.js';
import type { SseSummary } from './sse.js';

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

/** What `HttpClient.request` and `httpRequest` return: they never throw. */
export type HttpResult = HttpOk | HttpFail;

/** Phases of a request that has not started any: every milestone `null`. */
export function emptyPhases(): HttpPhases {
  return { dnsMs: null, connectMs: null, proxyTunnelMs: null, tlsMs: null, ttfbMs: null, totalMs: 0, reusedSocket: false, proxied: false };
}
