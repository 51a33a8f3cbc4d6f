/**
 * The fake Portkey SaaS (msw handlers behind a real TLS port) seen through the HTTP layer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { bearer, createHttpClient, type HttpClient, type HttpResult } from '../../src/net/http.js';
import { testPki, type TestPki } from '../support/certs.js';
import { CATALOG, PORTKEY_KEYS, startPortkeySaas, type FakePortkey } from '../support/portkey-saas.js';

let pki: TestPki;
let saas: FakePortkey;
let client: HttpClient;

beforeAll(async () => {
  pki = await testPki();
  saas = await startPortkeySaas({ tls: { cert: pki.leaf.chain, key: pki.leaf.key } });
  client = createHttpClient({ proxy: 'none', extraCa: [pki.root.cert] });
});
afterAll(async () => {
  await client?.close();
  await saas?.close();
  pki?.cleanup();
});
beforeEach(() => saas.setScenario(undefined));

const base = (): string => `https://localhost:${saas.port}`;

async function get(path: string, key: string, header: 'bearer' | 'x-portkey-api-key' | 'x-api-key' = 'bearer'): Promise<HttpResult> {
  const secret = new Secret(key);
  const headers = header === 'bearer' ? { authorization: bearer(secret) } : { [header]: secret };
  return client.request({ url: `${base()}${path}`, headers, timeoutMs: 5000, maxBodyBytes: 64 * 1024 });
}

async function post(path: string, key: string, body: Record<string, unknown>, extra: Record<string, string> = {}, sse = false): Promise<HttpResult> {
  return client.request({
    url: `${base()}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: bearer(new Secret(key)), ...extra },
    body: JSON.stringify(body),
    timeoutMs: 5000,
    maxBodyBytes: 64 * 1024,
    sse,
  });
}

function statusOf(r: HttpResult): number {
  expect(r.ok).toBe(true);
  return r.ok ? r.status : -1;
}

describe('fake Portkey SaaS: GET /v1/models', () => {
  it('lists the catalog for a valid key (bearer or x-portkey-api-key)', async () => {
    for (const header of ['bearer', 'x-portkey-api-key'] as const) {
      const r = await get('/v1/models', PORTKEY_KEYS.valid, header);
      expect(statusOf(r)).toBe(200);
      if (r.ok) expect(JSON.parse(r.body)).toEqual(CATALOG);
    }
  });

  it('401 Error Code 03 for an unknown key, and for a key in x-api-key', async () => {
    for (const r of [await get('/v1/models', PORTKEY_KEYS.invalid), await get('/v1/models', PORTKEY_KEYS.valid, 'x-api-key')]) {
      expect(statusOf(r)).toBe(401);
      if (r.ok) expect(JSON.parse(r.body)).toMatchObject({ status: 'failure', message: expect.stringMatching(/Error Code: 03$/) });
    }
  });

  it('403 AB03, 412 Error Code 04, 429, 500 by key; 503 by scenario', async () => {
    const forbidden = await get('/v1/models', PORTKEY_KEYS.forbidden);
    expect(statusOf(forbidden)).toBe(403);
    if (forbidden.ok) expect(JSON.parse(forbidden.body)).toMatchObject({ success: false, data: { errorCode: 'AB03' } });
    const limit = await get('/v1/models', PORTKEY_KEYS.usageLimit);
    expect(statusOf(limit)).toBe(412);
    if (limit.ok) expect(JSON.parse(limit.body).message).toMatch(/Error Code: 04$/);
    const rate = await get('/v1/models', PORTKEY_KEYS.rateLimited);
    expect(statusOf(rate)).toBe(429);
    if (rate.ok) expect(rate.headers['retry-after']).toBe('1');
    expect(statusOf(await get('/v1/models', PORTKEY_KEYS.serverError))).toBe(500);
    saas.setScenario('unavailable');
    expect(statusOf(await get('/v1/models', PORTKEY_KEYS.valid))).toBe(503);
  });
});

describe('fake Portkey SaaS: routing', () => {
  const msg = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'ping' }] };

  it('count_tokens with x-portkey-provider: 200 with trace, provider and option-index headers', async () => {
    const r = await post('/v1/messages/count_tokens', PORTKEY_KEYS.valid, msg, { 'x-portkey-provider': '@anthropic-prod' });
    expect(statusOf(r)).toBe(200);
    if (!r.ok) return;
    expect(JSON.parse(r.body)).toEqual({ input_tokens: 12 });
    expect(r.headers).toMatchObject({ 'x-portkey-provider': 'anthropic-prod', 'x-portkey-last-used-option-index': 'config' });
    expect(r.headers['x-portkey-trace-id']).toMatch(/^trace-/);
  });

  it('400 without provider/config header unless the model is a catalog slug', async () => {
    const none = await post('/v1/messages/count_tokens', PORTKEY_KEYS.valid, msg);
    expect(statusOf(none)).toBe(400);
    if (none.ok) expect(JSON.parse(none.body)).toMatchObject({ status: 'failure' });
    const slug = await post('/v1/messages/count_tokens', PORTKEY_KEYS.valid, { ...msg, model: '@anthropic-prod/claude-sonnet-4-5' });
    expect(statusOf(slug)).toBe(200);
  });

  it('fallback scenario reports config.targets[1]', async () => {
    saas.setScenario('fallback');
    const r = await post('/v1/messages', PORTKEY_KEYS.valid, msg, { 'x-portkey-config': 'pc-test' });
    expect(statusOf(r)).toBe(200);
    if (r.ok) expect(r.headers['x-portkey-last-used-option-index']).toBe('config.targets[1]');
  });

  it('streams /v1/messages as SSE; the HTTP layer reads the event types and time to first event', async () => {
    const r = await post('/v1/messages', PORTKEY_KEYS.valid, { ...msg, stream: true }, { 'x-portkey-provider': 'anthropic' }, true);
    expect(statusOf(r)).toBe(200);
    if (!r.ok) return;
    expect(r.headers['content-type']).toBe('text/event-stream');
    expect(r.sse?.types.at(0)).toBe('message_start');
    expect(r.sse?.types.at(-1)).toBe('message_stop');
    expect(r.sse?.firstEventMs).not.toBeNull();
  });

  it('the fake saw the key only in the headers the client sent', () => {
    const last = saas.requests.at(-1);
    expect(last?.headers.authorization).toBe(`Bearer ${PORTKEY_KEYS.valid}`);
  });
});
