/**
 * One table from low-level error codes (Node's `dns`/`net`/`tls`, OpenSSL verification
 * codes, undici's `UND_ERR_*`) to a stable, layer-named failure the checks can report.
 *
 * Checks match on `kind` (stable) and may show `rawCode` (what Node or undici said);
 * they never match on `message`, which is prose from a lower layer.
 */
import type { Secret } from '../core/secret.js';
import { scrub } from '../core/secret.js';

/** The network layers, bottom-up, in the order the doctor checks them. */
export type NetLayer = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';

/**
 * Where an operation was when it failed. The same code means different things at different
 * points (ECONNRESET during the TLS handshake is a middlebox; after the request, a server),
 * so the caller says where it was and the table picks the kind. `body` is the HTTP layer
 * while the response body is being read.
 */
export type NetPhase = NetLayer | 'body';

/** Every failure kind this layer can report. Stable strings: checks and reports key on them. */
export type NetFailureKind =
  | 'dns-not-found'
  | 'dns-timeout'
  | 'dns-failure'
  | 'tcp-refused'
  | 'tcp-timeout'
  | 'tcp-reset'
  | 'tcp-unreachable'
  | 'tcp-failure'
  | 'proxy-invalid-url'
  | 'proxy-unsupported'
  | 'proxy-unresolvable'
  | 'proxy-refused'
  | 'proxy-unreachable'
  | 'proxy-timeout'
  | 'proxy-reset'
  | 'proxy-auth-required'
  | 'proxy-connect-refused'
  | 'proxy-failure'
  | 'tls-self-signed'
  | 'tls-unknown-ca'
  | 'tls-expired'
  | 'tls-not-yet-valid'
  | 'tls-revoked'
  | 'tls-hostname-mismatch'
  | 'tls-handshake-timeout'
  | 'tls-reset'
  | 'tls-protocol'
  | 'tls-failure'
  | 'http-headers-timeout'
  | 'http-body-timeout'
  | 'http-too-large'
  | 'http-reset'
  | 'http-protocol'
  | 'http-failure'
  | 'insecure-key-transport'
  | 'invalid-request'
  | 'aborted';

/** A classified network failure. */
export interface NetFailure {
  layer: NetLayer;
  kind: NetFailureKind;
  /** The code Node/OpenSSL/undici gave (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, …), or ours (`DEADLINE`, …). */
  rawCode: string | undefined;
  /** Lower-layer prose, scrubbed of secrets and proxy credentials. For humans only. */
  message: string;
  /** HTTP status, when the failure is a status (a proxy refusing CONNECT). */
  status?: number;
}

/** Codes this module invents for conditions that have no Node/undici code. */
export const OWN_CODES = {
  /** Our own deadline (overall or per-probe timer) fired; the phase says what we were waiting for. */
  deadline: 'DEADLINE',
  /** The caller's AbortSignal fired. */
  aborted: 'ABORTED',
  /** The response body went past `maxBodyBytes` and the caller asked for a failure, not truncation. */
  bodyTooLarge: 'MAX_BODY_BYTES',
  /** A key would have been sent in clear text to a non-loopback host. */
  insecureKeyTransport: 'INSECURE_KEY_TRANSPORT',
  /** The proxy answered CONNECT with a non-2xx status. */
  proxyStatus: 'PROXY_STATUS',
  /** The proxy URL in the environment cannot be parsed or uses an unsupported scheme. */
  proxyUrl: 'PROXY_URL',
  /** The peer closed the connection cleanly when we expected it to stay open. */
  peerClosed: 'PEER_CLOSED',
} as const;

type Row = { default: NetFailureKind } & Partial<Record<NetPhase, NetFailureKind>>;

const timeoutRow: Row = {
  default: 'tcp-timeout',
  dns: 'dns-timeout',
  proxy: 'proxy-timeout',
  tls: 'tls-handshake-timeout',
  http: 'http-headers-timeout',
  body: 'http-body-timeout',
};
const resetRow: Row = { default: 'tcp-reset', proxy: 'proxy-reset', tls: 'tls-reset', http: 'http-reset', body: 'http-reset' };
const unreachableRow: Row = { default: 'tcp-unreachable', proxy: 'proxy-unreachable' };
const notFoundRow: Row = { default: 'dns-not-found', proxy: 'proxy-unresolvable' };
const dnsTimeoutRow: Row = { default: 'dns-timeout', proxy: 'proxy-unresolvable' };
const dnsFailureRow: Row = { default: 'dns-failure', proxy: 'proxy-unresolvable' };
const abortRow: Row = { default: 'aborted' };
const unknownCaRow: Row = { default: 'tls-unknown-ca' };

