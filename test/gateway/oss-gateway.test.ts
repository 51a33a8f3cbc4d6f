/**
 * The doctor against the real open-source Portkey gateway (npm @portkey-ai/gateway, pinned
 * 1.15.2) in front of a mock Anthropic provider reached through x-portkey-custom-host. The
 * gateway's own answers are checked against those the check tests fake it with
 * (OSS_1_15_2 in test/support/gateway.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeak } from '../cli/leak-check.js';
import { parseReport, runCli, type JsonReport } from '../cli/run-cli.js';
import { OSS_1_15_2, startGateway, type RecordedAnswer, type TestGateway } from '../support/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';
import { closedPort } from '../support/servers.js';

const PROVIDER_KEY = 'sk-ant-api03-ProviderKeyForMockQwzrtyplkj';
const CONFIG_KEY = 'sk-ant-api03-InlineConfigKeyForMockVbnmwq';

let gateway: TestGateway;
let mock: MockAnthropic;
/** With `x-portkey-provider` and `--live`. */
let report: JsonReport;
/** With an inline `x-portkey-config` (its own provider key) and no `--live`. */
let configReport: JsonReport;
let output: string;

beforeAll(async () => {
  [mock, gateway] = await Promise.all([startMockAnthropic(), startGateway()]);
  const common = ['--json', '--no-policy', '--base-url', gateway.url, '--only', 'network,gateway'];
  const config = JSON.stringify({ provider: 'anthropic', api_key: CONFIG_KEY, custom_host: `${mock.url}/v1` });
  const [run, configRun] = await Promise.all([
    runCli(
      [...common, '--live', '--header', 'x-portkey-provider: anthropic', '--header', `x-portkey-custom-host: ${mock.url}/v1`],
      { PORTKEY_DOCTOR_API_KEY: PROVIDER_KEY },
      90_000,
      { network: true },
    ),
    runCli([...common, '--header', `x-portkey-config: ${config}`], { PORTKEY_DOCTOR_API_KEY: PROVIDER_KEY }, 90_000, { network: true }),
  ]);
  output = run.stdout + run.stderr + configRun.stdout + configRun.stderr;
  report = parseReport(run);
  configReport = parseReport(configRun);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

const check = (id: string, r: JsonReport = report) => r.checks.find((c) => c.id === id)!;

describe('against the real open-source gateway', () => {
  it('reports it reachable and identifies it as the open-source gateway, its greeting the evidence (not the 500 of /v1/models)', () => {
    expect(check('gateway-http')).toMatchObject({ status: 'ok' });
    // /v1/models answered 500 although the provider answered it: the greeting is what shows the gateway is there.
    expect(check('gateway-http').details).toMatchObject({ kind: 'portkey-oss', status: 500, evidence: { probe: 'GET /', status: 200 } });
    expect(mock.seen.some((r) => r.method === 'GET' && r.path === '/v1/models')).toBe(true);
  });

  it('does not pretend to have verified a Portkey key it cannot verify, nor a workspace it does not have', () => {
    expect(check('key-validity').status).toBe('ok');
    expect(check('key-validity').details).toMatchObject({ gatewayKind: 'portkey-oss' });
    expect(check('workspace-scope')).toMatchObject({ status: 'ok', details: { gatewayKind: 'portkey-oss' } });
  });

  it('routing: the gateway cannot count tokens (a warning, not a failure of the setup), the provider named from x-portkey-provider', () => {
    const routing = check('routing');
    expect({ status: routing.status, code: routing.code }).toEqual({ status: 'warn', code: 'ROUTING_GATEWAY_CANNOT_COUNT' });
    expect(routing.details).toMatchObject({ status: 500, gatewayKind: 'portkey-oss', routesTo: { providers: ['anthropic'], from: 'x-portkey-provider' } });
    // The provider did answer count_tokens, through the gateway.
    expect(mock.seen.some((r) => r.method === 'POST' && r.path === '/v1/messages/count_tokens')).toBe(true);
  });

  it('routing by an inline x-portkey-config: the provider named from the config, its key never printed', () => {
    const routing = check('routing', configReport);
    expect({ status: routing.status, code: routing.code }).toEqual({ status: 'warn', code: 'ROUTING_GATEWAY_CANNOT_COUNT' });
    expect(routing.details).toMatchObject({ routesTo: { providers: ['anthropic'], from: 'x-portkey-config' } });
    expect(check('gateway-http', configReport).details).toMatchObject({ kind: 'portkey-oss', evidence: { probe: 'GET /' } });
    expect(check('live-message', configReport)).toMatchObject({ status: 'skip', code: 'LIVE_NOT_REQUESTED' });
    expect(findLeak(output, CONFIG_KEY)).toBeUndefined();
  });

  it('no check fails for the gateway’s defects but the live stream the app needs', () => {
    const failing = report.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);
    expect(failing).toEqual(['live-message']);
    expect(configReport.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id)).toEqual([]);
  });

  it('reports streaming broken and names the provider that answered without streaming', () => {
    const live = check('live-message');
    expect({ status: live.status, code: live.code }).toEqual({ status: 'fail', code: 'LIVE_STREAM_BROKEN' });
    expect(live.details).toMatchObject({ nonStreaming: { status: 200, provider: 'anthropic' } });
    // The mock provider really got the requests, through the gateway.
    expect(mock.seen.some((r) => r.path.startsWith('/v1/messages'))).toBe(true);
  });

  it('measures latency against the gateway', () => {
    expect(check('latency').status).toBe('ok');
    expect(check('latency').details).toMatchObject({ path: '/' });
  });

  it('never prints the provider key', () => {
    expect(findLeak(output, PROVIDER_KEY)).toBeUndefined();
  });
});

