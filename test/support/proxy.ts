/**
 * HTTP CONNECT proxies on 127.0.0.1 for tests. They count connections and tunnels (so a test
 * can prove a request did or did not go through the proxy), and only ever tunnel to loopback:
 * a CONNECT to any other host is answered 403.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

import { isLoopbackHost } from '../../src/core/host.js';
import { onExit } from './exit.js';

/** A running test proxy. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>` (no credentials). */
  url: string;
  port: number;
  /** `http://user:pass@127.0.0.1:<port>` when the proxy requires credentials. */
  urlWithCredentials?: string;
  /** TCP connections accepted. */
  readonly connections: number;
  /** CONNECT requests received. */
  readonly connects: number;
  /** Tunnels opened (CONNECT answered 200). */
  readonly tunnels: number;
  /** `host:port` targets asked for, in order. */
  readonly targets: string[];
  /** Proxy-Authorization values received (tests only use throw-away credentials). */
  readonly authorizations: (string | undefined)[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Demand `Proxy-Authorization: Basic` with these credentials; answer 407 otherwise. */
  auth?: { user: string; pass: string };
  /** Answer every CONNECT with 407 and these `Proxy-Authenticate` challenges (e.g. `Negotiate`, `NTLM`: the OS login). */
  challenge?: string[];
  /** Answer every CONNECT with this status (e.g. 403 "blocked by policy") instead of tunnelling. */
  refuseWith?: number;
  /**
   * A TLS-inspecting proxy: answer every CONNECT (whatever the host, which is never resolved)
   * with 200, then terminate TLS itself with this certificate chain (e.g. `pki.intercepted`:
   * api.portkey.ai issued by Corp Inspection Root) and pass the decrypted bytes to
   * `127.0.0.1:forwardTo` (plain HTTP, e.g. the fake SaaS); without `forwardTo` the connection
   * is closed after the handshake. Nothing leaves loopback.
   */
  intercept?: { cert: string; key: string; forwardTo?: number };
}

/** Starts an HTTP CONNECT proxy. */
export function startConnectProxy(opts: ProxyOptions = {}): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let connects = 0;
  let tunnels = 0;
  const targets: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.pass}`).toString('base64')}` : undefined;

  const server = createServer((_req, res) => {
    // Absolute-form (non-tunnel) proxying is not offered: the doctor always tunnels.
    res.writeHead(501).end();
  });
  server.on('connection', (s: Socket) => {
    connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    connects += 1;
    const target = req.url ?? '';
    targets.push(target);
    authorizations.push(req.headers['proxy-authorization']);
    const reply = (status: number, reason: string, extra = ''): void => {
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (expected && req.headers['proxy-authorization'] !== expected) {
      reply(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="corp"\r\n');
      return;
    }
    if (opts.challenge) {
      reply(407, 'Proxy Authentication Required', opts.challenge.map((c) => `Proxy-Authenticate: ${c}\r\n`).join(''));
      return;
    }
    if (opts.refuseWith) {
      reply(opts.refuseWith, 'Refused By Test Proxy');
      return;
    }
    if (opts.intercept) {
      tunnels += 1;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) client.unshift(head);
      const inspected = new TLSSocket(client, { isServer: true, cert: opts.intercept.cert, key: opts.intercept.key, ALPNProtocols: ['http/1.1'] });
      inspected.on('error', () => client.destroy());
      sockets.add(inspected);
      inspected.on('close', () => sockets.delete(inspected));
      const forwardTo = opts.intercept.forwardTo;
      if (forwardTo === undefined) {
        inspected.once('secure', () => inspected.end());
        return;
      }
      const upstream = connect({ host: '127.0.0.1', port: forwardTo });
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        inspected.destroy();
      });
      upstream.on('error', () => inspected.destroy());
      inspected.on('close', () => upstream.destroy());
      inspected.pipe(upstream);
      upstream.pipe(inspected);
      return;
    }
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    if (!m?.[1] || !m[2] || !isLoopbackHost(m[1])) {
      reply(403, 'Forbidden (test proxy tunnels to loopback only)');
      return;
    }
    const upstream = connect({ host: m[1], port: Number(m[2]) });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      tunnels += 1;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!client.destroyed) reply(502, 'Bad Gateway');
    });
    client.on('close', () => upstream.destroy());
  });

  let closing: Promise<void> | undefined;
  const unhook = onExit(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        port,
        ...(opts.auth ? { urlWithCredentials: `http://${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.pass)}@127.0.0.1:${port}` } : {}),
        get connections() {
          return connections;
        },
        get connects() {
          return connects;
        },
        get tunnels() {
          return tunnels;
        },
        targets,
        authorizations,
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
