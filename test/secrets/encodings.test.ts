/**
 * Issue 12, findings 3–5, through the built CLI: a gateway that reflects the key in every
 * encoding it can think of (JSON-escaped inside a JSON string, `\u`-escaped in catalog ids,
 * upper case, base64, split with dots), a proxy that reflects its Basic token in
 * Proxy-Authenticate, a base URL carrying `user:password@` and a query, and keys that are common
 * words or JSON's own characters. Nothing secret reaches `--json`, `-v`, the report command's
 * files; the JSON stays valid and the statuses stay statuses.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findEncodedLeak } from '../cli/leak-check.js';
import { parseReport, runCli, writeProfile } from '../cli/run-cli.js';
import { onExit } from '../support/exit.js';
import { startHttpServer, type TestServer } from '../support/servers.js';

/** A JSON-special key: a quote and a backslash inside, distinctive letters around them. */
const KEY = 'pk-Esc"Qm5J\\v8Wx3Rk7Zt-Hy9Lw';
const URL_USER = 'url-user';
const URL_PASS = 'UrlPw-Jq8Zx4Vm7Ky';
const QUERY_TOKEN = 'QueryTok-Wz5Rn8Jx3Qv';
const PROXY_USER = 'corp-user';
const PROXY_PASS = 'Pw-Rq7Zx3Vk9Jy5Hm';

const u = (s: string): string => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);

/** Every encoded form the gateway sends back. */
const REFLECTIONS = (key: string): string[] => [
  jsonEscaped(key),
  jsonEscaped(jsonEscaped(key)),
  key.toUpperCase(),
  key.toLowerCase(),
  Buffer.from(key).toString('base64'),
  Buffer.from(`:${key}`).toString('base64'),
  [...key].join('.'),
];

/** Every leak in a text, in every form the leak check counts. */
function leaksIn(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets).flatMap(([name, secret]) => {
    const found = findEncodedLeak(text, secret, [PROXY_USER, URL_USER]);
    return found === undefined ? [] : [`${name}: ${found}`];
  });
}

let gateway: TestServer;
/** Requests that carried the key: the reflections were really sent. */
let keyed = 0;
let proxy: Server;
let proxyPort = 0;

beforeAll(async () => {
  gateway = await startHttpServer((req, res) => {
    const auth = String(req.headers.authorization ?? req.headers['x-portkey-api-key'] ?? '').replace(/^Bearer /, '');
    const forms = REFLECTIONS(auth);
    if (auth === KEY) keyed += 1;
    // The body is written by hand, so the escaped forms reach the doctor exactly as sent.
    if ((req.url ?? '').includes('/v1/models')) {
      const ids = [u(auth), ...forms.map(jsonEscaped)].map((id) => `{"id":"${id}","object":"model"}`);
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo-upper': auth.toUpperCase().replace(/[^\x20-\x7e]/g, '?') });
      res.end(`{"object":"list","data":[${ids.join(',')}]}`);
      return;
    }
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer error_description="${Buffer.from(auth).toString('base64')}"` });
    res.end(`{"error":{"message":"invalid key ${forms.map(jsonEscaped).join(' ; ')} ${u(auth)}","type":"auth"}}`);
  });
  // A proxy that refuses every CONNECT and reflects the Basic token it was sent.
  proxy = createServer((socket) => {
    socket.once('data', (chunk) => {
      const token = /proxy-authorization:\s*Basic\s+(\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? 'none';
      socket.end(
        `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="${token}", error="${token}"\r\nContent-Type: text/plain\r\nContent-Length: ${token.length}\r\nConnection: close\r\n\r\n${token}`,
      );
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
  onExit(() => proxy.close());
});
afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => proxy.close(resolve));
});

const profileFor = (key: string, baseUrl = gateway.url) =>
  writeProfile({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: baseUrl, inferenceGatewayApiKey: key, inferenceGatewayAuthScheme: 'bearer' });

describe('issue 12 #4: a key reflected in any encoding is scrubbed from every output', () => {
  it('--json, -v and the report command (Markdown and JSON) hold no form of a JSON-special key', async () => {
    const dir = profileFor(KEY);
    const before = keyed;
    const out = mkdtempSync(join(tmpdir(), 'pkd-enc-'));
    const runs = await Promise.all([
      runCli(['--json', '--no-policy', '--claude-dir', dir, '--timeout', '15'], {}, 60_000, { network: true }),
      runCli(['-v', '--no-policy', '--claude-dir', dir, '--timeout', '15'], {}, 60_000, { network: true }),
      runCli(['report', '--no-policy', '--claude-dir', dir, '--timeout', '15', '--output', join(out, 'r.md')], {}, 60_000, { network: true }),
      runCli(['report', '--json', '--no-policy', '--claude-dir', dir, '--timeout', '15', '--output', join(out, 'r.json')], {}, 60_000, { network: true }),
    ]);
    const report = parseReport(runs[0]!);
    // The gateway was reached with the key: the reflections were there to leak.
    expect(keyed - before, JSON.stringify(report.checks.map((c) => `${c.id}:${c.status}`))).toBeGreaterThan(0);
    const texts: (readonly [string, string])[] = runs.flatMap((r, i) => [[`run ${i} stdout`, r.stdout] as const, [`run ${i} stderr`, r.stderr] as const]);
    for (const f of ['r.md', 'r.json']) {
      try {
        texts.push([f, readFileSync(join(out, f), 'utf8')]);
      } catch {
        // a report that was not written shows as a failed run below
      }
    }
    expect(texts.length).toBe(10);
    for (const [where, text] of texts) expect(leaksIn(text, { key: KEY }), where).toEqual([]);
    JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'));
  }, 120_000);

  it("a proxy's Basic token reflected in Proxy-Authenticate reaches neither -v nor --json", async () => {
    const dir = profileFor('pk-DoctorTestKey-Zq9Xw7Vr4Ty2', 'https://gateway.corp.test');
    const env = { HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_PASS}@127.0.0.1:${proxyPort}` };
    const runs = await Promise.all([
      runCli(['--json', '--no-policy', '--claude-dir', dir, '--timeout', '10'], env, 60_000, { network: true }),
      runCli(['-v', '--no-policy', '--claude-dir', dir, '--timeout', '10'], env, 60_000, { network: true }),
    ]);
    const report = parseReport(runs[0]!);
    expect(report.checks.some((c) => c.status === 'fail')).toBe(true);
    for (const r of runs) expect(leaksIn(r.stdout + r.stderr, { 'proxy password': PROXY_PASS })).toEqual([]);
  }, 120_000);
});

