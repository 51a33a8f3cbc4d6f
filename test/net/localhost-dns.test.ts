/**
 * Issue 12, finding 2: "loopback" decided by name. A DNS server (or any lookup) that answers
 * `localhost` with another address must not get a key sent over plain http to that address:
 * `localhost` and `*.localhost` are never asked of a remote server, and the clear-text rule is
 * applied to the address actually connected.
 *
 * "Another address" is this machine's own non-loopback interface address, with a real server
 * listening on it (skipped where the machine has none).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Secret } from '../../src/core/secret.js';
import { resolveHost, serversLookup } from '../../src/net/dns.js';
import { bearer, httpRequest } from '../../src/net/http.js';
import { startTestDns, type TestDns } from '../support/dns.js';
import { startHttpServer, type TestServer } from '../support/servers.js';

const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

let dns: TestDns;
let loop: TestServer;
let remote: { server: Server; port: number; seen: string[] } | undefined;

beforeAll(async () => {
  loop = await startHttpServer((_q, r) => r.writeHead(200).end('loopback'));
  if (external) {
    const seen: string[] = [];
    const server = createServer((q, r) => {
      seen.push(String(q.headers.authorization ?? ''));
      r.writeHead(200).end('remote');
    });
    await new Promise<void>((done) => server.listen(0, external, done));
    remote = { server, port: (server.address() as AddressInfo).port, seen };
  }
  dns = await startTestDns({
    localhost: [external ?? '192.0.2.77'],
    'app.localhost': [external ?? '192.0.2.77'],
  });
});
afterAll(async () => {
  await dns.close();
  await loop.close();
  if (remote) {
    remote.server.closeAllConnections();
    await new Promise<void>((done) => remote?.server.close(() => done()));
  }
});

const base = { timeoutMs: 3000, maxBodyBytes: 1024, proxy: 'none' as const, env: {} };

describe('localhost through --dns-server', () => {
  it('resolveHost and serversLookup answer localhost and *.localhost with loopback, without asking the server', async () => {
    const before = dns.queries.length;
    for (const name of ['localhost', 'LOCALHOST.', 'app.localhost']) {
      const r = await resolveHost(name, { timeoutMs: 2000, servers: [dns.server] });
      expect(r.ok).toBe(true);
      if (r.ok) for (const a of r.addresses) expect(['127.0.0.1', '::1']).toContain(a.address);
      const all = await new Promise<{ address: string }[]>((done, fail) =>
        serversLookup([dns.server], 2000)(name, { all: true }, (err, list) => (err ? fail(err) : done(list as { address: string }[]))),
      );
      for (const a of all) expect(['127.0.0.1', '::1']).toContain(a.address);
    }
    expect(dns.queries.slice(before)).toEqual([]);
  });

  it.skipIf(!external)('a key for http://localhost never reaches the address a DNS server gave for localhost', async () => {
    const port = remote?.port ?? 0;
    const r = await httpRequest({
      ...base,
      url: `http://localhost:${port}/v1/models`,
      headers: { authorization: bearer(new Secret('sk-localhost-dns-0123456789')) },
      lookup: serversLookup([dns.server], 2000),
    });
    expect(remote?.seen).toEqual([]);
    if (r.ok) expect(r.body).not.toBe('remote');
  });

  it.skipIf(!external)('the clear-text rule is applied to the address connected: a lookup mapping localhost elsewhere is refused', async () => {
    const port = remote?.port ?? 0;
    const lying = ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
      opts.all ? cb(null, [{ address: external, family: 4 }]) : cb(null, external, 4)) as never;
    const r = await httpRequest({
      ...base,
      url: `http://localhost:${port}/v1/models`,
      headers: { authorization: bearer(new Secret('sk-localhost-dns-0123456789')) },
      lookup: lying,
    });
    expect(remote?.seen).toEqual([]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('insecure-key-transport');
  });

  it('http://localhost that resolves to loopback still works', async () => {
    const r = await httpRequest({
      ...base,
      url: `http://localhost:${loop.port}/`,
      headers: { authorization: bearer(new Secret('sk-localhost-dns-0123456789')) },
      lookup: serversLookup([dns.server], 2000),
    });
    expect(r.ok).toBe(true);
  });
});
