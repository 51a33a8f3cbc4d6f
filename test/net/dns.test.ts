import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveHost, serversLookup } from '../../src/net/dns.js';
import { startTestDns, type TestDns } from '../support/dns.js';

let dns: TestDns;

beforeAll(async () => {
  dns = await startTestDns({ 'gateway.corp.test': ['127.0.0.1', '::1'], 'v4only.corp.test': ['127.0.0.2'] });
});
afterAll(async () => {
  await dns.close();
});

describe('resolveHost (system resolver)', () => {
  it('resolves localhost from the hosts file and names the address a connection tries first', async () => {
    const r = await resolveHost('localhost', { timeoutMs: 5000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.literal).toBe(false);
    expect(r.addresses.length).toBeGreaterThan(0);
    expect(r.chosen).toEqual(r.addresses[0]);
    expect(['127.0.0.1', '::1']).toContain(r.chosen.address);
    expect(typeof r.order).toBe('string');
  });

  it('passes IP literals through without resolving (brackets stripped)', async () => {
    const r = await resolveHost('[::1]', { timeoutMs: 1000 });
    expect(r).toMatchObject({ ok: true, literal: true, chosen: { address: '::1', family: 6 } });
  });

  it('aborted by the caller', async () => {
    const r = await resolveHost('localhost', { timeoutMs: 5000, signal: AbortSignal.abort() });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'dns', kind: 'aborted' });
  });
});

describe('resolveHost (given DNS servers, against a loopback DNS server)', () => {
  it('returns both families, IPv4 first', async () => {
    dns.setMode('answer');
    const r = await resolveHost('gateway.corp.test', { timeoutMs: 2000, servers: [dns.server] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.addresses).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(r.chosen).toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('dns-not-found on NXDOMAIN (ENOTFOUND)', async () => {
    dns.setMode('answer');
    const r = await resolveHost('nothing-here.corp.test', { timeoutMs: 2000, servers: [dns.server] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'dns', kind: 'dns-not-found', rawCode: 'ENOTFOUND' });
  });

  it('dns-failure on SERVFAIL (ESERVFAIL)', async () => {
    dns.setMode('servfail');
    const r = await resolveHost('gateway.corp.test', { timeoutMs: 2000, servers: [dns.server] });
    dns.setMode('answer');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'dns', kind: 'dns-failure', rawCode: 'ESERVFAIL' });
  });

  it('dns-timeout when the server never answers (c-ares ETIMEOUT)', async () => {
    dns.setMode('silent');
    const r = await resolveHost('gateway.corp.test', { timeoutMs: 300, servers: [dns.server] });
    dns.setMode('answer');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure).toMatchObject({ layer: 'dns', kind: 'dns-timeout' });
      expect(['ETIMEOUT', 'DEADLINE']).toContain(r.failure.rawCode);
    }
  });
});

describe('serversLookup', () => {
  it('answers net.connect-style lookups (single and all)', async () => {
    const lookup = serversLookup([dns.server], 2000);
    const one = await new Promise<unknown[]>((resolve) => lookup('v4only.corp.test', {}, (...args: unknown[]) => resolve(args)));
    expect(one).toEqual([null, '127.0.0.2', 4]);
    const all = await new Promise<unknown[]>((resolve) => lookup('gateway.corp.test', { all: true }, (...args: unknown[]) => resolve(args)));
    expect(all[1]).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    const v6 = await new Promise<unknown[]>((resolve) => lookup('gateway.corp.test', { family: 6 }, (...args: unknown[]) => resolve(args)));
    expect(v6).toEqual([null, '::1', 6]);
  });
});
