/**
 * Routing: `POST /v1/messages/count_tokens` with the app's headers and default model exercises
 * the whole route (config, provider, fallbacks) without generating output. Reports the provider
 * that answered, whether a fallback target did, and the trace id to look up in Portkey's logs.
 * The open-source gateway 1.15.2 cannot count tokens (it answers 500 although the provider
 * answered, docs/decisions.md "Real gateways"): then the route is named from the settings and
 * the probe left to --live.
 */
import { type CodeOf, type CodeTable, defineCheck, type Finding, fail, finding, findings, ok, problem, warn } from '../contract/check.js';
import { appHeaders, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, netCode, netCodes, REQUEST_KINDS } from '../gateway/failure-codes.js';
import { probeModel } from '../gateway/models.js';
import { isOssPassthroughCrash } from '../gateway/oss.js';
import { routingHeaders } from '../gateway/responses.js';
import { describeRoute, settingsRoute } from '../gateway/route.js';
import { describeStatus, diagnoseStatus, gatewayStatusCodes } from '../gateway/status-codes.js';
import keyValidity from './key-validity.js';
import networkPath from './network-path.js';
import tls from './tls.js';

/** The routing check's own codes (beside the network's and the gateway status codes). */
const codes = {
  ROUTING_UNEXPECTED_PROVIDER: {
    title: 'A provider the policy does not expect answered',
    fix: 'Check the config attached to the key (or x-portkey-config): its targets route to another provider.',
  },
  ROUTING_FALLBACK_USED: {
    title: 'A fallback target answered, not the first one: the primary target is failing',
    fix: 'Look up the trace id in Portkey’s logs to see why the first target failed.',
  },
  ROUTING_PROBE_UNSUPPORTED: {
    title: 'The route does not support count_tokens (404), so routing could not be probed without spending tokens',
    fix: 'Run with --live to probe with one real (tiny, billed) request.',
  },
  ROUTING_GATEWAY_CANNOT_COUNT: {
    title: 'The open-source gateway cannot count tokens (HTTP 500 although the provider answered), so routing could not be probed without spending tokens',
    fix: 'Nothing in the settings causes this: run with --live to send one real (tiny, billed) streamed message through the route, as the app does.',
  },
} as const satisfies CodeTable;

export default defineCheck({
  id: 'routing',
  title: 'Routing (count_tokens)',
  group: 'gateway',
  needs: [keyValidity, networkPath, tls],
  codes: {
    ...netCodes(REQUEST_KINDS),
    // A 404 here is the route's, not the base URL's (key-validity already read /v1/models): ROUTING_PROBE_UNSUPPORTED.
    ...gatewayStatusCodes('ENDPOINT_NOT_FOUND'),
    ...codes,
  },
  async run(ctx) {
    const upstream = ctx.upstream(keyValidity);
    const model = probeModel(ctx, upstream?.catalog?.ids);
    const res = await ctx.net.httpRequest({
      ...(await clientOptions(ctx, ctx.upstream(networkPath), ctx.upstream(tls))),
      url: endpoint(ctx, '/v1/messages/count_tokens'),
      method: 'POST',
      headers: appHeaders(ctx, { json: true }),
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
      timeoutMs: probeTimeout(ctx),
      maxBodyBytes: MAX_BODY_BYTES,
      signal: ctx.signal,
    });
    if (!res.ok) {
      return fail(netCode(res.failure), `POST count_tokens: ${res.failure.kind.replace(/-/g, ' ')}`, { details: { model, ...failureDetails(res.failure) } });
    }
    const route = routingHeaders(res.headers);
    const details: Record<string, unknown> = { model, status: res.status, ...route, totalMs: Math.round(res.phases.totalMs) };
    const provider = route.provider ? `provider ${route.provider}` : 'provider not named';
    if (res.status < 200 || res.status >= 300) {
      const diagnosis = diagnoseStatus(res.status, res.headers, res.body);
      if (diagnosis.code === 'ENDPOINT_NOT_FOUND') {
        return warn('ROUTING_PROBE_UNSUPPORTED', `count_tokens answered 404 for ${model} (${provider})`, { details });
      }
      // The open-source gateway's defect, not the user's setup: name the route the settings give.
      if (upstream?.gatewayKind === 'portkey-oss' && isOssPassthroughCrash(res.status, res.headers)) {
        const routesTo = settingsRoute(ctx.target);
        Object.assign(details, { gatewayKind: upstream.gatewayKind, routesTo, message: diagnosis.error.message });
        const next = ctx.options.live ? 'see the live-message check for a real streamed message' : 'run with --live to send one real streamed message';
        const why = `the open-source gateway cannot count tokens (its own HTTP ${res.status}, not the settings)`;
        return warn('ROUTING_GATEWAY_CANNOT_COUNT', `${why}; the settings route to ${describeRoute(routesTo)}; ${next}`, {
          details,
          ...(ctx.options.live ? { fix: 'See the live-message check: it sent one real streamed message through the route.' } : {}),
        });
      }
      Object.assign(details, { source: diagnosis.error.source, portkeyCode: diagnosis.error.portkeyCode, message: diagnosis.error.message });
      return finding(diagnosis.status, diagnosis.code, `${describeStatus(res.status, diagnosis)} (${provider})`, { details });
    }
    const trace = route.traceId ? `, trace ${route.traceId}` : '';
    // Both at once when both hold: a provider the policy does not expect answered, as a fallback.
    const found: Finding<CodeOf<typeof codes>>[] = [];
    const expected = ctx.policy?.routing?.expectedProviders ?? [];
    const answered = route.provider;
    if (expected.length > 0 && answered && !expected.some((p) => answered === p || answered.includes(p))) {
      found.push(problem('fail', 'ROUTING_UNEXPECTED_PROVIDER', `${answered} answered; the policy expects ${expected.join(' or ')}`, { details }));
    }
    if (route.fallbackUsed) {
      found.push(problem('warn', 'ROUTING_FALLBACK_USED', `a fallback (${route.lastUsedOptionIndex}) answered via ${provider}${trace}`, { details }));
    }
    return findings(found, ok(`${model} routes to ${answered ?? 'an unnamed provider'}${trace}`, details));
  },
});
