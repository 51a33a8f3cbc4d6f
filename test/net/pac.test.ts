/** PAC files in the real sandbox (QuickJS): answers, and every way a PAC file goes wrong, bounded. */
import { describe, expect, it } from 'vitest';

import { evaluatePac } from '../../src/net/pac.js';
import { startTestDns } from '../support/dns.js';

const URL_ = 'https://gateway.example.test/v1/messages';
const opts = { timeoutMs: 2_000, myIpAddress: '10.1.2.3', resolve: async (h: string) => (h === 'gateway.example.test' ? '10.9.8.7' : null) };

describe('evaluatePac', () => {
  it('runs FindProxyForURL with the PAC functions', async () => {
    const r = await evaluatePac(
      `function FindProxyForURL(url, host) {
        if (isPlainHostName(host)) return "DIRECT";
        if (dnsDomainIs(host, ".example.test") && shExpMatch(url, "https://*")) return "PROXY a.example.test:3128; PROXY b.example.test:3128; DIRECT";
        return "DIRECT";
      }`,
      URL_,
      opts,
    );
    expect(r).toMatchObject({ ok: true, result: 'PROXY a.example.test:3128; PROXY b.example.test:3128; DIRECT' });
  });

  it('answers dnsResolve, isInNet and myIpAddress from the given hooks (nothing leaves the machine)', async () => {
    const r = await evaluatePac(
      `function FindProxyForURL(url, host) {
        var ip = dnsResolve(host);
        var inNet = isInNet(host, "10.9.0.0", "255.255.0.0");
        var me = myIpAddress();
        var other = isResolvable("nowhere.test");
        return ip + "," + inNet + "," + me + "," + other;
      }`,
      URL_,
      opts,
    );
    expect(r).toMatchObject({ ok: true, result: '10.9.8.7,true,10.1.2.3,false' });
  });

  it('with --dns-server, the PAC functions resolve through those servers', async () => {
    const dns = await startTestDns({ 'intranet.corp.test': ['10.20.30.40'] });
    try {
      const r = await evaluatePac('function FindProxyForURL(url, host) { var ip = dnsResolve("intranet.corp.test"); return "PROXY " + ip + ":8080"; }', URL_, {
        timeoutMs: 2_000,
        myIpAddress: '10.1.2.3',
        servers: [dns.server],
      });
      expect(r).toMatchObject({ ok: true, result: 'PROXY 10.20.30.40:8080' });
    } finally {
      await dns.close();
    }
  });

  it('an endless loop is interrupted at the deadline: pac-timeout', async () => {
    const t0 = performance.now();
    const r = await evaluatePac('function FindProxyForURL(url, host) { while (true) {} }', URL_, { ...opts, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, kind: 'pac-timeout' });
    expect(performance.now() - t0).toBeLessThan(5_000); // hang guard only
  });

  it('the caller’s deadline (endBy) bounds the loop even when timeoutMs is longer: pac-timeout before the caller gives up', async () => {
    const begun = Date.now();
    const r = await evaluatePac('function FindProxyForURL() { for (;;) {} }', 'https://x.test/', { timeoutMs: 60_000, endBy: Date.now() + 1_500 });
    expect(r).toMatchObject({ ok: false, kind: 'pac-timeout' });
    expect(Date.now() - begun).toBeLessThan(20_000); // hang guard, not a timing assertion
  });

  it('a caller’s deadline already spent by the sandbox start: pac-timeout, the PAC file is not run', async () => {
    const r = await evaluatePac('function FindProxyForURL() { return "DIRECT"; }', 'https://x.test/', { timeoutMs: 5_000, endBy: Date.now() - 1 });
    expect(r).toMatchObject({ ok: false, kind: 'pac-timeout' });
  });

  it('an endless loop at the top level is interrupted too', async () => {
    const r = await evaluatePac('for (;;) {} function FindProxyForURL() { return "DIRECT"; }', URL_, { ...opts, timeoutMs: 300 });
    expect(r).toMatchObject({ ok: false, kind: 'pac-timeout' });
  });

  it('a lookup that never answers ends at the deadline: pac-timeout', async () => {
    const r = await evaluatePac('function FindProxyForURL(url, host) { return dnsResolve(host) ? "DIRECT" : "DIRECT"; }', URL_, {
      ...opts,
      timeoutMs: 300,
      resolve: () => new Promise<string | null>(() => {}),
    });
    expect(r).toMatchObject({ ok: false, kind: 'pac-timeout' });
  });

  it('a PAC file that throws: pac-throws', async () => {
    const r = await evaluatePac('function FindProxyForURL() { throw new Error("boom"); }', URL_, opts);
    expect(r).toMatchObject({ ok: false, kind: 'pac-throws' });
    if (!r.ok) expect(r.message).toContain('boom');
  });

  it('not JavaScript, or no FindProxyForURL: pac-invalid', async () => {
    expect(await evaluatePac('this is { not javascript', URL_, opts)).toMatchObject({ ok: false, kind: 'pac-invalid' });
    expect(await evaluatePac('var x = 1;', URL_, opts)).toMatchObject({ ok: false, kind: 'pac-invalid' });
  });

  it('memory is bounded: pac-memory', async () => {
    const r = await evaluatePac('function FindProxyForURL() { var a = []; for (;;) a.push("xxxxxxxxxxxxxxxxxxxxxxxx" + a.length); }', URL_, {
      ...opts,
      memoryLimitBytes: 8 * 1024 * 1024,
    });
    expect(r).toMatchObject({ ok: false, kind: 'pac-memory' });
  });

  it('a non-string answer: pac-bad-result', async () => {
    expect(await evaluatePac('function FindProxyForURL() { return 42; }', URL_, opts)).toMatchObject({ ok: false, kind: 'pac-bad-result' });
  });

  it('each evaluation has a fresh sandbox (one PAC file never sees another)', async () => {
    await evaluatePac('function FindProxyForURL() { return "PROXY old.example.test:1"; }', URL_, opts);
    expect(await evaluatePac('var unrelated = 1;', URL_, opts)).toMatchObject({ ok: false, kind: 'pac-invalid' });
  });
});
