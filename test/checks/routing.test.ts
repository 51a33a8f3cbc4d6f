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
import { OSS_1_15_2, type RecordedAnswer } from '../support/gateway.js';

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

// --- The open-source gateway 1.15.2: count_tokens answers 500 although the provider answered
// (its answers as recorded from the real gateway: test/support/gateway.ts).
const OSS_URL = 'http://127.0.0.1:8787';
const oss = given(keyValidity, { gatewayKind: 'portkey-oss' });
const CONFIG_KEY = 'sk-ant-api03-InlineConfigKeyQwzrtyplkjhg';
/** The settings of a route through the open-source gateway to a provider at a custom host. */
const ossSettings = (headers: Record<string, string>) => ({
  inferenceGatewayBaseUrl: OSS_URL,
  inferenceGatewayApiKey: 'sk-ant-api03-ProviderKeyForMockQwzrtyplkj',
  inferenceCustomHeaders: { 'x-portkey-custom-host': 'http://127.0.0.1:9100/v1', ...headers },
});
const recorded = (a: RecordedAnswer): HttpResult => httpOk(a.status, a.body, { headers: a.headers });
/** Answers `count_tokens` on the open-source gateway only. */
const ossCount =
  (answer: RecordedAnswer) =>
  (req: SeenRequest): HttpResult =>
    req.method === 'POST' && req.url === `${OSS_URL}/v1/messages/count_tokens`
      ? recorded(answer)
      : httpOk(404, { error: { message: `unexpected ${req.url}` } });
const CRASH = OSS_1_15_2.passthroughCrash;

const ossScenarios: Scenario[] = [
  {
    name: 'open-source gateway, 500 although the provider answered: ROUTING_GATEWAY_CANNOT_COUNT, the provider from x-portkey-provider',
    settings: ossSettings({ 'x-portkey-provider': 'anthropic' }),
    upstream: [oss],
    net: { http: ossCount(CRASH) },
    expect: {
      status: 'warn',
      code: 'ROUTING_GATEWAY_CANNOT_COUNT',
      more: [],
      details: { model: DEFAULT_PROBE_MODEL, status: 500, gatewayKind: 'portkey-oss', routesTo: { providers: ['anthropic'], from: 'x-portkey-provider' } },
    },
  },
  {
    name: 'the same with --live: still the gateway’s defect (live-message sends the real message)',
    settings: ossSettings({ 'x-portkey-provider': 'anthropic' }),
    options: { live: true },
    upstream: [oss],
    net: { http: ossCount(CRASH) },
    expect: { status: 'warn', code: 'ROUTING_GATEWAY_CANNOT_COUNT', details: { routesTo: { providers: ['anthropic'], from: 'x-portkey-provider' } } },
  },
  {
    name: 'an inline config routes (a fallback of two targets): its providers, in order, from x-portkey-config',
    settings: ossSettings({
      'x-portkey-provider': 'openai',
      'x-portkey-config': JSON.stringify({
        strategy: { mode: 'fallback' },
        targets: [
          { provider: 'anthropic', api_key: CONFIG_KEY },
          { provider: 'bedrock', aws_region: 'eu-west-1' },
        ],
      }),
    }),
    upstream: [oss],
    net: { http: ossCount(CRASH) },
    expect: { status: 'warn', code: 'ROUTING_GATEWAY_CANNOT_COUNT', details: { routesTo: { providers: ['anthropic', 'bedrock'], from: 'x-portkey-config' } } },
  },
  {
    name: 'a config without provider or targets: the provider header routes',
    settings: ossSettings({ 'x-portkey-provider': 'anthropic', 'x-portkey-config': '{"retry":{"attempts":2}}' }),
    upstream: [oss],
    net: { http: ossCount(CRASH) },
    expect: { status: 'warn', code: 'ROUTING_GATEWAY_CANNOT_COUNT', details: { routesTo: { providers: ['anthropic'], from: 'x-portkey-provider' } } },
  },
  {
    name: 'a saved config’s id: named, its providers are not in the settings',
    settings: ossSettings({ 'x-portkey-config': 'pc-claude-desktop' }),
    upstream: [oss],
    net: { http: ossCount(CRASH) },
    expect: {
      status: 'warn',
      code: 'ROUTING_GATEWAY_CANNOT_COUNT',
      details: { routesTo: { providers: [], from: 'x-portkey-config', configId: 'pc-claude-desktop' } },
    },
  },
  {
    name: 'the crash’s shape from another kind of gateway is still its crash: GATEWAY_EXCEPTION',
    settings: SETTINGS,
    upstream: [given(keyValidity, { catalog: CATALOG_DATA, gatewayKind: 'portkey' })],
    net: { http: () => recorded(CRASH) },
    expect: { status: 'fail', code: 'GATEWAY_EXCEPTION', details: { status: 500, source: 'gateway-exception' } },
  },
  {
    name: 'the crash’s shape from Portkey SaaS: GATEWAY_EXCEPTION (unchanged)',
    settings: { ...SETTINGS, inferenceGatewayBaseUrl: 'https://api.portkey.ai' },
    upstream: [given(keyValidity, { catalog: CATALOG_DATA, gatewayKind: 'portkey-saas' })],
    net: { http: () => recorded(CRASH) },
    expect: { status: 'fail', code: 'GATEWAY_EXCEPTION' },
  },
  {
    name: 'open-source gateway, the provider unreachable (500 naming the provider): PROVIDER_ERROR, a real failure',
    settings: ossSettings({ 'x-portkey-provider': 'anthropic' }),
    upstream: [oss],
    net: { http: ossCount(OSS_1_15_2.providerUnreachable(9100)) },
    expect: { status: 'fail', code: 'PROVIDER_ERROR', details: { status: 500, provider: 'anthropic', source: 'provider' } },
  },
  {
    name: 'open-source gateway, the provider rejects the key (passed through): PROVIDER_AUTH_FAILED',
    settings: ossSettings({ 'x-portkey-provider': 'anthropic' }),
    upstream: [oss],
    net: {
      http: ossCount(OSS_1_15_2.providerError(401, '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}')),
    },
    expect: { status: 'fail', code: 'PROVIDER_AUTH_FAILED', details: { provider: 'anthropic' } },
  },
  {
    name: 'open-source gateway, no provider and no config in the settings: NO_ROUTING_CONFIG, the user’s to fix',
    settings: ossSettings({}),
    upstream: [oss],
    net: { http: ossCount(OSS_1_15_2.noRouting) },
    expect: { status: 'fail', code: 'NO_ROUTING_CONFIG', details: { status: 400 } },
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

testCheck(routing, [...scenarios, ...ossScenarios, ...refusals, ...everyKind]);

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

  it('names the route without a word of the config’s secrets', async () => {
    const { result } = await runCheck(routing, {
      name: 'inline config with a key',
      settings: ossSettings({
        'x-portkey-config': JSON.stringify({ provider: 'anthropic', api_key: CONFIG_KEY, custom_host: 'http://user:pw@127.0.0.1:9100/v1' }),
      }),
      upstream: [oss],
      net: { http: ossCount(CRASH) },
      expect: { status: 'warn', code: 'ROUTING_GATEWAY_CANNOT_COUNT' },
    });
    expect(result.details).toMatchObject({ routesTo: { providers: ['anthropic'], from: 'x-portkey-config' } });
    const text = JSON.stringify(result);
    expect(text).not.toContain(CONFIG_KEY);
    expect(text).not.toContain('user:pw');
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
