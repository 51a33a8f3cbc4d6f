/**
 * Running the real daemon as a child process, against a loopback "gateway" whose health the
 * test scripts run by run.
 *
 * Two ways to watch it ({@link watchGateway}): `real`, the doctor's own network checks
 * (`--only network`: DNS, TCP, proxy, TLS, and `gateway-http`, which asks `GET /v1/models`
 * once per run), and `plugin`, a `--plugin` check that fetches `/probe` once per run. Either
 * way one counted request per run decides which run sees which health, so the tests are
 * exact, not timing-dependent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onExit } from '../../support/exit.js';

export const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
export const TEST_KEY = 'pk-DaemonTestKey-Qv8Wn3Rz';

/** `node dist/cli.js daemon|agent`. */
export function commandPrefix(command: 'daemon' | 'agent'): string[] {
  return [CLI, command];
}

export const tmp = (prefix = 'pkd-daemon-'): string => mkdtempSync(join(tmpdir(), prefix));

export type Health = 'ok' | 'broken' | 'hang';

export interface FlipGateway {
  url: string;
  /** Counted requests so far (one per daemon run). */
  readonly probes: number;
  /** Resolves when the n-th probe has arrived. */
  probe(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Paths whose requests are counted, one per run. */
const COUNTED = new Set(['/probe', '/v1/models']);

/**
 * A loopback gateway. The n-th counted request (`/probe` or `GET /v1/models`, 1-based) gets
 * the health `plan(n)` says; other requests get the health of the latest counted one. Healthy:
 * what the open-source Portkey gateway answers (`/v1/models` JSON, `GET /` greeting). Broken:
 * 500 with a plain-text body, as a load balancer in front of a dead gateway answers. Hang: no
 * answer at all.
 */
export async function startFlipGateway(plan: (n: number) => Health): Promise<FlipGateway> {
  let probes = 0;
  let current: Health = 'ok';
  const waiters: { n: number; resolve: () => void }[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (COUNTED.has(path)) {
      probes += 1;
      current = plan(probes);
      for (const w of waiters.filter((w) => w.n <= probes)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    if (current === 'hang') {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if (current === 'broken') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream connect error (broken on purpose)');
      return;
    }
    if (path === '/v1/models') {
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-portkey-trace-id': 'trace-test' })
        .end(JSON.stringify({ object: 'list', data: [{ id: '@anthropic/claude-sonnet-4-5' }] }));
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('AI Gateway says hey!');
    } else if (path === '/probe') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1' }, () => r()));
  const port = (server.address() as AddressInfo).port;
  const unhook = onExit(() => server.close());
  return {
    url: `http://127.0.0.1:${port}`,
    get probes() {
      return probes;
    },
    probe(n, timeoutMs = 30_000) {
      if (probes >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`probe ${n} did not arrive within ${timeoutMs} ms (got ${probes})`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close() {
      unhook();
      for (const r of held) r.destroy();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const PLUGIN = `// Test-only check: probes the loopback gateway once per run.
const url = process.env.PKD_TEST_GATEWAY_URL;
export default {
  id: 'gateway-probe',
  title: 'Loopback gateway probe',
  group: 'gateway',
  codes: {
    GATEWAY_DOWN: { title: 'The gateway answered with a server error', fix: 'Fix the gateway.' },
    GATEWAY_UNREACHABLE: { title: 'The gateway did not answer', fix: 'Start the gateway.' },
  },
  async run(ctx) {
    try {
      const res = await fetch(url + '/probe', { signal: ctx.signal });
      await res.arrayBuffer();
      return res.status >= 500
        ? { status: 'fail', code: 'GATEWAY_DOWN', summary: 'answered ' + res.status }
        : { status: 'ok', summary: 'answered ' + res.status };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      return { status: 'fail', code: 'GATEWAY_UNREACHABLE', summary: String(err && err.cause && err.cause.code || err) };
    }
  },
};
`;

export type WatchMode = 'real' | 'plugin';

export interface Watch {
  args: string[];
  env: Record<string, string>;
  /** The check that flips with the gateway, and its code when broken. */
  checkId: string;
  brokenCode: string;
}

/**
 * What the daemon needs to watch the loopback gateway. `real`: the doctor's network checks;
 * `plugin`: the test check (with the offline settings checks, so no other check touches the
 * network).
 */
export function watchGateway(gw: { url: string }, mode: WatchMode = 'plugin'): Watch {
  const env = { PKD_TEST_GATEWAY_URL: gw.url, PORTKEY_DOCTOR_API_KEY: TEST_KEY };
  if (mode === 'real') {
    return { args: ['--no-policy', '--base-url', gw.url, '--only', 'network'], env, checkId: 'gateway-http', brokenCode: 'HTTP_GATEWAY_DOWN' };
  }
  const dir = tmp('pkd-plugin-');
  const plugin = join(dir, 'gateway-probe.mjs');
  writeFileSync(plugin, PLUGIN);
  return {
    args: ['--no-policy', '--base-url', gw.url, '--plugin', plugin, '--only', 'settings,gateway-probe'],
    env,
    checkId: 'gateway-probe',
    brokenCode: 'GATEWAY_DOWN',
  };
}

/**
 * The transitions the raise/clear rule gives for a run history, written independently of the
 * daemon's tracker: bad = fail|error, good = ok|warn, skip changes nothing; raised after
 * `raiseAfter` bad runs in a row, cleared after `clearAfter` good runs in a row; a raised
 * problem whose code changes is raised again once the new code has lasted `raiseAfter` runs.
 */
export function expectedTransitions(
  history: { checks: { id: string; status: string; code?: string }[] }[],
  raiseAfter: number,
  clearAfter: number,
): { type: 'raised' | 'cleared'; check: string; code: string; run: number }[] {
  const out: { type: 'raised' | 'cleared'; check: string; code: string; run: number }[] = [];
  const st = new Map<string, { bad: number; same: number; good: number; code?: string; raised?: string }>();
  history.forEach((h, i) => {
    for (const c of h.checks) {
      const s = st.get(c.id) ?? { bad: 0, same: 0, good: 0 };
      st.set(c.id, s);
      if (c.status === 'fail' || c.status === 'error') {
        const code = c.code ?? 'UNKNOWN';
        s.same = s.bad > 0 && s.code === code ? s.same + 1 : 1;
        s.bad += 1;
        s.good = 0;
        s.code = code;
        if (s.raised === undefined && s.bad >= raiseAfter) {
          s.raised = code;
          out.push({ type: 'raised', check: c.id, code, run: i + 1 });
        } else if (s.raised !== undefined && s.raised !== code && s.same >= raiseAfter) {
          s.raised = code;
          out.push({ type: 'raised', check: c.id, code, run: i + 1 });
        }
      } else if (c.status === 'ok' || c.status === 'warn') {
        s.bad = 0;
        s.same = 0;
        s.good += 1;
        if (s.raised !== undefined && s.good >= clearAfter) {
          out.push({ type: 'cleared', check: c.id, code: s.raised, run: i + 1 });
          s.raised = undefined;
        }
      }
    }
  });
  return out;
}

export interface RunningDaemon {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines on stderr, parsed (a non-JSON line fails the test). */
  logs(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnDaemon(args: string[], env: Record<string, string> = {}, home: string = tmp('pkd-home-')): RunningDaemon {
  const child = spawn(process.execPath, [...commandPrefix('daemon'), ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      LANG: 'C.UTF-8',
      PORTKEY_DOCTOR_POLICY: join(home, 'no-policy.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const unhook = onExit(() => child.kill('SIGKILL'));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      unhook();
      resolve({ code, signal, at: Date.now() });
    });
  });
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      err
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            throw new Error(`stderr line is not JSON: ${l}`);
          }
        }),
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}

/** Polls `fn` until it returns a value that is not undefined. */
export async function until<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** JSON lines of a file (missing file: none). */
export function jsonl(file: string): Record<string, unknown>[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
