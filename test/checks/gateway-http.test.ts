/** The gateway-http check alone, with fake I/O: which gateway answers (handed on as data), or what else answered. */
import { describe, expect, it } from 'vitest';

import gatewayHttp from '../../src/checks/gateway-http.js';
import { KEYLESS_REQUEST_KINDS, NET_FAILURE_CODES } from '../../src/gateway/failure-codes.js';
import { httpFail, httpOk, tlsFail, tlsOk, selfSignedChain, type SeenRequest } from '../../src/io/fakes.js';
import type { HttpResult } from '../../src/contract/io.js';
import { OSS_1_15_2, type RecordedAnswer } from '../support/gateway.js';
import { runCheck, testCheck, type Scenario } from './check-tester.js';

const SETTINGS = { inferenceGatewayBaseUrl: 'https://gateway.example.test' };
const SAAS = { inferenceGatewayBaseUrl: 'https://api.portkey.ai' };
const NOT_FOUND = httpOk(404, { error: { message: 'Not Found' } });
/** What Portkey answers to an unauthenticated `GET /v1/models`. */
const PORTKEY_401 = httpOk(401, { status: 'failure', message: 'Portkey Error: Invalid API Key. Error Code: 03' });

/** An answer the real open-source gateway gave (test/support/gateway.ts). */
const recorded = (a: RecordedAnswer): HttpResult => httpOk(a.status, a.body, { headers: a.headers });
const OSS = { inferenceGatewayBaseUrl: 'http://127.0.0.1:8787' };
/** The provider's 404 for a path it does not have, relayed by the open-source gateway. */
const RELAYED_404 = OSS_1_15_2.providerError(404, '{"type":"error","error":{"type":"not_found_error","message":"Not found"}}');

/** Answers by path: `/v1/models`, `/`, `/v1/health` (anything else, or a missing path, is a 404). */
function byPath(answers: Record<string, HttpResult>): (req: SeenRequest) => HttpResult {
  return (req) => answers[new URL(req.url).pathname] ?? NOT_FOUND;
}

