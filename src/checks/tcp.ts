/**
 * TCP: the first hop accepts a connection. Every address family found is tried: a broken IPv6
 * path beside a working IPv4 one is a warning (connections may stall before falling back).
 */
import { defineCheck, fail, ok, warn, type CheckOutcome } from '../core/check.js';
import { firstHop, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, firstHopFailure, NET_CODE_INFO, netCode } from '../gateway/failure-codes.js';
import { tcpConnect, type ResolvedAddress, type TcpResult } from '../net/index.js';

export default defineCheck({
  id: 'tcp',
  title: 'TCP connect',
  group: 'network',
  needs: ['dns'],
  codes: {
    ...NET_CODE_INFO,
    TCP_FAMILY_PARTIAL: {
      title: 'One address family connects and the other does not',
      fix: 'IPv6 (or IPv4) to the gateway is broken on this network; connections may stall before falling back. Ask IT to fix the route, or disable the broken family.',
    },
  },
  async run(ctx): Promise<CheckOutcome> {
    const hop = firstHop(ctx);
    const parsed = (ctx.upstream('dns')?.details?.addresses as ResolvedAddress[] | undefined) ?? [];
    // One attempt per family (the first address of each), in the resolver's order.
    const perFamily = [...new Map(parsed.map((a) => [a.family, a])).values()];
    if (perFamily.length === 0) perFamily.push({ address: hop.host, family: hop.host.includes(':') ? 6 : 4 });
    const timeoutMs = probeTimeout(ctx, 1 / perFamily.length);
    const results: TcpResult[] = (await Promise.all(perFamily.map((a) => tcpConnect(a.address, a.family, hop.port, { timeoutMs, signal: ctx.signal })))).map((r) =>
      // Refused/unreachable first hop through a proxy is the proxy's failure, as the HTTP layer reports it.
      r.ok ? r : { ...r, failure: firstHopFailure(r.failure, hop.via) },
    );
    const details = {
      port: hop.port,
      via: hop.via,
      attempts: results.map((r) => (r.ok ? { address: r.address, family: r.family, connectMs: round(r.connectMs) } : { address: r.address, family: r.family, ...failureDetails(r.failure) })),
    };
    const good = results.filter((r) => r.ok);
    const first = results[0]!;
    if (good.length === 0) {
      const f = (first as Extract<TcpResult, { ok: false }>).failure;
      return fail(netCode(f), `${first.address}:${hop.port}: ${f.kind.replace(/-/g, ' ')}`, { details });
    }
    if (good.length < results.length) {
      const bad = results.find((r) => !r.ok)!;
      return warn('TCP_FAMILY_PARTIAL', `IPv${good[0]!.family} connects, IPv${bad.family} does not (${(bad as Extract<TcpResult, { ok: false }>).failure.kind})`, { details });
    }
    const okFirst = good[0] as Extract<TcpResult, { ok: true }>;
    return ok(`${okFirst.address}:${hop.port}${hop.via === 'proxy' ? ' (proxy)' : ''} in ${round(okFirst.connectMs)} ms`, details);
  },
});

const round = (n: number) => Math.round(n * 10) / 10;
