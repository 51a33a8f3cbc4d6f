/** The routing check alone, with fake I/O: `count_tokens` through the route, the provider that answered, fallbacks, and refusals. */
import { describe, expect, it } from 'vitest';

import keyValidity from '../../src/checks/key-validity.js';
import routing from '../../src/checks/routing.js';
import { NET_FAILURE_CODES, REQUEST_KINDS } from '../../src/gateway/failure-codes.js';
import { DEFAULT_PROBE_MODEL } from '../../src/gateway/models.js';
import { httpFail, httpOk, type SeenRequest } from '../../src/io/fakes.js';
import type { HttpResult } from '../../src/contract/io.js';
import { BASE_URL, CATALOG_DATA, SETTINGS, STATUS_ANSWERS, routeHeaders } from './gateway-answers.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const catalog = given(keyValidity, { catalog: CATALOG_DATA, gatewayKind: 'portkey' });
const FIRST_ID = CATALOG_DATA.ids[0]!;
const counted = (over: Record<string, string> = {}) => httpOk(200, { input_tokens: 12 }, { headers: routeHeaders(over) });
const FALLBACK = { 'x-portkey-last-used-option-index': 'config.targets[1]' };

/** Answers `count_tokens` only, and only for `model` (anything else is a 400 the check would report). */
function countTokens(answer: HttpResult, model?: string): (req: SeenRequest) => HttpResult {
  return (req) => {
    const asked = (JSON.parse(req.body ?? '{}') as { model?: string }).model;
    const right = req.method === 'POST' && req.url === `${BASE_URL}/v1/messages/count_tokens` && req.headers['content-type'] === 'application/json';
    return right && (model === undefined || asked === model) ? answer : httpOk(400, { error: { message: `unexpected ${req.method} ${req.url} for ${asked}` } });
  };
}

const scenarios: Scenario[] = [
  // --- The route answers
  {
    name: 'routes: provider, trace id and target reported; the catalog’s first model asked',
    settings: SETTINGS,
    upstream: [catalog],
    net: { http: countTokens(counted(), FIRST_ID) },
    expect: {
      status: 'ok',
      more: [],
      details: {
        model: FIRST_ID,
        status: 200,
        provider: 'anthropic',
        traceId: 'trace-0000beef',
        lastUsedOptionIndex: 'config',
        fallbackUsed: false,
        retryCount: '0',
        cacheStatus: 'DISABLED',
      },
    },
  },
  {
    name: 'the app’s first model is asked before the catalog’s',
    settings: { ...SETTINGS, inferenceModels: ['claude-haiku-4-5', 'claude-sonnet-4-5'] },
    upstream: [catalog],
    net: { http: countTokens(counted(), 'claude-haiku-4-5') },
    expect: { status: 'ok', details: { model: 'claude-haiku-4-5' } },
  },
  {
    name: 'without app models, the policy’s first model',
    settings: SETTINGS,
    upstream: [catalog],
    policy: { routing: { expectedModels: ['claude-opus-4-1'] } },
    net: { http: countTokens(counted(), 'claude-opus-4-1') },
    expect: { status: 'ok', details: { model: 'claude-opus-4-1' } },
  },
  {
    name: 'nothing names a model (no catalog handed on): the default model',
    settings: SETTINGS,
    upstream: [given(keyValidity, { gatewayKind: 'portkey' })],
    net: { http: countTokens(counted(), DEFAULT_PROBE_MODEL) },
    expect: { status: 'ok', details: { model: DEFAULT_PROBE_MODEL } },
  },
  {
    name: 'the policy’s provider answered (named as a substring of the slug): ok',
    settings: SETTINGS,
    upstream: [catalog],
    policy: { routing: { expectedProviders: ['anthropic'] } },
    net: { http: countTokens(counted({ 'x-portkey-provider': 'anthropic-prod' })) },
    expect: { status: 'ok', details: { provider: 'anthropic-prod' } },
  },
  {
    name: 'no provider named: the policy cannot be judged, ok',
    settings: SETTINGS,
    upstream: [catalog],
    policy: { routing: { expectedProviders: ['bedrock'] } },
    net: { http: countTokens(httpOk(200, { input_tokens: 12 })) },
    expect: { status: 'ok', details: { status: 200, fallbackUsed: false } },
  },

  // --- Fault matrix rows: fallback, unexpected provider
  {
    name: 'a fallback target answered: ROUTING_FALLBACK_USED',
    settings: SETTINGS,
    upstream: [catalog],
    net: { http: countTokens(counted(FALLBACK)) },
    expect: { status: 'warn', code: 'ROUTING_FALLBACK_USED', more: [], details: { lastUsedOptionIndex: 'config.targets[1]', fallbackUsed: true } },
  },
  {
    name: 'targets[0] is the first target, not a fallback',
    settings: SETTINGS,
    upstream: [catalog],
    net: { http: countTokens(counted({ 'x-portkey-last-used-option-index': 'config.targets[0]' })) },
    expect: { status: 'ok', details: { fallbackUsed: false } },
  },
  {
    name: 'a provider the policy does not expect answered: ROUTING_UNEXPECTED_PROVIDER',
    settings: SETTINGS,
    upstream: [catalog],
    policy: { routing: { expectedProviders: ['bedrock'] } },
    net: { http: countTokens(counted()) },
    expect: { status: 'fail', code: 'ROUTING_UNEXPECTED_PROVIDER', more: [], details: { provider: 'anthropic' } },
  },
  {
    name: 'an unexpected provider answered as a fallback: both, the provider first',
    settings: SETTINGS,
    upstream: [catalog],
    policy: { routing: { expectedProviders: ['bedrock'] } },
    net: { http: countTokens(counted(FALLBACK)) },
    expect: { status: 'fail', code: 'ROUTING_UNEXPECTED_PROVIDER', more: ['ROUTING_FALLBACK_USED'] },
  },

  // --- 404: the route has no count_tokens (not a wrong base URL: key-validity read /v1/models)
  {
    name: 'count_tokens answers 404: ROUTING_PROBE_UNSUPPORTED, a warning',
    settings: SETTINGS,
    upstream: [catalog],
    net: { http: () => httpOk(404, { error: { message: 'Not Found' } }, { headers: { 'x-portkey-provider': 'bedrock' } }) },
    expect: { status: 'warn', code: 'ROUTING_PROBE_UNSUPPORTED', details: { status: 404, provider: 'bedrock' } },
  },
];

