/**
 * One table from the network layer's failure kinds to diagnosis codes, with what each means
 * and what to do. Every network and gateway check reports a failed request through it, so the
 * same wire problem has the same code wherever it shows up.
 */
import type { CodeInfo } from '../contract/check.js';
import type { NetFailure, NetFailureKind } from '../net/index.js';
import { describeFailure } from '../net/errors.js';

/** A failure in words (src/net/errors.ts), for a check's summary. */
export { describeFailure };

export const NET_FAILURE_CODES = {
  'dns-not-found': {
    code: 'DNS_NOT_FOUND',
    title: 'The gateway’s host name does not exist in DNS',
    fix: 'Check the spelling of the base URL’s host. For an internal gateway, connect to the VPN or corporate network whose DNS knows it.',
  },
  'dns-timeout': {
    code: 'DNS_TIMEOUT',
    title: 'The DNS resolver did not answer in time',
    fix: 'The resolver is unreachable or overloaded: check the network connection or VPN, or try another DNS server.',
  },
  'dns-failure': {
    code: 'DNS_FAILURE',
    title: 'The DNS resolver failed (server failure or refused)',
    fix: 'Check the DNS settings of this machine or VPN; ask IT whether the resolver is healthy.',
  },
  'tcp-refused': {
    code: 'TCP_REFUSED',
    title: 'The connection was refused: nothing listens on that address and port',
    fix: 'Check the base URL’s port; for a self-hosted gateway, check that it is running.',
  },
  'tcp-timeout': {
    code: 'TCP_TIMEOUT',
    title: 'No answer to the connection attempt (a firewall drops it, or the route is wrong)',
    fix: 'A firewall or missing VPN route blocks the gateway: connect the VPN, or ask IT to allow outbound HTTPS to the gateway.',
  },
  'tcp-reset': {
    code: 'TCP_RESET',
    title: 'The connection was reset right after it opened (a filter cut it)',
    fix: 'A firewall or filtering proxy cuts connections to the gateway: ask IT to allow it.',
  },
  'tcp-unreachable': {
    code: 'TCP_UNREACHABLE',
    title: 'The network or host is unreachable from here',
    fix: 'Check the network connection and VPN; there is no route to the gateway.',
  },
  'tcp-failure': { code: 'TCP_FAILURE', title: 'The connection failed for another reason', fix: 'See the details; check the network connection.' },
  'proxy-invalid-url': {
    code: 'PROXY_INVALID_URL',
    title: 'HTTPS_PROXY/HTTP_PROXY is not a usable URL',
    fix: 'Write the proxy as http://host:port (with the scheme).',
  },
  'proxy-unsupported': {
    code: 'PROXY_UNSUPPORTED',
    title: 'The proxy’s scheme is not supported (only http:// and https:// proxies)',
    fix: 'Use an HTTP proxy URL, or unset the variable.',
  },
  'proxy-unresolvable': {
    code: 'PROXY_UNRESOLVABLE',
    title: 'The proxy’s host name cannot be resolved',
    fix: 'Check the proxy host in HTTPS_PROXY, or connect to the network where it exists.',
  },
  'proxy-refused': {
    code: 'PROXY_REFUSED',
    title: 'The proxy refused the connection (not running on that port)',
    fix: 'Check the proxy URL and port, or unset HTTPS_PROXY if no proxy is needed.',
  },
  'proxy-unreachable': { code: 'PROXY_UNREACHABLE', title: 'The proxy is unreachable', fix: 'Check the network route to the proxy.' },
  'proxy-timeout': { code: 'PROXY_TIMEOUT', title: 'The proxy did not answer in time', fix: 'The proxy is down or overloaded: try again, or ask IT.' },
  'proxy-reset': {
    code: 'PROXY_RESET',
    title: 'The proxy cut the connection',
    fix: 'The proxy rejected the connection: ask IT whether the gateway is allowed.',
  },
  'proxy-auth-required': {
    code: 'PROXY_AUTH_REQUIRED',
    title: 'The proxy requires authentication (407)',
    fix: 'Give the proxy credentials (http://user:password@proxy:port) or ask IT to exempt the gateway from proxy authentication.',
  },
  'proxy-connect-refused': {
    code: 'PROXY_CONNECT_REFUSED',
    title: 'The proxy refused to open a tunnel to the gateway (CONNECT denied)',
    fix: 'The proxy blocks the gateway’s host: ask IT to allow it, or add it to NO_PROXY if it should be reached directly.',
  },
  'proxy-failure': { code: 'PROXY_FAILURE', title: 'The proxy failed for another reason', fix: 'See the details; check the proxy settings.' },
  'tls-self-signed': {
    code: 'TLS_SELF_SIGNED',
    title: 'The gateway presents a self-signed certificate',
    fix: 'Give the gateway a certificate from a trusted CA, or install its certificate in the OS trust store (and pass it to the doctor with NODE_EXTRA_CA_CERTS).',
  },
  'tls-unknown-ca': {
    code: 'TLS_UNKNOWN_CA',
    title: 'The gateway’s certificate is issued by a CA this machine does not trust',
    fix: 'Install the issuing CA in the OS trust store (and NODE_EXTRA_CA_CERTS or the policy’s caFile for the doctor); or the server must send its intermediate certificate.',
  },
  'tls-expired': {
    code: 'TLS_EXPIRED',
    title: 'The gateway’s certificate has expired',
    fix: 'The gateway’s operator must renew the certificate. Also check this machine’s clock.',
  },
  'tls-not-yet-valid': { code: 'TLS_NOT_YET_VALID', title: 'The gateway’s certificate is not valid yet', fix: 'Check this machine’s date and time.' },
  'tls-revoked': { code: 'TLS_REVOKED', title: 'The gateway’s certificate is revoked', fix: 'The gateway’s operator must replace the certificate.' },
  'tls-hostname-mismatch': {
    code: 'TLS_HOSTNAME_MISMATCH',
    title: 'The certificate is for another host name',
    fix: 'Use the host name the certificate is issued for in the base URL, or fix the gateway’s certificate.',
  },
  'tls-handshake-timeout': {
    code: 'TLS_HANDSHAKE_TIMEOUT',
    title: 'The TLS handshake did not finish in time',
    fix: 'Something between here and the gateway holds TLS connections: check proxy and firewall.',
  },
  'tls-reset': {
    code: 'TLS_RESET',
    title: 'The connection was cut during the TLS handshake',
    fix: 'A filter rejects TLS to the gateway (often a firewall with SNI filtering): ask IT.',
  },
  'tls-protocol': {
    code: 'TLS_PROTOCOL',
    title: 'TLS failed: the server does not speak TLS on that port',
    fix: 'Check the scheme and port: http:// vs https://.',
  },
  'tls-failure': { code: 'TLS_FAILURE', title: 'TLS failed for another reason', fix: 'See the details.' },
  'http-headers-timeout': {
    code: 'HTTP_NO_RESPONSE',
    title: 'The gateway accepted the connection but sent no response in time',
    fix: 'The gateway or something in front of it hangs: check its status, or try again later.',
  },
  'http-body-timeout': {
    code: 'HTTP_BODY_STALLED',
    title: 'The response started but stalled',
    fix: 'The gateway or a proxy stalls responses: check its status.',
  },
  'http-too-large': {
    code: 'HTTP_TOO_LARGE',
    title: 'The response was far larger than any gateway answer',
    fix: 'Something other than the gateway answers: check the base URL and proxies.',
  },
  'http-reset': {
    code: 'HTTP_RESET',
    title: 'The connection was cut before the response was complete',
    fix: 'The gateway or a filter cuts the connection: check proxies and the gateway’s logs.',
  },
  'http-protocol': {
    code: 'HTTP_PROTOCOL',
    title: 'The server does not speak HTTP as expected (wrong scheme or port?)',
    fix: 'Check the scheme and port of the base URL.',
  },
  'http-failure': { code: 'HTTP_FAILURE', title: 'The request failed for another reason', fix: 'See the details.' },
  'insecure-key-transport': {
    code: 'KEY_WOULD_TRAVEL_IN_CLEAR',
    title: 'The doctor refused to send the key over plain http beyond this machine',
    fix: 'Use an https:// base URL (and an https-capable proxy path).',
  },
  'invalid-request': { code: 'HTTP_INVALID_REQUEST', title: 'The request could not be built (bad URL?)', fix: 'Check the base URL.' },
  aborted: { code: 'PROBE_ABORTED', title: 'The probe was stopped (deadline or shutdown)', fix: 'Run again with a larger --timeout.' },
} as const satisfies Record<NetFailureKind, CodeInfo & { code: string }>;

