/**
 * The proxy layer: which proxy (if any) the environment selects for a URL, and whether that
 * proxy opens a tunnel (HTTP CONNECT) to the gateway.
 *
 * Selection mirrors undici's `EnvHttpProxyAgent` (undici 7) exactly, so what the doctor says
 * about the environment is what an undici-based client would do:
 * - `http_proxy ?? HTTP_PROXY` for http: URLs; `https_proxy ?? HTTPS_PROXY`, else the http
 *   proxy, for https: URLs. Lower case wins, even when empty (`??`, not `||`); an empty value
 *   means "no proxy".
 * - `no_proxy ?? NO_PROXY`: entries split on commas and whitespace; the whole value `*`
 *   disables proxying; an entry matches its exact host name and any subdomain (`.corp.com`,
 *   `*.corp.com` and `corp.com` all match `api.corp.com`); `host:port` also requires the
 *   port. Names are matched literally: `localhost` does not cover `127.0.0.1`, and an IPv6
 *   host matches only in brackets (`[::1]`).
 */
import { connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, rootCertificates } from 'node:tls';

import { settleOnce } from '../core/deadline.js';
import { bareHost } from '../core/host.js';
import { Secret } from '../core/secret.js';
import { serversLookup } from './dns.js';
import { classify, makeFailure, OWN_CODES, type NetFailure } from './errors.js';

/** A proxy chosen from the environment. */
export interface ProxyChoice {
  /** The variable it came from (`HTTPS_PROXY`, `http_proxy`, …). */
  source: string;
  /** `scheme://host:port`, without credentials: safe to print. */
  display: string;
  protocol: string;
  /** Host as in the URL (IPv6 in brackets). */
  host: string;
  port: number;
  /** Credentials from the URL's user-info; the password is a Secret so it never prints. */
  credentials?: { username: string; password: Secret };
  /** Set when the value cannot be used as a proxy URL. */
  problem?: 'invalid-url' | 'unsupported-scheme';
}

/** Whether and through what a URL would be proxied. */
export type ProxyDecision =
  | { proxied: false; reason: 'no-proxy-configured' }
  | { proxied: false; reason: 'no-proxy-wildcard'; noProxySource: string }
  | { proxied: false; reason: 'no-proxy-match'; entry: string; noProxySource: string }
  | { proxied: true; proxy: ProxyChoice };

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** First defined of two variables, with its name (`??` semantics, as undici). */
function pick(env: Env, lower: string, upper: string): { name: string; value: string } | undefined {
  const l = env[lower];
  if (l !== undefined) return { name: lower, value: l };
  const u = env[upper];
  if (u !== undefined) return { name: upper, value: u };
  return undefined;
}

/** `decodeURIComponent`, or `undefined` for a malformed escape. */
function decodeOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Parses a proxy variable's value into a {@link ProxyChoice}. */
export function parseProxyUrl(value: string, source: string): ProxyChoice {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { source, display: '(unparsable proxy URL)', protocol: '', host: '', port: 0, problem: 'invalid-url' };
  }
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  const choice: ProxyChoice = {
    source,
    display: `${url.protocol}//${url.hostname}:${port}`,
    protocol: url.protocol,
    host: url.hostname,
    port,
  };
  if (url.username || url.password) {
    // A `%` that starts no escape (`pa%ss`) cannot be decoded: the URL is unusable, said as such.
    // The password is still a Secret (as written), so no output shows it.
    const username = decodeOrUndefined(url.username);
    const password = decodeOrUndefined(url.password);
    choice.credentials = { username: username ?? url.username, password: new Secret(password ?? url.password) };
    if (username === undefined || password === undefined) choice.problem = 'invalid-url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    // `proxy.corp:8080` (no scheme) parses as scheme "proxy.corp:": say it is unusable.
    choice.problem = url.protocol.startsWith('socks') ? 'unsupported-scheme' : 'invalid-url';
  }
  if (!url.hostname) choice.problem = 'invalid-url';
  return choice;
}

/** The `NO_PROXY` entries as undici parses them. */
function noProxyEntries(value: string): { raw: string; hostname: string; port: number }[] {
  const out: { raw: string; hostname: string; port: number }[] = [];
  for (const raw of value.split(/[,\s]/)) {
    if (!raw) continue;
    const parsed = /^(.+):(\d+)$/.exec(raw);
    out.push({
      raw,
      hostname: (parsed?.[1] ?? raw).replace(/^\*?\./, '').toLowerCase(),
      port: parsed?.[2] ? Number.parseInt(parsed[2], 10) : 0,
    });
  }
  return out;
}

