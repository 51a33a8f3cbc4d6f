import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { serversLookup } from '../../src/net/dns.js';
import { bearer, createHttpClient, httpRequest, type HttpPhases, type HttpResult } from '../../src/net/http.js';
import { SseReader } from '../../src/net/sse.js';
import { testPki, type TestPki } from '../support/certs.js';
import { startTestDns, type TestDns } from '../support/dns.js';
import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import {
  closedPort,
  readBody,
  startBlackHole,
  startDelayedServer,
  startDribbleServer,
  startHttpServer,
  startHugeBodyServer,
  startResetServer,
  startSilentServer,
  type TestServer,
} from '../support/servers.js';

let pki: TestPki;
const running: (TestServer | TestProxy | TestDns)[] = [];
async function track<T extends TestServer | TestProxy | TestDns>(p: Promise<T>): Promise<T> {
  const s = await p;
  running.push(s);
  return s;
}

beforeAll(async () => {
  pki = await testPki();
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  pki.cleanup();
});

const base = { timeoutMs: 5000, maxBodyBytes: 64 * 1024, proxy: 'none' as const, env: {} };

function expectFailure(r: HttpResult, match: Record<string, unknown>): void {
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.failure).toMatchObject(match);
}

/** dns ≤ connect ≤ tunnel ≤ tls ≤ ttfb ≤ total, over the phases that happened. */
function expectOrdered(p: HttpPhases): void {
  const seq = [p.dnsMs, p.connectMs, p.proxyTunnelMs, p.tlsMs, p.ttfbMs, p.totalMs].filter((v): v is number => v !== null);
  for (let i = 1; i < seq.length; i++) expect(seq[i]).toBeGreaterThanOrEqual(seq[i - 1] ?? 0);
}