/**
 * THE table. Keys are `err.code` values; a row gives the kind by phase, falling back to
 * `default`. Why some rows depend on the phase:
 * - ECONNREFUSED from the resolver (c-ares) means "no DNS server answered", not "port closed";
 *   during a proxied connection it can only be the proxy refusing (the origin's refusal
 *   comes back as a CONNECT status).
 * - ECONNRESET/EPIPE/UND_ERR_SOCKET: a reset during the handshake points at a middlebox
 *   (TLS inspection, SNI filter); after the request was sent, at the server.
 * - Timeouts name what we were waiting for.
 */
const TABLE: Readonly<Record<string, Row>> = {
  // DNS: getaddrinfo (dns.lookup, what connections use) and c-ares (dns.Resolver).
  ENOTFOUND: notFoundRow,
  EAI_NONAME: notFoundRow,
  EAI_NODATA: notFoundRow,
  ENODATA: notFoundRow,
  // EAI_AGAIN is getaddrinfo's "temporary failure": in practice the resolver did not answer.
  EAI_AGAIN: dnsTimeoutRow,
  ETIMEOUT: dnsTimeoutRow, // c-ares spelling (not ETIMEDOUT)
  ESERVFAIL: dnsFailureRow,
  EREFUSED: dnsFailureRow,
  EAI_FAIL: dnsFailureRow,
  EBADRESP: dnsFailureRow,
  ECONNREFUSED: { default: 'tcp-refused', dns: 'dns-failure', proxy: 'proxy-refused' },

  // TCP
  ETIMEDOUT: timeoutRow,
  UND_ERR_CONNECT_TIMEOUT: timeoutRow, // undici's connect timeout covers TCP *and* TLS: phase decides
  ECONNRESET: resetRow,
  EPIPE: resetRow,
  UND_ERR_SOCKET: { ...resetRow, default: 'http-reset' },
  ECONNABORTED: resetRow,
  PEER_CLOSED: resetRow,
  EHOSTUNREACH: unreachableRow,
  ENETUNREACH: unreachableRow,
  ENETDOWN: unreachableRow,
  EHOSTDOWN: unreachableRow,
  EADDRNOTAVAIL: unreachableRow,

  // Proxy (codes of our own; undici's ProxyAgent errors are recognised by shape below)
  PROXY_URL: { default: 'proxy-invalid-url' },
  PROXY_STATUS: { default: 'proxy-connect-refused' },

  // TLS: OpenSSL verification codes as Node reports them
  DEPTH_ZERO_SELF_SIGNED_CERT: { default: 'tls-self-signed' },
  SELF_SIGNED_CERT_IN_CHAIN: unknownCaRow, // chain ends in a root we do not trust: typical of TLS inspection
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: unknownCaRow, // leaf's issuer unknown (or server omitted the intermediate)
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unknownCaRow,
  UNABLE_TO_GET_ISSUER_CERT: unknownCaRow,
  CERT_UNTRUSTED: unknownCaRow,
  CERT_HAS_EXPIRED: { default: 'tls-expired' },
  CERT_NOT_YET_VALID: { default: 'tls-not-yet-valid' },
  CERT_REVOKED: { default: 'tls-revoked' },
  ERR_TLS_CERT_ALTNAME_INVALID: { default: 'tls-hostname-mismatch' },
  HOSTNAME_MISMATCH: { default: 'tls-hostname-mismatch' },
  ERR_TLS_HANDSHAKE_TIMEOUT: { default: 'tls-handshake-timeout' },
  EPROTO: { default: 'tls-protocol', http: 'http-protocol', body: 'http-protocol' },

  // HTTP (undici)
  UND_ERR_HEADERS_TIMEOUT: { default: 'http-headers-timeout' },
  UND_ERR_BODY_TIMEOUT: { default: 'http-body-timeout' },
  UND_ERR_RES_EXCEEDED_MAX_SIZE: { default: 'http-too-large' },
  // A response head past undici's limit (one huge header, thousands of them): too large, not malformed.
  UND_ERR_HEADERS_OVERFLOW: { default: 'http-too-large' },
  HPE_HEADER_OVERFLOW: { default: 'http-too-large' },
  MAX_BODY_BYTES: { default: 'http-too-large' },
  UND_ERR_INVALID_ARG: { default: 'invalid-request' },
  ERR_INVALID_URL: { default: 'invalid-request' },
  INSECURE_KEY_TRANSPORT: { default: 'insecure-key-transport' },

  // Our deadline: what we were waiting for when it fired.
  DEADLINE: timeoutRow,

  // Aborts. A caller's abort is reported as such, whatever the phase.
  ABORTED: abortRow,
  ABORT_ERR: abortRow,
  UND_ERR_ABORTED: abortRow,
  UND_ERR_ABORT: abortRow,
};

