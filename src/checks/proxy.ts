/**
 * Proxy: whether the app's road (decided by the network-path check: the app's own proxy, the OS
 * settings or, on Linux without desktop settings, the environment) goes through a proxy, and if
 * so whether that proxy opens a tunnel to the gateway (CONNECT), asks for credentials (407) or
 * refuses. A 407 asking for the OS login (Negotiate/NTLM/Kerberos) on a proxy the app reaches
 * with the OS login is not the app's problem: said so, and the probes beyond stop there.
 */
import { defineCheck, fail, ok, skip } from '../contract/check.js';
import { bareHostname, defaultPort, extraCas, gatewayUrl, probeTimeout, proxyDecision } from '../gateway/endpoint.js';
import { failureDetails, NET_FAILURE_CODES, netCodeIn, netCodes, PROXY_TUNNEL_KINDS } from '../gateway/failure-codes.js';
import { proxyFailureFix, withFix } from '../gateway/network-path.js';
import tcp from './tcp.js';
import networkPath from './network-path.js';

// The proxy's own kinds, and the TLS kinds of an https:// proxy's certificate.
const KINDS = PROXY_TUNNEL_KINDS;

/** Challenges the app (Chromium) answers with the OS login, which the doctor cannot. */
const OS_LOGIN_SCHEMES = /^(?:negotiate|ntlm|kerberos)\b/i;

export default defineCheck({
  id: 'proxy',
  title: 'Proxy',
  group: 'network',
  needs: [tcp, networkPath],
  codes: {
    ...netCodes(KINDS),
    PROXY_AUTH_BY_OS: {
      title:
        'The proxy asks for the OS login (Negotiate/NTLM/Kerberos): the app answers it, the doctor cannot, so its 407 is expected here and says nothing about the app’s road',
      fix: 'Nothing to fix if the app works. The probes beyond the proxy were not run; to test them, run the doctor where the proxy lets it through, or ask IT to allow the gateway host without authentication.',
    },
  },
  async run(ctx) {
    const path = ctx.upstream(networkPath);
    const decision = proxyDecision(ctx, path);
    if (!decision.proxied) {
      const why =
        decision.reason === 'no-proxy-configured'
          ? path?.bypass
            ? `direct: ${path.bypass} bypasses the proxy`
            : 'no proxy on the app’s road: direct connection'
          : decision.reason === 'no-proxy-wildcard'
            ? `direct: ${decision.noProxySource}=*`
            : `direct: ${decision.noProxySource} lists ${decision.entry}`;
      return ok(why, { proxied: false, reason: decision.reason, ...(path ? { path: path.source } : {}) });
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
      ...(path ? { path: path.source } : {}),
      authenticated: Boolean(proxy.credentials),
    };
    if (!result.ok) {
      Object.assign(details, failureDetails(result.failure), result.proxyAuthenticate ? { proxyAuthenticate: result.proxyAuthenticate } : {});
      const osLogin = (result.proxyAuthenticate ?? []).filter((c) => OS_LOGIN_SCHEMES.test(c));
      if (result.status === 407 && path?.osAuthenticates && osLogin.length > 0) {
        return skip(
          'PROXY_AUTH_BY_OS',
          `${proxy.display} asks for the OS login (${osLogin.map((c) => c.split(/\s/)[0]).join(', ')}): the app answers it, the doctor cannot`,
          { details },
        );
      }
      const status = result.status ? ` (HTTP ${result.status})` : '';
      return fail(netCodeIn(result.failure, KINDS, 'proxy-failure'), `${proxy.display}: ${result.failure.kind.replace(/-/g, ' ')}${status}`, {
        details,
        ...withFix(proxyFailureFix(path)),
      });
    }
    result.socket.destroy();
    return ok(
      `tunnel to ${url.host} through ${proxy.display} (${path ? path.source : proxy.source}) in ${Math.round(result.timings.tunnelMs ?? 0)} ms`,
      details,
    );
  },
});