describe('httpRequest: success, phases, reuse', () => {
  it('https to localhost with an extra CA: all phases present and ordered', async () => {
    const s = await track(
      startHttpServer((_q, r) => r.writeHead(200, { 'X-Thing': 'yes' }).end('hello'), { tls: { cert: pki.leaf.chain, key: pki.leaf.key } }),
    );
    const r = await httpRequest({ ...base, url: `https://localhost:${s.port}/x?y=1`, extraCa: [pki.root.cert] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r).toMatchObject({ status: 200, body: 'hello', truncated: false, headers: { 'x-thing': 'yes' } });
    const p = r.phases;
    for (const v of [p.dnsMs, p.connectMs, p.tlsMs, p.ttfbMs]) expect(v).not.toBeNull();
    expect(p.proxyTunnelMs).toBeNull();
    expectOrdered(p);
    expect(p).toMatchObject({ reusedSocket: false, proxied: false, remoteAddress: '127.0.0.1', remoteFamily: 4 });
  });

  it('plain http to an IP address: no DNS, no TLS phase', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('plain')));
    const r = await httpRequest({ ...base, url: `${s.url}/` });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.phases.dnsMs).toBeNull();
    expect(r.phases.tlsMs).toBeNull();
    expect(r.phases.connectMs).not.toBeNull();
    expectOrdered(r.phases);
  });

  it('a client reuses its connection: second request has reusedSocket and no connect phases', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('ok'), { tls: { cert: pki.leaf.chain, key: pki.leaf.key } }));
    const client = createHttpClient({ proxy: 'none', extraCa: [pki.root.cert] });
    try {
      const first = await client.request({ url: `https://localhost:${s.port}/`, timeoutMs: 5000, maxBodyBytes: 1024 });
      const second = await client.request({ url: `https://localhost:${s.port}/`, timeoutMs: 5000, maxBodyBytes: 1024 });
      expect(first.ok && second.ok).toBe(true);
      expect(first.phases.reusedSocket).toBe(false);
      expect(first.phases.tlsMs).not.toBeNull();
      expect(second.phases.reusedSocket).toBe(true);
      expect(second.phases).toMatchObject({ dnsMs: null, connectMs: null, tlsMs: null });
      expect(second.phases.ttfbMs).not.toBeNull();
      expect(s.connections).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('concurrent requests on one client queue on its one connection per origin', async () => {
    const s = await track(startHttpServer((_q, r) => setTimeout(() => r.end('ok'), 50)));
    const client = createHttpClient({ proxy: 'none' });
    try {
      const results = await Promise.all([1, 2, 3].map(() => client.request({ url: `${s.url}/`, timeoutMs: 5000, maxBodyBytes: 1024 })));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.map((r) => r.phases.reusedSocket).sort()).toEqual([false, true, true]);
      expect(s.connections).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('sends method, headers and body; secrets marked by Secret values are revealed only on the wire and scrubbed from the answer', async () => {
    const key = new Secret('pk-live-0123456789abcdefghij');
    const s = await track(
      startHttpServer(async (q, r) => {
        const body = await readBody(q);
        // A server that echoes what it got (some error pages do).
        r.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(q.headers.authorization) }).end(
          JSON.stringify({ auth: q.headers.authorization, method: q.method, body }),
        );
      }),
    );
    const r = await httpRequest({
      ...base,
      url: `${s.url}/v1/messages`,
      method: 'POST',
      headers: { authorization: bearer(key), 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.body).not.toContain(key.reveal());
    expect(r.body).toContain('[key sha256:');
    expect(r.headers['x-echo']).not.toContain(key.reveal());
    expect(JSON.parse(r.body)).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });
});

describe('httpRequest: key transport safety', () => {
  it('refuses a key over plain http to a non-loopback host without resolving or connecting', async () => {
    const lookups: string[] = [];
    const lookup = ((host: string, _o: unknown, cb: (e: Error) => void) => {
      lookups.push(host);
      cb(Object.assign(new Error('no'), { code: 'ENOTFOUND' }));
    }) as never;
    const key = new Secret('pk-live-0123456789abcdefghij');
    const r = await httpRequest({ ...base, url: 'http://gateway.corp.test/v1/models', headers: { 'x-portkey-api-key': key }, lookup });
    expectFailure(r, { layer: 'http', kind: 'insecure-key-transport', rawCode: 'INSECURE_KEY_TRANSPORT' });
    expect(lookups).toEqual([]);
    // Same when the key is a plain string but the header is marked, or the key is only listed in `secrets`.
    const marked = await httpRequest({
      ...base,
      url: 'http://gateway.corp.test/',
      headers: { authorization: 'Bearer abc' },
      secretHeaders: ['Authorization'],
      lookup,
    });
    expectFailure(marked, { kind: 'insecure-key-transport' });
    const listed = await httpRequest({
      ...base,
      url: 'http://gateway.corp.test/',
      headers: { authorization: `Bearer ${key.reveal()}` },
      secrets: [key],
      lookup,
    });
    expectFailure(listed, { kind: 'insecure-key-transport' });
    expect(lookups).toEqual([]);
  });

  it('allows a key over plain http to loopback (127.0.0.1, localhost)', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('ok')));
    const key = new Secret('pk-live-0123456789abcdefghij');
    for (const host of ['127.0.0.1', 'localhost']) {
      const r = await httpRequest({ ...base, url: `http://${host}:${s.port}/`, headers: { 'x-portkey-api-key': key } });
      expect(r.ok).toBe(true);
    }
  });

  it('refuses a key over plain http to loopback when a non-loopback proxy would carry it', async () => {
    const key = new Secret('pk-live-0123456789abcdefghij');
    const r = await httpRequest({
      ...base,
      proxy: 'env',
      env: { HTTP_PROXY: 'http://proxy.corp.test:3128' },
      url: 'http://127.0.0.1:8787/v1/models',
      headers: { authorization: bearer(key) },
    });
    expectFailure(r, { kind: 'insecure-key-transport' });
    expect(r.ok ? '' : r.failure.message).toContain('proxy http://proxy.corp.test:3128');
  });

  it('a request without a key may use plain http anywhere (it is just refused here by DNS)', async () => {
    const dns = await track(startTestDns({}));
    const r = await httpRequest({ ...base, url: 'http://nowhere.corp.test/', lookup: serversLookup([dns.server], 1000) });
    expectFailure(r, { layer: 'dns', kind: 'dns-not-found', rawCode: 'ENOTFOUND' });
  });
});

