/** The key-validity check alone, with fake I/O: the key on `GET /v1/models`, what each refusal means, and the catalog it hands on. */
import { describe, expect, it } from 'vitest';

import gatewayHttp from '../../src/checks/gateway-http.js';
import keyValidity from '../../src/checks/key-validity.js';
import { NET_FAILURE_CODES, REQUEST_KINDS } from '../../src/gateway/failure-codes.js';
import { httpFail, httpOk } from '../../src/io/fakes.js';
import { BASE_URL, CATALOG, CATALOG_DATA, KEY, SETTINGS, STATUS_ANSWERS } from './gateway-answers.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const portkey = given(gatewayHttp, { kind: 'portkey' });
const catalogOf = (n: number) => ({ object: 'list', data: Array.from({ length: n }, (_, i) => ({ id: `@anthropic-prod/model-${i}`, object: 'model' })) });

const scenarios: Scenario[] = [
  // --- The key is accepted: the catalog is reported and handed on
  {
    name: 'the key is accepted: the catalog is reported and handed on with the gateway’s kind',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: (req) => (req.url === `${BASE_URL}/v1/models` && req.headers.authorization === '<secret>' ? httpOk(200, CATALOG) : httpOk(401, {})) },
    expect: { status: 'ok', details: { status: 200, scheme: 'bearer', catalog: CATALOG_DATA }, data: { catalog: CATALOG_DATA, gatewayKind: 'portkey' } },
  },
  {
    name: 'a self-hosted gateway’s path prefix is kept',
    settings: { ...SETTINGS, inferenceGatewayBaseUrl: 'https://gateway.example.test/portkey' },
    upstream: [portkey],
    net: { http: (req) => (req.url === 'https://gateway.example.test/portkey/v1/models' ? httpOk(200, CATALOG) : httpOk(404, {})) },
    expect: { status: 'ok', details: { status: 200 } },
  },
  {
    name: 'the trace id and time are reported',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: () => httpOk(200, CATALOG, { headers: { 'x-portkey-trace-id': 'trace-0001' }, phases: { totalMs: 41.6 } }) },
    expect: { status: 'ok', details: { traceId: 'trace-0001', totalMs: 42 } },
  },
  {
    name: 'ids without a provider slug: no providers named',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: () => httpOk(200, { data: [{ id: 'claude-sonnet-4-5' }, { name: 'no id' }, 'not an object'] }) },
    expect: { status: 'ok', details: { catalog: { count: 1, providers: [], ids: ['claude-sonnet-4-5'], truncated: false } } },
  },
  {
    name: 'more than 100 models: the first 100 ids, truncated',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: () => httpOk(200, catalogOf(150)) },
    expect: {
      status: 'ok',
      details: { catalog: { count: 150, providers: ['anthropic-prod'], truncated: true } },
      data: { catalog: { count: 150, truncated: true } },
    },
  },
  {
    name: 'an answer cut short: truncated',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: () => httpOk(200, CATALOG, { truncated: true }) },
    expect: { status: 'ok', details: { catalog: { count: 3, truncated: true } } },
  },
  {
    name: 'the open-source gateway: not applicable, nothing sent, the kind handed on',
    settings: SETTINGS,
    upstream: [given(gatewayHttp, { kind: 'portkey-oss' })],
    expect: { status: 'ok', details: { gatewayKind: 'portkey-oss' }, data: { gatewayKind: 'portkey-oss' } },
  },
  {
    name: 'the gateway-http check handed on no kind: the key is tested all the same',
    settings: SETTINGS,
    net: { http: () => httpOk(200, CATALOG) },
    expect: { status: 'ok', data: { catalog: CATALOG_DATA } },
  },

  // --- No key, no list
  {
    name: 'no key to test: KEY_NOT_AVAILABLE',
    settings: { inferenceGatewayBaseUrl: BASE_URL },
    upstream: [portkey],
    expect: { status: 'skip', code: 'KEY_NOT_AVAILABLE', data: null },
  },
  {
    name: 'a blank key: KEY_NOT_AVAILABLE',
    settings: { ...SETTINGS, inferenceGatewayApiKey: '   ' },
    upstream: [portkey],
    expect: { status: 'skip', code: 'KEY_NOT_AVAILABLE' },
  },
  {
    name: '200 without a model list: CATALOG_UNREADABLE, a warning (the kind is still handed on)',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: () => httpOk(200, { object: 'list', models: [] }) },
    expect: { status: 'warn', code: 'CATALOG_UNREADABLE', details: { status: 200 }, data: { gatewayKind: 'portkey' } },
  },
  {
    name: '200 with HTML: CATALOG_UNREADABLE',
    settings: SETTINGS,
    upstream: [portkey],
    net: { http: () => httpOk(200, '<html></html>', { headers: { 'content-type': 'text/html' } }) },
    expect: { status: 'warn', code: 'CATALOG_UNREADABLE' },
  },
];

