#!/usr/bin/env node
/**
 * Soak benchmark of the daemon: runs the built daemon as a child process for at least 1,000
 * runs on the fastest cron schedule (every second, no splay) against a loopback gateway that
 * breaks for a few runs every hundred, with every reporter on (JSON file, syslog over UDP and
 * TCP to local sinks, state history), and prints memory (RSS, heap) and open handles at the
 * start and the end, from the daemon's own `started`/`stopped` events (measured after a GC:
 * the daemon runs with --expose-gc) and from /proc on Linux.
 *
 *   npm run build && node bench/daemon-soak.mjs [--runs 1000] [--schedule "* * * * * *"]
 *
 * 1,000 runs at one per second take about 17 minutes.
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

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, schedule: { type: 'string', default: '* * * * * *' } } });
const RUNS = Number(values.runs);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const prefix = [cli, 'daemon'];
if (!existsSync(prefix[0])) {
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
  '--expose-gc',
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
const child = spawn(process.execPath, args, {
  env: { ...process.env, PORTKEY_DOCTOR_API_KEY: 'pk-SoakBenchKey-0000', HOME: dir },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));

/** RSS and open fds from outside (Linux). */
function proc(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), fds: readdirSync(`/proc/${pid}/fd`).length };
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
}
const errors = stderr.split('\n').filter((l) => l.includes('"level":"error"') || l.includes('"level":"fatal"'));
if (errors.length) console.log(`log errors: ${errors.length}; first: ${errors[0]}`);

gateway.close();
udp.close();
tcp.close();
process.exit(code === 0 && (stopped?.runs ?? 0) >= RUNS ? 0 : 1);