/** Prefix rules for families of codes too many to list. */
const PREFIXES: readonly (readonly [string, Row])[] = [
  ['ERR_SSL_', { default: 'tls-protocol' }], // e.g. ERR_SSL_WRONG_VERSION_NUMBER: TLS spoken to a plain-HTTP port
  ['HPE_', { default: 'http-protocol' }], // llhttp parse errors: e.g. plain HTTP spoken to a TLS port
];

const PARSER_ROW: Row = { default: 'http-protocol' };

const FAILURE_BY_LAYER: Record<NetLayer, NetFailureKind> = {
  dns: 'dns-failure',
  tcp: 'tcp-failure',
  proxy: 'proxy-failure',
  tls: 'tls-failure',
  http: 'http-failure',
};

/** The layer a kind belongs to (kinds without a layer prefix take the phase's layer). */
export function layerOf(kind: NetFailureKind, phase: NetPhase = 'http'): NetLayer {
  const prefix = kind.slice(0, kind.indexOf('-'));
  if (prefix === 'dns' || prefix === 'tcp' || prefix === 'proxy' || prefix === 'tls' || prefix === 'http') return prefix;
  return phase === 'body' ? 'http' : phase;
}

/** How {@link classify} should read an error. */
export interface ClassifyContext {
  /** Where the operation was when it failed; defaults to `tcp` (a connection being made). */
  phase?: NetPhase;
  /** Values to remove from the message (the key, proxy passwords). */
  secrets?: readonly (Secret | undefined)[];
}

/** An Error that already carries its classification (raised inside the connector). */
export class NetFailureError extends Error {
  readonly failure: NetFailure;
  constructor(failure: NetFailure) {
    super(failure.message);
    this.name = 'NetFailureError';
    this.failure = failure;
  }
}

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  name?: unknown;
}

function codeOf(err: ErrorShape): string | undefined {
  return typeof err.code === 'string' && err.code !== '' ? err.code : undefined;
}

/**
 * Walks the wrappers Node and undici put around the real error: fetch's
 * `TypeError('fetch failed')` with `.cause`, an `AggregateError` (happy-eyeballs connect,
 * empty message) with `.errors[]`, undici errors with `.cause`. Returns the first error whose
 * code is in the table, else the innermost coded error, else the outer one.
 */
