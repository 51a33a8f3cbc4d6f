/**
 * Real servers on 127.0.0.1, port 0, for network tests. Each returns its URL and a `close()`
 * that destroys every connection and waits until the port is released. Each also closes
 * itself when the test process exits, so nothing is left behind if a test forgets.
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';

import { onExit } from './exit.js';

/** A running test server. */
export interface TestServer {
  /** `http(s)://127.0.0.1:<port>` (or `tcp://…` for raw servers). */
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** TLS material for an https server (PEM); `cert` may be a chain (leaf first). */
export interface ServerTls {
  cert: string;
  key: string;
}

const LOOPBACK = '127.0.0.1';

/** Tracks sockets so close() can destroy them; registers an exit hook as a last resort. */
function manage(server: NetServer | HttpServer, scheme: string): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (s: Socket) => {
    connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // A test server never crashes the test on a peer's reset.
    s.on('error', () => undefined);
  });
  // TLS servers report handshake failures here; they are expected in TLS tests. (HTTP parse
  // errors keep Node's default: a 400 answer, as a real plain-HTTP server gives a TLS client.)
  server.on('tlsClientError', () => undefined);
  let closing: Promise<void> | undefined;
  const unhook = onExit(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: LOOPBACK }, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${scheme}://${LOOPBACK}:${port}`,
        port,
        get connections() {
          return connections;
        },
        close(): Promise<void> {
          closing ??= new Promise<void>((done) => {
            unhook();
            server.close(() => done());
            for (const s of sockets) s.destroy();
          });
          return closing;
        },
      });
    });
  });
}

/** An HTTP server (HTTPS with `tls`) running `handler`. */
export function startHttpServer(handler: RequestListener, opts: { tls?: ServerTls } = {}): Promise<TestServer> {
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(handler);
  // Keep-alive long enough for reuse tests; close() destroys the sockets anyway.
  server.keepAliveTimeout = 30_000;
  return manage(server, opts.tls ? 'https' : 'http');
}

/** Reads a request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Accepts TCP connections and never sends a byte: header timeouts, TLS handshake timeouts, proxy timeouts. */
export function startSilentServer(): Promise<TestServer> {
  return manage(
    createNetServer((s) => s.resume()),
    'tcp',
  );
}

/**
 * Resets connections (TCP RST). `accept`: right after accepting (the client may see it during
 * connect or just after); `data`: when the first bytes arrive (during the TLS handshake for
 * https, after the request for http).
 */
export function startResetServer(when: 'accept' | 'data' = 'data'): Promise<TestServer> {
  return manage(
    createNetServer((s) => {
      if (when === 'accept') s.resetAndDestroy();
      else s.once('data', () => s.resetAndDestroy());
    }),
    'tcp',
  );
}

/** Sends headers, then one byte every `intervalMs`, forever: body timeouts and overall deadlines. */
export function startDribbleServer(opts: { intervalMs: number; tls?: ServerTls }): Promise<TestServer> {
  return startHttpServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      const timer = setInterval(() => res.write('.'), opts.intervalMs);
      res.on('close', () => clearInterval(timer));
    },
    opts.tls ? { tls: opts.tls } : {},
  );
}

/** Sends a body of `bytes` bytes (with content-length), in 64 KiB chunks honouring back-pressure. */
export function startHugeBodyServer(bytes: number): Promise<TestServer> {
  return startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
}

/** Waits `delayMs` before answering with `handler` (default: 200 "late"). */
export function startDelayedServer(delayMs: number, handler?: RequestListener): Promise<TestServer> {
  return startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const timer = setTimeout(() => {
      if (handler) handler(req, res);
      else res.end('late');
    }, delayMs);
    res.on('close', () => clearTimeout(timer));
  });
}

/** A port with nothing listening: bind, note the port, release it. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen({ port: 0, host: LOOPBACK }, () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * A TCP black hole on loopback: connects to it get no answer at all (no SYN-ACK), like a
 * firewall that drops packets. Made without root: a child process listens with backlog 1
 * (0 would mean "default" to Node) and then blocks its event loop, so it never accepts; once
 * the accept queue is full the kernel drops further SYNs. The child exits on close(), at
 * process exit, or after `lifetimeMs` on its own.
 */
export async function startBlackHole(lifetimeMs = 60_000): Promise<TestServer & { filled: boolean }> {
  const script = `
    const net = require('node:net');
    const s = net.createServer();
    s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(String(s.address().port) + '\\n', () => {
        // Block the loop: the kernel completes at most backlog+1 handshakes, nobody accepts.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${lifetimeMs});
        process.exit(0);
      });
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  const unhook = onExit(kill);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  // Fill the backlog: connect until one connection does not complete; keep them all open.
  const fillers: Socket[] = [];
  let filled = false;
  for (let i = 0; i < 8 && !filled; i++) {
    const s = connect({ port, host: LOOPBACK });
    s.on('error', () => undefined);
    fillers.push(s);
    filled = !(await new Promise<boolean>((r) => {
      const t = setTimeout(() => r(false), 300);
      s.once('connect', () => {
        clearTimeout(t);
        r(true);
      });
    }));
  }
  let closing: Promise<void> | undefined;
  return {
    url: `tcp://${LOOPBACK}:${port}`,
    port,
    connections: 0,
    filled,
    close(): Promise<void> {
      closing ??= new Promise<void>((done) => {
        unhook();
        for (const s of fillers) s.destroy();
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        child.once('exit', () => done());
        kill();
      });
      return closing;
    },
  };
}

/**
 * A loopback port where nothing listens and nothing will: a port below 1024 that refuses now.
 * Servers started on port 0 (here or in any other process) only get ephemeral ports, so unlike
 * `closedPort()` no one can take it mid-run.
 */
export async function refusedPort(): Promise<number> {
  const { connect } = await import('node:net');
  for (const port of [9, 1, 7, 13, 17, 19, 37, 79]) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
    if (refused) return port;
  }
  return closedPort();
}
