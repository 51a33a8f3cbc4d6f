/**
 * The I/O a check may do, as services on its context. Checks never import `net/`, `platform/`
 * or the keychain themselves: they ask `ctx.net`, `ctx.os`, `ctx.keychain` and `ctx.appLog`.
 * The real implementations (src/io/real.ts) delegate to those layers; the fakes
 * (src/io/fakes.ts) answer from tables, so one check is tested alone, in-process, in
 * milliseconds (test/checks/, with the CheckTester).
 */
import type { HttpClientOptions, HttpRequestOptions, HttpResult, RequestOptions } from '../net/http.js';
import type { ProxyChoice, ProxyConnectOptions, ProxyConnectResult } from '../net/proxy.js';
import type { PacEvalOptions, PacEvaluation } from '../net/pac.js';
import type { ResolveOptions, ResolveResult } from '../net/dns.js';
import type { TcpOptions, TcpResult } from '../net/tcp.js';
import type { TlsOptions, TlsResult } from '../net/tls.js';
import type { AppInstall } from '../app/install.js';
import type { OsProxySettings } from '../app/os-proxy.js';
import type { KeychainRef } from '../app/options.js';
import type { KeychainOptions, KeychainRead } from '../platform/keychain.js';
import type { SystemCaStore } from '../platform/trust-store.js';
import type { PlatformAdapter } from '../platform/adapter.js';

// The network layer's result types, for checks (which never import src/net/ themselves).
export type { NetFailure, NetFailureKind, NetLayer } from '../net/errors.js';
export type { ResolvedAddress, ResolveResult } from '../net/dns.js';
export type { TcpResult } from '../net/tcp.js';
export type { ProxyChoice, ProxyConnectResult, ProxyDecision, ProxyTimings } from '../net/proxy.js';
export type { ChainAnchor, PeerCert, TlsInfo, TlsResult } from '../net/tls.js';
export type { HeaderValue, HttpFail, HttpOk, HttpPhases, HttpResult } from '../net/http.js';
export type { PacEvalOptions, PacEvaluation, PacFailureKind } from '../net/pac.js';

// The OS and keychain services' types, for checks (which never import src/platform/ themselves).
export type { PlatformAdapter } from '../platform/adapter.js';
export type { OsProxySettings } from '../app/os-proxy.js';
export type { SystemCaStore } from '../platform/trust-store.js';
export type { KeychainOptions, KeychainProblem, KeychainRead, KeychainUnavailable } from '../platform/keychain.js';

/** An HTTP client that keeps one connection per origin (latency samples, gateway probes). */
export interface HttpClientLike {
  request(opts: RequestOptions): Promise<HttpResult>;
  close(): Promise<void>;
}

/** The network, layer by layer, as src/net/ offers it. */
export interface NetIO {
  resolveHost(host: string, opts: ResolveOptions): Promise<ResolveResult>;
  tcpConnect(address: string, family: 4 | 6, port: number, opts: TcpOptions): Promise<TcpResult>;
  proxyConnect(proxy: ProxyChoice | string, host: string, port: number, opts: ProxyConnectOptions): Promise<ProxyConnectResult>;
  tlsHandshake(host: string, port: number, opts: TlsOptions): Promise<TlsResult>;
  httpRequest(opts: HttpRequestOptions): Promise<HttpResult>;
  createHttpClient(opts: HttpClientOptions): HttpClientLike;
  /** Runs a PAC file's `FindProxyForURL` for `url` in a sandbox, bounded in time and memory. */
  evaluatePac(script: string, url: string, opts: PacEvalOptions): Promise<PacEvaluation>;
}

/** What `stat` tells a check. */
export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  mtime: Date;
  /** `mtime` in ms, with fs's sub-millisecond part (the settings readers compare these). */
  mtimeMs: number;
  /** Permission bits (e.g. 0o644). */
  mode: number;
}

/** The operating system: platform, clock, files, the app's install and processes. */
export interface OsIO {
  platform: NodeJS.Platform;
  now(): Date;
  /** Reads a text file (UTF-8). Rejects as `fs` does (`err.code` ENOENT, EACCES, …). */
  readFile(path: string): Promise<string>;
  /** Reads a file's bytes (to tell encodings apart: a UTF-16 file is not UTF-8). Rejects as `fs` does. */
  readBytes(path: string): Promise<Buffer>;
  /** Rejects as `fs.stat` does. */
  stat(path: string): Promise<FileStat>;
  /** The OS's way of finding the app and its processes (for `platform`). */
  adapter: PlatformAdapter;
  /** What is at a path given with --app. `undefined` when nothing is there. */
  inspectAppPath(path: string): Promise<AppInstall | undefined>;
  /**
   * The OS proxy settings the app follows when it has none of its own (macOS System Settings,
   * Windows Internet Settings, Linux desktop settings; src/app/os-proxy.ts). Read once per run,
   * bounded in time; never rejects (what could not be read is in `unreadable`).
   */
  proxySettings(): Promise<OsProxySettings>;
  /**
   * The OS certificate store (what Claude Desktop's Chromium trusts), as PEM certificates: read
   * once per run and only when asked (it is slow on Windows), bounded; never rejects.
   */
  systemCertificates(): Promise<SystemCaStore>;
  /**
   * The doctor's own process: left out when looking for the app's processes, and its user tells
   * this user's app from another's (`uid` is undefined where the OS has none: Windows).
   */
  self: { pid: number; uid?: number };
}

/** The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service). */
export interface KeychainIO {
  /** The store's name for messages ("macOS Keychain", …). */
  storeName: string;
  read(ref: KeychainRef, opts?: KeychainOptions): Promise<KeychainRead>;
}

/**
 * Which of the app's log folders a `main.log` is in (docs/claude-desktop.md, "The app's log"):
 * the third-party folder (`Claude-3p`), the first-party one (`Claude`: the app logs there when it
 * did not start in third-party mode, e.g. because it rejected the configuration), or the folder
 * `CLAUDE_USER_DATA_DIR` names.
 */
export type AppLogFolder = 'third-party' | 'first-party' | 'user-data-dir';

/** The tail of Claude Desktop's own log (`main.log`), the witness of what the app really did. */
export type AppLogTail =
  | {
      status: 'found';
      path: string;
      folder: AppLogFolder;
      /** The lines of the tail, oldest first, each bounded and without control characters. */
      lines: string[];
      /** The file was longer than the tail read: its beginning was not read. */
      truncated: boolean;
      modifiedAt?: Date;
      /** Every place looked at (the most recently written log that can be read is read). */
      searched: string[];
      /** The other logs found and readable, newest first (all older than this one). */
      others?: { path: string; folder: AppLogFolder; modifiedAt: Date }[];
      /** Logs that exist but could not be read, with the reason (e.g. EACCES). */
      unreadable?: { path: string; reason: string }[];
    }
  | { status: 'missing'; searched: string[] }
  | { status: 'unreadable'; path: string; reason: string; searched?: string[] };

export interface AppLogIO {
  /** The last lines of the app's log, bounded, control characters removed. */
  tail(opts?: { maxBytes?: number }): Promise<AppLogTail>;
}

/** Every I/O service a check context carries. */
export interface CheckIO {
  net: NetIO;
  os: OsIO;
  keychain: KeychainIO;
  appLog: AppLogIO;
}