describe('issue 12 #3: credentials and a query in the base URL are never rendered', () => {
  it('summary, target.baseUrl, checks, -v and the Markdown report', async () => {
    const base = `http://${URL_USER}:${URL_PASS}@127.0.0.1:${gateway.port}/?token=${QUERY_TOKEN}`;
    const dir = profileFor('pk-DoctorTestKey-Zq9Xw7Vr4Ty2', base);
    const out = mkdtempSync(join(tmpdir(), 'pkd-url-'));
    const runs = await Promise.all([
      runCli(['--json', '--no-policy', '--claude-dir', dir, '--timeout', '10'], {}, 60_000, { network: true }),
      runCli(['-v', '--no-policy', '--claude-dir', dir, '--timeout', '10'], {}, 60_000, { network: true }),
      runCli(['--json', '--no-policy', '--base-url', base, '--claude-dir', dir, '--timeout', '10'], {}, 60_000, { network: true }),
      runCli(['report', '--no-policy', '--claude-dir', dir, '--timeout', '10', '--output', join(out, 'r.md')], {}, 60_000, { network: true }),
    ]);
    const report = parseReport(runs[0]!) as unknown as { target: { baseUrl: { value: string } }; checks: { id: string; code?: string }[] };
    expect(report.target.baseUrl.value).toBe(`http://127.0.0.1:${gateway.port}/`);
    expect(report.checks.find((c) => c.id === 'base-url')?.code).toBe('BASE_URL_CREDENTIALS');
    const texts = [...runs.map((r) => r.stdout + r.stderr), readFileSync(join(out, 'r.md'), 'utf8')];
    for (const text of texts) {
      expect(text).not.toContain(URL_PASS);
      expect(text).not.toContain(QUERY_TOKEN);
      expect(leaksIn(text, { 'url password': URL_PASS, 'query token': QUERY_TOKEN })).toEqual([]);
    }
  }, 120_000);
});

describe('issue 12 #3: the daemon files', () => {
  it('status.json, its .jsonl, state and history, console and log hold no URL password or query', async () => {
    const base = `http://${URL_USER}:${URL_PASS}@127.0.0.1:${gateway.port}/?token=${QUERY_TOKEN}`;
    const dir = mkdtempSync(join(tmpdir(), 'pkd-urld-'));
    const run = await runCli(
      ['daemon', '--no-policy', '--base-url', base, '--only', 'settings,network', '--schedule', '* * * * * *', '--splay', '0', '--max-runs', '1'].concat([
        '--state-dir',
        join(dir, 'state'),
        '--json-file',
        join(dir, 'status.json'),
        '--log-level',
        'debug',
      ]),
      { HOME: dir },
      60_000,
    );
    expect(run.code).toBe(0);
    const files = ['status.json', 'status.jsonl', 'state/state.json', 'state/history.jsonl'].map((f) => readFileSync(join(dir, f), 'utf8'));
    for (const text of [run.stdout, run.stderr, ...files]) {
      expect(leaksIn(text, { 'url password': URL_PASS, 'query token': QUERY_TOKEN })).toEqual([]);
    }
  }, 90_000);
});

describe('issue 12 #5: short and common-word keys leave the output intact', () => {
  it.each(['e', 'ok', 'status', 'gateway', '"', '\\'])(
    'key %j: valid JSON, the statuses kept, no redaction marks for the key',
    async (key) => {
      const dir = profileFor(key);
      const [json, verbose] = await Promise.all([
        runCli(['--json', '--no-policy', '--claude-dir', dir, '--timeout', '10']),
        runCli(['-v', '--no-policy', '--claude-dir', dir, '--timeout', '10']),
      ]);
      const report = parseReport(json) as ReturnType<typeof parseReport> & { totals: Record<string, number> };
      const statuses = new Set(['ok', 'warn', 'fail', 'skip', 'error']);
      for (const c of report.checks) expect(statuses.has(c.status), `${c.id}: ${c.status}`).toBe(true);
      expect(report.totals.total).toBe(report.checks.length);
      // Too short to be real (API_KEY_TOO_SHORT; a lone quote is reported as quoting first).
      expect(report.checks.find((c) => c.id === 'api-key')?.status).toBe('fail');
      // The key check is still named, the base URL still rendered: nothing rewritten around the key.
      expect(json.stdout).toContain('"api-key"');
      expect(json.stdout).toContain(`127.0.0.1:${gateway.port}`);
      expect(json.stdout + verbose.stdout).not.toContain('[redacted]');
      expect(json.stdout + verbose.stdout).not.toMatch(/\[key sha256:/);
    },
    60_000,
  );
});
