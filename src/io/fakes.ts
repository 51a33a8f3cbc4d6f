/**
 * Fake I/O services for testing one check alone (test/checks/, through the CheckTester): each
 * answers from what the test gives it and records what the check asked. An operation the test
 * did not script throws, so the check ends CHECK_CRASHED and the test sees exactly which call
 * it forgot — a fake never invents an answer.
 *
 * Builders (`httpOk`, `netFail`, …) make results with the same shapes src/net returns.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';

import type { AppLogIO, AppLogTail, CheckIO, FileStat, HttpClientLike, KeychainIO, NetIO, OsIO } from '../contract/io.js';
import type { HttpPhases, HttpRequestOptions, HttpResult, RequestOptions } from '../net/http.js';
import type { ResolveResult } from '../net/dns.js';
import { layerOf, makeFailure, type NetFailure, type NetFailureKind, type NetPhase } from '../net/errors.js';
import type { ProxyChoice, ProxyConnectOptions, ProxyConnectResult } from '../net/proxy.js';
import type { PacEvaluation, PacFailureKind } from '../net/pac.js';
import type { TcpResult } from '../net/tcp.js';
import { describeCert, type PeerCert, type TlsOptions, type TlsResult } from '../net/tls.js';
import type { AppInstall, LocateResult } from '../app/install.js';
import type { OsProxySettings } from '../app/os-proxy.js';
import type { ProcessInfo, ProcessListing } from '../app/process-info.js';
import { defaultRule, quitInstruction } from '../app/process-rules.js';
import type { PlatformAdapter } from '../platform/adapter.js';
import type { KeychainRead } from '../platform/keychain.js';
import type { SystemCaStore } from '../platform/trust-store.js';

/** Thrown by a fake asked something its test did not script. */
export class NotScripted extends Error {
  constructor(what: string) {
    super(`fake I/O: no scripted answer for ${what}`);
    this.name = 'NotScripted';
  }
}

// ---------------------------------------------------------------------------------------------
// Builders

/** A failure of `kind`, as src/net would classify it. */
export function netFail(kind: NetFailureKind, opts: { rawCode?: string; message?: string; status?: number; phase?: NetPhase } = {}): NetFailure {
  const failure = makeFailure(kind, opts.rawCode ?? kind.toUpperCase(), opts.message ?? kind.replace(/-/g, ' '), {
    ...(opts.status !== undefined ? { status: opts.status } : {}),
    phase: opts.phase ?? layerOf(kind),
  });
  return failure;
}

/** Phases of a request that took `totalMs` (defaults: nothing measured but the total). */
export function phases(p: Partial<HttpPhases> = {}): HttpPhases {
  return { dnsMs: null, connectMs: null, proxyTunnelMs: null, tlsMs: null, ttfbMs: null, totalMs: 5, reusedSocket: false, proxied: false, ...p };
}

/** A response. Header names are lower-cased as src/net gives them. */
export function httpOk(
  status: number,
  body: unknown = '',
  opts: { headers?: Record<string, string>; phases?: Partial<HttpPhases>; truncated?: boolean } = {},
): HttpResult {
  const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (typeof body !== 'string' && !('content-type' in headers)) headers['content-type'] = 'application/json';
  return { ok: true, status, headers, body: text, truncated: opts.truncated ?? false, phases: phases(opts.phases) };
}

/** A request that got no response. */
export function httpFail(kind: NetFailureKind, opts: { phases?: Partial<HttpPhases>; status?: number } = {}): HttpResult {
  return { ok: false, failure: netFail(kind), phases: phases(opts.phases), ...(opts.status !== undefined ? { status: opts.status } : {}) };
}

export function resolved(host: string, addresses: string[]): ResolveResult {
  const list = addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  if (list.length === 0) return { ok: false, host, failure: netFail('dns-not-found'), durationMs: 1 };
  return { ok: true, host, addresses: list, chosen: list[0]!, literal: false, order: 'verbatim', durationMs: 1 };
}

