/**
 * Key validity: `GET /v1/models` with the configured auth scheme and extra headers, exactly as
 * the app discovers models. Proves the key is valid and can list the workspace's catalog, and
 * hands the catalog (and the gateway's kind) on to the gateway checks after it.
 */
import { defineCheck, fail, finding, ok, skip, warn } from '../contract/check.js';
import { apiKey as keyOf, appHeaders, authScheme as schemeOf, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import { describeFailure, failureDetails, netCode, netCodes, REQUEST_KINDS } from '../gateway/failure-codes.js';
import { parseJson } from '../gateway/responses.js';
import { describeStatus, diagnoseStatus, GATEWAY_STATUS_CODES } from '../gateway/status-codes.js';
import apiKey from './api-key.js';
import authScheme from './auth-scheme.js';
import gatewayHttp, { type GatewayKind } from './gateway-http.js';
import networkPath from './network-path.js';
import tls from './tls.js';

/** At most this many catalog ids go into the report (and are handed on). */
const MAX_IDS = 100;

/** What the key's `GET /v1/models` showed of its workspace's Model Catalog. */
export interface Catalog {
  /** How many models the catalog lists (all of them, not only those in `ids`). */
  count: number;
  /** Integration slugs named in the ids (`@slug/model`), in order of first appearance. */
  providers: string[];
  /** The first {@link MAX_IDS} ids. */
  ids: string[];
  /** Some ids are missing from `ids` (more than {@link MAX_IDS}, or the answer was cut short). */
  truncated: boolean;
}

/** What the key-validity check hands on to workspace-scope, routing, live-message and latency. */
export interface KeyValidityData {
  /** The catalog, when the key was accepted and the answer listed models. */
  catalog?: Catalog;
  /** The kind of gateway the gateway-http check found (the open-source one has no cheap authenticated endpoint). */
  gatewayKind?: GatewayKind;
}

export default defineCheck({
  id: 'key-validity',
  title: 'API key accepted',
  group: 'gateway',
  needs: [gatewayHttp, apiKey, authScheme, networkPath, tls],
  codes: {
    ...netCodes(REQUEST_KINDS),
    ...GATEWAY_STATUS_CODES,
    KEY_NOT_AVAILABLE: {
      title: 'No key to test (it may be in the app’s keychain, which the doctor cannot read)',
      fix: 'Give the doctor the key with --api-key-env NAME or --api-key-file FILE (or `portkey-doctor key set`).',
    },
    CATALOG_UNREADABLE: {
      title: 'The key was accepted, but the model list is not the expected JSON',
      fix: 'See the details; the gateway may be a different product or version.',
    },
  },
  async run(ctx) {
    const kind = ctx.upstream(gatewayHttp)?.kind;
    const data: KeyValidityData = kind ? { gatewayKind: kind } : {};
    if (kind === 'portkey-oss') {
      return ok('not applicable: the open-source gateway checks no Portkey key (the provider checks its own)', { gatewayKind: kind }, data);
    }
    const key = keyOf(ctx);
    if (!key) return skip('KEY_NOT_AVAILABLE', 'no key to test');
    const res = await ctx.net.httpRequest({
      ...(await clientOptions(ctx, ctx.upstream(networkPath), ctx.upstream(tls))),
      url: endpoint(ctx, '/v1/models'),
      headers: appHeaders(ctx),
      timeoutMs: probeTimeout(ctx),
      maxBodyBytes: MAX_BODY_BYTES,
      signal: ctx.signal,
    });
    if (!res.ok) return fail(netCode(res.failure), `GET /v1/models: ${describeFailure(res.failure)}`, { details: failureDetails(res.failure) });
    const scheme = schemeOf(ctx);
    const details: Record<string, unknown> = {
      status: res.status,
      scheme,
      traceId: res.headers['x-portkey-trace-id'],
      totalMs: Math.round(res.phases.totalMs),
    };
    if (res.status < 200 || res.status >= 300) {
      const diagnosis = diagnoseStatus(res.status, res.headers, res.body);
      Object.assign(details, { source: diagnosis.error.source, portkeyCode: diagnosis.error.portkeyCode, message: diagnosis.error.message });
      // Portkey reads the key from Authorization only: a rejected key sent as x-api-key may be a good key in the wrong header.
      // Already on bearer, the scheme is right: only the key is left to fix.
      const schemeFix =
        diagnosis.code === 'KEY_INVALID' && scheme === 'x-api-key'
          ? { fix: 'The key went in x-api-key, which Portkey does not read: set the auth scheme to bearer.' }
          : diagnosis.code === 'KEY_INVALID' && scheme === 'bearer'
            ? {
                fix: 'Create or copy a valid Portkey API key (Portkey → API Keys) and paste it as the Gateway API key; the auth scheme (bearer) is already right. Check the key is not expired or revoked, and belongs to this Portkey organisation.',
              }
            : {};
      // A warning (429) still lets the checks after this one run: they get the gateway's kind.
      return finding(diagnosis.status, diagnosis.code, describeStatus(res.status, diagnosis), { details, data, ...schemeFix });
    }
    const catalog = readCatalog(res.body, res.truncated);
    if (!catalog) return warn('CATALOG_UNREADABLE', `HTTP ${res.status}, but no model list in the answer`, { details, data });
    details.catalog = catalog;
    const { count, providers } = catalog;
    return ok(`valid; the catalog lists ${count} model(s)${providers.length ? ` from ${providers.join(', ')}` : ''}`, details, { ...data, catalog });
  },
});

/** The catalog in a `/v1/models` answer (`{ data: [{ id }, …] }`); undefined when there is no list. */
function readCatalog(body: string, cutShort: boolean): Catalog | undefined {
  const json = parseJson(body);
  const list = json && typeof json === 'object' ? (json as { data?: unknown }).data : undefined;
  if (!Array.isArray(list)) return undefined;
  const ids = list.map((m) => (m && typeof m === 'object' ? (m as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string');
  const providers = [...new Set(ids.map((id) => /^@([^/]+)\//.exec(id)?.[1]).filter((s): s is string => Boolean(s)))];
  return { count: ids.length, providers, ids: ids.slice(0, MAX_IDS), truncated: ids.length > MAX_IDS || cutShort };
}