/** Decides whether `url` goes through a proxy under `env`, and which. */
export function proxyFor(url: string | URL, env: Env): ProxyDecision {
  const u = typeof url === 'string' ? new URL(url) : url;
  const httpProxy = pick(env, 'http_proxy', 'HTTP_PROXY');
  const httpsProxy = pick(env, 'https_proxy', 'HTTPS_PROXY');
  // An empty value is "no proxy" (undici tests truthiness); https falls back to the http proxy.
  const forHttp = httpProxy?.value ? httpProxy : undefined;
  const chosen = u.protocol === 'https:' ? (httpsProxy?.value ? httpsProxy : forHttp) : forHttp;
  if (!chosen) return { proxied: false, reason: 'no-proxy-configured' };

  const noProxy = pick(env, 'no_proxy', 'NO_PROXY');
  const noProxyValue = noProxy?.value ?? '';
  const entries = noProxyEntries(noProxyValue);
  if (entries.length > 0 && noProxy) {
    if (noProxyValue === '*') return { proxied: false, reason: 'no-proxy-wildcard', noProxySource: noProxy.name };
    // Same as undici: the URL's host with brackets kept, port stripped, lower case.
    const hostname = u.host.replace(/:\d*$/, '').toLowerCase();
    const port = Number.parseInt(u.port, 10) || DEFAULT_PORTS[u.protocol] || 0;
    for (const entry of entries) {
      if (entry.port && entry.port !== port) continue;
      if (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)) {
        return { proxied: false, reason: 'no-proxy-match', entry: entry.raw, noProxySource: noProxy.name };
      }
    }
  }
  return { proxied: true, proxy: parseProxyUrl(chosen.value, chosen.name) };
}

/**
 * The decision of a client's proxy option for one URL: the environment's, none, or the one proxy
 * it was given (the app's path, decided once per run: every request goes through it).
 */
export function proxyDecisionFor(opts: { proxy: 'env' | 'none' | ProxyChoice }, url: string | URL, env: Env): ProxyDecision {
  if (opts.proxy === 'none') return { proxied: false, reason: 'no-proxy-configured' };
  if (opts.proxy === 'env') return proxyFor(url, env);
  return { proxied: true, proxy: opts.proxy };
}

/** Milestones of a proxy connection, in ms since {@link proxyConnect} was called. */
export interface ProxyTimings {
  /** The proxy's name was resolved (absent for an IP address). */
  lookupMs?: number;
  /** TCP (and, for an https:// proxy, TLS) to the proxy is up. */
  connectMs?: number;
  /** The proxy answered CONNECT. */
  tunnelMs?: number;
}

/** What {@link proxyConnect} found. */
export type ProxyConnectResult =
  | {
      ok: true;
      /** The tunnel, ready for TLS to the target. The caller owns it and must destroy it. */
      socket: Socket;
      status: number;
      proxyAddress: string | undefined;
      proxyFamily: 4 | 6 | undefined;
      timings: ProxyTimings;
    }
  | {
      ok: false;
      failure: NetFailure;
      /** The CONNECT answer's status, when there was one. */
      status?: number;
      /** `Proxy-Authenticate` challenges (e.g. `Basic realm="corp"`, `Negotiate`, `NTLM`). */
      proxyAuthenticate?: string[];
      timings: ProxyTimings;
      durationMs: number;
    };

/** Options for {@link proxyConnect}. */
export interface ProxyConnectOptions {
  /** Covers reaching the proxy and its CONNECT answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra CA certificates (PEM) for an https:// proxy, added to Node's roots. */
  ca?: string[];
  lookup?: LookupFunction;
  /**
   * Resolve the proxy's name through these DNS servers (`--dns-server`), as real requests do
   * (their connector hands its own lookup); ignored when {@link lookup} is given.
   */
  servers?: string[];
}

const MAX_CONNECT_RESPONSE = 64 * 1024;

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Connects to the proxy and asks it for a tunnel to `host:port` with HTTP CONNECT (the way
 * undici's ProxyAgent does; it sends Proxy-Authorization: Basic when the URL has
 * credentials). Never prints the credentials: failures name the proxy by
 * {@link ProxyChoice.display} and are scrubbed of the password.
 */
