/**
 * HTTP: the gateway answers as an API, and which kind it is — Portkey SaaS, a self-hosted
 * enterprise gateway (`/v1/health`), the open-source gateway (`GET /` says hey) — or what else
 * answered: a captive portal, a proxy's block page, a redirect to a login, an HTML page where
 * an API was expected. No key is sent here. The summary quotes the answer that identified the
 * gateway: the open-source gateway's greeting, the enterprise gateway's health, else
 * `/v1/models` — not a 500 the open-source gateway gives on `/v1/models` although its provider
 * answered (docs/decisions.md, "Real gateways").
 */
import { defineCheck, fail, ok, warn, type CheckContext, type CodeOf, type CodeTable, type Outcome } from '../contract/check.js';
import type { HttpOk, HttpResult } from '../contract/io.js';
import { PORTKEY_SAAS_API_HOSTS } from '../core/portkey.js';
import {
  appHeaders,
  bareHostname,
  clientOptions,
  defaultPort,
  endpoint,
  gatewayUrl,
  MAX_BODY_BYTES,
  probeTimeout,
  proxyDecision,
} from '../gateway/endpoint.js';
import { describeFailure, failureDetails, KEYLESS_REQUEST_KINDS, netCodeIn, netCodes } from '../gateway/failure-codes.js';
import type { NetworkPath } from '../gateway/network-path.js';
import { isOssPassthroughCrash, OSS_GREETING } from '../gateway/oss.js';
import { htmlTitle, isHtml, isJson, parseJson, readError } from '../gateway/responses.js';
import tls from './tls.js';
import networkPath from './network-path.js';

/** What answered at the base URL: which Portkey gateway, or an API that is not recognisably Portkey. */
export type GatewayKind = 'portkey-saas' | 'portkey-enterprise' | 'portkey-oss' | 'portkey' | 'unknown-api';

/** What the gateway-http check hands on (when it passes or warns). */
export interface GatewayHttpData {
  /** The kind of gateway that answered (also in the report's `details.kind`). */
  kind: GatewayKind;
}

// Whole requests cross every layer (DNS to HTTP); this probe carries no key, so it is never
// refused for sending one in clear.
const KINDS = KEYLESS_REQUEST_KINDS;

const codes = {
  ...netCodes(KINDS),
  HTTP_HTML_PAGE: {
    title: 'An HTML page answered where the gateway API was expected (captive portal, proxy block page, or a website)',
    fix: 'Open the base URL in a browser: log in to the Wi-Fi portal, or ask IT to allow the gateway through the web filter; check that the base URL is the API, not a website.',
  },
  HTTP_REDIRECTED: {
    title: 'The gateway URL redirects elsewhere (a login page or captive portal)',
    fix: 'Use the final API URL as the base URL, or complete the network login the redirect points to.',
  },
  HTTP_GATEWAY_DOWN: {
    title: 'The gateway (or a load balancer in front of it) answers with a server error',
    fix: 'The gateway is down or overloaded: check its status page or tell its operator.',
  },
  HTTP_NOT_A_GATEWAY: {
    title: 'Something answers, but not a Portkey gateway API (no JSON on /v1/models)',
    fix: 'Check the base URL: it must be the gateway’s API root (e.g. https://api.portkey.ai).',
  },
  HTTP_UNKNOWN_API: {
    title: 'An API answers, but it does not identify as a Portkey gateway',
    fix: 'If this is not your Portkey gateway, correct the base URL; logs only appear in Portkey for requests through Portkey.',
  },
} as const satisfies CodeTable;

type GatewayOutcome = Outcome<CodeOf<typeof codes>, GatewayHttpData>;

export default defineCheck({
  id: 'gateway-http',
  title: 'Gateway answers',
  group: 'network',
  needs: [tls, networkPath],
  codes,
  async run(ctx) {
    const client = ctx.net.createHttpClient(await clientOptions(ctx, ctx.upstream(networkPath), ctx.upstream(tls)));
    const headers = appHeaders(ctx, { unauthenticated: true }); // no key, no credential header, on an unauthenticated probe
    const timeoutMs = probeTimeout(ctx, 1 / 3);
    const get = (path: string): Promise<HttpResult> =>
      client.request({ url: endpoint(ctx, path), headers, timeoutMs, maxBodyBytes: MAX_BODY_BYTES, signal: ctx.signal });
    try {
      const models = await get('/v1/models');
      if (!models.ok) {
        // A TLS server cuts a plain-HTTP request without a byte (Node's does): say "wrong scheme", not "reset".
        if (models.failure.kind === 'http-reset' && (await speaksTls(ctx, ctx.upstream(networkPath), timeoutMs))) {
          const url = gatewayUrl(ctx);
          return fail('HTTP_PROTOCOL', `${url.host} speaks TLS, not plain HTTP`, {
            fix: `Use https:// in the base URL: ${url.origin.replace(/^http:/, 'https:')}.`,
            details: { ...failureDetails(models.failure), speaksTls: true, phases: models.phases },
          });
        }
        return fail(netCodeIn(models.failure, KINDS, 'http-failure'), `GET /v1/models: ${describeFailure(models.failure)}`, {
          details: { ...failureDetails(models.failure), phases: models.phases },
        });
      }
      const verdict = judgeNonApi(models);
      if (verdict) return verdict;
      const [root, health] = await Promise.all([get('/'), get('/v1/health')]);
      const kind = gatewayKind(gatewayUrl(ctx), models, root, health);
      const seen = evidence(kind, models, root, health);
      const message = readError(models.headers, models.body).message;
      const details = {
        kind,
        status: models.status,
        phases: models.phases,
        ...(message ? { message } : {}),
        evidence: { probe: seen.probe, status: seen.res.status, totalMs: Math.round(seen.res.phases.totalMs) },
        ...(kind === 'portkey-oss' && isOssPassthroughCrash(models.status, models.headers)
          ? { note: `GET /v1/models: the open-source gateway's own HTTP ${models.status} after its provider answered (a gateway defect, not the settings)` }
          : {}),
      };
      const data: GatewayHttpData = { kind };
      const label = LABEL[kind];
      if (kind === 'unknown-api') return warn('HTTP_UNKNOWN_API', `an API answers at ${gatewayUrl(ctx).host}, but not recognisably Portkey`, { details, data });
      const answered = seen.probe === 'GET /v1/models' ? `HTTP ${seen.res.status}` : `${seen.probe} ${seen.res.status}`;
      return ok(`${label} answers (${answered} in ${Math.round(seen.res.phases.totalMs)} ms)`, details, data);
    } finally {
      await client.close();
    }
  },
});

