/**
 * What every network and gateway check needs to reach the gateway the way the app would: the
 * URL, the proxy decision, trusted CAs, the auth header for the configured scheme, and the
 * extra headers. Built from the check context; its only I/O is reading CA files, through `ctx.os`.
 */
import type { CheckContext } from '../contract/check.js';
import { resolveHeaders } from '../inference/headers.js';
import { bearer, serversLookup, type HeaderValue, type HttpClientOptions, type ProxyDecision } from '../net/index.js';
import { pathDecision, type NetworkPath } from './network-path.js';
import { bareHost } from '../core/host.js';
import { DEFAULT_AUTH_SCHEME } from '../core/portkey.js';
import { Secret } from '../core/secret.js';

/** The gateway's base URL as the base-url check accepted it (that check is a prerequisite). */
export function gatewayUrl(ctx: Pick<CheckContext, 'target'>): URL {
  const raw = ctx.target.baseUrl?.value;
  if (typeof raw !== 'string') throw new Error('no base URL (the base-url check should have blocked this check)');
  return new URL(raw);
}

/** `base` + path, keeping a self-hosted gateway's own path prefix. */
export function endpoint(ctx: Pick<CheckContext, 'target'>, path: string): URL {
  const base = gatewayUrl(ctx);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${base.origin}${prefix}${path}`);
}

/** A URL's host as sockets, SNI and certificates name it: an IPv6 address without its brackets. */
export function bareHostname(url: URL): string {
  return bareHost(url.hostname);
}

export function defaultPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/**
 * How the gateway is reached: the road the network-path check decided (`path`, handed on to every
 * probe), directly or through one proxy. Without a decision (a context that has none, such as a
 * plugin's), the environment's HTTP(S)_PROXY/NO_PROXY.
 */
export function proxyDecision(ctx: Pick<CheckContext, 'target' | 'env'>, path: NetworkPath | undefined): ProxyDecision {
  return pathDecision(path, gatewayUrl(ctx), ctx.env);
}

/** The first machine the doctor talks to: the proxy when proxied, else the gateway. */
export function firstHop(ctx: Pick<CheckContext, 'target' | 'env'>, path: NetworkPath | undefined): { host: string; port: number; via: 'proxy' | 'direct' } {
  const decision = proxyDecision(ctx, path);
  if (decision.proxied && !decision.proxy.problem) {
    return { host: bareHost(decision.proxy.host), port: decision.proxy.port, via: 'proxy' };
  }
  const url = gatewayUrl(ctx);
  return { host: bareHostname(url), port: defaultPort(url), via: 'direct' };
}

/** Where extra trusted CAs come from: Node's NODE_EXTRA_CA_CERTS and the policy's caFile. */
export function caSources(ctx: Pick<CheckContext, 'env' | 'policy'>): { path: string; from: string }[] {
  const sources: { path: string; from: string }[] = [];
  if (ctx.env.NODE_EXTRA_CA_CERTS) sources.push({ path: ctx.env.NODE_EXTRA_CA_CERTS, from: 'NODE_EXTRA_CA_CERTS' });
  if (ctx.policy?.gateway?.caFile) sources.push({ path: ctx.policy.gateway.caFile, from: `policy ${ctx.policy.source}` });
  return sources;
}

/** Reads the extra CAs. Unreadable files are returned as problems (the TLS check reports them). */
export async function extraCas(
  ctx: Pick<CheckContext, 'env' | 'policy' | 'os'>,
): Promise<{ pems: string[]; problems: { path: string; from: string; code: string }[] }> {
  const pems: string[] = [];
  const problems: { path: string; from: string; code: string }[] = [];
  for (const source of caSources(ctx)) {
    try {
      const text = await ctx.os.readFile(source.path);
      if (!text.includes('-----BEGIN CERTIFICATE-----')) problems.push({ ...source, code: 'NOT_PEM' });
      else pems.push(text);
    } catch (err) {
      problems.push({ ...source, code: (err as NodeJS.ErrnoException).code ?? 'ERROR' });
    }
  }
  return { pems, problems };
}

/**
 * Connection settings for undici, as the app would connect: through the proxy of the decided path
 * (explicitly, never the environment's when a path was decided), with the extra CAs — and the OS
 * store's certificates when the tls check found the chain trusted only by that store (`trust`,
 * the tls check's data), since the app trusts that store.
 */
export async function clientOptions(
  ctx: Pick<CheckContext, 'env' | 'policy' | 'os' | 'options' | 'timeoutMs' | 'target'>,
  path: NetworkPath | undefined,
  trust?: { osStoreCa?: string[] },
): Promise<HttpClientOptions> {
  const { pems } = await extraCas(ctx);
  return {
    proxy: path ? (path.proxy ?? 'none') : 'env',
    env: ctx.env,
    extraCa: [...pems, ...(trust?.osStoreCa ?? [])],
    insecure: ctx.options.insecure,
    connectTimeoutMs: probeTimeout(ctx),
    ...(ctx.options.dnsServers ? { lookup: serversLookup(ctx.options.dnsServers, probeTimeout(ctx)) } : {}),
  };
}

/** The configured auth scheme, defaulting as the app does. */
export function authScheme(ctx: Pick<CheckContext, 'target'>): string {
  const raw = ctx.target.authScheme?.value;
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim().toLowerCase() : DEFAULT_AUTH_SCHEME;
}

export function apiKey(ctx: Pick<CheckContext, 'target'>): Secret | undefined {
  const value = ctx.target.apiKey?.value;
  return value instanceof Secret && value.reveal().trim() !== '' ? value : undefined;
}

/**
 * The headers the app sends on every request: auth per scheme, the extra headers (names as
 * configured), and the Anthropic version header. The key, and every credential among the extra
 * headers, stays a Secret down to the wire. `unauthenticated`: no credential at all — neither
 * the key nor a credential extra header (`Authorization`, `x-portkey-api-key`, …) — for the
 * probes that must not present one.
 */
export function appHeaders(ctx: Pick<CheckContext, 'target'>, opts: { json?: boolean; unauthenticated?: boolean } = {}): Record<string, HeaderValue> {
  const headers: Record<string, HeaderValue> = {};
  for (const h of resolveHeaders(ctx.target).headers) {
    if (h.invalid || (opts.unauthenticated && h.credential)) continue;
    headers[h.name] = h.value;
  }
  headers['anthropic-version'] = '2023-06-01';
  headers['user-agent'] = 'portkey-doctor (claude-desktop-3p probe)';
  if (opts.json) headers['content-type'] = 'application/json';
  const key = opts.unauthenticated ? undefined : apiKey(ctx);
  if (key) {
    if (authScheme(ctx) === 'x-api-key') headers['x-api-key'] = { secret: key };
    else headers.authorization = bearer(key);
  }
  return headers;
}

/** A bound for one network operation: a little under the check's deadline, so the operation
 * reports its own classified timeout before the engine gives up on the check. */
export function probeTimeout(ctx: Pick<CheckContext, 'timeoutMs'>, share = 1): number {
  return Math.max(200, Math.floor(ctx.timeoutMs * share) - 250);
}

/** Responses are small JSON documents; anything far bigger is not what we asked for. */
export const MAX_BODY_BYTES = 1024 * 1024;
