/**
 * The TLS layer: handshake with the gateway (directly or through a proxy tunnel), collect the
 * certificate chain it presents, and say whether Node would trust it and why not.
 *
 * The chain is collected even when verification fails, so a check can say "issued by
 * <corporate root>" instead of only "unable to verify". To do that the probe handshakes with
 * verification reporting-only (`rejectUnauthorized: false`) and judges the result itself; it
 * sends no application data over the connection and closes it right away.
 */
import { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, rootCertificates, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';

import { settleOnce } from '../core/deadline.js';
import { normalHost } from '../core/host.js';
import { classify, makeFailure, OWN_CODES, type NetFailure } from './errors.js';

/** One certificate of a peer's chain, in plain data. */
export interface PeerCert {
  /** Full subject DN, one `KEY=value` per line (Node's X509Certificate format). */
  subject: string;
  subjectCN: string | undefined;
  subjectO: string | undefined;
  issuer: string;
  issuerCN: string | undefined;
  issuerO: string | undefined;
  /** Subject alternative names as `DNS:name` / `IP Address:addr`. */
  subjectAltNames: string[];
  /** ISO 8601. */
  validFrom: string;
  /** ISO 8601. */
  validTo: string;
  /** `AA:BB:…` SHA-256 of the DER. */
  fingerprint256: string;
  serialNumber: string;
  /** Subject equals issuer: a root (or a self-signed leaf). */
  selfIssued: boolean;
  isCA: boolean;
  /** PEM, so a caller can show or save the exact certificate. */
  pem: string;
}

/** What the handshake showed, succeeded or not. */
export interface TlsInfo {
  /** TCP connect time, when the probe opened the connection itself (not `via`). */
  tcpMs?: number;
  /** The TLS handshake alone. */
  handshakeMs?: number;
  /** `TLSv1.3`, `TLSv1.2`, … */
  protocol?: string;
  cipher?: string;
  alpnProtocol?: string | false;
  /** Node's verdict: chain trusted (with the given extra CAs) and name matches. */
  authorized: boolean;
  /** Node's reason when not authorized (`SELF_SIGNED_CERT_IN_CHAIN`, `ERR_TLS_CERT_ALTNAME_INVALID`, …). */
  authorizationError?: string;
  /** Leaf first, then issuers as far as known (what the server sent, or the verified path). */
  chain: PeerCert[];
  /** The name checked against the certificate (and sent as SNI unless it is an IP address). */
  servername: string;
}

/** What {@link tlsHandshake} found. `ok` is false when the handshake failed or, unless `insecure`, when the chain is not trusted. */
export type TlsResult = ({ ok: true } & TlsInfo) | ({ ok: false; failure: NetFailure } & TlsInfo);

/** Options for {@link tlsHandshake}. */
export interface TlsOptions {
  /** Name for SNI and the identity check; defaults to `host`. */
  servername?: string;
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  ca?: string[];
  /** Report an untrusted chain as `ok` (still with `authorized: false`). */
  insecure?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** An open tunnel (from `proxyConnect`) to handshake over; it is consumed and closed. */
  via?: Socket;
  /** ALPN to offer; default `http/1.1` as the HTTP layer does. */
  alpn?: string[];
}

const CN = /^CN=(.*)$/m;
const O = /^O=(.*)$/m;

function iso(date: string): string {
  const t = Date.parse(date);
  return Number.isNaN(t) ? date : new Date(t).toISOString();
}

/** Turns one X509 certificate into a {@link PeerCert}. */
export function describeCert(x: X509Certificate): PeerCert {
  return {
    subject: x.subject,
    subjectCN: CN.exec(x.subject)?.[1],
    subjectO: O.exec(x.subject)?.[1],
    issuer: x.issuer,
    issuerCN: CN.exec(x.issuer)?.[1],
    issuerO: O.exec(x.issuer)?.[1],
    subjectAltNames: x.subjectAltName ? x.subjectAltName.split(/,\s*/) : [],
    validFrom: iso(x.validFrom),
    validTo: iso(x.validTo),
    fingerprint256: x.fingerprint256,
    serialNumber: x.serialNumber,
    selfIssued: x.subject === x.issuer,
    isCA: x.ca,
    pem: x.toString(),
  };
}

/** Parses PEM text (one or more certificates) into {@link PeerCert}s. */
export function certsFromPem(pem: string): PeerCert[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => describeCert(new X509Certificate(b)));
}

