/**
 * Routing: `POST /v1/messages/count_tokens` with the app's headers and default model exercises
 * the whole route (config, provider, fallbacks) without generating output. Reports the provider
 * that answered, whether a fallback target did, and the trace id to look up in Portkey's logs.
 */
import { defineCheck, fail, finding, ok, warn, type CheckOutcome } from '../contract/check.js';
import { appHeaders, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, NET_CODE_INFO, netCode } from '../gateway/failure-codes.js';
import { probeModel } from '../gateway/models.js';
import { routingHeaders } from '../gateway/responses.js';
import { describeStatus, diagnoseStatus, GATEWAY_STATUS_CODES } from '../gateway/status-codes.js';
import { httpRequest } from '../net/index.js';

export default defineCheck({
  id: 'routing',
  title: 'Routing (count_tokens)',
  group: 'gateway',
  needs: ['key-validity'],
  codes: {
    ...NET_CODE_INFO,
    ...GATEWAY_STATUS_CODES,
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
  },
  async run(ctx): Promise<CheckOutcome> {
    const catalogIds = ((ctx.upstream('key-validity')?.details?.catalog as { ids?: string[] } | undefined)?.ids ?? []) as string[];
    const model = probeModel(ctx, catalogIds);
    const res = await httpRequest({
      ...(await clientOptions(ctx)),
      url: endpoint(ctx, '/v1/messages/count_tokens'),
      method: 'POST',
      headers: appHeaders(ctx, { json: true }),
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
      timeoutMs: probeTimeout(ctx),
      maxBodyBytes: MAX_BODY_BYTES,
      signal: ctx.signal,
    });
    if (!res.ok) return fail(netCode(res.failure), `POST count_tokens: ${res.failure.kind.replace(/-/g, ' ')}`, { details: { model, ...failureDetails(res.failure) } });
    const route = routingHeaders(res.headers);
    const details: Record<string, unknown> = { model, status: res.status, ...route, totalMs: Math.round(res.phases.totalMs) };
    const provider = route.provider ? `provider ${route.provider}` : 'provider not named';
    if (res.status < 200 || res.status >= 300) {
      if (res.status === 404) return warn('ROUTING_PROBE_UNSUPPORTED', `count_tokens answered 404 for ${model} (${provider})`, { details });
      const diagnosis = diagnoseStatus(res.status, res.headers, res.body);
      Object.assign(details, { source: diagnosis.error.source, portkeyCode: diagnosis.error.portkeyCode, message: diagnosis.error.message });
      return finding(diagnosis.status, diagnosis.code, `${describeStatus(res.status, diagnosis)} (${provider})`, { details });
    }
    const expected = ctx.policy?.routing?.expectedProviders ?? [];
    if (expected.length > 0 && route.provider && !expected.some((p) => route.provider === p || route.provider!.includes(p))) {
      return fail('ROUTING_UNEXPECTED_PROVIDER', `${route.provider} answered; the policy expects ${expected.join(' or ')}`, { details });
    }
    const trace = route.traceId ? `, trace ${route.traceId}` : '';
    if (route.fallbackUsed) return warn('ROUTING_FALLBACK_USED', `a fallback (${route.lastUsedOptionIndex}) answered via ${provider}${trace}`, { details });
    return ok(`${model} routes to ${route.provider ?? 'an unnamed provider'}${trace}`, details);
  },
});