describe('httpRequest: failure kinds from real conditions', () => {
  it('dns-timeout when the DNS server never answers (resolver timeout, and deadline)', async () => {
    const dns = await track(startTestDns({ 'gw.corp.test': ['127.0.0.1'] }, 'silent'));
    const r = await httpRequest({ ...base, url: 'https://gw.corp.test/', lookup: serversLookup([dns.server], 200) });
    expectFailure(r, { layer: 'dns', kind: 'dns-timeout', rawCode: 'ETIMEOUT' });
    const d = await httpRequest({ ...base, url: 'https://gw.corp.test/', timeoutMs: 300, connectTimeoutMs: 10_000, lookup: serversLookup([dns.server], 5000) });
    expectFailure(d, { layer: 'dns', kind: 'dns-timeout', rawCode: 'DEADLINE' });
    expect(d.phases.dnsMs).toBeNull();
  });

  it('tcp-refused on a closed port', async () => {
    const r = await httpRequest({ ...base, url: `http://127.0.0.1:${await closedPort()}/` });
    expectFailure(r, { layer: 'tcp', kind: 'tcp-refused', rawCode: 'ECONNREFUSED' });
  });

  it('tcp-refused through AggregateError (name with two addresses, both refused)', async () => {
    const dns = await track(startTestDns({ 'dual.corp.test': ['127.0.0.1', '::1'] }));
    const r = await httpRequest({ ...base, url: `http://dual.corp.test:${await closedPort()}/`, lookup: serversLookup([dns.server], 1000) });
    expectFailure(r, { layer: 'tcp', kind: 'tcp-refused', rawCode: 'ECONNREFUSED' });
  });

  it('tcp-timeout against a black hole (undici connect timeout)', async () => {
    const hole = await track(startBlackHole());
    expect(hole.filled).toBe(true);
    const r = await httpRequest({ ...base, url: `http://127.0.0.1:${hole.port}/`, connectTimeoutMs: 300 });
    expectFailure(r, { layer: 'tcp', kind: 'tcp-timeout', rawCode: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(r.phases.connectMs).toBeNull();
  });

  it('tcp-timeout by the overall deadline while connecting', async () => {
    const hole = await track(startBlackHole());
    const r = await httpRequest({ ...base, url: `http://127.0.0.1:${hole.port}/`, timeoutMs: 300, connectTimeoutMs: 10_000 });
    expectFailure(r, { layer: 'tcp', kind: 'tcp-timeout', rawCode: 'DEADLINE' });
  });

  it('http-headers-timeout when the server accepts and never answers (undici headers timeout and deadline)', async () => {
    const silent = await track(startSilentServer());
    const viaUndici = await httpRequest({ ...base, url: `http://127.0.0.1:${silent.port}/`, headersTimeoutMs: 300 });
    expectFailure(viaUndici, { layer: 'http', kind: 'http-headers-timeout', rawCode: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(viaUndici.phases.connectMs).not.toBeNull();
    const viaDeadline = await httpRequest({ ...base, url: `http://127.0.0.1:${silent.port}/`, timeoutMs: 300, headersTimeoutMs: 10_000 });
    expectFailure(viaDeadline, { layer: 'http', kind: 'http-headers-timeout', rawCode: 'DEADLINE' });
  });

  it('http-headers-timeout when headers come late (delayed server)', async () => {
    // Far apart (200 ms vs 3 s), so a loaded machine cannot swap their order.
    const late = await track(startDelayedServer(3_000));
    const r = await httpRequest({ ...base, url: `${late.url}/`, headersTimeoutMs: 200 });
    expectFailure(r, { kind: 'http-headers-timeout' });
    const patient = await httpRequest({ ...base, url: `${late.url}/` });
    expect(patient.ok).toBe(true);
  });

  it('tls-handshake-timeout when an https port never speaks', async () => {
    const silent = await track(startSilentServer());
    const r = await httpRequest({ ...base, url: `https://127.0.0.1:${silent.port}/`, connectTimeoutMs: 300 });
    expectFailure(r, { layer: 'tls', kind: 'tls-handshake-timeout', rawCode: 'UND_ERR_CONNECT_TIMEOUT' });
    expect(r.phases.connectMs).not.toBeNull();
  });

  it('http-body-timeout when the body dribbles (undici body timeout and deadline); status kept', async () => {
    const drip = await track(startDribbleServer({ intervalMs: 1000 }));
    const r = await httpRequest({ ...base, url: `${drip.url}/`, bodyTimeoutMs: 300 });
    expectFailure(r, { layer: 'http', kind: 'http-body-timeout', rawCode: 'UND_ERR_BODY_TIMEOUT' });
    if (!r.ok) expect(r.status).toBe(200);
    const fast = await track(startDribbleServer({ intervalMs: 50 }));
    const d = await httpRequest({ ...base, url: `${fast.url}/`, timeoutMs: 400 });
    expectFailure(d, { kind: 'http-body-timeout', rawCode: 'DEADLINE' });
  });

  it('http-reset when the server resets after the request', async () => {
    const s = await track(startResetServer('data'));
    const r = await httpRequest({ ...base, url: `http://127.0.0.1:${s.port}/` });
    expectFailure(r, { layer: 'http', kind: 'http-reset' });
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(r.ok ? '' : r.failure.rawCode);
  });

  it('tls-reset when the server resets during the handshake', async () => {
    const s = await track(startResetServer('data'));
    const r = await httpRequest({ ...base, url: `https://127.0.0.1:${s.port}/` });
    expectFailure(r, { layer: 'tls', kind: 'tls-reset', rawCode: 'ECONNRESET' });
  });

  it('http-protocol when an http:// URL points at a TLS port', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('x'), { tls: { cert: pki.leaf.chain, key: pki.leaf.key } }));
    const r = await httpRequest({ ...base, url: `http://127.0.0.1:${s.port}/` });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(['http-protocol', 'http-reset']).toContain(r.failure.kind);
  });

  it('truncates a huge body at maxBodyBytes, or fails with http-too-large', async () => {
    const huge = await track(startHugeBodyServer(20 * 1024 * 1024));
    const r = await httpRequest({ ...base, url: `${huge.url}/`, maxBodyBytes: 100_000 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.truncated).toBe(true);
      expect(r.body.length).toBe(100_000);
    }
    const f = await httpRequest({ ...base, url: `${huge.url}/`, maxBodyBytes: 100_000, oversize: 'fail' });
    expectFailure(f, { layer: 'http', kind: 'http-too-large', rawCode: 'MAX_BODY_BYTES' });
  });

  it('aborted by the caller signal', async () => {
    const silent = await track(startSilentServer());
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await httpRequest({ ...base, url: `http://127.0.0.1:${silent.port}/`, signal: ac.signal });
    expectFailure(r, { layer: 'http', kind: 'aborted', rawCode: 'ABORTED' });
  });

  it('invalid-request for a bad URL or scheme', async () => {
    expectFailure(await httpRequest({ ...base, url: 'not a url' }), { kind: 'invalid-request' });
    expectFailure(await httpRequest({ ...base, url: 'ftp://127.0.0.1/' }), { kind: 'invalid-request' });
  });
});

describe('httpRequest: TLS verification', () => {
  const cases = [
    ['self-signed', 'selfSigned', 'tls-self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['unknown CA', 'leaf', 'tls-unknown-ca', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['expired', 'expired', 'tls-expired', 'CERT_HAS_EXPIRED'],
    ['wrong host', 'wrongHost', 'tls-hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['interception root', 'intercepted', 'tls-unknown-ca', 'SELF_SIGNED_CERT_IN_CHAIN'],
  ] as const;
  for (const [name, which, kind, rawCode] of cases) {
    it(`${kind} (${name})`, async () => {
      const pair = pki[which];
      const s = await track(startHttpServer((_q, r) => r.end('x'), { tls: { cert: pair.chain, key: pair.key } }));
      // The test root is trusted for the cases where it is not the point.
      const extraCa = which === 'leaf' || which === 'intercepted' || which === 'selfSigned' ? [] : [pki.root.cert];
      const r = await httpRequest({ ...base, url: `https://localhost:${s.port}/`, extraCa });
      expectFailure(r, { layer: 'tls', kind, rawCode });
      expect(r.phases.connectMs).not.toBeNull();
    });
  }

  it('insecure: true accepts a self-signed certificate', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('x'), { tls: { cert: pki.selfSigned.chain, key: pki.selfSigned.key } }));
    const r = await httpRequest({ ...base, url: `https://localhost:${s.port}/`, insecure: true });
    expect(r.ok).toBe(true);
  });
});

