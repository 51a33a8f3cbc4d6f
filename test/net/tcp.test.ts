import { afterAll, describe, expect, it } from 'vitest';

import { tcpConnect } from '../../src/net/tcp.js';
import { closedPort, startBlackHole, startHttpServer, startResetServer, type TestServer } from '../support/servers.js';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('tcpConnect', () => {
  it('connects and reports the connect time', async () => {
    const s = await startHttpServer((_q, r) => r.end());
    servers.push(s);
    const r = await tcpConnect('127.0.0.1', 4, s.port, { timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: true, address: '127.0.0.1', family: 4, port: s.port });
    if (r.ok) expect(r.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('tcp-refused on a closed port (ECONNREFUSED)', async () => {
    const port = await closedPort();
    const r = await tcpConnect('127.0.0.1', 4, port, { timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'tcp', kind: 'tcp-refused', rawCode: 'ECONNREFUSED' });
  });

  it('tcp-timeout against a black hole (listener whose backlog is full: SYNs dropped)', async () => {
    const hole = await startBlackHole();
    servers.push(hole);
    expect(hole.filled).toBe(true);
    const r = await tcpConnect('127.0.0.1', 4, hole.port, { timeoutMs: 400 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'tcp', kind: 'tcp-timeout', rawCode: 'DEADLINE' });
  });

  it('tcp-reset when the peer resets right after accepting (seen with holdMs)', async () => {
    const s = await startResetServer('accept');
    servers.push(s);
    const r = await tcpConnect('127.0.0.1', 4, s.port, { timeoutMs: 5000, holdMs: 500 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure).toMatchObject({ layer: 'tcp', kind: 'tcp-reset', rawCode: 'ECONNRESET' });
  });

  it('rejects a name (DNS is a separate probe)', async () => {
    const r = await tcpConnect('localhost', 4, 1, { timeoutMs: 1000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('invalid-request');
  });
});
