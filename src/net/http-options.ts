/**
 * Settings of the HTTP layer: per client (connections: proxy, trust, connect bound) and per
 * request (method, headers, deadlines, body limits).
 */
import type { LookupFunction } from 'node:net';

import type { Secret } from '../core/secret.js';
import type { ProxyChoice } from './proxy.js';
import type { HeaderValue } from './secret-headers.js';

/** An environment to read proxy variables from. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Connection-level settings: shared by all requests of an `HttpClient`. */
export interface HttpClientOptions {
  /**
   * `env`: use HTTP(S)_PROXY / NO_PROXY from {@link env} (as undici's EnvHttpProxyAgent); `none`:
   * connect directly; a {@link ProxyChoice}: every request through that proxy (the path the app
   * takes, decided once by the network-path check: docs/network-path.md).
   */
  proxy: 'env' | 'none' | ProxyChoice;
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
  /** Read the body as Server-Sent Events as it arrives (see `HttpOk.sse`). */
  sse?: boolean;
}

/** Everything a one-shot `httpRequest` needs. */
export type HttpRequestOptions = RequestOptions & HttpClientOptions;
