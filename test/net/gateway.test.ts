/**
 * The real open-source gateway (@portkey-ai/gateway 1.15.2) between the HTTP layer and a mock
 * Anthropic provider, all on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { bearer, createHttpClient, httpRequest, type HttpClient } from '../../src/net/http.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startMockAnthropic, STREAM_EVENT_TYPES, type MockAnthropic } from '../support/mock-anthropic.js';

let gateway: TestGateway;
let provider: MockAnthropic;
let client: HttpClient;
const key = new Secret('sk-ant-test-0123456789abcdef');

beforeAll(async () => {
  [gateway, provider] = await Promise.all([startGateway(), startMockAnthropic()]);
  client = createHttpClient({ proxy: 'none' });
});
afterAll(async () => {
  await client?.close();
  await Promise.all([gateway?.close(), provider?.close()]);
});

const route = (): Record<string, string> => ({
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-portkey-provider': 'anthropic',
  'x-portkey-custom-host': provider.customHost,
});
const message = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'ping' }], ...extra });

describe('open-source gateway', () => {
  it('answers GET / with its greeting', async () => {
    const r = await client.request({ url: `${gateway.url}/`, timeoutMs: 5000, maxBodyBytes: 1024 });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r).toMatchObject({ status: 200, body: 'AI Gateway says hey!' });
  });

  it('routes a non-streaming POST /v1/messages to the mock provider', async () => {
    const r = await client.request({
      url: `${gateway.url}/v1/messages`,
      method: 'POST',
      headers: { ...route(), authorization: bearer(key) },
      body: message(),
      timeoutMs: 10_000,
      maxBodyBytes: 64 * 1024,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ type: 'message', model: 'claude-sonnet-4-5' });
    expect(r.headers).toMatchObject({ 'x-portkey-provider': 'anthropic', 'x-portkey-last-used-option-index': 'config' });
    const seen = provider.seen.at(-1);
    expect(seen).toMatchObject({ method: 'POST', path: '/v1/messages' });
    // The gateway turns the bearer token into Anthropic's x-api-key.
    expect(seen?.headers['x-api-key']).toBe(key.reveal());
  });

  it('1.15.2 on Node 20: a streaming /v1/messages reaches the provider but answers 500 (known defect)', async () => {
    const before = provider.seen.length;
    const r = await client.request({
      url: `${gateway.url}/v1/messages`,
      method: 'POST',
      headers: { ...route(), authorization: bearer(key), accept: 'text/event-stream' },
      body: message({ stream: true }),
      timeoutMs: 10_000,
      maxBodyBytes: 64 * 1024,
      sse: true,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(provider.seen.length).toBe(before + 1);
    expect(r.status).toBe(500);
    expect(r.headers['x-portkey-gateway-exception']).toBe('true');
    expect(r.sse?.count).toBe(0);
    expect(gateway.output()).toContain('TypeError: immutable');
  });

  it('1.15.2 on Node 20: POST /v1/messages/count_tokens also answers 500', async () => {
    const r = await client.request({
      url: `${gateway.url}/v1/messages/count_tokens`,
      method: 'POST',
      headers: { ...route(), authorization: bearer(key) },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'ping' }] }),
      timeoutMs: 10_000,
      maxBodyBytes: 64 * 1024,
    });
    expect(r.ok && r.status).toBe(500);
  });

  it('answers 400 without routing headers', async () => {
    const r = await client.request({
      url: `${gateway.url}/v1/messages`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer(key) },
      body: message(),
      timeoutMs: 10_000,
      maxBodyBytes: 64 * 1024,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'failure' });
  });

  it('the mock provider streams the documented event sequence when asked directly', async () => {
    const r = await client.request({
      url: `${provider.url}/v1/messages`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: message({ stream: true }),
      timeoutMs: 5000,
      maxBodyBytes: 64 * 1024,
      sse: true,
    });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.sse?.types).toEqual([...STREAM_EVENT_TYPES]);
  });

  it('stops by pid: after close() its port refuses connections', async () => {
    const other = await startGateway();
    await other.close();
    const r = await httpRequest({ url: `${other.url}/`, timeoutMs: 3000, maxBodyBytes: 1024, proxy: 'none' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('tcp-refused');
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});
