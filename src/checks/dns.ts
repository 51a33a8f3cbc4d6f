/**
 * DNS: the first hop's name resolves (the proxy's when a proxy is used — the proxy resolves
 * the gateway's name itself). All addresses and families, and the one a connection tries first.
 * Hands the addresses on to the TCP and TLS checks.
 */
import { defineCheck, fail, ok } from '../contract/check.js';
import { firstHop, probeTimeout } from '../gateway/endpoint.js';
import { describeFailure, DNS_KINDS, failureDetails, firstHopFailure, netCodeIn, netCodes, PROXY_HOP_KINDS } from '../gateway/failure-codes.js';
import { proxyFailureFix, withFix } from '../gateway/network-path.js';
import type { ResolvedAddress } from '../contract/io.js';
import baseUrl from './base-url.js';
import networkPath from './network-path.js';

const KINDS = [...DNS_KINDS, ...PROXY_HOP_KINDS] as const;

/** What the DNS check hands on. */
export interface DnsData {
  /** Every address, in the order a connection tries them. */
  addresses: ResolvedAddress[];
  /** The address a connection tries first. */
  chosen: string;
}

export default defineCheck({
  id: 'dns',
  title: 'DNS',
  group: 'network',
  needs: [baseUrl, networkPath],
  codes: netCodes(KINDS),
  async run(ctx) {
    const path = ctx.upstream(networkPath);
    const hop = firstHop(ctx, path);
    const servers = ctx.options.dnsServers;
    const result = await ctx.net.resolveHost(hop.host, { timeoutMs: probeTimeout(ctx), signal: ctx.signal, ...(servers ? { servers } : {}) });
    const what = hop.via === 'proxy' ? `proxy ${hop.host}` : hop.host;
    if (!result.ok) {
      const failure = firstHopFailure(result.failure, hop.via);
      return fail(
        netCodeIn(failure, KINDS, hop.via === 'proxy' ? 'proxy-failure' : 'dns-failure'),
        `${describeFailure(failure, what)} (${failure.rawCode ?? 'no code'})`,
        {
          details: { host: hop.host, via: hop.via, durationMs: Math.round(result.durationMs), ...failureDetails(failure) },
          ...withFix(hop.via === 'proxy' ? proxyFailureFix(path) : undefined),
        },
      );
    }
    const families = [...new Set(result.addresses.map((a) => `IPv${a.family}`))];
    const addresses = result.addresses.map((a) => ({ address: a.address, family: a.family }));
    const data: DnsData = { addresses, chosen: result.chosen.address };
    const details = {
      host: hop.host,
      via: hop.via,
      addresses,
      chosen: result.chosen.address,
      order: result.order,
      literal: result.literal,
      durationMs: Math.round(result.durationMs * 10) / 10,
    };
    if (result.literal) return ok(`${what} is an IP address (no lookup)`, details, data);
    return ok(
      `${what} → ${result.chosen.address} (${result.addresses.length} address${result.addresses.length === 1 ? '' : 'es'}, ${families.join('+')}) in ${details.durationMs} ms`,
      details,
      data,
    );
  },
});