/** Walks `getPeerCertificate(true)`'s issuer links (the root links to itself). */
function peerChain(socket: TLSSocket): PeerCert[] {
  const chain: PeerCert[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert && cert.raw && cert.raw.length > 0) {
    const x = new X509Certificate(cert.raw);
    if (seen.has(x.fingerprint256)) break;
    seen.add(x.fingerprint256);
    chain.push(describeCert(x));
    const next: DetailedPeerCertificate | undefined = cert.issuerCertificate;
    if (!next || next === cert) break;
    cert = next;
  }
  return chain;
}

/**
 * Handshakes with `host:port` (or over `via`) and reports timing, protocol, the chain and the
 * verdict. Failure kinds: the chain's (`tls-self-signed`, `tls-unknown-ca`, `tls-expired`,
 * `tls-hostname-mismatch`, …) or the handshake's (`tls-handshake-timeout`, `tls-reset`,
 * `tls-protocol`; `tcp-*` when the connection itself failed).
 */
export function tlsHandshake(host: string, port: number, opts: TlsOptions): Promise<TlsResult> {
  const start = performance.now();
  const bare = normalHost(host);
  const servername = opts.servername ?? bare;
  const info: TlsInfo = { authorized: false, chain: [], servername };
  const failed = (failure: NetFailure): TlsResult => ({ ...info, ok: false, failure });
  let tcpUp = opts.via !== undefined;
  return settleOnce<TlsResult>(
    {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onTimeout: () => {
        const phase = tcpUp ? 'tls' : 'tcp';
        const kind = phase === 'tls' ? 'tls-handshake-timeout' : 'tcp-timeout';
        const what = phase === 'tls' ? 'TLS handshake' : 'connection';
        return failed(makeFailure(kind, OWN_CODES.deadline, `no ${what} with ${host}:${port} within ${opts.timeoutMs} ms`, { phase }));
      },
      onAbort: () => failed(makeFailure('aborted', OWN_CODES.aborted, 'aborted', { phase: tcpUp ? 'tls' : 'tcp' })),
      // The tunnel is consumed whatever happens (also when the signal had already aborted).
      onSettled: () => opts.via?.destroy(),
    },
    (settler) => {
      const s: TLSSocket = tlsConnect({
        host: bare,
        port,
        ...(opts.via ? { socket: opts.via } : {}),
        // SNI must be a name: Node refuses to send an IP address as ServerName.
        ...(isIP(servername) === 0 ? { servername } : {}),
        // Report-only: the verdict is read from `authorized` below, so the chain is kept either way.
        rejectUnauthorized: false,
        ALPNProtocols: opts.alpn ?? ['http/1.1'],
        // `ca` replaces the default roots, so extra CAs are added to Node's, not used alone.
        ...(opts.ca && opts.ca.length > 0 ? { ca: [...rootCertificates, ...opts.ca] } : {}),
      });
      settler.onSettled(() => s.destroy());
      let tcpAt: number | undefined;
      if (!opts.via) {
        s.once('connect', () => {
          tcpUp = true;
          tcpAt = performance.now();
          info.tcpMs = tcpAt - start;
        });
      }
      s.on('error', (err) => {
        info.chain = safeChain(s);
        settler.settle(failed(classify(err, { phase: tcpUp ? 'tls' : 'tcp' })));
      });
      s.once('secureConnect', () => {
        info.handshakeMs = performance.now() - (tcpAt ?? start);
        info.protocol = s.getProtocol() ?? undefined;
        info.cipher = s.getCipher()?.name;
        info.alpnProtocol = s.alpnProtocol ?? false;
        info.chain = safeChain(s);
        info.authorized = s.authorized;
        // Node stores the OpenSSL/identity code here as a string, despite the `Error` typing.
        const reason = s.authorizationError as unknown;
        if (!s.authorized && reason !== undefined && reason !== null) {
          info.authorizationError = typeof reason === 'string' ? reason : String((reason as { code?: unknown }).code ?? reason);
        }
        if (s.authorized || opts.insecure) {
          settler.settle({ ...info, ok: true });
          return;
        }
        const code = info.authorizationError ?? 'CERT_UNTRUSTED';
        settler.settle(failed(classify(Object.assign(new Error(`certificate presented for ${servername} not trusted: ${code}`), { code }), { phase: 'tls' })));
      });
    },
  );
}

