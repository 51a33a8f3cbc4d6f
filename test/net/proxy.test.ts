import { afterAll, describe, expect, it } from 'vitest';

import { proxyConnect, proxyFor } from '../../src/net/proxy.js';
import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import { closedPort, startHttpServer, startSilentServer, type TestServer } from '../support/servers.js';

const servers: (TestServer | TestProxy)[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('proxyFor (EnvHttpProxyAgent rules)', () => {
  const P = 'http://proxy.corp.test:3128';

  it('no proxy variables: direct', () => {
    expect(proxyFor('https://api.portkey.ai', {})).toEqual({ proxied: false, reason: 'no-proxy-configured' });
  });

  it('https uses HTTPS_PROXY, falling back to HTTP_PROXY; http uses HTTP_PROXY only', () => {
    expect(proxyFor('https://api.portkey.ai', { HTTPS_PROXY: P })).toMatchObject({
      proxied: true,
      proxy: { source: 'HTTPS_PROXY', host: 'proxy.corp.test', port: 3128 },
    });
    expect(proxyFor('https://api.portkey.ai', { HTTP_PROXY: P })).toMatchObject({ proxied: true, proxy: { source: 'HTTP_PROXY' } });
    expect(proxyFor('http://gw.corp.test', { HTTPS_PROXY: P })).toEqual({ proxied: false, reason: 'no-proxy-configured' });
  });

  it('lower case wins over upper case, even when empty', () => {
    expect(proxyFor('https://x.test', { https_proxy: 'http://lower.test:1', HTTPS_PROXY: 'http://upper.test:2' })).toMatchObject({
      proxy: { source: 'https_proxy', host: 'lower.test' },
    });
    expect(proxyFor('https://x.test', { https_proxy: '', HTTPS_PROXY: 'http://upper.test:2' })).toEqual({ proxied: false, reason: 'no-proxy-configured' });
    expect(proxyFor('https://x.test', { HTTPS_PROXY: P, no_proxy: '', NO_PROXY: 'x.test' })).toMatchObject({ proxied: true });
  });

  it('NO_PROXY: literal names, subdomains, leading dot and *., ports, wildcard', () => {
    const env = (no: string) => ({ HTTPS_PROXY: P, HTTP_PROXY: P, NO_PROXY: no });
    expect(proxyFor('https://api.portkey.ai', env('api.portkey.ai'))).toMatchObject({ proxied: false, reason: 'no-proxy-match', entry: 'api.portkey.ai' });
    expect(proxyFor('https://api.portkey.ai', env('portkey.ai'))).toMatchObject({ proxied: false, entry: 'portkey.ai' });
    expect(proxyFor('https://api.portkey.ai', env('.portkey.ai'))).toMatchObject({ proxied: false });
    expect(proxyFor('https://api.portkey.ai', env('*.portkey.ai'))).toMatchObject({ proxied: false });
    expect(proxyFor('https://notportkey.ai', env('portkey.ai'))).toMatchObject({ proxied: true });
    expect(proxyFor('https://api.portkey.ai', env('api.portkey.ai:8443'))).toMatchObject({ proxied: true });
    expect(proxyFor('https://api.portkey.ai:8443', env('api.portkey.ai:8443'))).toMatchObject({ proxied: false });
    expect(proxyFor('https://api.portkey.ai', env('api.portkey.ai:443'))).toMatchObject({ proxied: false });
    expect(proxyFor('https://api.portkey.ai', env('*'))).toMatchObject({ proxied: false, reason: 'no-proxy-wildcard', noProxySource: 'NO_PROXY' });
    expect(proxyFor('https://api.portkey.ai', env('foo.test, bar.test\tapi.portkey.ai'))).toMatchObject({ proxied: false });
    expect(proxyFor('https://API.Portkey.AI', env('api.PORTKEY.ai'))).toMatchObject({ proxied: false });
  });

  it('NO_PROXY names are literal: localhost does not cover 127.0.0.1; IPv6 only in brackets', () => {
    const env = (no: string) => ({ HTTP_PROXY: P, NO_PROXY: no });
    expect(proxyFor('http://127.0.0.1:8787', env('localhost'))).toMatchObject({ proxied: true });
    expect(proxyFor('http://127.0.0.1:8787', env('127.0.0.1'))).toMatchObject({ proxied: false });
    expect(proxyFor('http://[::1]:8787', env('::1'))).toMatchObject({ proxied: true });
    expect(proxyFor('http://[::1]:8787', env('[::1]'))).toMatchObject({ proxied: false });
  });

  it('credentials are parsed but never part of the display form', () => {
    const d = proxyFor('https://x.test', { HTTPS_PROXY: 'http://alice:s%3Acret@proxy.corp.test:8080' });
    expect(d.proxied).toBe(true);
    if (!d.proxied) return;
    expect(d.proxy.display).toBe('http://proxy.corp.test:8080');
    expect(d.proxy.credentials?.username).toBe('alice');
    expect(d.proxy.credentials?.password.reveal()).toBe('s:cret');
    expect(JSON.stringify(d)).not.toContain('cret');
  });

  it('flags unusable proxy values', () => {
    expect(proxyFor('https://x.test', { HTTPS_PROXY: 'proxy.corp.test:8080' })).toMatchObject({ proxy: { problem: 'invalid-url' } });
    expect(proxyFor('https://x.test', { HTTPS_PROXY: 'socks5://proxy.corp.test:1080' })).toMatchObject({ proxy: { problem: 'unsupported-scheme' } });
    expect(proxyFor('https://x.test', { HTTPS_PROXY: '::not a url::' })).toMatchObject({ proxy: { problem: 'invalid-url' } });
  });
});

describe('proxyConnect', () => {
  it('opens a tunnel and reports timings', async () => {
    const target = await startHttpServer((_q, r) => r.end('hi'));
    const proxy = await startConnectProxy();
    servers.push(target, proxy);
    const r = await proxyConnect(proxy.url, '127.0.0.1', target.port, { timeoutMs: 5000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.status).toBe(200);
    expect(r.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(r.timings.tunnelMs).toBeGreaterThanOrEqual(r.timings.connectMs ?? 0);
    r.socket.destroy();
    expect(proxy.targets).toEqual([`127.0.0.1:${target.port}`]);
    expect(proxy.tunnels).toBe(1);
  });

  it('proxy-auth-required (407) with the challenge; credentials never in the message', async () => {
    const proxy = await startConnectProxy({ auth: { user: 'alice', pass: 'hunter2-proxy-pass' } });
    servers.push(proxy);
    const wrong = `http://alice:wrong-password-123@127.0.0.1:${proxy.port}`;
    const r = await proxyConnect(wrong, '127.0.0.1', 443, { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toMatchObject({ layer: 'proxy', kind: 'proxy-auth-required', status: 407 });
    expect(r.proxyAuthenticate).toEqual(['Basic realm="corp"']);
    expect(JSON.stringify(r)).not.toContain('wrong-password');
    expect(proxy.authorizations[0]).toMatch(/^Basic /);
    const anonymous = await proxyConnect(proxy.url, '127.0.0.1', 443, { timeoutMs: 5000 });
    expect(anonymous.ok).toBe(false);
    if (!anonymous.ok) expect(anonymous.failure.kind).toBe('proxy-auth-required');
  });

  it('authenticates with credentials from the URL', async () => {
    const target = await startHttpServer((_q, r) => r.end('hi'));
    const proxy = await startConnectProxy({ auth: { user: 'alice', pass: 'p@ss word' } });
    servers.push(target, proxy);
    const r = await proxyConnect(proxy.urlWithCredentials ?? '', '127.0.0.1', target.port, { timeoutMs: 5000 });
    expect(r.ok).toBe(true);
    if (r.ok) r.socket.destroy();
  });

  it('proxy-connect-refused with the status when the proxy refuses the tunnel', async () => {
    const proxy = await startConnectProxy({ refuseWith: 403 });
    servers.push(proxy);
    const r = await proxyConnect(proxy.url, '127.0.0.1', 443, { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'proxy', kind: 'proxy-connect-refused', status: 403, rawCode: 'PROXY_STATUS' });
  });

  it('proxy-connect-refused (502) when the proxy cannot reach the target', async () => {
    const proxy = await startConnectProxy();
    servers.push(proxy);
    const r = await proxyConnect(proxy.url, '127.0.0.1', await closedPort(), { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ kind: 'proxy-connect-refused', status: 502 });
  });

  it('proxy-refused when nothing listens at the proxy address', async () => {
    const r = await proxyConnect(`http://127.0.0.1:${await closedPort()}`, '127.0.0.1', 443, { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'proxy', kind: 'proxy-refused', rawCode: 'ECONNREFUSED' });
  });

  it('proxy-timeout when the proxy accepts but never answers CONNECT', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const r = await proxyConnect(`http://127.0.0.1:${silent.port}`, '127.0.0.1', 443, { timeoutMs: 300 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure).toMatchObject({ layer: 'proxy', kind: 'proxy-timeout', rawCode: 'DEADLINE' });
      expect(r.timings.connectMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('proxy-invalid-url / proxy-unsupported without connecting', async () => {
    const bad = await proxyConnect('proxy.corp.test:8080', '127.0.0.1', 443, { timeoutMs: 1000 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.failure).toMatchObject({ kind: 'proxy-invalid-url', rawCode: 'PROXY_URL' });
    const socks = await proxyConnect('socks5://127.0.0.1:1080', '127.0.0.1', 443, { timeoutMs: 1000 });
    expect(socks.ok).toBe(false);
    if (!socks.ok) expect(socks.failure.kind).toBe('proxy-unsupported');
  });
});