// ---------------------------------------------------------------------------------------------
// Net

/** What a request looked like to the fake (header values that carry a key are shown as `<secret>`). */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FakeNetScript {
  resolve?: (host: string) => ResolveResult;
  tcp?: (address: string, family: 4 | 6, port: number) => TcpResult;
  /** A tunnel to `host:port` through `proxy` (see `tunnelOk`, `tunnelFail`). */
  proxy?: (host: string, port: number, proxy: ProxyChoice | string, opts: ProxyConnectOptions) => ProxyConnectResult;
  /** A handshake with `host:port`; `opts.servername` names the host when `host` is an address, `opts.via` is a tunnel (see `tlsOk`, `tlsFail`). */
  tls?: (host: string, port: number, opts: TlsOptions) => TlsResult;
  /** Every HTTP request, through `httpRequest` or a client. */
  http?: (req: SeenRequest) => HttpResult | Promise<HttpResult>;
  /** A PAC file's answer for `url` (see `pacOk`, `pacFail`). */
  pac?: (script: string, url: string) => PacEvaluation;
}

export interface FakeNet extends NetIO {
  /** Every call, in order: `resolve host`, `tcp addr:port`, `GET url`, … */
  calls: string[];
  requests: SeenRequest[];
}

function seen(opts: RequestOptions): SeenRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.headers ?? {})) headers[name.toLowerCase()] = typeof value === 'string' ? value : '<secret>';
  return {
    url: String(opts.url),
    method: opts.method ?? 'GET',
    headers,
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : Buffer.from(opts.body).toString('utf8') } : {}),
  };
}

export function fakeNet(script: FakeNetScript = {}): FakeNet {
  const calls: string[] = [];
  const requests: SeenRequest[] = [];
  const request = async (opts: RequestOptions): Promise<HttpResult> => {
    const req = seen(opts);
    calls.push(`${req.method} ${req.url}`);
    requests.push(req);
    if (!script.http) throw new NotScripted(`${req.method} ${req.url}`);
    return script.http(req);
  };
  return {
    calls,
    requests,
    async resolveHost(host) {
      calls.push(`resolve ${host}`);
      if (!script.resolve) throw new NotScripted(`resolveHost(${host})`);
      return script.resolve(host);
    },
    async tcpConnect(address, family, port) {
      calls.push(`tcp ${address}:${port}`);
      if (!script.tcp) throw new NotScripted(`tcpConnect(${address}:${port})`);
      return script.tcp(address, family, port);
    },
    async proxyConnect(proxy, host, port, opts) {
      calls.push(`proxy ${host}:${port}`);
      if (!script.proxy) throw new NotScripted(`proxyConnect(${host}:${port})`);
      return script.proxy(host, port, proxy, opts);
    },
    async tlsHandshake(host, port, opts) {
      calls.push(`tls ${host}:${port}`);
      if (!script.tls) throw new NotScripted(`tlsHandshake(${host}:${port})`);
      return script.tls(host, port, opts);
    },
    httpRequest: (opts: HttpRequestOptions) => request(opts),
    async evaluatePac(text, url) {
      calls.push(`pac ${url}`);
      if (!script.pac) throw new NotScripted(`evaluatePac(${url})`);
      return script.pac(text, url);
    },
    createHttpClient(): HttpClientLike {
      return { request, close: async () => {} };
    },
  };
}

/** A PAC file answered `result`. */
export function pacOk(result: string): PacEvaluation {
  return { ok: true, result, durationMs: 1 };
}

/** A PAC file gave no usable answer. */
export function pacFail(kind: PacFailureKind, message: string = kind): PacEvaluation {
  return { ok: false, kind, message, durationMs: 1 };
}

/** An open tunnel for a scripted `proxy` answer (never connected; the TLS fake ignores it). */
export function fakeTunnel(): Socket {
  return new Socket();
}