type FailureTable = typeof NET_FAILURE_CODES;
/** The diagnosis code of a failure kind, as a string literal type. */
export type NetCodeOf<K extends NetFailureKind> = FailureTable[K]['code'];
/** The code table of some failure kinds, keyed by their codes. */
export type NetCodeTable<K extends NetFailureKind> = { readonly [P in K as FailureTable[P]['code']]: CodeInfo };

// The table split per layer: a check declares the kinds its own probe can end with, so it
// declares only their codes. Every probe can also be stopped (`aborted`).
export const DNS_KINDS = ['dns-not-found', 'dns-timeout', 'dns-failure', 'aborted'] as const satisfies readonly NetFailureKind[];
export const TCP_KINDS = ['tcp-refused', 'tcp-timeout', 'tcp-reset', 'tcp-unreachable', 'tcp-failure', 'aborted'] as const satisfies readonly NetFailureKind[];
export const PROXY_KINDS = [
  'proxy-invalid-url',
  'proxy-unsupported',
  'proxy-unresolvable',
  'proxy-refused',
  'proxy-unreachable',
  'proxy-timeout',
  'proxy-reset',
  'proxy-auth-required',
  'proxy-connect-refused',
  'proxy-failure',
  'aborted',
] as const satisfies readonly NetFailureKind[];
/** The first hop through a proxy: DNS and TCP failures of the hop are the proxy's (see {@link firstHopFailure}). */
export const PROXY_HOP_KINDS = [
  'proxy-unresolvable',
  'proxy-refused',
  'proxy-unreachable',
  'proxy-timeout',
  'proxy-reset',
  'proxy-failure',
] as const satisfies readonly NetFailureKind[];
export const TLS_KINDS = [
  'tls-self-signed',
  'tls-unknown-ca',
  'tls-expired',
  'tls-not-yet-valid',
  'tls-revoked',
  'tls-hostname-mismatch',
  'tls-handshake-timeout',
  'tls-reset',
  'tls-protocol',
  'tls-failure',
  'aborted',
] as const satisfies readonly NetFailureKind[];
export const HTTP_KINDS = [
  'http-headers-timeout',
  'http-body-timeout',
  'http-too-large',
  'http-reset',
  'http-protocol',
  'http-failure',
  'insecure-key-transport',
  'invalid-request',
  'aborted',
] as const satisfies readonly NetFailureKind[];
/**
 * The TLS kinds the proxy layer passes through: an https:// proxy's own certificate is
 * verified while connecting to it, and those errors keep their TLS kind (see net/errors.ts).
 * Derived from TLS_KINDS, less the kinds the proxy layer does not pass through as TLS.
 */