describe('httpRequest: proxies', () => {
  it('goes through HTTPS_PROXY (tunnel + TLS inside it with the extra CA) and records the tunnel phase', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('via proxy'), { tls: { cert: pki.leaf.chain, key: pki.leaf.key } }));
    const proxy = await track(startConnectProxy());
    const r = await httpRequest({ ...base, proxy: 'env', env: { HTTPS_PROXY: proxy.url }, url: `https://localhost:${s.port}/`, extraCa: [pki.root.cert] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.body).toBe('via proxy');
    expect(proxy.tunnels).toBe(1);
    expect(proxy.targets).toEqual([`localhost:${s.port}`]);
    expect(r.phases).toMatchObject({ proxied: true, proxy: `http://127.0.0.1:${proxy.port}`, remoteAddress: '127.0.0.1' });
    expect(r.phases.proxyTunnelMs).not.toBeNull();
    expect(r.phases.tlsMs).not.toBeNull();
    expect(r.phases.dnsMs).toBeNull(); // the proxy is an IP address; the target name is resolved by the proxy
    expectOrdered(r.phases);
  });

  it('a TLS failure inside the tunnel is a TLS failure, and the request is marked proxied', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('x'), { tls: { cert: pki.intercepted.chain, key: pki.intercepted.key } }));
    const proxy = await track(startConnectProxy());
    const r = await httpRequest({ ...base, proxy: 'env', env: { HTTPS_PROXY: proxy.url }, url: `https://localhost:${s.port}/` });
    expectFailure(r, { layer: 'tls', kind: 'tls-unknown-ca', rawCode: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(r.phases.proxied).toBe(true);
    expect(r.phases.proxyTunnelMs).not.toBeNull();
    expect(proxy.tunnels).toBe(1);
  });

  it('NO_PROXY bypasses the proxy (connection count proves it)', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('direct')));
    const proxy = await track(startConnectProxy());
    const r = await httpRequest({ ...base, proxy: 'env', env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, url: `${s.url}/` });
    expect(r.ok).toBe(true);
    expect(r.phases.proxied).toBe(false);
    expect(proxy.connections).toBe(0);
    // `localhost` in NO_PROXY does not cover 127.0.0.1: this one is proxied.
    const r2 = await httpRequest({ ...base, proxy: 'env', env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' }, url: `${s.url}/` });
    expect(r2.ok).toBe(true);
    expect(r2.phases.proxied).toBe(true);
    expect(proxy.tunnels).toBe(1);
  });

  it("proxy: 'none' ignores proxy variables", async () => {
    const s = await track(startHttpServer((_q, r) => r.end('direct')));
    const proxy = await track(startConnectProxy());
    const r = await httpRequest({ ...base, proxy: 'none', env: { HTTP_PROXY: proxy.url }, url: `${s.url}/` });
    expect(r.ok).toBe(true);
    expect(proxy.connections).toBe(0);
  });

  it('proxy-auth-required (407); with credentials in the URL it works, and they never show', async () => {
    const s = await track(startHttpServer((_q, r) => r.end('ok')));
    const proxy = await track(startConnectProxy({ auth: { user: 'alice', pass: 'proxy-secret-pass' } }));
    const denied = await httpRequest({ ...base, proxy: 'env', env: { HTTP_PROXY: proxy.url }, url: `${s.url}/` });
    expectFailure(denied, { layer: 'proxy', kind: 'proxy-auth-required', status: 407 });
    const allowed = await httpRequest({ ...base, proxy: 'env', env: { HTTP_PROXY: proxy.urlWithCredentials }, url: `${s.url}/` });
    expect(allowed.ok).toBe(true);
    expect(JSON.stringify(allowed)).not.toContain('proxy-secret-pass');
    const wrong = await httpRequest({ ...base, proxy: 'env', env: { HTTP_PROXY: `http://alice:wrong-secret-77@127.0.0.1:${proxy.port}` }, url: `${s.url}/` });
    expectFailure(wrong, { kind: 'proxy-auth-required' });
    expect(JSON.stringify(wrong)).not.toContain('wrong-secret-77');
  });

  it('proxy-connect-refused when the proxy refuses CONNECT', async () => {
    const proxy = await track(startConnectProxy({ refuseWith: 403 }));
    const r = await httpRequest({ ...base, proxy: 'env', env: { HTTPS_PROXY: proxy.url }, url: 'https://localhost:9/' });
    expectFailure(r, { layer: 'proxy', kind: 'proxy-connect-refused', status: 403 });
    expect(r.phases.connectMs).not.toBeNull();
    expect(r.phases.proxyTunnelMs).toBeNull();
  });

  it('proxy-refused when the proxy port is closed; proxy-timeout when it never answers', async () => {
    const r = await httpRequest({ ...base, proxy: 'env', env: { HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` }, url: 'https://localhost:9/' });
    expectFailure(r, { layer: 'proxy', kind: 'proxy-refused', rawCode: 'ECONNREFUSED' });
    const silent = await track(startSilentServer());
    const t = await httpRequest({
      ...base,
      proxy: 'env',
      env: { HTTPS_PROXY: `http://127.0.0.1:${silent.port}` },
      url: 'https://localhost:9/',
      timeoutMs: 300,
    });
    expectFailure(t, { layer: 'proxy', kind: 'proxy-timeout' });
  });

  it('proxy-invalid-url for a proxy value without a scheme', async () => {
    const r = await httpRequest({ ...base, proxy: 'env', env: { HTTPS_PROXY: 'proxy.corp.test:3128' }, url: 'https://localhost:9/' });
    expectFailure(r, { layer: 'proxy', kind: 'proxy-invalid-url' });
  });
});

