/**
 * Proxy: whether HTTPS_PROXY/HTTP_PROXY (and NO_PROXY) send the gateway through a proxy, and if
 * so whether the proxy opens a tunnel to it (CONNECT), asks for credentials (407) or refuses.
 * Claude Desktop itself follows the OS proxy settings; the doctor follows the environment, so
 * the details say which variable decided.
 */
import { defineCheck, fail, ok, type CheckOutcome } from '../contract/check.js';
import { defaultPort, extraCas, gatewayUrl, probeTimeout, proxyDecision } from '../gateway/endpoint.js';
import { failureDetails, NET_CODE_INFO, NET_FAILURE_CODES, netCode } from '../gateway/failure-codes.js';
import { proxyConnect } from '../net/index.js';

const NOTE = 'Claude Desktop uses the operating system’s proxy settings; the doctor uses HTTPS_PROXY/HTTP_PROXY/NO_PROXY. Make them agree.';

export default defineCheck({
  id: 'proxy',
  title: 'Proxy',
  group: 'network',
  needs: ['tcp'],
  codes: NET_CODE_INFO,
  async run(ctx): Promise<CheckOutcome> {
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
    const result = await proxyConnect(proxy, url.hostname.replace(/^\[|\]$/g, ''), defaultPort(url), { timeoutMs: probeTimeout(ctx), signal: ctx.signal, ca: pems });
    const details: Record<string, unknown> = { proxied: true, proxy: proxy.display, source: proxy.source, authenticated: Boolean(proxy.credentials), note: NOTE };
    if (!result.ok) {
      Object.assign(details, failureDetails(result.failure), result.proxyAuthenticate ? { proxyAuthenticate: result.proxyAuthenticate } : {});
      const status = result.status ? ` (HTTP ${result.status})` : '';
      return fail(netCode(result.failure), `${proxy.display}: ${result.failure.kind.replace(/-/g, ' ')}${status}`, { details });
    }
    result.socket.destroy();
    return ok(`tunnel to ${url.host} through ${proxy.display} (${proxy.source}) in ${Math.round(result.timings.tunnelMs ?? 0)} ms`, details);
  },
});
