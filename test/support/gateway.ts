/**
 * The real open-source Portkey gateway (npm `@portkey-ai/gateway`, dev dependency) as a test
 * peer. Started from its build file (not `npx`, which leaves the server running when
 * killed), on a free port, `--headless` (no console UI / log stream routes). It listens on
 * all interfaces, so it is stopped by pid: on close(), at process exit, always.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { onExit } from './exit.js';

export interface TestGateway {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  /** The gateway's stdout+stderr so far (its error logs explain 500s). */
  output(): string;
  close(): Promise<void>;
}

/** The gateway's start script, found through the package's own resolution. */
function startScript(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@portkey-ai/gateway/package.json');
  return join(dirname(pkg), 'build', 'start-server.js');
}

/** A port free on all interfaces (the gateway binds all of them). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function getText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts the gateway and waits for `GET /` → `AI Gateway says hey!`. */
export async function startGateway(opts: { readyTimeoutMs?: number } = {}): Promise<TestGateway> {
  const script = startScript();
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, [script, `--port=${port}`, '--headless'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    const unhook = onExit(() => child.kill('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const r = await getText(`${url}/`);
        if (r.status === 200 && r.body.includes('AI Gateway says hey!')) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (ready && child.pid !== undefined) {
      let closing: Promise<void> | undefined;
      return {
        url,
        port,
        pid: child.pid,
        output: () => output,
        close(): Promise<void> {
          closing ??= stop(child).then(unhook);
          return closing;
        },
      };
    }
    lastError = output;
    await stop(child);
    unhook();
  }
  throw new Error(`gateway did not become ready: ${lastError.slice(-2000)}`);
}

/** One answer as the gateway sent it (headers lower-case; date and connection headers left out). */
export interface RecordedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The routing headers the open-source gateway adds to an answer it relays from the provider. */
export const OSS_ROUTING_HEADERS: Record<string, string> = {
  'x-portkey-cache-status': 'DISABLED',
  'x-portkey-last-used-option-index': 'config',
  'x-portkey-provider': 'anthropic',
  'x-portkey-retry-attempt-count': '0',
  'x-portkey-trace-id': '',
};

/**
 * What the open-source gateway 1.15.2 answers on Node 20, recorded from the real one in front of
 * the mock provider (test/gateway/oss-gateway.test.ts checks the real gateway still answers
 * so). The check tests fake the gateway with these. docs/decisions.md, "Real gateways".
 */
export const OSS_1_15_2 = {
  /** `GET /`. */
  greeting: { status: 200, headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: 'AI Gateway says hey!' },
  /** Any API route without `x-portkey-provider` or `x-portkey-config` (`/v1/models`, `/v1/health`, `count_tokens`). */
  noRouting: {
    status: 400,
    headers: { 'content-type': 'application/json' },
    body: '{"status":"failure","message":"Either x-portkey-config or x-portkey-provider header is required"}',
  },
  /**
   * A passthrough route (`POST /v1/messages/count_tokens`, `GET /v1/models`) after the provider
   * answered 2xx: `TypeError: immutable` in the gateway, none of its routing headers.
   */
  passthroughCrash: {
    status: 500,
    headers: { 'content-type': 'application/json', 'x-portkey-gateway-exception': 'true' },
    body: '{"status":"failure","message":"Something went wrong"}',
  },
  /** A passthrough route when the provider cannot be reached (here: a closed port on 127.0.0.1). */
  providerUnreachable: (port: number): RecordedAnswer => ({
    status: 500,
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...OSS_ROUTING_HEADERS },
    body: `Message: fetch failed Cause: Error: connect ECONNREFUSED 127.0.0.1:${port} Name: TypeError`,
  }),
  /** A passthrough route when the provider answers an error: passed through, with the routing headers. */
  providerError: (status: number, body: string): RecordedAnswer => ({
    status,
    headers: { 'content-type': 'application/json', ...OSS_ROUTING_HEADERS },
    body,
  }),
} as const satisfies Record<string, RecordedAnswer | ((...args: never[]) => RecordedAnswer)>;
