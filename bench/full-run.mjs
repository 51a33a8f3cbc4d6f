#!/usr/bin/env node
// A full doctor run against the real open-source gateway and a mock Anthropic provider, against
// a bare Node script that makes the same requests (same order, one keep-alive connection), in
// the same run, interleaved. Both are whole processes (start-up included), as a user sees them.
// Target: the doctor at most 1.5x the bare script.
// Run: npm run build && node bench/full-run.mjs [runs=15] [--compare OTHER/cli.js] [--exe FILE]
//   --compare: another build of the CLI (e.g. the unbundled tsc build of an earlier commit), same run;
//   --exe: the single executable (default: release/portkey-doctor-<platform>-<arch> when built);
//   --compare-exe: another build's executable, same run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { compare: { type: 'string' }, exe: { type: 'string' }, 'compare-exe': { type: 'string' } },
  allowPositionals: true,
});
const runs = Number(positionals[0] ?? 15);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.cjs'); // the bin, as `portkey-doctor` runs
const defaultExe = join(root, 'release', `portkey-doctor-${process.platform}-${process.arch}`);
const exe = values.exe ?? (existsSync(defaultExe) ? defaultExe : undefined);
const require = createRequire(import.meta.url);
const gatewayScript = join(require.resolve('@portkey-ai/gateway/package.json').replace(/package\.json$/, ''), 'build', 'start-server.js');

// Mock Anthropic provider: count_tokens and messages, answered at once.
const provider = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url?.startsWith('/v1/messages/count_tokens')) json(200, { input_tokens: 8 });
    else if (req.url?.startsWith('/v1/messages'))
      json(200, {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'pong' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 8, output_tokens: 1 },
      });
    else json(404, { type: 'error', error: { type: 'not_found_error', message: 'no route' } });
  });
});
await new Promise((r) => provider.listen(0, '127.0.0.1', r));
const providerUrl = `http://127.0.0.1:${provider.address().port}`;

const port = 20000 + Math.floor(Math.random() * 20000);
const gateway = spawn(process.execPath, [gatewayScript, `--port=${port}`, '--headless'], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;
const stopAll = () => {
  gateway.kill('SIGKILL');
  provider.close();
};
process.on('exit', stopAll);
for (let i = 0; i < 100; i++) {
  try {
    const r = await fetch(`${base}/`);
    if ((await r.text()).includes('hey')) break;
  } catch {
    /* not yet */
  }
  await new Promise((r) => setTimeout(r, 100));
}

const headers = { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': `${providerUrl}/v1` };
const doctorFlags = [
  '--json',
  '--no-policy',
  '--only',
  'network,gateway',
  '--base-url',
  base,
  ...Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]),
];
const doctorArgs = [cli, ...doctorFlags];

// The same requests the doctor's network and gateway checks make, with node:http, no framework.
// CommonJS: the floor is the cheapest script that does the work. As an ES module the same script
// costs more on Node 24 (its ES module loader: measured 111 ms against 75 ms, same run), which
// would flatter every ratio on that line; on Node 20 the two cost the same.
const dir = mkdtempSync(join(tmpdir(), 'pkd-bench-'));
const bare = join(dir, 'bare.cjs');
writeFileSync(
  bare,
  `'use strict'; const http = require('node:http'); const net = require('node:net'); const dns = require('node:dns/promises');
(async () => {
const [base, headersJson] = process.argv.slice(2); const u = new URL(base); const h = JSON.parse(headersJson);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const req = (method, path, body) => new Promise((res, rej) => { const r = http.request({ host: u.hostname, port: u.port, method, path, agent, headers: { ...h, 'anthropic-version': '2023-06-01', ...(body ? { 'content-type': 'application/json' } : {}) } }, (x) => { x.resume(); x.on('end', res); }); r.on('error', rej); r.end(body); });
await dns.lookup(u.hostname, { all: true });                                   // dns
await new Promise((res, rej) => { const s = net.connect(+u.port, u.hostname, () => { s.destroy(); res(); }); s.on('error', rej); }); // tcp
await req('GET', '/v1/models'); await Promise.all([req('GET', '/'), req('GET', '/v1/health')]);       // gateway-http
await req('POST', '/v1/messages/count_tokens', JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'ping' }] })); // routing
for (let i = 0; i < 5; i++) await req('GET', '/');                                                   // latency samples
agent.destroy();
})().catch((err) => { process.stderr.write(String(err)); process.exitCode = 2; });
`,
);
const bareArgs = [bare, base, JSON.stringify(headers)];

