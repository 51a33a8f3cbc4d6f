/**
 * TCP: the first hop accepts a connection. Every address family found is tried: a broken IPv6
 * path beside a working IPv4 one is a warning (connections may stall before falling back).
 */
import { defineCheck, fail, ok, warn } from '../contract/check.js';
import { firstHop, probeTimeout } from '../gateway/endpoint.js';
import { describeFailure, failureDetails, firstHopFailure, netCodeIn, netCodes, PROXY_HOP_KINDS, TCP_KINDS } from '../gateway/failure-codes.js';
import { proxyFailureFix, withFix } from '../gateway/network-path.js';
import type { TcpResult } from '../contract/io.js';
import dns from './dns.js';
import networkPath from './network-path.js';

const KINDS = [...TCP_KINDS, ...PROXY_HOP_KINDS] as const;

type Connected = Extract<TcpResult, { ok: true }>;
type Failed = Extract<TcpResult, { ok: false }>;

export default defineCheck({
  id: 'tcp',
  title: 'TCP connect',
  group: 'network',
  needs: [dns, networkPath],
  codes: {
    ...netCodes(KINDS),
    TCP_FAMILY_PARTIAL: {
      title: 'One address family connects and the other does not',
      fix: 'IPv6 (or IPv4) to the gateway is broken on this network; connections may stall before falling back. Ask IT to fix the route, or disable the broken family.',
    },
  },
  async run(ctx) {
    const path = ctx.upstream(networkPath);
    const hop = firstHop(ctx, path);
    const resolved = ctx.upstream(dns)?.addresses ?? [];
    // One attempt per family (the first address of each), in the resolver's order.
    const perFamily = [...new Map(resolved.map((a) => [a.family, a])).values()];
    if (perFamily.length === 0) perFamily.push({ address: hop.host, family: hop.host.includes(':') ? 6 : 4 });
    const timeoutMs = probeTimeout(ctx, 1 / perFamily.length);
    const results: TcpResult[] = (
      await Promise.all(perFamily.map((a) => ctx.net.tcpConnect(a.address, a.family, hop.port, { timeoutMs, signal: ctx.signal })))
    ).map((r) =>
      // Refused/unreachable first hop through a proxy is the proxy's failure, as the HTTP layer reports it.
      r.ok ? r : { ...r, failure: firstHopFailure(r.failure, hop.via) },
    );
    const details = {
      port: hop.port,
      via: hop.via,
      attempts: results.map((r) =>
        r.ok ? { address: r.address, family: r.family, connectMs: round(r.connectMs) } : { address: r.address, family: r.family, ...failureDetails(r.failure) },
      ),
    };
    const good = results.filter((r): r is Connected => r.ok);
    const bad = results.filter((r): r is Failed => !r.ok);
    const fallback = hop.via === 'proxy' ? 'proxy-failure' : 'tcp-failure';
    const [firstGood] = good;
    if (!firstGood) {
      const first = bad[0]!;
      return fail(
        netCodeIn(first.failure, KINDS, fallback),
        describeFailure(first.failure, `${first.address.includes(':') ? `[${first.address}]` : first.address}:${hop.port}`),
        { details, ...withFix(hop.via === 'proxy' ? proxyFailureFix(path) : undefined) },
      );
    }
    const [firstBad] = bad;
    if (firstBad) return warn('TCP_FAMILY_PARTIAL', `IPv${firstGood.family} connects, IPv${firstBad.family} does not (${firstBad.failure.kind})`, { details });
    return ok(`${firstGood.address}:${hop.port}${hop.via === 'proxy' ? ' (proxy)' : ''} in ${round(firstGood.connectMs)} ms`, details);
  },
});

const round = (n: number) => Math.round(n * 10) / 10;