const scenarios: Scenario[] = [
  // --- Which gateway answers: the kind is reported and handed on
  {
    name: 'Portkey SaaS: ok, kind portkey-saas handed on',
    settings: SAAS,
    net: { http: byPath({ '/v1/models': PORTKEY_401 }) },
    expect: {
      status: 'ok',
      details: {
        kind: 'portkey-saas',
        status: 401,
        message: 'Portkey Error: Invalid API Key. Error Code: 03',
        evidence: { probe: 'GET /v1/models', status: 401 },
      },
      data: { kind: 'portkey-saas' },
    },
  },
  {
    name: 'the open-source gateway greets on GET /: portkey-oss',
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:8787' },
    net: {
      http: byPath({
        '/v1/models': httpOk(200, { object: 'list', data: [] }),
        '/': httpOk(200, 'AI Gateway says hey!', { headers: { 'content-type': 'text/plain' } }),
      }),
    },
    expect: { status: 'ok', details: { kind: 'portkey-oss', status: 200 }, data: { kind: 'portkey-oss' } },
  },
  {
    name: 'a self-hosted enterprise gateway answers /v1/health: portkey-enterprise',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': PORTKEY_401, '/v1/health': httpOk(200, { status: 'ok' }) }) },
    expect: {
      status: 'ok',
      details: { kind: 'portkey-enterprise', status: 401, evidence: { probe: 'GET /v1/health', status: 200 } },
      data: { kind: 'portkey-enterprise' },
    },
  },
  // --- The open-source gateway 1.15.2 as it really answers: its greeting is the evidence, not /v1/models
  {
    name: 'open-source gateway, /v1/models 500 although the provider answered: ok, the greeting is the evidence',
    settings: { ...OSS, inferenceCustomHeaders: { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': 'http://127.0.0.1:9100/v1' } },
    net: { http: byPath({ '/v1/models': recorded(OSS_1_15_2.passthroughCrash), '/': recorded(OSS_1_15_2.greeting), '/v1/health': recorded(RELAYED_404) }) },
    expect: { status: 'ok', details: { kind: 'portkey-oss', status: 500, evidence: { probe: 'GET /', status: 200 } }, data: { kind: 'portkey-oss' } },
  },
  {
    name: 'open-source gateway, no routing headers (400 on every API route): ok, the greeting is the evidence',
    settings: OSS,
    net: {
      http: byPath({ '/v1/models': recorded(OSS_1_15_2.noRouting), '/': recorded(OSS_1_15_2.greeting), '/v1/health': recorded(OSS_1_15_2.noRouting) }),
    },
    expect: { status: 'ok', details: { kind: 'portkey-oss', status: 400, evidence: { probe: 'GET /', status: 200 } } },
  },
  {
    name: 'open-source gateway, its provider unreachable (plain-text 500 naming the provider): the gateway answers, not HTTP_GATEWAY_DOWN',
    settings: { ...OSS, inferenceCustomHeaders: { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': 'http://127.0.0.1:9100/v1' } },
    net: {
      http: byPath({
        '/v1/models': recorded(OSS_1_15_2.providerUnreachable(9100)),
        '/': recorded(OSS_1_15_2.greeting),
        '/v1/health': recorded(OSS_1_15_2.providerUnreachable(9100)),
      }),
    },
    expect: { status: 'ok', details: { kind: 'portkey-oss', status: 500, evidence: { probe: 'GET /', status: 200 } } },
  },
  {
    name: 'Portkey headers on another host: portkey',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(401, { error: 'unauthorised' }, { headers: { 'x-portkey-trace-id': 'abc' } }) }) },
    expect: { status: 'ok', details: { kind: 'portkey' }, data: { kind: 'portkey' } },
  },
  {
    name: 'a self-hosted gateway under a path prefix: every probe keeps the prefix',
    settings: { inferenceGatewayBaseUrl: 'https://gateway.example.test/portkey' },
    net: { http: byPath({ '/portkey/v1/models': PORTKEY_401, '/portkey/v1/health': httpOk(200, { status: 'ok' }) }) },
    expect: { status: 'ok', details: { kind: 'portkey-enterprise' } },
  },
  {
    name: 'Portkey’s error body with no x-portkey-* header (a proxy dropped them) on another host: Portkey, not HTTP_UNKNOWN_API',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(401, { status: 'failure', message: 'Invalid API Key. Error Code: 03' }) }) },
    expect: { status: 'ok', details: { kind: 'portkey' }, data: { kind: 'portkey' } },
  },
  {
    name: 'a "failure" body without Portkey’s error code is still not recognisably Portkey',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(401, { status: 'failure', message: 'Invalid API Key' }) }) },
    expect: { status: 'warn', code: 'HTTP_UNKNOWN_API', details: { kind: 'unknown-api' } },
  },
  {
    name: 'a JSON API that is not recognisably Portkey: warn HTTP_UNKNOWN_API, kind still handed on',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(200, { models: [] }) }) },
    expect: { status: 'warn', code: 'HTTP_UNKNOWN_API', details: { kind: 'unknown-api' }, data: { kind: 'unknown-api' } },
  },
  {
    name: 'a 5xx marked as Portkey’s gateway exception is the gateway answering, not HTTP_GATEWAY_DOWN',
    settings: SAAS,
    net: {
      http: byPath({ '/v1/models': httpOk(502, '{"error":"boom"}', { headers: { 'content-type': 'text/plain', 'x-portkey-gateway-exception': 'true' } }) }),
    },
    expect: { status: 'ok', details: { kind: 'portkey-saas', status: 502 } },
  },
  {
    name: 'a 5xx with a JSON error body is an API answer',
    settings: SAAS,
    net: { http: byPath({ '/v1/models': httpOk(503, { error: { message: 'overloaded' } }) }) },
    expect: { status: 'ok', details: { kind: 'portkey-saas', status: 503 } },
  },

  // --- Fault matrix rows: something other than the API answered (nothing handed on)
  {
    name: 'captive portal: HTTP_HTML_PAGE with the page title',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(200, '<!doctype html><title>Guest Wi-Fi Login</title>', { headers: { 'content-type': 'text/html' } }) }) },
    expect: { status: 'fail', code: 'HTTP_HTML_PAGE', details: { status: 200, title: 'Guest Wi-Fi Login' }, data: null },
  },
  {
    name: 'redirect to a login page: HTTP_REDIRECTED',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(302, '', { headers: { location: 'https://login.example.test/portal?next=x' } }) }) },
    expect: { status: 'fail', code: 'HTTP_REDIRECTED', details: { status: 302, location: 'https://login.example.test/portal?next=x' }, data: null },
  },
  {
    name: '502 from a load balancer, no JSON: HTTP_GATEWAY_DOWN',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(502, 'Bad Gateway', { headers: { 'content-type': 'text/plain' } }) }) },
    expect: { status: 'fail', code: 'HTTP_GATEWAY_DOWN', details: { status: 502 } },
  },
  {
    name: 'a web server answers plain text: HTTP_NOT_A_GATEWAY',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(200, 'hello', { headers: { 'content-type': 'text/plain' } }) }) },
    expect: { status: 'fail', code: 'HTTP_NOT_A_GATEWAY', details: { status: 200, contentType: 'text/plain' } },
  },
  {
    name: 'a huge non-JSON answer (cut at the body limit): HTTP_TOO_LARGE',
    settings: SETTINGS,
    net: { http: byPath({ '/v1/models': httpOk(200, 'x'.repeat(100), { headers: { 'content-type': 'application/octet-stream' }, truncated: true }) }) },
    expect: { status: 'fail', code: 'HTTP_TOO_LARGE', details: { status: 200 } },
  },

  // --- Fault matrix rows: no answer at all
  {
    name: 'accepts, never answers: HTTP_NO_RESPONSE',
    settings: SETTINGS,
    net: { http: () => httpFail('http-headers-timeout') },
    expect: { status: 'fail', code: 'HTTP_NO_RESPONSE', data: null },
  },
  {
    name: 'dribbling body: HTTP_BODY_STALLED',
    settings: SETTINGS,
    net: { http: () => httpFail('http-body-timeout') },
    expect: { status: 'fail', code: 'HTTP_BODY_STALLED' },
  },
  {
    name: 'huge body refused by the client: HTTP_TOO_LARGE',
    settings: SETTINGS,
    net: { http: () => httpFail('http-too-large') },
    expect: { status: 'fail', code: 'HTTP_TOO_LARGE' },
  },
  {
    name: 'reset after the request, https: HTTP_RESET (no TLS sniff)',
    settings: SETTINGS,
    net: { http: () => httpFail('http-reset') },
    expect: { status: 'fail', code: 'HTTP_RESET', details: { kind: 'http-reset' } },
  },
  {
    name: 'reset as soon as accepted, on the request’s own connection: TCP_RESET',
    settings: SETTINGS,
    net: { http: () => httpFail('tcp-reset') },
    expect: { status: 'fail', code: 'TCP_RESET' },
  },
  {
    name: 'plain http to a TLS port: HTTP_PROTOCOL (the port answers a TLS handshake)',
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:8443' },
    net: {
      http: () => httpFail('http-reset'),
      tls: (host, port, opts) =>
        host === '127.0.0.1' && port === 8443 && opts.insecure ? tlsOk(selfSignedChain('localhost'), { authorized: false }) : tlsFail('tls-failure'),
    },
    expect: { status: 'fail', code: 'HTTP_PROTOCOL', details: { kind: 'http-reset', speaksTls: true } },
  },
  {
    name: 'plain http reset, and the port does not speak TLS either: HTTP_RESET',
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:8080' },
    net: { http: () => httpFail('http-reset'), tls: () => tlsFail('tls-protocol') },
    expect: { status: 'fail', code: 'HTTP_RESET' },
  },
  {
    name: 'plain http reset through a proxy: HTTP_RESET, the port is not sniffed',
    settings: { inferenceGatewayBaseUrl: 'http://gateway.example.test:8080' },
    env: { HTTP_PROXY: 'http://proxy.example.test:3128' },
    net: { http: () => httpFail('http-reset') },
    expect: { status: 'fail', code: 'HTTP_RESET' },
  },
];

