#!/usr/bin/env node
/**
 * Soak benchmark of the daemon: runs the built daemon as a child process for at least 1,000
 * runs on the fastest cron schedule (every second, no splay) against a loopback gateway that
 * breaks for a few runs every hundred, with every reporter on (JSON file, syslog over UDP and
 * TCP to local sinks, state history), and prints memory (RSS, heap) and open handles at the
 * start and the end, from the daemon's own `started`/`stopped` events (measured after a GC:
 * the daemon runs with --expose-gc) and from /proc on Linux.
 *
 *   npm run build && node bench/daemon-soak.mjs [--runs 1000] [--schedule "* * * * * *"] [--cli FILE | --exe FILE]
 *
 * `--cli FILE` soaks another build's CLI script (e.g. an unbundled tsc build, to compare);
 * `--exe FILE` the single executable (no node in front; --expose-gc through NODE_OPTIONS).
 * CPU time per scheduled run is read from /proc (user + system, between run 10 and the end).
 *
 * 1,000 runs at one per second take about 17 minutes.
 *
 * With --in-process it instead soaks the daemon's work without the cron: `prepare()` + `runOnce()`
 * in this process, as the daemon does on each reload, with a settings change every run (a new key
 * in the profile) and an authenticated proxy (HTTPS_PROXY with user:password@), and prints the
 * size of the set of known secrets (src/core/secret.ts) and the RSS, after a GC, every 100 runs:
 *
 *   npm run build && node --expose-gc bench/daemon-soak.mjs --in-process [--runs 1000]
 *
 * (that mode imports the modules one by one from build/modules/, which npm run build writes).
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    schedule: { type: 'string', default: '* * * * * *' },
    'in-process': { type: 'boolean', default: false },
    cli: { type: 'string' },
    exe: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = values.cli ?? join(root, 'dist', 'cli.js');
if (values['in-process']) process.exit(await inProcessSoak());

/** The daemon's reload-and-run, in this process: secret set and RSS every 100 runs. */
async function inProcessSoak() {
  const { prepare, runOnce } = await import(join(root, 'dist', 'run', 'index.js'));
  const { parseDoctorFlags } = await import(join(root, 'dist', 'config', 'flags.js'));
  const { knownSecrets } = await import(join(root, 'dist', 'core', 'secret.js'));
  if (typeof globalThis.gc !== 'function') {
    console.error('Run with node --expose-gc');
    return 2;
  }
  // An authenticated proxy: checks the Basic credential, then refuses the tunnel (502).
  const { createServer: createNet } = await import('node:net');
  const expected = `Basic ${Buffer.from('soak-user:Soak-Pw-Jq8Zx4Vm').toString('base64')}`;
  let proxied = 0;
  const proxy = createNet((socket) => {
    socket.once('data', (chunk) => {
      proxied += 1;
      const ok =
        chunk.toString('latin1').includes(`Proxy-Authorization: ${expected}`) ||
        chunk.toString('latin1').toLowerCase().includes(`proxy-authorization: ${expected.toLowerCase()}`);
      socket.end(
        ok
          ? 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
          : 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="soak"\r\nContent-Length: 0\r\n\r\n',
      );
    });
    socket.on('error', () => {});
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'pkd-soak-ip-'));
  const id = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(dir, 'configLibrary'), { recursive: true });
  writeFileSync(join(dir, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: id, entries: [{ id, name: 'Default' }] }));
  const env = { PATH: process.env.PATH, HOME: dir, HTTPS_PROXY: `http://soak-user:Soak-Pw-Jq8Zx4Vm@127.0.0.1:${proxy.address().port}` };
  const sample = async (run) => {
    // A turn of the event loop first: a WeakRef's target is held until the current job ends.
    await new Promise((r) => setImmediate(r));
    globalThis.gc();
    return { run, secrets: knownSecrets().length, rssMB: process.memoryUsage().rss / 1024 / 1024, heapMB: process.memoryUsage().heapUsed / 1024 / 1024 };
  };
  const rows = [];
  const t0 = Date.now();
  for (let i = 1; i <= RUNS; i++) {
    // A settings change every run: a new key (and a header) in the profile, as an admin's edit.
    const profile = {
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: 'https://gateway.soak.test',
      inferenceGatewayApiKey: `pk-SoakKey-${String(i).padStart(6, '0')}-Qm5Jv8Wx`,
      inferenceGatewayAuthScheme: 'bearer',
    };
    writeFileSync(join(dir, 'configLibrary', `${id}.json`), JSON.stringify(profile));
    const flags = parseDoctorFlags(['--no-policy', '--claude-dir', dir, '--only', 'settings,network', '--timeout', '5']);
    const prepared = await prepare(flags, env);
    await runOnce(prepared);
    if (i === 1 || i % 100 === 0) {
      rows.push(await sample(i));
      if (process.stdout.isTTY) process.stdout.write(`\r${i}/${RUNS}`);
    }
  }
  if (process.stdout.isTTY) process.stdout.write('\r\u001b[2K');
  proxy.close();
  console.log(`portkey-doctor in-process soak: ${RUNS} reloads+runs in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${proxied} proxied connections`);
  console.log('run      known secrets   RSS (MB)   heap used (MB)   (after GC)');
  for (const r of rows) console.log(`${String(r.run).padEnd(9)}${String(r.secrets).padEnd(16)}${r.rssMB.toFixed(1).padEnd(11)}${r.heapMB.toFixed(1)}`);
  const first = rows.find((r) => r.run >= 100) ?? rows[0];
  const last = rows.at(-1);
  const flat = last.secrets <= first.secrets + 2;
  console.log(flat ? 'secret set: flat' : `secret set: GREW ${first.secrets} → ${last.secrets}`);
  return flat ? 0 : 1;
}

