/**
 * The doctor against the real open-source Portkey gateway (npm @portkey-ai/gateway, pinned
 * 1.15.2) in front of a mock Anthropic provider reached through x-portkey-custom-host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeak } from '../cli/leak-check.js';
import { parseReport, runCli, type JsonReport } from '../cli/run-cli.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';

const PROVIDER_KEY = 'sk-ant-api03-ProviderKeyForMockQwzrtyplkj';

let gateway: TestGateway;
let mock: MockAnthropic;
let report: JsonReport;
let output: string;

beforeAll(async () => {
  mock = await startMockAnthropic();
  gateway = await startGateway();
  const run = await runCli(
    [
      '--json',
      '--no-policy',
      '--live',
      '--base-url',
      gateway.url,
      '--header',
      'x-portkey-provider: anthropic',
      '--header',
      `x-portkey-custom-host: ${mock.url}/v1`,
      '--only',
      'network,gateway',
    ],
    { PORTKEY_DOCTOR_API_KEY: PROVIDER_KEY },
    90_000,
    { network: true },
  );
  output = run.stdout + run.stderr;
  report = parseReport(run);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

const check = (id: string) => report.checks.find((c) => c.id === id)!;

describe('against the real open-source gateway', () => {
  it('reports it reachable and identifies it as the open-source gateway', () => {
    expect(check('gateway-http')).toMatchObject({ status: 'ok' });
    expect(check('gateway-http').details).toMatchObject({ kind: 'portkey-oss' });
  });

  it('does not pretend to have verified a Portkey key it cannot verify', () => {
    expect(check('key-validity').status).toBe('ok');
    expect(check('key-validity').details).toMatchObject({ gatewayKind: 'portkey-oss' });
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