// Asynchronous: the mock provider lives in this process and must keep answering meanwhile.
const once = (args, file = process.execPath) =>
  new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    // The key comes from the environment, as IT would give it (no keychain lookup in either process).
    const child = spawn(file, args, {
      env: { PATH: process.env.PATH, HOME: dir, PORTKEY_DOCTOR_API_KEY: 'pk-bench-key-not-checked' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 && code !== 1) reject(new Error(`${args[0]} exited ${code}: ${stderr}`));
      else resolve({ ms, stdout });
    });
  });

// Sanity: the doctor reaches the gateway (otherwise we would time a failure).
const probe = JSON.parse((await once(doctorArgs)).stdout);
const http = probe.checks.find((c) => c.id === 'gateway-http');
if (http?.status !== 'ok') throw new Error(`the doctor did not reach the gateway: ${JSON.stringify(http)}`);

if (exe) {
  const viaExe = JSON.parse((await once(doctorFlags, exe)).stdout);
  if (viaExe.checks.find((c) => c.id === 'gateway-http')?.status !== 'ok') throw new Error('the executable did not reach the gateway');
}
const reported = { doctor: [], exe: [] };
const times = {
  doctor: [],
  bare: [],
  nodeStart: [],
  ...(values.compare ? { compare: [] } : {}),
  ...(exe ? { exe: [] } : {}),
  ...(values['compare-exe'] ? { compareExe: [] } : {}),
};
for (let i = 0; i < runs; i++) {
  times.nodeStart.push((await once(['-e', '0'])).ms);
  times.bare.push((await once(bareArgs)).ms);
  const d = await once(doctorArgs);
  times.doctor.push(d.ms);
  reported.doctor.push(JSON.parse(d.stdout).durationMs);
  if (values.compare) times.compare.push((await once([values.compare, ...doctorFlags])).ms);
  if (exe) {
    const e = await once(doctorFlags, exe);
    times.exe.push(e.ms);
    reported.exe.push(JSON.parse(e.stdout).durationMs);
  }
  if (values['compare-exe']) times.compareExe.push((await once(doctorFlags, values['compare-exe'])).ms);
}
stopAll();
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
console.log(`Full run against the open-source gateway ${probe.checks.length} checks, ${runs} runs each, medians (node ${process.version})`);
console.log('| process | median ms | ratio to bare script | target |');
console.log('| --- | ---: | ---: | --- |');
console.log(`| node -e 0 | ${m.nodeStart.toFixed(1)} | | |`);
console.log(`| bare node:http script, same requests | ${m.bare.toFixed(1)} | 1.00x | |`);
console.log(
  `| portkey-doctor --only network,gateway | ${m.doctor.toFixed(1)} | ${(m.doctor / m.bare).toFixed(2)}x | ≤ 1.5x: ${m.doctor / m.bare <= 1.5 ? 'met' : 'missed'} |`,
);
if (m.compare !== undefined) console.log(`| compared build (${values.compare}) | ${m.compare.toFixed(1)} | ${(m.compare / m.bare).toFixed(2)}x | |`);
if (m.compareExe !== undefined)
  console.log(`| compared executable (${values['compare-exe']}) | ${m.compareExe.toFixed(1)} | ${(m.compareExe / m.bare).toFixed(2)}x | |`);
if (m.exe !== undefined)
  console.log(`| single executable | ${m.exe.toFixed(1)} | ${(m.exe / m.bare).toFixed(2)}x | ≤ 1.5x: ${m.exe / m.bare <= 1.5 ? 'met' : 'missed'} |`);
console.log(
  `The run itself (the report's durationMs, median): bundle ${median(reported.doctor)} ms${exe ? `, executable ${median(reported.exe)} ms` : ''}; the rest of the wall time is start-up, loading and exit.`,
);
console.log(`Beyond start-up: bare ${(m.bare - m.nodeStart).toFixed(1)} ms, doctor ${(m.doctor - m.nodeStart).toFixed(1)} ms.`);
process.exit(0);