// Every refusal, diagnosed by status and by who raised it (the fault matrix's 401/403/412/429/5xx rows and more).
const refusals: Scenario[] = STATUS_ANSWERS.map((a) => ({
  name: `${a.name}: ${a.code}`,
  settings: SETTINGS,
  upstream: [portkey],
  net: { http: () => a.answer },
  expect: {
    status: a.status,
    code: a.code,
    details: { status: a.answer.ok ? a.answer.status : 0, scheme: 'bearer', source: a.source, ...(a.portkeyCode ? { portkeyCode: a.portkeyCode } : {}) },
    // A warning lets the checks after it run: they get the kind, and no catalog.
    data: a.status === 'warn' ? { gatewayKind: 'portkey' } : null,
  },
}));

// Every kind a request can end with keeps its own code (KEY_WOULD_TRAVEL_IN_CLEAR among them).
const everyKind: Scenario[] = [...new Set(REQUEST_KINDS)].map((kind) => ({
  name: `GET /v1/models fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
  settings: SETTINGS,
  upstream: [portkey],
  net: { http: () => httpFail(kind) },
  expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { kind }, data: null },
}));

testCheck(keyValidity, [...scenarios, ...refusals, ...everyKind]);

describe('key-validity: beyond the table', () => {
  it('a key sent as x-api-key and refused: KEY_INVALID, with the fix naming the scheme', async () => {
    const { result, net } = await runCheck(keyValidity, {
      name: 'x-api-key',
      settings: { ...SETTINGS, inferenceGatewayAuthScheme: 'x-api-key' },
      upstream: [portkey],
      net: { http: (req) => (req.headers.authorization ? httpOk(200, CATALOG) : STATUS_ANSWERS[0]!.answer) },
      expect: { status: 'fail' },
    });
    expect({ status: result.status, code: result.code, scheme: result.details?.scheme }).toEqual({ status: 'fail', code: 'KEY_INVALID', scheme: 'x-api-key' });
    expect(net.requests[0]?.headers).toMatchObject({ 'x-api-key': '<secret>' });
    expect(result.fix).not.toBe(keyValidity.codes.KEY_INVALID.fix);
  });

  it('with the bearer scheme, a refused key gets a fix of its own: not the one that says to switch to bearer (issue 13, point 9)', async () => {
    const { result } = await runCheck(keyValidity, {
      name: 'bearer',
      settings: SETTINGS,
      upstream: [portkey],
      net: { http: () => STATUS_ANSWERS[0]!.answer },
      expect: { status: 'fail' },
    });
    expect({ code: result.code, scheme: result.details?.scheme }).toEqual({ code: 'KEY_INVALID', scheme: 'bearer' });
    expect(result.fix).toBeTruthy();
    expect(result.fix).not.toBe(keyValidity.codes.KEY_INVALID.fix);
  });

  it('a warning or a failure hands on no catalog', async () => {
    const rateLimited = STATUS_ANSWERS.find((a) => a.code === 'RATE_LIMITED')!;
    const warned = await runCheck(keyValidity, {
      name: '429',
      settings: SETTINGS,
      upstream: [portkey],
      net: { http: () => rateLimited.answer },
      expect: { status: 'warn' },
    });
    expect(warned.data).toEqual({ gatewayKind: 'portkey' });
    const unreadable = await runCheck(keyValidity, {
      name: 'no list',
      settings: SETTINGS,
      upstream: [portkey],
      net: { http: () => httpOk(200, {}) },
      expect: { status: 'warn' },
    });
    expect(unreadable.data).toEqual({ gatewayKind: 'portkey' });
  });

  it('at most 100 ids are reported and handed on', async () => {
    const { result, data } = await runCheck(keyValidity, {
      name: '150',
      settings: SETTINGS,
      upstream: [portkey],
      net: { http: () => httpOk(200, catalogOf(150)) },
      expect: { status: 'ok' },
    });
    expect((result.details?.catalog as { ids: string[] }).ids).toHaveLength(100);
    expect((data as { catalog: { ids: string[] } }).catalog.ids).toHaveLength(100);
  });

  it('the key never reaches the report', async () => {
    for (const answer of [httpOk(200, CATALOG), ...STATUS_ANSWERS.map((a) => a.answer)]) {
      const { result } = await runCheck(keyValidity, {
        name: 'leak',
        settings: SETTINGS,
        upstream: [portkey],
        net: { http: () => answer },
        expect: { status: 'ok' },
      });
      expect(JSON.stringify(result)).not.toContain(KEY);
    }
  });
});