// Every other refusal, diagnosed by status and by who raised it (fault matrix: provider 500 and 401
// through the open-source gateway, no routing config, rate limited).
const refusals: Scenario[] = STATUS_ANSWERS.filter((a) => a.code !== 'ENDPOINT_NOT_FOUND').map((a) => ({
  name: `${a.name}: ${a.code}`,
  settings: SETTINGS,
  upstream: [catalog],
  net: { http: () => a.answer },
  expect: {
    status: a.status,
    code: a.code,
    details: { model: FIRST_ID, status: a.answer.ok ? a.answer.status : 0, source: a.source, ...(a.portkeyCode ? { portkeyCode: a.portkeyCode } : {}) },
  },
}));

const everyKind: Scenario[] = [...new Set(REQUEST_KINDS)].map((kind) => ({
  name: `POST count_tokens fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
  settings: SETTINGS,
  upstream: [catalog],
  net: { http: () => httpFail(kind) },
  expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { model: FIRST_ID, kind } },
}));

testCheck(routing, [...scenarios, ...refusals, ...everyKind]);

describe('routing: beyond the table', () => {
  it('a 404 is never ENDPOINT_NOT_FOUND here (it means count_tokens is not routed)', () => {
    expect(Object.keys(routing.codes)).not.toContain('ENDPOINT_NOT_FOUND');
  });

  it('sends one count_tokens with the key and the app’s extra headers, and nothing else', async () => {
    const { net } = await runCheck(routing, {
      name: 'headers',
      settings: { ...SETTINGS, inferenceCustomHeaders: { 'x-portkey-config': 'pc-claude-desktop' } },
      upstream: [catalog],
      net: { http: countTokens(counted()) },
      expect: { status: 'ok' },
    });
    expect(net.calls).toEqual([`POST ${BASE_URL}/v1/messages/count_tokens`]);
    expect(net.requests[0]?.headers).toMatchObject({ authorization: '<secret>', 'x-portkey-config': 'pc-claude-desktop', 'anthropic-version': '2023-06-01' });
    expect(JSON.parse(net.requests[0]?.body ?? '{}')).toEqual({ model: FIRST_ID, messages: [{ role: 'user', content: 'ping' }] });
  });

  it('a 404 is reported without a diagnosis of who raised it', async () => {
    const { result } = await runCheck(routing, {
      name: '404',
      settings: SETTINGS,
      upstream: [catalog],
      net: { http: () => httpOk(404, {}) },
      expect: { status: 'warn' },
    });
    expect(result.details).not.toHaveProperty('source');
  });
});
