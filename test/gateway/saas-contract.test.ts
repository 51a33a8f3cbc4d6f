/**
 * The doctor against the fake Portkey SaaS (msw handlers behind a real loopback port) with a
 * valid key: the healthy contract. Every network and gateway check passes (live-message is
 * skipped without --live, as documented), routing names the provider and the trace id,
 * workspace scope says what it could and could not establish, latency reports cold and warm
 * phases; with --live the streamed message passes and names the model that answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findLeak } from '../cli/leak-check.js';
import { parseReport, runCli, type CliRun, type JsonReport } from '../cli/run-cli.js';
import { CATALOG, PORTKEY_KEYS, startPortkeySaas, type FakePortkey } from '../support/portkey-saas.js';

const KEY = PORTKEY_KEYS.valid;
const NETWORK_GATEWAY = ['dns', 'tcp', 'proxy', 'tls', 'gateway-http', 'key-validity', 'workspace-scope', 'routing', 'live-message', 'latency'];
const SAMPLES = 4;

let saas: FakePortkey;
let plain: { run: CliRun; report: JsonReport; ms: number };
let live: { run: CliRun; report: JsonReport; ms: number };

async function doctor(extra: string[]): Promise<{ run: CliRun; report: JsonReport; ms: number }> {
  const t0 = performance.now();
  const run = await runCli(
    ['--json', '--no-policy', '--base-url', saas.url, '--only', 'network,gateway', '--samples', String(SAMPLES), '--timeout', '30', ...extra],
    { PORTKEY_DOCTOR_API_KEY: KEY },
    90_000,
    { network: true },
  );
  return { run, report: parseReport(run), ms: performance.now() - t0 };
}

beforeAll(async () => {
  saas = await startPortkeySaas();
  [plain, live] = await Promise.all([doctor([]), doctor(['--live'])]);
}, 120_000);

afterAll(async () => {
  await saas?.close();
});

const check = (report: JsonReport, id: string) => {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} in the report`);
  return c;
};

describe('healthy setup against the fake Portkey SaaS', () => {
  it('every network and gateway check passes; live-message is skipped without --live', () => {
    const statuses = Object.fromEntries(
      plain.report.checks.filter((c) => NETWORK_GATEWAY.includes(c.id)).map((c) => [c.id, `${c.status}${c.code ? `:${c.code}` : ''}`]),
    );
    expect(statuses).toEqual({
      dns: 'ok',
      tcp: 'ok',
      proxy: 'ok',
      tls: 'ok',
      'gateway-http': 'ok',
      'key-validity': 'ok',
      'workspace-scope': 'ok',
      routing: 'ok',
      'live-message': 'skip:LIVE_NOT_REQUESTED',
      latency: 'ok',
    });
    expect(plain.run.code).toBe(0);
    expect(plain.report.exitCode).toBe(0);
  });

  it('identifies a Portkey gateway without sending the key on its unauthenticated probe', () => {
    expect(check(plain.report, 'gateway-http').details).toMatchObject({ kind: 'portkey', status: 401 });
    const keyless = saas.requests.filter((r) => r.path === '/v1/models' && r.headers.authorization === undefined);
    expect(keyless.length).toBeGreaterThanOrEqual(2); // one probe per run
    const keyed = saas.requests.filter((r) => r.headers.authorization !== undefined);
    expect(keyed.length).toBeGreaterThan(0);
    for (const r of keyed) expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('the key is valid and its catalog is read', () => {
    expect(check(plain.report, 'key-validity').details).toMatchObject({
      status: 200,
      scheme: 'bearer',
      catalog: { count: CATALOG.data.length, providers: ['anthropic-prod', 'bedrock-eu'], truncated: false },
    });
  });

  it('routing names the provider and the trace id', () => {
    const d = check(plain.report, 'routing').details ?? {};
    expect(d).toMatchObject({ status: 200, provider: 'anthropic', lastUsedOptionIndex: 'config', fallbackUsed: false, model: CATALOG.data[0]!.id });
    expect(d.traceId).toMatch(/^trace-[0-9a-f]{8}$/);
  });

  it('workspace scope lists what was established and what was not', () => {
    const d = check(plain.report, 'workspace-scope').details as { established: string[]; notEstablished: string[]; providers: string[] };
    expect(d.providers).toEqual(['anthropic-prod', 'bedrock-eu']);
    expect(d.established.length).toBeGreaterThanOrEqual(2);
    // The workspace itself can never be named: Portkey has no identity endpoint for API keys.
    expect(d.notEstablished.length).toBeGreaterThanOrEqual(1);
  });

  it('latency reports the cold request by phase and the warm ones on the reused connection', () => {
    const d = check(plain.report, 'latency').details as {
      path: string;
      samples: number;
      failed: number;
      cold: { dnsMs: number | null; connectMs: number | null; tlsMs: number | null; ttfbMs: number | null; totalMs: number; proxied: boolean };
      warm: { total: { p50: number; p95: number; n: number }; ttfb: { n: number } };
      networkRttMs: number | null;
      gatewayMs: { n: number };
    };
    expect(d).toMatchObject({ path: '/v1/models', samples: SAMPLES, failed: 0 });
    // An IP literal over plain http: no DNS, no TLS; connect ≤ first byte ≤ total.
    expect(d.cold).toMatchObject({ dnsMs: null, tlsMs: null, proxied: false });
    expect(typeof d.cold.connectMs).toBe('number');
    expect(typeof d.cold.ttfbMs).toBe('number');
    expect(d.cold.connectMs!).toBeLessThanOrEqual(d.cold.ttfbMs!);
    expect(d.cold.ttfbMs!).toBeLessThanOrEqual(d.cold.totalMs);
    // Every later sample went on the kept-alive connection.
    expect(d.warm.total.n).toBe(SAMPLES - 1);
    expect(d.warm.ttfb.n).toBe(SAMPLES - 1);
    expect(d.warm.total.p50).toBeLessThanOrEqual(d.warm.total.p95);
    expect(typeof d.networkRttMs).toBe('number');
    expect(d.gatewayMs.n).toBe(SAMPLES - 1);
  });

  it('with --live the streamed message passes and names the model that answered', () => {
    const c = check(live.report, 'live-message');
    expect({ status: c.status, code: c.code }).toEqual({ status: 'ok', code: undefined });
    expect(c.details).toMatchObject({ status: 200, provider: 'anthropic', answeredModel: CATALOG.data[0]!.id });
    expect((c.details as { events: string[] }).events).toContain('message_stop');
    // The rest is as healthy as without --live.
    expect(live.report.checks.filter((x) => NETWORK_GATEWAY.includes(x.id) && x.status !== 'ok')).toEqual([]);
    expect(live.run.code).toBe(0);
  });

  it('never prints the key, not even 8 characters of it', () => {
    for (const r of [plain, live]) expect(findLeak(r.run.stdout + r.run.stderr, KEY)).toBeUndefined();
  });

  it('finishes well inside its --timeout', () => {
    for (const r of [plain, live]) {
      expect(r.report.durationMs).toBeLessThan(30_000);
      expect(r.ms).toBeLessThan(60_000);
    }
  });
});