const NOT_FROM_PROXY_TLS = ['tls-reset', 'tls-failure', 'aborted'] as const;
type ProxyTlsKind = Exclude<(typeof TLS_KINDS)[number], (typeof NOT_FROM_PROXY_TLS)[number]>;
export const PROXY_TLS_KINDS: readonly ProxyTlsKind[] = TLS_KINDS.filter((k): k is ProxyTlsKind => !(NOT_FROM_PROXY_TLS as readonly string[]).includes(k));
/** What asking a proxy for a tunnel (CONNECT) can end with: the proxy's kinds, and its TLS's when it is an https:// proxy. */
export const PROXY_TUNNEL_KINDS = [...PROXY_KINDS, ...PROXY_TLS_KINDS] as const;
/** A whole request crosses every layer, so it can end with any kind. */
export const REQUEST_KINDS = [...DNS_KINDS, ...TCP_KINDS, ...PROXY_KINDS, ...TLS_KINDS, ...HTTP_KINDS] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/**
 * A request that carries no key: it crosses every layer too, but the HTTP layer never refuses
 * it for sending a key in clear (`insecure-key-transport`), so that code is not among them.
 */
export const KEYLESS_REQUEST_KINDS: readonly Exclude<RequestKind, 'insecure-key-transport'>[] = REQUEST_KINDS.filter(
  (k): k is Exclude<RequestKind, 'insecure-key-transport'> => k !== 'insecure-key-transport',
);

/** The codes of some failure kinds, as a check's `codes` map (shared kinds are listed once). */
export function netCodes<const K extends NetFailureKind>(kinds: readonly K[]): NetCodeTable<K> {
  const table: Record<string, CodeInfo> = {};
  for (const kind of kinds) {
    const { code, title, fix } = NET_FAILURE_CODES[kind];
    table[code] = { title, fix };
  }
  return table as NetCodeTable<K>;
}

/**
 * The code of a failure, among the kinds a check declared. A kind outside them (which the
 * layer below should not produce) is reported as `fallback`, the layer's "other failure".
 */
export function netCodeIn<const K extends NetFailureKind>(failure: NetFailure, kinds: readonly K[], fallback: NoInfer<K>): NetCodeOf<K> {
  const kind = (kinds as readonly NetFailureKind[]).includes(failure.kind) ? (failure.kind as K) : fallback;
  return NET_FAILURE_CODES[kind].code as NetCodeOf<K>;
}

/** The code of a failure of a whole request (any layer). */
export function netCode(failure: NetFailure): NetCodeOf<RequestKind> {
  return netCodeIn(failure, REQUEST_KINDS, 'http-failure');
}

/**
 * The first hop's failure kinds when that hop is the proxy: the same socket error means the
 * proxy is refused, unreachable or unresolvable, not the gateway (as the HTTP layer already
 * reports it when it connects through the proxy).
 */
const VIA_PROXY: Partial<Record<NetFailureKind, NetFailureKind>> = {
  'dns-not-found': 'proxy-unresolvable',
  'dns-timeout': 'proxy-unresolvable',
  'dns-failure': 'proxy-unresolvable',
  'tcp-refused': 'proxy-refused',
  'tcp-timeout': 'proxy-timeout',
  'tcp-reset': 'proxy-reset',
  'tcp-unreachable': 'proxy-unreachable',
  'tcp-failure': 'proxy-failure',
};

/** A DNS or TCP failure of the first hop, re-labelled as the proxy's when the hop is the proxy. */
export function firstHopFailure(failure: NetFailure, via: 'proxy' | 'direct'): NetFailure {
  const kind = via === 'proxy' ? VIA_PROXY[failure.kind] : undefined;
  return kind ? { ...failure, kind, layer: 'proxy' } : failure;
}

/** Facts about a failure for a report (its message is already scrubbed by the net layer). */
export function failureDetails(failure: NetFailure): Record<string, unknown> {
  return {
    layer: failure.layer,
    kind: failure.kind,
    rawCode: failure.rawCode,
    message: failure.message,
    ...(failure.status ? { status: failure.status } : {}),
  };
}
