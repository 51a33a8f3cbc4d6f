/**
 * Issue 12, finding 16 (HTTP part): malformed HTTP from a raw loopback server is named for what
 * it is — a protocol violation (`http-protocol`: bad chunk size, bad Content-Length, HTTP/0.9,
 * an unknown version) or an oversized head (`http-too-large`: one huge header, too many
 * headers) — never the generic `http-failure`.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

import { afterAll, describe, expect, it } from 'vitest';

import { httpRequest } from '../../src/net/http.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((done) => s.close(() => done()))));
});

/** A server that answers every request with `raw`, byte for byte, then closes. */
async function rawServer(raw: string): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('data', () => s.end(raw));
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

const base = { timeoutMs: 5000, maxBodyBytes: 64 * 1024, proxy: 'none' as const, env: {} };

const CASES: [name: string, raw: string, kind: string][] = [
  ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 'http-protocol'],
  ['HTTP/0.9 (no status line)', 'hello, this is not a status line\r\n', 'http-protocol'],
  ['an unknown HTTP version', 'HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\nok', 'http-protocol'],
  ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nok', 'http-protocol'],
  ['one header far too long', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\nok`, 'http-too-large'],
  ['thousands of headers', `HTTP/1.1 200 OK\r\n${Array.from({ length: 5000 }, (_, i) => `X-H${i}: vvvvvvvvvv\r\n`).join('')}\r\nok`, 'http-too-large'],
];

describe('malformed HTTP is classified', () => {
  for (const [name, raw, kind] of CASES) {
    it(`${name} → ${kind}`, async () => {
      const port = await rawServer(raw);
      const r = await httpRequest({ ...base, url: `http://127.0.0.1:${port}/v1/health` });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.failure).toMatchObject({ layer: 'http', kind });
    });
  }
});