// Every kind a request can end with keeps its own code (as before the code table was split).
const everyKind: Scenario[] = KEYLESS_REQUEST_KINDS.map((kind) => ({
  name: `GET /v1/models fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
  settings: SETTINGS,
  net: { http: () => httpFail(kind) },
  expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { kind } },
}));

testCheck(gatewayHttp, [...scenarios, ...everyKind]);

describe('gateway-http: beyond the table', () => {
  it('never sends the key: the probe is unauthenticated', async () => {
    const { net, result } = await runCheck(gatewayHttp, {
      name: 'key configured',
      settings: { ...SAAS, inferenceGatewayApiKey: 'pk-test-0123456789abcdef' },
      net: { http: byPath({ '/v1/models': PORTKEY_401 }) },
      expect: { status: 'ok' },
    });
    expect(result.status).toBe('ok');
    expect(net.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`).sort()).toEqual(['GET /', 'GET /v1/health', 'GET /v1/models']);
    for (const r of net.requests) {
      expect(r.headers).not.toHaveProperty('authorization');
      expect(r.headers).not.toHaveProperty('x-api-key');
      expect(JSON.stringify(r)).not.toContain('pk-test-0123456789abcdef');
    }
  });

  it('stops at the first answer that is not an API: / and /v1/health are not asked', async () => {
    const { net } = await runCheck(gatewayHttp, {
      name: 'portal',
      settings: SETTINGS,
      net: { http: byPath({ '/v1/models': httpOk(200, '<html><title>Portal</title></html>', { headers: { 'content-type': 'text/html' } }) }) },
      expect: { status: 'fail' },
    });
    expect(net.calls).toEqual(['GET https://gateway.example.test/v1/models']);
  });
});