const prefix = values.exe ? ['daemon'] : [cli, 'daemon'];
if (!existsSync(values.exe ?? cli)) {
  console.error('Build first: npm run build');
  process.exit(2);
}

// A loopback gateway: healthy like the open-source gateway, broken (500) for runs 50–54 of every 100.
let models = 0;
let current = 'ok';
const gateway = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/v1/models') {
    models += 1;
    current = models % 100 >= 50 && models % 100 < 55 ? 'broken' : 'ok';
  }
  if (current === 'broken') return res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
  if (path === '/v1/models')
    return res
      .writeHead(200, { 'content-type': 'application/json', 'x-portkey-trace-id': 't' })
      .end('{"object":"list","data":[{"id":"@anthropic/claude-sonnet-4-5"}]}');
  if (path === '/') return res.writeHead(200, { 'content-type': 'text/plain' }).end('AI Gateway says hey!');
  return res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
});
await new Promise((r) => gateway.listen(0, '127.0.0.1', r));
const gwUrl = `http://127.0.0.1:${gateway.address().port}`;

// Syslog sinks that count what arrives.
let udpMessages = 0;
let tcpBytes = 0;
const udp = createSocket('udp4').on('message', () => (udpMessages += 1));
await new Promise((r) => udp.bind(0, '127.0.0.1', r));
const tcp = createTcpServer((s) => s.on('data', (d) => (tcpBytes += d.length)).on('error', () => {}));
await new Promise((r) => tcp.listen(0, '127.0.0.1', r));

const dir = mkdtempSync(join(tmpdir(), 'pkd-soak-'));
const args = [
  ...(values.exe ? [] : ['--expose-gc']),
  ...prefix,
  '--no-policy',
  '--base-url',
  gwUrl,
  '--only',
  'settings,network',
  '--schedule',
  values.schedule,
  '--splay',
  '0',
  '--heartbeat',
  '0.5',
  '--max-runs',
  String(RUNS),
  '--state-dir',
  join(dir, 'state'),
  '--history-max',
  '200',
  '--json-file',
  join(dir, 'status.json'),
  '--syslog',
  `udp://127.0.0.1:${udp.address().port}`,
  '--syslog',
  `tcp://127.0.0.1:${tcp.address().port}`,
  '--log-level',
  'warn',
];
const t0 = Date.now();
const child = spawn(values.exe ?? process.execPath, args, {
  env: { ...process.env, PORTKEY_DOCTOR_API_KEY: 'pk-SoakBenchKey-0000', HOME: dir, ...(values.exe ? { NODE_OPTIONS: '--expose-gc' } : {}) },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));

