#!/usr/bin/env node
// Does the doctor's --timeout hold against a dead gateway? Runs the built CLI with --timeout 5
// against loopback gateways that never answer, and reports elapsed time against the timeout.
// Target: at most the timeout + 10%, for the run itself (the report's durationMs) and for the
// process wall clock minus the CLI's fixed start-up and exit cost (measured in the same run
// against a closed port, which fails at once; --timeout cannot bound module loading). The raw
// wall clock is printed too.
//
// Dead gateways, all on 127.0.0.1:
// - accepts, never answers (plain http: the HTTP request waits for headers);
// - accepts, never answers the TLS handshake (https);
// - a proxy that accepts and never answers CONNECT (HTTPS_PROXY);
// - drops packets: no SYN-ACK at all. A real DROP rule needs iptables/nft and root networking
//   changes; this script does not make them. It uses the backlog black hole instead: a child
//   process listens with backlog 1 and never accepts, and once the accept queue is full the
//   kernel drops further SYNs, exactly what a firewall DROP looks like to a client.
// Run: npm run build && node bench/dead-gateway.mjs [runs-per-case=3] [timeout-s=5]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const runs = Number(process.argv[2] ?? 3);
const timeoutS = Number(process.argv[3] ?? 5);
const KEY = 'pk-BenchDeadGatewayKey-Qwzx';
const cleanups = [];
process.once('exit', () => {
  for (const c of cleanups.reverse()) {
    try {
      c();
    } catch {
      /* best effort */
    }
  }
});

function hasTool(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Accepts connections and never sends a byte. */
async function silentServer() {
  const sockets = new Set();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.resume();
  });
  await new Promise((r) => server.listen({ port: 0, host: '127.0.0.1' }, r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return server.address().port;
}

/** The backlog black hole (see the header); returns its port once SYNs are being dropped. */
async function blackHole() {
  const script = `
    const s = require('node:net').createServer();
    s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(s.address().port + '\\n', () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300000);
        process.exit(0);
      });
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  cleanups.push(() => child.kill('SIGKILL'));
  const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  const fillers = [];
  cleanups.push(() => fillers.forEach((s) => s.destroy()));
  for (let i = 0; i < 8; i++) {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => {});
    fillers.push(s);
    const connected = await new Promise((r) => {
      const t = setTimeout(() => r(false), 300);
      s.once('connect', () => {
        clearTimeout(t);
        r(true);
      });
    });
    if (!connected) return { port, filled: true };
  }
  return { port, filled: false };
}

function doctor(baseUrl, env = {}) {
  const home = mkdtempSync(join(tmpdir(), 'pkd-bench-home-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const args = [cli, '--json', '--no-policy', '--base-url', baseUrl, '--only', 'network,gateway', '--timeout', String(timeoutS)];
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        env: { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', PORTKEY_DOCTOR_API_KEY: KEY, ...env },
        timeout: (timeoutS + 60) * 1000,
        maxBuffer: 16 << 20,
      },
      (err, stdout) => {
        const wallMs = performance.now() - t0;
        let report;
        try {
          report = JSON.parse(stdout);
        } catch {
          resolve({ wallMs, error: `no JSON report (${err?.message ?? 'exit 0'})` });
          return;
        }
        const first = report.checks.find((c) => c.status === 'fail' || c.status === 'error');
        resolve({
          wallMs,
          reportMs: report.durationMs,
          finding: first ? `${first.id} ${first.status} ${first.code}` : 'nothing failed',
          leaked: stdout.includes(KEY),
        });
      },
    );
  });
}

const firewallTools = ['iptables', 'nft'].filter(hasTool);
const silent = await silentServer();
const hole = await blackHole();
const closed = await new Promise((resolve) => {
  const probe = createServer();
  probe.listen({ port: 0, host: '127.0.0.1' }, () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const cases = [
  { name: 'baseline: closed port (fails at once: start-up + exit cost)', baseUrl: `http://127.0.0.1:${closed}`, baseline: true },
  { name: 'accepts, never answers (http)', baseUrl: `http://127.0.0.1:${silent}` },
  { name: 'accepts, never answers the TLS handshake (https)', baseUrl: `https://127.0.0.1:${silent}` },
  { name: 'proxy accepts, never answers CONNECT', baseUrl: `https://127.0.0.1:${silent}`, env: { HTTPS_PROXY: `http://127.0.0.1:${silent}` } },
  { name: `drops SYNs (backlog black hole${hole.filled ? '' : ', NOT FILLED: result invalid'})`, baseUrl: `http://127.0.0.1:${hole.port}` },
];

const limitMs = timeoutS * 1000 * 1.1;
console.log(`Dead gateways, doctor --timeout ${timeoutS}, ${runs} runs each (node ${process.version}); target: wall ≤ ${limitMs} ms (timeout + 10%)`);
console.log(
  firewallTools.length > 0
    ? `(${firewallTools.join(', ')} present, but this script makes no firewall changes: the packet-dropping address is the backlog black hole)`
    : '(no iptables/nft here: the packet-dropping address is the backlog black hole, not a DROP rule)',
);
console.log('| dead gateway | finding | run (report) median / max ms | wall median / max ms | wall − baseline max ms | within target |');
console.log('| --- | --- | ---: | ---: | ---: | --- |');
let allWithin = true;
let baselineMs = 0;
for (const c of cases) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await doctor(c.baseUrl, c.env));
  const failed = results.find((r) => r.error);
  if (failed) {
    console.log(`| ${c.name} | ${failed.error} | | | no |`);
    allWithin = false;
    continue;
  }
  if (results.some((r) => r.leaked)) throw new Error('the key appeared in the output');
  const med = (k) => [...results.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  const max = (k) => Math.max(...results.map((r) => r[k]));
  if (c.baseline) baselineMs = med('wallMs');
  const net = max('wallMs') - baselineMs;
  const within = max('reportMs') <= limitMs && net <= limitMs;
  allWithin &&= within;
  const findings = [...new Set(results.map((r) => r.finding))].join(' / ');
  console.log(
    `| ${c.name} | ${findings} | ${Math.round(med('reportMs'))} / ${Math.round(max('reportMs'))} | ${Math.round(med('wallMs'))} / ${Math.round(max('wallMs'))} | ${c.baseline ? '' : Math.round(net)} | ${within ? 'yes' : 'NO'} |`,
  );
}
console.log(allWithin ? 'All runs ended within the timeout + 10% (run time, and wall time minus start-up).' : 'Some runs went past the timeout + 10%.');
process.exit(0);