/** One raw request to the real gateway, its answer in the recorded form (date and connection headers left out). */
async function ask(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RecordedAnswer> {
  const res = await fetch(`${gateway.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!['date', 'connection', 'keep-alive', 'content-length'].includes(name)) headers[name] = value;
  });
  return { status: res.status, headers, body: await res.text() };
}

describe('the real 1.15.2 answers as the check tests fake it (test/support/gateway.ts)', () => {
  const countTokens = JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'ping' }] });
  const route = (host: string) => ({
    'content-type': 'application/json',
    authorization: `Bearer ${PROVIDER_KEY}`,
    'x-portkey-provider': 'anthropic',
    'x-portkey-custom-host': `${host}/v1`,
  });

  it('GET /: the greeting', async () => {
    expect(await ask('/')).toEqual(OSS_1_15_2.greeting);
  });

  it('no provider and no config: 400 on /v1/models, /v1/health and count_tokens', async () => {
    expect(await ask('/v1/models')).toEqual(OSS_1_15_2.noRouting);
    expect(await ask('/v1/health')).toEqual(OSS_1_15_2.noRouting);
    expect(await ask('/v1/messages/count_tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: countTokens })).toEqual(
      OSS_1_15_2.noRouting,
    );
  });

  it('count_tokens and GET /v1/models: 500 although the provider answered 2xx (TypeError: immutable)', async () => {
    const before = mock.seen.length;
    expect(await ask('/v1/messages/count_tokens', { method: 'POST', headers: route(mock.url), body: countTokens })).toEqual(OSS_1_15_2.passthroughCrash);
    expect(await ask('/v1/models', { headers: route(mock.url) })).toEqual(OSS_1_15_2.passthroughCrash);
    expect(mock.seen.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages/count_tokens', 'GET /v1/models']);
    expect(gateway.output()).toContain('TypeError: immutable');
  });

  it('a provider’s error passes through, with the routing headers', async () => {
    const failing = await startMockAnthropic();
    try {
      failing.failWith(401);
      const answer = await ask('/v1/messages/count_tokens', { method: 'POST', headers: route(failing.url), body: countTokens });
      expect(answer).toEqual(OSS_1_15_2.providerError(401, '{"type":"error","error":{"type":"api_error","message":"mock failure"}}'));
    } finally {
      await failing.close();
    }
  });

  it('an unreachable provider: 500 in plain text, naming the provider', async () => {
    const port = await closedPort();
    const answer = await ask('/v1/messages/count_tokens', { method: 'POST', headers: route(`http://127.0.0.1:${port}`), body: countTokens });
    expect(answer).toEqual(OSS_1_15_2.providerUnreachable(port));
  });
});
