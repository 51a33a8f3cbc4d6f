/**
 * The DNS layer: which addresses a name resolves to, which one a connection would try first,
 * and, when it fails, whether the name does not exist, the resolver did not answer, or the
 * resolver failed.
 */
import * as dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';

import { settleOnce } from '../core/deadline.js';
import { normalHost } from '../core/host.js';
import { classify, makeFailure, OWN_CODES, type NetFailure } from './errors.js';

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** What {@link resolveHost} found. */
export type ResolveResult =
  | {
      ok: true;
      host: string;
      /** All addresses, in the order a connection would try them. */
      addresses: ResolvedAddress[];
      /** The first address: the one `net.connect` tries first. */
      chosen: ResolvedAddress;
      /** The host was already an IP address: no resolution happened. */
      literal: boolean;
      /** How the order was decided: `dns.getDefaultResultOrder()` (system resolver) or `servers`. */
      order: string;
      durationMs: number;
    }
  | { ok: false; host: string; failure: NetFailure; durationMs: number };

/** Options for {@link resolveHost}. */
export interface ResolveOptions {
  /** Give up after this long and report `dns-timeout` (the system lookup cannot be cancelled; it is abandoned). */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Ask these DNS servers (`"ip"` or `"ip:port"`) with Node's own resolver instead of the
   * system's `getaddrinfo` (which is what connections use). For "does the configured DNS
   * server answer?" and for tests against a loopback DNS server.
   */
  servers?: string[];
}

/**
 * `localhost` and names under `.localhost` (RFC 6761 §6.3): always this machine, never asked of
 * a DNS server. A server that answered them with another address would otherwise decide where
 * a request the clear-text rule allowed as "loopback" really goes.
 */
export function isLocalhostName(name: string): boolean {
  const n = normalHost(name);
  return n === 'localhost' || n.endsWith('.localhost');
}

/** The loopback addresses a localhost name stands for: IPv4 first, as most local servers listen there. */
const LOCALHOST_ADDRESSES: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

function family(n: number): 4 | 6 {
  return n === 6 ? 6 : 4;
}

/** The system resolver's order setting, as connections will see it. */
function systemOrder(): string {
  const get = (dns as { getDefaultResultOrder?: () => string }).getDefaultResultOrder;
  return typeof get === 'function' ? get() : 'verbatim';
}

/**
 * Resolves a name the way a connection would (`dns.lookup`, all addresses, default order),
 * or with {@link ResolveOptions.servers} through those servers.
 */
export async function resolveHost(host: string, opts: ResolveOptions): Promise<ResolveResult> {
  const start = performance.now();
  const name = normalHost(host);
  const elapsed = (): number => performance.now() - start;
  const ipFamily = isIP(name);
  if (ipFamily !== 0) {
    const chosen: ResolvedAddress = { address: name, family: family(ipFamily) };
    return { ok: true, host, addresses: [chosen], chosen, literal: true, order: 'literal', durationMs: elapsed() };
  }

  const work: Promise<{ addresses: ResolvedAddress[]; order: string }> = opts.servers
    ? resolveWithServers(name, opts.servers, opts.timeoutMs)
    : dns.promises
        .lookup(name, { all: true })
        .then((list) => ({ addresses: list.map((a) => ({ address: a.address, family: family(a.family) })), order: systemOrder() }));

  const outcome = await withDeadline(work, opts.timeoutMs, opts.signal);
  if (outcome.ok) {
    const chosen = outcome.value.addresses[0];
    if (!chosen) {
      return { ok: false, host, failure: makeFailure('dns-not-found', 'ENODATA', `${name} has no addresses`, { phase: 'dns' }), durationMs: elapsed() };
    }
    return { ok: true, host, addresses: outcome.value.addresses, chosen, literal: false, order: outcome.value.order, durationMs: elapsed() };
  }
  return { ok: false, host, failure: outcome.failure, durationMs: elapsed() };
}

/**
 * Both families through a {@link dns.promises.Resolver}: not-found only when both say so,
 * timeout when either timed out and neither answered.
 */
async function resolveWithServers(name: string, servers: string[], timeoutMs: number): Promise<{ addresses: ResolvedAddress[]; order: string }> {
  if (isLocalhostName(name)) return { addresses: LOCALHOST_ADDRESSES.map((a) => ({ ...a })), order: 'localhost' };
  const resolver = new dns.promises.Resolver({ timeout: Math.max(1, Math.floor(timeoutMs)), tries: 1 });
  resolver.setServers(servers);
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses: ResolvedAddress[] = [];
  if (v4.status === 'fulfilled') addresses.push(...v4.value.map((address) => ({ address, family: 4 as const })));
  if (v6.status === 'fulfilled') addresses.push(...v6.value.map((address) => ({ address, family: 6 as const })));
  if (addresses.length > 0) return { addresses, order: 'servers' };
  const errors = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as { code?: string }] : []));
  // "No such name" only when every answer said so; any other error is the more useful one.
  const notFound = (e: { code?: string }): boolean => e.code === 'ENOTFOUND' || e.code === 'ENODATA';
  const worst = errors.find((e) => !notFound(e)) ?? errors[0];
  if (worst) throw worst;
  throw Object.assign(new Error(`${name} has no addresses`), { code: 'ENODATA' });
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: NetFailure };

/** Races a promise against a timer and a signal; classifies a rejection as a DNS failure. */
function withDeadline<T>(work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<Outcome<T>> {
  // Handled at once, so an abandoned lookup (deadline or signal first) that fails later is never unhandled.
  const settled = work.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (err: unknown): Outcome<T> => ({ ok: false, failure: classify(err, { phase: 'dns' }) }),
  );
  return settleOnce<Outcome<T>>(
    {
      timeoutMs,
      signal,
      onTimeout: () => ({ ok: false, failure: makeFailure('dns-timeout', OWN_CODES.deadline, `no answer within ${timeoutMs} ms`, { phase: 'dns' }) }),
      onAbort: () => ({ ok: false, failure: makeFailure('aborted', OWN_CODES.aborted, 'aborted', { phase: 'dns' }) }),
    },
    (s) => {
      void settled.then((outcome) => s.settle(outcome));
    },
  );
}

/**
 * A `lookup` for `net.connect`/`tls.connect` that asks the given DNS servers instead of the
 * system resolver. Lets a request be made "as if DNS were X" (and lets tests use a loopback
 * DNS server). Honours `all` and `family` as `dns.lookup` does.
 */
export function serversLookup(servers: string[], timeoutMs: number): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    const name = normalHost(hostname);
    const literal = isIP(name);
    const lookup: Promise<ResolvedAddress[]> =
      literal !== 0 ? Promise.resolve([{ address: name, family: family(literal) }]) : resolveWithServers(name, servers, timeoutMs).then((r) => r.addresses);
    lookup.then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const first = wanted[0];
        if (!first) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name }));
        } else if (options.all) {
          callback(null, wanted);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (err: unknown) => callback(err),
    );
  }) as LookupFunction;
}