/** The proxy opened a tunnel (CONNECT answered 200). */
export function tunnelOk(opts: { tunnelMs?: number } = {}): ProxyConnectResult {
  return { ok: true, socket: fakeTunnel(), status: 200, proxyAddress: '192.0.2.20', proxyFamily: 4, timings: { connectMs: 1, tunnelMs: opts.tunnelMs ?? 2 } };
}

/** The proxy opened no tunnel: `kind` (`proxy-auth-required` with a 407 and its challenges, `proxy-connect-refused` with a 403, …). */
export function tunnelFail(kind: NetFailureKind, opts: { status?: number; proxyAuthenticate?: string[] } = {}): ProxyConnectResult {
  return {
    ok: false,
    failure: netFail(kind, { ...(opts.status !== undefined ? { status: opts.status } : {}), phase: 'proxy' }),
    ...(opts.status !== undefined ? { status: opts.status } : {}),
    ...(opts.proxyAuthenticate ? { proxyAuthenticate: opts.proxyAuthenticate } : {}),
    timings: { connectMs: 1 },
    durationMs: 2,
  };
}

// ---------------------------------------------------------------------------------------------
// TLS: certificates and handshakes

/** A made-up fingerprint, stable for the same certificate fields. */
function fingerprint(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

/**
 * A certificate with `CN=subject`, issued by `CN=issuer` (self-issued when they are equal).
 * Defaults: valid from 2026-01-01 to 2027-12-31 (the fake clock says 2026-12-01), not a CA.
 */
export function peerCert(subject: string, issuer: string, opts: Partial<Omit<PeerCert, 'subjectCN' | 'issuerCN'>> = {}): PeerCert {
  const subjectDn = opts.subject ?? `CN=${subject}`;
  const issuerDn = opts.issuer ?? `CN=${issuer}`;
  const validFrom = opts.validFrom ?? '2026-01-01T00:00:00.000Z';
  const validTo = opts.validTo ?? '2027-12-31T00:00:00.000Z';
  return {
    subjectO: undefined,
    issuerO: undefined,
    subjectAltNames: [`DNS:${subject}`],
    serialNumber: '01',
    isCA: false,
    pem: '',
    ...opts,
    subject: subjectDn,
    subjectCN: subject,
    issuer: issuerDn,
    issuerCN: issuer,
    validFrom,
    validTo,
    selfIssued: subjectDn === issuerDn,
    fingerprint256: opts.fingerprint256 ?? fingerprint(subjectDn, issuerDn, validFrom, validTo),
  };
}

let publicRoot: PeerCert | undefined;

/** A real root from Node's bundled store (ISRG Root X1 when present), so a chain to it counts as public. */
export function nodeRootCert(): PeerCert {
  publicRoot ??= (() => {
    const roots = rootCertificates.map((pem) => describeCert(new X509Certificate(pem)));
    return roots.find((r) => r.subjectCN === 'ISRG Root X1') ?? roots[0]!;
  })();
  return publicRoot;
}

/** What a public gateway presents: a leaf for `host` issued by a root Node ships, then that root. */
export function publicChain(host: string, leaf: Partial<Omit<PeerCert, 'subjectCN' | 'issuerCN'>> = {}): PeerCert[] {
  const root = nodeRootCert();
  return [peerCert(host, root.subjectCN ?? root.subjectO ?? 'root', { ...leaf, issuer: root.subject }), root];
}

/** A chain to a private root (corporate inspection, a private CA): leaf for `host`, then the root itself. */
export function privateChain(host: string, rootName: string, leaf: Partial<Omit<PeerCert, 'subjectCN' | 'issuerCN'>> = {}): PeerCert[] {
  return [peerCert(host, rootName, leaf), peerCert(rootName, rootName, { isCA: true, subjectAltNames: [] })];
}

/** A self-signed leaf for `host`, alone. */
export function selfSignedChain(host: string): PeerCert[] {
  return [peerCert(host, host)];
}

/** A handshake that succeeded (trusted unless `authorized: false`, which only `--insecure` lets through). */
export function tlsOk(
  chain: PeerCert[],
  opts: { protocol?: string; handshakeMs?: number; authorized?: boolean; authorizationError?: string; servername?: string } = {},
): TlsResult {
  return {
    ok: true,
    protocol: opts.protocol ?? 'TLSv1.3',
    handshakeMs: opts.handshakeMs ?? 4,
    authorized: opts.authorized ?? true,
    ...(opts.authorizationError ? { authorizationError: opts.authorizationError } : {}),
    chain,
    servername: opts.servername ?? chain[0]?.subjectCN ?? '',
  };
}

/** A handshake that failed with `kind`, having seen `chain` (empty when it never got that far). */
export function tlsFail(
  kind: NetFailureKind,
  chain: PeerCert[] = [],
  opts: { rawCode?: string; authorizationError?: string; servername?: string } = {},
): TlsResult {
  return {
    ok: false,
    failure: netFail(kind, opts.rawCode !== undefined ? { rawCode: opts.rawCode } : {}),
    ...(chain.length > 0 ? { protocol: 'TLSv1.3', handshakeMs: 4 } : {}),
    authorized: false,
    ...(opts.authorizationError ? { authorizationError: opts.authorizationError } : {}),
    chain,
    servername: opts.servername ?? chain[0]?.subjectCN ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// OS

export interface FakeOsScript {
  platform?: NodeJS.Platform;
  now?: Date;
  /**
   * path → content; a missing path rejects with ENOENT. An Error value rejects reads with it
   * (`stat` still finds the file unless the error is ENOENT/ENOTDIR: a file that exists but
   * cannot be read).
   */
  files?: Record<string, string | Buffer | Error>;
  /** Folders that exist. */
  dirs?: string[];
  /** path → stat (overrides the defaults of `files` and `dirs`); an Error value makes `stat` reject with it. */
  stats?: Record<string, Partial<FileStat> | Error>;
  /** What the search of the OS's usual places finds; an Error: the search rejects with it. */
  installs?: LocateResult | Error;
  /** What paths given with --app hold; a path not listed holds nothing. */
  appPaths?: Record<string, AppInstall>;
  /** The process list (a plain list: as ps-list gives it, exact start times); an Error: listing rejects with it. */
  processes?: ProcessInfo[] | ProcessListing | Error;
  /**
   * Start times `completeStartTimes` fills in for processes listed without one, by pid (what
   * `LC_ALL=C ps` adds when ps-list could not parse them); an Error: it rejects with it.
   * Unscripted: it fills in nothing, like Windows' adapter.
   */
  startTimes?: Record<number, Date> | Error;
  /** The doctor's own process (default: pid 4242, uid 501). */
  self?: { pid: number; uid?: number };
  /** The OS proxy settings (`noOsProxy()` for none); an Error: reading rejects with it. */
  proxySettings?: OsProxySettings | Error;
  /** The OS certificate store (see `osStore`); an Error: reading rejects with it. */
  systemCertificates?: SystemCaStore | Error;
  /** Overrides parts of the platform's adapter (the real OS rules are kept otherwise). */
  adapter?: Partial<PlatformAdapter>;
}

/** An OS certificate store holding `certs` (PEM text, or certificates with a `pem`). */
export function osStore(certs: (string | Pick<PeerCert, 'pem'>)[], description = 'the fake OS store'): SystemCaStore {
  return { source: 'file', description, pems: certs.map((c) => (typeof c === 'string' ? c : c.pem)) };
}

/** The default modification time of a scripted file. */
export const FAKE_MTIME = new Date('2026-11-30T12:00:00Z');

/** An error as `fs` gives it, with a code (`EACCES`, `EISDIR`, …): for `files` and `stats`. */
export function fsError(code: string, path: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${path}`);
  err.code = code;
  return err;
}

function enoent(path: string): NodeJS.ErrnoException {
  return fsError('ENOENT', path);
}

const isMissing = (err: Error) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

export function fakeOs(script: FakeOsScript = {}): OsIO {
  const platform = script.platform ?? 'darwin';
  const files = script.files ?? {};
  const dirs = new Set(script.dirs ?? []);
  const official = platform === 'darwin' || platform === 'win32' || platform === 'linux';
  const adapter: PlatformAdapter = {
    os: platform === 'darwin' ? 'darwin' : platform === 'win32' ? 'win32' : 'linux',
    official,
    async locateApp() {
      if (!script.installs) throw new NotScripted('locateApp()');
      if (script.installs instanceof Error) throw script.installs;
      return script.installs;
    },
    async listProcesses() {
      const given = script.processes;
      if (!given) throw new NotScripted('listProcesses()');
      if (given instanceof Error) throw given;
      // Copies: completeStartTimes fills in start times in place, as the real one does.
      const listing: ProcessListing = Array.isArray(given) ? { processes: given, source: 'ps-list', startTimeUncertaintyMs: 0, notes: [] } : given;
      return { ...listing, processes: listing.processes.map((p) => ({ ...p })) };
    },
    async completeStartTimes(processes) {
      const times = script.startTimes;
      if (times instanceof Error) throw times;
      for (const p of processes) {
        const start = times?.[p.pid];
        if (p.startTime === undefined && start) p.startTime = start;
      }
    },
    processRule: defaultRule(platform),
    quitInstruction: quitInstruction(platform),
    ...script.adapter,
  };
  const read = (path: string): string | Buffer => {
    const content = files[path];
    if (content === undefined) throw dirs.has(path) ? fsError('EISDIR', path) : enoent(path);
    if (content instanceof Error) throw content;
    return content;
  };
  return {
    platform,
    now: () => script.now ?? new Date('2026-12-01T12:00:00Z'),
    async readFile(path) {
      const content = read(path);
      return typeof content === 'string' ? content : content.toString('utf8');
    },
    async readBytes(path) {
      const content = read(path);
      return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    },
    async stat(path) {
      const given = script.stats?.[path];
      if (given instanceof Error) throw given;
      const content = files[path];
      const isDir = dirs.has(path);
      if (!given && !isDir && (content === undefined || (content instanceof Error && isMissing(content)))) throw enoent(path);
      const size = typeof content === 'string' ? Buffer.byteLength(content) : Buffer.isBuffer(content) ? content.length : 0;
      const mtime = given?.mtime ?? FAKE_MTIME;
      return { isFile: !isDir, isDirectory: isDir, size, mtime, mtimeMs: mtime.getTime(), mode: 0o644, ...given };
    },
    adapter,
    async inspectAppPath(path) {
      if (!script.appPaths) throw new NotScripted(`inspectAppPath(${path})`);
      return script.appPaths[path];
    },
    async proxySettings() {
      const given = script.proxySettings;
      if (given === undefined) throw new NotScripted('proxySettings()');
      if (given instanceof Error) throw given;
      return given;
    },
    async systemCertificates() {
      const given = script.systemCertificates;
      if (given === undefined) throw new NotScripted('systemCertificates()');
      if (given instanceof Error) throw given;
      return given;
    },
    self: script.self ?? { pid: 4242, uid: 501 },
  };
}

// ---------------------------------------------------------------------------------------------
// Keychain and app log

export function fakeKeychain(answer?: KeychainRead | ((service: string, account: string) => KeychainRead)): KeychainIO & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    storeName: 'Fake Keychain',
    async read(ref) {
      reads.push(`${ref.service}/${ref.account}`);
      if (answer === undefined) throw new NotScripted(`keychain.read(${ref.service}/${ref.account})`);
      return typeof answer === 'function' ? answer(ref.service, ref.account) : answer;
    },
  };
}

export function fakeAppLog(tail: AppLogTail = { status: 'missing', searched: [] }): AppLogIO {
  return { tail: async () => tail };
}

/** All fakes at once; each part can be replaced. */
export function fakeIO(parts: Partial<CheckIO> = {}): CheckIO {
  return { net: fakeNet(), os: fakeOs(), keychain: fakeKeychain(), appLog: fakeAppLog(), ...parts };
}