describe('httpRequest: server-sent events', () => {
  it('reads the stream incrementally: the first event is parsed while the server still holds the rest back', async () => {
    // The server sends the first event and holds the rest until the client has parsed it. A client
    // that buffered the body would never parse it, the server would never release, and the
    // request would end at its (hang-guard) deadline instead: no timing is assumed either way.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let parsedBeforeRelease = 0;
    const push = SseReader.prototype.push;
    const spy = vi.spyOn(SseReader.prototype, 'push').mockImplementation(function (this: SseReader, chunk, nowMs) {
      push.call(this, chunk, nowMs);
      if (this.summary.count > 0 && parsedBeforeRelease === 0) {
        parsedBeforeRelease = this.summary.count;
        release();
      }
    });
    const s = await track(
      startHttpServer((_q, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': keep-alive comment\n\n');
        res.write('event: message_start\ndata: {"type":"message_start"}\n\n');
        void released.then(() => {
          res.write('event: content_block_delta\r\ndata: {"type":"content_block_delta",');
          res.write('"delta":{"text":"hi"}}\r\n\r\n');
          res.write('data: {"type":"message_stop"}\n\n');
          res.end();
        });
      }),
    );
    try {
      const r = await httpRequest({ ...base, timeoutMs: 20_000, url: `${s.url}/v1/messages`, method: 'POST', body: '{}', sse: true });
      expect(r.ok).toBe(true);
      if (!r.ok || !r.sse) return;
      expect(parsedBeforeRelease).toBe(1);
      expect(r.sse.types).toEqual(['message_start', 'content_block_delta', 'message_stop']);
      expect(r.sse.count).toBe(3);
      // Ordered milestones, not durations: headers, then the first event, then the last, then the end.
      const first = r.sse.head[0]?.atMs ?? Number.NaN;
      const last = r.sse.tail.at(-1)?.atMs ?? Number.NaN;
      expect(r.sse.firstEventMs).toBe(first);
      expect(first).toBeGreaterThanOrEqual(r.phases.ttfbMs ?? Number.NaN);
      expect(last).toBeGreaterThanOrEqual(first);
      expect(r.phases.totalMs).toBeGreaterThanOrEqual(last);
    } finally {
      spy.mockRestore();
    }
  });
});