function safeChain(s: TLSSocket): PeerCert[] {
  try {
    return peerChain(s);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------
// Judging a chain

let roots: { fingerprints: Set<string>; subjects: Set<string> } | undefined;

/** Node's bundled root store, indexed once (about 140 certificates). */
function nodeRoots(): { fingerprints: Set<string>; subjects: Set<string> } {
  if (!roots) {
    const fingerprints = new Set<string>();
    const subjects = new Set<string>();
    for (const pem of rootCertificates) {
      const x = new X509Certificate(pem);
      fingerprints.add(x.fingerprint256);
      subjects.add(x.subject);
    }
    roots = { fingerprints, subjects };
  }
  return roots;
}

/** True when the certificate's `validTo` is within `days` of `now` (or already past). */
export function expiresWithin(cert: Pick<PeerCert, 'validTo'>, days: number, now: Date = new Date()): boolean {
  return Date.parse(cert.validTo) - now.getTime() <= days * 86_400_000;
}

/** True when the certificate is not valid at `now` (expired or not yet valid). */
export function isOutsideValidity(cert: Pick<PeerCert, 'validFrom' | 'validTo'>, now: Date = new Date()): boolean {
  const t = now.getTime();
  return t < Date.parse(cert.validFrom) || t > Date.parse(cert.validTo);
}

/** True when the leaf is its own issuer (a self-signed server certificate). */
export function isSelfSigned(chain: readonly PeerCert[]): boolean {
  return chain.length > 0 && chain[0]?.selfIssued === true;
}

/** The root a chain leads to, and whether Node's bundled store holds it. */
export interface ChainAnchor {
  /** CN (else O) of the root: the top certificate if self-issued, else the top's issuer. */
  name: string | undefined;
  /** The root certificate itself was in the chain (sent by the server or found by verification). */
  rootInChain: boolean;
  /** The root is one of Node's `tls.rootCertificates` (by fingerprint; by name when the root was not in the chain). */
  inNodeRootStore: boolean;
}

/** Finds the anchor of a chain (see {@link ChainAnchor}). */
export function chainAnchor(chain: readonly PeerCert[]): ChainAnchor | undefined {
  const top = chain[chain.length - 1];
  if (!top) return undefined;
  const store = nodeRoots();
  if (top.selfIssued) {
    return { name: top.subjectCN ?? top.subjectO, rootInChain: true, inNodeRootStore: store.fingerprints.has(top.fingerprint256) };
  }
  return { name: top.issuerCN ?? top.issuerO, rootInChain: false, inNodeRootStore: store.subjects.has(top.issuer) };
}

/**
 * True for an interception-style chain: a CA-issued leaf whose root is not a public root
 * Node ships (a corporate TLS-inspection root, or a private CA). A self-signed leaf is not
 * counted here (see {@link isSelfSigned}).
 */
export function isPrivatelyRooted(chain: readonly PeerCert[]): boolean {
  if (chain.length === 0 || isSelfSigned(chain)) return false;
  return chainAnchor(chain)?.inNodeRootStore === false;
}
