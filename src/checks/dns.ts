/**
 * DNS: the first hop's name resolves (the proxy's when a proxy is used — the proxy resolves
 * the gateway's name itself). All addresses and families, and the one a connection tries first.
 */
import { defineCheck, fail, ok, type CheckOutcome } from '../core/check.js';
import { firstHop, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, firstHopFailure, NET_CODE_INFO, netCode } from '../gateway/failure-codes.js';
import { resolveHost } from '../net/index.js';

export default defineCheck({
  id: 'dns',
  title: 'DNS',
  group: 'network',
  needs: ['base-url'],
  codes: NET_CODE_INFO,
  async run(ctx): Promise<CheckOutcome> {
    const hop = firstHop(ctx);
    const servers = ctx.options.dnsServers;
    const result = await resolveHost(hop.host, { timeoutMs: probeTimeout(ctx), signal: ctx.signal, ...(servers ? { servers } : {}) });
    const what = hop.via === 'proxy' ? `proxy ${hop.host}` : hop.host;
    if (!result.ok) {
      const failure = firstHopFailure(result.failure, hop.via);
      return fail(netCode(failure), `${what}: ${failure.kind.replace(/-/g, ' ')} (${failure.rawCode ?? 'no code'})`, {
        details: { host: hop.host, via: hop.via, durationMs: Math.round(result.durationMs), ...failureDetails(failure) },
      });
    }
    const families = [...new Set(result.addresses.map((a) => `IPv${a.family}`))];
    const details = {
      host: hop.host,
      via: hop.via,
      addresses: result.addresses.map((a) => ({ address: a.address, family: a.family })),
      chosen: result.chosen.address,
      order: result.order,
      literal: result.literal,
      durationMs: Math.round(result.durationMs * 10) / 10,
    };
    if (result.literal) return ok(`${what} is an IP address (no lookup)`, details);
    return ok(`${what} → ${result.chosen.address} (${result.addresses.length} address${result.addresses.length === 1 ? '' : 'es'}, ${families.join('+')}) in ${details.durationMs} ms`, details);
  },
});