export function proxyConnect(proxy: ProxyChoice | string, host: string, port: number, opts: ProxyConnectOptions): Promise<ProxyConnectResult> {
  const choice = typeof proxy === 'string' ? parseProxyUrl(proxy, 'argument') : proxy;
  const lookup = opts.lookup ?? (opts.servers && opts.servers.length > 0 ? serversLookup(opts.servers, opts.timeoutMs) : undefined);
  const secrets = choice.credentials ? [choice.credentials.password] : [];
  const start = performance.now();
  const timings: ProxyTimings = {};
  const since = (): number => performance.now() - start;

  const failed = (failure: NetFailure, extra: { status?: number; proxyAuthenticate?: string[] } = {}): ProxyConnectResult => ({
    ok: false,
    failure,
    ...extra,
    timings,
    durationMs: since(),
  });
  if (choice.problem) {
    const kind = choice.problem === 'unsupported-scheme' ? 'proxy-unsupported' : 'proxy-invalid-url';
    return Promise.resolve(
      failed(makeFailure(kind, OWN_CODES.proxyUrl, `${choice.source} is not a usable http(s) proxy URL (${choice.display})`, { phase: 'proxy', secrets })),
    );
  }

  return settleOnce<ProxyConnectResult>(
    {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onTimeout: () => {
        const waitingFor = timings.connectMs === undefined ? 'a connection' : 'an answer to CONNECT';
        return failed(
          makeFailure('proxy-timeout', OWN_CODES.deadline, `proxy ${choice.display}: no ${waitingFor} within ${opts.timeoutMs} ms`, { phase: 'proxy' }),
        );
      },
      onAbort: () => failed(makeFailure('aborted', OWN_CODES.aborted, 'aborted', { phase: 'proxy' })),
    },
    (settler) => {
      const fail = (failure: NetFailure, extra: { status?: number; proxyAuthenticate?: string[] } = {}): void => {
        settler.settle(failed(failure, extra));
      };
      const target = hostPort(host, port);
      const bareProxyHost = bareHost(choice.host);
      const s: Socket =
        choice.protocol === 'https:'
          ? tlsConnect({
              host: bareProxyHost,
              port: choice.port,
              servername: /^[\d.]+$|:/.test(bareProxyHost) ? undefined : bareProxyHost,
              ALPNProtocols: ['http/1.1'],
              ...(opts.ca && opts.ca.length > 0 ? { ca: [...rootCertificates, ...opts.ca] } : {}),
              ...(lookup ? { lookup } : {}),
            })
          : netConnect({ host: bareProxyHost, port: choice.port, ...(lookup ? { lookup } : {}) });
      // A failed attempt leaves nothing open; a tunnel is handed to the caller.
      settler.onSettled((r) => {
        if (!r.ok) s.destroy();
      });
      const markLookup = (): void => {
        timings.lookupMs ??= since();
      };
      s.once('lookup', (err: Error | null) => {
        if (!err) markLookup();
      });
      s.once('connectionAttempt', markLookup);
      const onError = (err: Error): void => fail(classify(err, { phase: 'proxy', secrets }));
      const onClose = (): void =>
        fail(makeFailure('proxy-reset', OWN_CODES.peerClosed, `proxy ${choice.display} closed the connection before answering CONNECT`, { phase: 'proxy' }));
      s.on('error', onError);
      s.once('close', onClose);

      s.once(choice.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        timings.connectMs = since();
        let head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nProxy-Connection: keep-alive\r\n`;
        if (choice.credentials) {
          const token = Buffer.from(`${choice.credentials.username}:${choice.credentials.password.reveal()}`).toString('base64');
          head += `Proxy-Authorization: Basic ${token}\r\n`;
        }
        s.write(`${head}\r\n`);
      });

      let buffered = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) {
          if (buffered.length > MAX_CONNECT_RESPONSE) {
            fail(makeFailure('proxy-failure', 'HPE_HEADER_OVERFLOW', `proxy ${choice.display} sent an oversized CONNECT answer`, { phase: 'proxy' }));
          }
          return;
        }
        const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
        const statusLine = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(lines[0] ?? '');
        if (!statusLine) {
          fail(makeFailure('proxy-failure', 'HPE_INVALID_CONSTANT', `proxy ${choice.display} did not answer CONNECT with HTTP`, { phase: 'proxy' }));
          return;
        }
        const status = Number(statusLine[1]);
        timings.tunnelMs = since();
        if (status >= 200 && status < 300) {
          s.removeListener('data', onData);
          s.removeListener('close', onClose);
          s.removeListener('error', onError);
          s.pause();
          const rest = buffered.subarray(end + 4);
          if (rest.length > 0) s.unshift(rest);
          settler.settle({
            ok: true,
            socket: s,
            status,
            proxyAddress: s.remoteAddress,
            proxyFamily: s.remoteFamily === 'IPv6' ? 6 : s.remoteFamily === 'IPv4' ? 4 : undefined,
            timings,
          });
          return;
        }
        const challenges = lines
          .slice(1)
          .filter((l) => /^proxy-authenticate\s*:/i.test(l))
          .map((l) => l.slice(l.indexOf(':') + 1).trim());
        const reason = `proxy ${choice.display} answered CONNECT ${target} with ${status} ${statusLine[2] ?? ''}`.trim();
        if (status === 407) {
          fail(makeFailure('proxy-auth-required', OWN_CODES.proxyStatus, reason, { phase: 'proxy', status, secrets }), {
            status,
            proxyAuthenticate: challenges,
          });
        } else {
          fail(makeFailure('proxy-connect-refused', OWN_CODES.proxyStatus, reason, { phase: 'proxy', status, secrets }), { status });
        }
      };
      s.on('data', onData);
    },
  );
}
