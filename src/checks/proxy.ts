/**
 * Proxy: whether HTTPS_PROXY/HTTP_PROXY (and NO_PROXY) send the gateway through a proxy, and if
 * so whether the proxy opens a tunnel to it (CONNECT), asks for credentials (407) or refuses.
 * Claude Desktop itself follows the OS proxy settings; the doctor follows the environment, so
 * the details say which variable decided.
 */
import { defineCheck, fail, ok } from '../contract/check.js';
import { bareHostname, defaultPort, extraCas, gatewayUrl, probeTimeout, proxyDecision } from '../gateway/endpoint.js';
import { failureDetails, NET_FAILURE_CODES, netCodeIn, netCodes, PROXY_TUNNEL_KINDS } from '../gateway/failure-codes.js';
import tcp from './tcp.js';

const NOTE = 'Claude Desktop uses the operating system’s proxy settings; the doctor uses HTTPS_PROXY/HTTP_PROXY/NO_PROXY. Make them agree.';

// The proxy's own kinds, and the TLS kinds of an https:// proxy's certificate.
const KINDS = PROXY_TUNNEL_KINDS;

export default defineCheck({
  id: 'proxy',
  title: 'Proxy',
  group: 'network',
  needs: [tcp],
  codes: netCodes(KINDS),
  async run(ctx) {
    const decision = proxyDecision(ctx);
    if (!decision.proxied) {
      const why =
        decision.reason === 'no-proxy-configured'
          ? 'no proxy configured: direct connection'
          : decision.reason === 'no-proxy-wildcard'
            ? `direct: ${decision.noProxySource}=*`
            : `direct: ${decision.noProxySource} lists ${decision.entry}`;
      return ok(why, { proxied: false, reason: decision.reason, note: NOTE });
    }
    const proxy = decision.proxy;
    if (proxy.problem) {
      const kind = proxy.problem === 'invalid-url' ? 'proxy-invalid-url' : 'proxy-unsupported';
      return fail(NET_FAILURE_CODES[kind].code, `${proxy.source} is not a usable proxy URL (${proxy.problem})`, { details: { source: proxy.source } });
    }
    const url = gatewayUrl(ctx);
    const { pems } = await extraCas(ctx);
    const result = await ctx.net.proxyConnect(proxy, bareHostname(url), defaultPort(url), {
      timeoutMs: probeTimeout(ctx),
      signal: ctx.signal,
      ca: pems,
      ...(ctx.options.dnsServers ? { servers: ctx.options.dnsServers } : {}),
    });
    const details: Record<string, unknown> = {
      proxied: true,
      proxy: proxy.display,
      source: proxy.source,
      authenticated: Boolean(proxy.credentials),
      note: NOTE,
    };
    if (!result.ok) {
      Object.assign(details, failureDetails(result.failure), result.proxyAuthenticate ? { proxyAuthenticate: result.proxyAuthenticate } : {});
      const status = result.status ? ` (HTTP ${result.status})` : '';
      return fail(netCodeIn(result.failure, KINDS, 'proxy-failure'), `${proxy.display}: ${result.failure.kind.replace(/-/g, ' ')}${status}`, { details });
    }
    result.socket.destroy();
    return ok(`tunnel to ${url.host} through ${proxy.display} (${proxy.source}) in ${Math.round(result.timings.tunnelMs ?? 0)} ms`, details);
  },
});