function innermost(err: unknown): { err: ErrorShape; code: string | undefined } {
  const seen = new Set<unknown>();
  let fallback: { err: ErrorShape; code: string | undefined } | undefined;
  const visit = (e: unknown): { err: ErrorShape; code: string | undefined } | undefined => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const shape = e as ErrorShape;
    const code = codeOf(shape);
    if (code && rowFor(code)) return { err: shape, code };
    if (code && !fallback) fallback = { err: shape, code };
    const fromCause = visit(shape.cause);
    if (fromCause) return fromCause;
    if (Array.isArray(shape.errors)) {
      for (const sub of shape.errors) {
        const found = visit(sub);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = visit(err);
  if (found) return found;
  if (fallback) return fallback;
  return { err: (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrorShape, code: undefined };
}

function rowFor(code: string): Row | undefined {
  const exact = TABLE[code];
  if (exact) return exact;
  for (const [prefix, row] of PREFIXES) if (code.startsWith(prefix)) return row;
  return undefined;
}

/** A message for humans: AggregateErrors have an empty message, so join their parts. */
function messageOf(err: unknown): string {
  if (err === null || typeof err !== 'object') return String(err);
  const shape = err as ErrorShape;
  const own = typeof shape.message === 'string' ? shape.message : '';
  const parts: string[] = [];
  if (own) parts.push(own);
  if (Array.isArray(shape.errors)) {
    const subs = shape.errors.map((e) => messageOf(e)).filter((m) => m !== '');
    if (subs.length > 0) parts.push(subs.join('; '));
  }
  const cause = shape.cause;
  if (cause && typeof cause === 'object') {
    const c = messageOf(cause);
    if (c && !parts.includes(c)) parts.push(c);
  }
  return parts.join(': ') || (typeof shape.name === 'string' ? shape.name : 'unknown error');
}

/** Removes `user:password@` from any URL in a text: proxy credentials must never be printed. */
export function stripUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@');
}

/** Builds a failure from parts, scrubbing the message. */
export function makeFailure(kind: NetFailureKind, rawCode: string | undefined, message: string, ctx: ClassifyContext & { status?: number } = {}): NetFailure {
  const failure: NetFailure = {
    layer: layerOf(kind, ctx.phase ?? 'tcp'),
    kind,
    rawCode,
    message: stripUrlCredentials(ctx.secrets ? scrub(message, ctx.secrets) : message),
  };
  if (ctx.status !== undefined) failure.status = ctx.status;
  return failure;
}

/**
 * Classifies any error thrown or emitted by Node's networking or undici.
 *
 * Besides codes, two shapes are recognised: undici's ProxyAgent reports a refused CONNECT as
 * `RequestAbortedError('Proxy response (407) !== 200 when HTTP Tunneling')`, and its
 * non-tunnel wrapper as `InvalidArgumentError('Proxy Authentication Required (407)')`; the
 * status is read from those messages (the only prose this module reads).
 */
export function classify(err: unknown, ctx: ClassifyContext = {}): NetFailure {
  if (err instanceof NetFailureError) return err.failure;
  const phase = ctx.phase ?? 'tcp';
  const message = messageOf(err);

  const proxyStatus = /Proxy response \((\d{3})\)|Proxy Authentication Required \((\d{3})\)/.exec(message);
  if (proxyStatus) {
    const status = Number(proxyStatus[1] ?? proxyStatus[2]);
    const rawCode = codeOf(innermost(err).err);
    return makeFailure(status === 407 ? 'proxy-auth-required' : 'proxy-connect-refused', rawCode, message, {
      ...ctx,
      phase: 'proxy',
      status,
    });
  }

  const { err: inner, code } = innermost(err);
  const name = typeof inner.name === 'string' ? inner.name : undefined;
  let row = code ? rowFor(code) : undefined;
  if (!row && (name === 'AbortError' || name === 'TimeoutError')) row = name === 'TimeoutError' ? timeoutRow : abortRow;
  // undici's HTTPParserError often has no code (llhttp's error number not mapped): a bad chunk
  // size, a bad Content-Length, HTTP/0.9 or an unknown version. It is the parser saying the
  // response is not HTTP/1.1 as it should be.
  if (!row && name === 'HTTPParserError') row = PARSER_ROW;
  const kind = row ? (row[phase] ?? row.default) : FAILURE_BY_LAYER[phase === 'body' ? 'http' : phase];
  return makeFailure(kind, code ?? name, message, ctx);
}

/** True when a failure is a timeout of any layer (for callers that retry or widen deadlines). */
export function isTimeout(failure: NetFailure): boolean {
  return failure.kind.endsWith('-timeout');
}

/** What a failure kind means, in words a person reads (the kind itself stays the stable key). */
const FAILURE_WORDS: Partial<Record<NetFailureKind, string>> = {
  'dns-not-found': 'no such host name',
  'dns-timeout': 'the DNS resolver did not answer in time',
  'tcp-timeout': 'no answer to the connection attempt (a firewall drops it, or no route)',
  'tcp-reset': 'the connection was reset as it opened',
  'tcp-unreachable': 'network or host unreachable',
};

/**
 * One failure in words, at a place (`host:port`, a host) when given: "nothing listens on
 * 127.0.0.1:9" rather than "tcp refused"; getaddrinfo's EAI_AGAIN ("temporary failure", which
 * comes back at once when no resolver can be reached) is not called a timeout.
 */
export function describeFailure(failure: Pick<NetFailure, 'kind' | 'rawCode'>, at?: string): string {
  if (failure.kind === 'tcp-refused') return at ? `nothing listens on ${at} (connection refused)` : 'connection refused: nothing listens there';
  const words =
    failure.kind === 'dns-timeout' && failure.rawCode === 'EAI_AGAIN'
      ? 'the DNS resolver could not be reached, or gave a temporary failure'
      : (FAILURE_WORDS[failure.kind] ?? failure.kind.replace(/-/g, ' '));
  return at ? `${at}: ${words}` : words;
}