const LABEL: Record<GatewayKind, string> = {
  'portkey-saas': 'Portkey SaaS',
  'portkey-enterprise': 'self-hosted Portkey enterprise gateway',
  'portkey-oss': 'open-source Portkey gateway',
  portkey: 'a Portkey gateway',
  'unknown-api': 'an unidentified API',
};

/** The answer that shows the gateway is there: the probe that identified its kind, else `/v1/models`. */
function evidence(kind: GatewayKind, models: HttpOk, root: HttpResult, health: HttpResult): { probe: string; res: HttpOk } {
  if (kind === 'portkey-oss' && root.ok) return { probe: 'GET /', res: root };
  if (kind === 'portkey-enterprise' && health.ok) return { probe: 'GET /v1/health', res: health };
  return { probe: 'GET /v1/models', res: models };
}

/** A response that shows something other than an API answered; undefined when it looks like an API. */
function judgeNonApi(res: HttpOk): GatewayOutcome | undefined {
  const details = { status: res.status, contentType: res.headers['content-type'], phases: res.phases };
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.location ?? '';
    let where = location;
    try {
      where = new URL(location).host;
    } catch {
      /* relative */
    }
    return fail('HTTP_REDIRECTED', `HTTP ${res.status} redirect to ${where.slice(0, 80) || 'another place'}`, {
      details: { ...details, location: location.slice(0, 200) },
    });
  }
  if (isHtml(res.headers, res.body)) {
    const title = htmlTitle(res.body);
    return fail('HTTP_HTML_PAGE', `an HTML page answered (HTTP ${res.status}${title ? `, "${title}"` : ''})`, { details: { ...details, title } });
  }
  // A gateway relaying its provider's answer names the provider: a Portkey gateway answered, even
  // in plain text (the open-source gateway's 500 when the provider is unreachable: `fetch failed`).
  const relayed = Boolean(res.headers['x-portkey-provider']);
  if (res.status >= 500 && !relayed && !isJson(res.headers) && !res.headers['x-portkey-gateway-exception']) {
    return fail('HTTP_GATEWAY_DOWN', `HTTP ${res.status} without an API error body`, { details });
  }
  if (res.truncated && !isJson(res.headers)) {
    return fail(
      'HTTP_TOO_LARGE',
      `HTTP ${res.status}, ${res.headers['content-type'] ?? 'no content type'}: more than ${MAX_BODY_BYTES} bytes, not an API answer`,
      { details },
    );
  }
  if (!relayed && !isJson(res.headers) && parseJson(res.body) === undefined) {
    return fail('HTTP_NOT_A_GATEWAY', `HTTP ${res.status}, ${res.headers['content-type'] ?? 'no content type'}: not an API answer`, { details });
  }
  return undefined;
}

function gatewayKind(baseUrl: URL, models: HttpOk, root: HttpResult, health: HttpResult): GatewayKind {
  if (root.ok && root.body.includes(OSS_GREETING)) return 'portkey-oss';
  if (health.ok && health.status === 200 && isJson(health.headers)) return 'portkey-enterprise';
  const host = baseUrl.hostname.toLowerCase();
  if (PORTKEY_SAAS_API_HOSTS.includes(host)) return 'portkey-saas';
  const portkeyish =
    Object.keys(models.headers).some((h) => h.startsWith('x-portkey-')) ||
    readError(models.headers, models.body).source === 'portkey' ||
    isPortkeyErrorBody(models.body);
  return portkeyish ? 'portkey' : 'unknown-api';
}

/** Whether a plain-http base URL's port answers a TLS handshake (direct connections only; any certificate). */
/**
 * Portkey's own error body, even with no x-portkey-* header (a proxy or load balancer in front may
 * drop them): `{"status":"failure","message":"Invalid API Key. Error Code: 03"}` — a "failure"
 * status beside a message that carries Portkey's "Error Code: NN" (docs/portkey.md).
 */
export function isPortkeyErrorBody(body: string): boolean {
  const json = parseJson(body) as Record<string, unknown> | undefined;
  if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
  return json.status === 'failure' && typeof json.message === 'string' && /\bError Code:\s*[A-Z0-9]{2,5}\b/i.test(json.message);
}

async function speaksTls(ctx: Pick<CheckContext, 'target' | 'env' | 'net' | 'signal'>, path: NetworkPath | undefined, timeoutMs: number): Promise<boolean> {
  const url = gatewayUrl(ctx);
  if (url.protocol !== 'http:' || proxyDecision(ctx, path).proxied) return false;
  const sniff = await ctx.net.tlsHandshake(bareHostname(url), defaultPort(url), { insecure: true, timeoutMs: Math.min(timeoutMs, 2000), signal: ctx.signal });
  return sniff.ok;
}
