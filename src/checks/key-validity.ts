/**
 * Key validity: `GET /v1/models` with the configured auth scheme and extra headers, exactly as
 * the app discovers models. Proves the key is valid and can list the workspace's catalog.
 */
import { defineCheck, fail, finding, ok, skip, warn, type CheckOutcome } from '../contract/check.js';
import { apiKey, appHeaders, authScheme, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, NET_CODE_INFO, netCode } from '../gateway/failure-codes.js';
import { parseJson } from '../gateway/responses.js';
import { describeStatus, diagnoseStatus, GATEWAY_STATUS_CODES } from '../gateway/status-codes.js';
import { httpRequest } from '../net/index.js';

/** At most this many catalog ids go into the report. */
const MAX_IDS = 100;

export default defineCheck({
  id: 'key-validity',
  title: 'API key accepted',
  group: 'gateway',
  needs: ['gateway-http', 'api-key', 'auth-scheme'],
  codes: {
    ...NET_CODE_INFO,
    ...GATEWAY_STATUS_CODES,
    KEY_NOT_AVAILABLE: {
      title: 'No key to test (it may be in the app’s keychain, which the doctor cannot read)',
      fix: 'Give the doctor the key with --api-key-env NAME or --api-key-file FILE (or `portkey-doctor key set`).',
    },
    CATALOG_UNREADABLE: { title: 'The key was accepted, but the model list is not the expected JSON', fix: 'See the details; the gateway may be a different product or version.' },
  },
  async run(ctx): Promise<CheckOutcome> {
    const kind = ctx.upstream('gateway-http')?.details?.kind;
    if (kind === 'portkey-oss') {
      return ok('not applicable: the open-source gateway checks no Portkey key (the provider checks its own)', { gatewayKind: kind });
    }
    const key = apiKey(ctx);
    if (!key) return skip('KEY_NOT_AVAILABLE', 'no key to test');
    const res = await httpRequest({
      ...(await clientOptions(ctx)),
      url: endpoint(ctx, '/v1/models'),
      headers: appHeaders(ctx),
      timeoutMs: probeTimeout(ctx),
      maxBodyBytes: MAX_BODY_BYTES,
      signal: ctx.signal,
    });
    if (!res.ok) return fail(netCode(res.failure), `GET /v1/models: ${res.failure.kind.replace(/-/g, ' ')}`, { details: failureDetails(res.failure) });
    const details: Record<string, unknown> = { status: res.status, scheme: authScheme(ctx), traceId: res.headers['x-portkey-trace-id'], totalMs: Math.round(res.phases.totalMs) };
    if (res.status < 200 || res.status >= 300) {
      const diagnosis = diagnoseStatus(res.status, res.headers, res.body);
      Object.assign(details, { source: diagnosis.error.source, portkeyCode: diagnosis.error.portkeyCode, message: diagnosis.error.message });
      const schemeFix =
        diagnosis.code === 'KEY_INVALID' && authScheme(ctx) === 'x-api-key' ? { fix: 'The key went in x-api-key, which Portkey does not read: set the auth scheme to bearer.' } : {};
      return finding(diagnosis.status, diagnosis.code, describeStatus(res.status, diagnosis), { details, ...schemeFix });
    }
    const json = parseJson(res.body) as { data?: unknown } | undefined;
    if (!json || !Array.isArray(json.data)) return warn('CATALOG_UNREADABLE', `HTTP ${res.status}, but no model list in the answer`, { details });
    const ids = json.data.map((m) => (m && typeof m === 'object' ? (m as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string');
    const providers = [...new Set(ids.map((id) => /^@([^/]+)\//.exec(id)?.[1]).filter((s): s is string => Boolean(s)))];
    Object.assign(details, { catalog: { count: ids.length, providers, ids: ids.slice(0, MAX_IDS), truncated: ids.length > MAX_IDS || res.truncated } });
    return ok(`valid; the catalog lists ${ids.length} model(s)${providers.length ? ` from ${providers.join(', ')}` : ''}`, details);
  },
});
