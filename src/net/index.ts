/**
 * The network layer, bottom-up: DNS → TCP → proxy → TLS → HTTP. The only place in the project
 * that talks to sockets or imports undici; checks call these and report `NetFailure.kind`.
 */
export { classify, describeFailure, isTimeout, layerOf, makeFailure, NetFailureError, OWN_CODES, stripUrlCredentials } from './errors.js';
export type { ClassifyContext, NetFailure, NetFailureKind, NetLayer, NetPhase } from './errors.js';
export { resolveHost, serversLookup } from './dns.js';
export type { ResolveOptions, ResolveResult, ResolvedAddress } from './dns.js';
export { tcpConnect } from './tcp.js';
export type { TcpOptions, TcpResult } from './tcp.js';
export { parseProxyUrl, proxyConnect, proxyDecisionFor, proxyFor } from './proxy.js';
export { evaluatePac, MAX_PAC_BYTES } from './pac.js';
export type { PacEvalOptions, PacEvaluation, PacFailureKind } from './pac.js';
export type { ProxyChoice, ProxyConnectOptions, ProxyConnectResult, ProxyDecision, ProxyTimings } from './proxy.js';
export { certsFromPem, chainAnchor, describeCert, expiresWithin, isOutsideValidity, isPrivatelyRooted, isSelfSigned, tlsHandshake } from './tls.js';
export type { ChainAnchor, PeerCert, TlsInfo, TlsOptions, TlsResult } from './tls.js';
export { bearer, createHttpClient, HttpClient, httpRequest } from './http.js';
export type { HeaderValue, HttpClientOptions, HttpFail, HttpOk, HttpPhases, HttpRequestOptions, HttpResult, RequestOptions, SecretHeader } from './http.js';
export { SseReader } from './sse.js';
export type { SseEvent, SseSummary } from './sse.js';
export { clearTextVerdict } from './clear-text.js';
export type { ClearTextRequest, ClearTextVerdict } from './clear-text.js';
export { bareHost, isLoopbackHost, normalHost } from '../core/host.js';