/** RSS and open fds from outside (Linux). */
function proc(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // utime and stime: fields 14 and 15 of /proc/PID/stat, in clock ticks (100 a second here).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), fds: readdirSync(`/proc/${pid}/fd`).length, cpuMs };
  } catch {
    return undefined;
  }
}
const events = () => {
  try {
    return readFileSync(join(dir, 'status.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};
const historyRuns = () => {
  try {
    return readFileSync(join(dir, 'state', 'state.json'), 'utf8') && JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')).runs;
  } catch {
    return 0;
  }
};

let outsideStart;
let outsideEnd;
const poll = setInterval(() => {
  const runs = historyRuns();
  if (outsideStart === undefined && runs >= 10 && proc(child.pid)) outsideStart = { runs, ...proc(child.pid) };
  const p = proc(child.pid);
  if (runs >= RUNS - 2 && p) outsideEnd = { runs, ...p };
  if (process.stdout.isTTY) process.stdout.write(`\r${runs}/${RUNS} runs, ${Math.round((Date.now() - t0) / 1000)} s`);
}, 500);

const code = await new Promise((r) => child.once('exit', (c) => r(c)));
clearInterval(poll);
if (process.stdout.isTTY) process.stdout.write('\r\u001b[2K');
const elapsed = (Date.now() - t0) / 1000;
const ev = events();
const started = ev.find((e) => e.type === 'started');
const stopped = ev.find((e) => e.type === 'stopped');
const beats = ev.filter((e) => e.type === 'heartbeat');
const MB = (b) => (b / 1024 / 1024).toFixed(1);

console.log(`portkey-doctor daemon soak: ${stopped?.runs ?? '?'} runs in ${elapsed.toFixed(0)} s (schedule "${values.schedule}"), exit ${code}`);
console.log(
  `events: ${ev.filter((e) => e.type === 'raised').length} raised, ${ev.filter((e) => e.type === 'cleared').length} cleared, ${beats.length} heartbeats; syslog received ${udpMessages} UDP datagrams, ${tcpBytes} TCP bytes`,
);
console.log('');
console.log('                    start (before run 1)    end (after the last run)');
const row = (label, a, b) => console.log(`${label.padEnd(20)}${String(a).padEnd(24)}${b}`);
if (started && stopped) {
  row('RSS', `${MB(started.process.rssBytes)} MB`, `${MB(stopped.process.rssBytes)} MB`);
  row('heap used', `${MB(started.process.heapUsedBytes)} MB`, `${MB(stopped.process.heapUsedBytes)} MB`);
  row('heap total', `${MB(started.process.heapTotalBytes)} MB`, `${MB(stopped.process.heapTotalBytes)} MB`);
  row('active handles', started.process.handles, stopped.process.handles);
  if (started.process.openFds !== undefined) row('open fds', started.process.openFds, stopped.process.openFds);
}
if (beats.length >= 2) {
  const heap = beats.map((b) => b.process.heapUsedBytes);
  const rss = beats.map((b) => b.process.rssBytes);
  console.log('');
  console.log(
    `heartbeats (every 30 s, after GC): heap used ${MB(Math.min(...heap))}–${MB(Math.max(...heap))} MB, first ${MB(heap[0])} → last ${MB(heap.at(-1))} MB; RSS ${MB(Math.min(...rss))}–${MB(Math.max(...rss))} MB; handles ${beats[0].process.handles} → ${beats.at(-1).process.handles}`,
  );
}
if (outsideStart && outsideEnd) {
  console.log(
    `from /proc: at run ${outsideStart.runs} RSS ${(outsideStart.rssKiB / 1024).toFixed(1)} MB, ${outsideStart.fds} fds; at run ${outsideEnd.runs} RSS ${(outsideEnd.rssKiB / 1024).toFixed(1)} MB, ${outsideEnd.fds} fds`,
  );
  const perRun = (outsideEnd.cpuMs - outsideStart.cpuMs) / Math.max(1, outsideEnd.runs - outsideStart.runs);
  console.log(
    `CPU time (user + system) per scheduled run, runs ${outsideStart.runs}–${outsideEnd.runs}: ${perRun.toFixed(2)} ms; total at run ${outsideEnd.runs}: ${(outsideEnd.cpuMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `RESULT ${JSON.stringify({ cli: values.exe ?? cli, runs: outsideEnd.runs, rssEndMB: +(outsideEnd.rssKiB / 1024).toFixed(1), cpuMsPerRun: +perRun.toFixed(2), rssStoppedMB: stopped ? +MB(stopped.process.rssBytes) : null })}`,
  );
}
const errors = stderr.split('\n').filter((l) => l.includes('"level":"error"') || l.includes('"level":"fatal"'));
if (errors.length) console.log(`log errors: ${errors.length}; first: ${errors[0]}`);

gateway.close();
udp.close();
tcp.close();
process.exit(code === 0 && (stopped?.runs ?? 0) >= RUNS ? 0 : 1);
