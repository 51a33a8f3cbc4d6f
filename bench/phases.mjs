#!/usr/bin/env node
// Phase timings of the doctor's net layer against curl, side by side in one run, on loopback.
// A server in its own process waits a given delay before sending headers; for each delay, N
// fresh-connection requests are timed by curl (-w time_connect/time_starttransfer/time_total)
// and by the doctor's httpRequest (phases connectMs/ttfbMs/totalMs), interleaved so machine
// noise hits both alike. Prints medians and the doctor-minus-curl difference and ratio.
// Run: npm run build && node bench/phases.mjs [repetitions=15] [delays=0,50,200]
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const { httpRequest } = await import(fileURLToPath(new URL('../build/modules/net/index.js', import.meta.url)));
const run = promisify(execFile);

const reps = Number(process.argv[2] ?? 15);
const delays = (process.argv[3] ?? '0,50,200').split(',').map(Number);
if (!Number.isInteger(reps) || reps < 1 || delays.some((d) => !Number.isFinite(d) || d < 0)) {
  console.error('usage: node bench/phases.mjs [repetitions] [delay-ms,delay-ms,...]');
  process.exit(2);
}

// The server: its own process (so neither client shares its event loop), 127.0.0.1 only,
// `GET /?delay=MS` answers a small JSON body MS milliseconds after the request arrived.
const serverScript = `
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    const delay = Number(new URL(req.url, 'http://x').searchParams.get('delay') ?? 0);
    const t = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), delay);
    res.on('close', () => clearTimeout(t));
  });
  server.keepAliveTimeout = 1000;
  server.listen({ port: 0, host: '127.0.0.1' }, () => process.stdout.write(server.address().port + '\\n'));
  process.stdin.on('end', () => process.exit(0)); // exits with its parent
  process.stdin.resume();
  setTimeout(() => process.exit(0), 600000).unref();`;
const server = spawn(process.execPath, ['-e', serverScript], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.stdout.once('data', (d) => resolve(Number(String(d).trim())));
});
const stopServer = () => {
  if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
};
process.once('exit', stopServer);

const noProxyEnv = { PATH: process.env.PATH, LANG: 'C' }; // curl must not pick up a proxy from the environment

async function viaCurl(url) {
  const { stdout } = await run(
    'curl',
    ['-s', '-o', '/dev/null', '--noproxy', '*', '--max-time', '10', '-w', '%{time_connect} %{time_starttransfer} %{time_total}', url],
    { env: noProxyEnv },
  );
  const [connect, ttfb, total] = stdout
    .trim()
    .split(/\s+/)
    .map((s) => Number(s) * 1000);
  return { connect, ttfb, total };
}

async function viaDoctor(url) {
  const r = await httpRequest({ url, proxy: 'none', timeoutMs: 10_000, maxBodyBytes: 64 * 1024 });
  if (!r.ok) throw new Error(`doctor request failed: ${r.failure.kind}`);
  return { connect: r.phases.connectMs, ttfb: r.phases.ttfbMs, total: r.phases.totalMs };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (n) => n.toFixed(2);

try {
  // Warm up both paths (file cache, JIT, curl's first exec).
  for (let i = 0; i < 3; i++) {
    await viaCurl(`http://127.0.0.1:${port}/?delay=0`);
    await viaDoctor(`http://127.0.0.1:${port}/?delay=0`);
  }
  const rows = [];
  for (const delay of delays) {
    const url = `http://127.0.0.1:${port}/?delay=${delay}`;
    const curl = { connect: [], ttfb: [], total: [] };
    const doctor = { connect: [], ttfb: [], total: [] };
    for (let i = 0; i < reps; i++) {
      // Alternate which goes first, so neither always runs right after the other.
      const order =
        i % 2 === 0
          ? [
              ['curl', viaCurl],
              ['doctor', viaDoctor],
            ]
          : [
              ['doctor', viaDoctor],
              ['curl', viaCurl],
            ];
      for (const [name, fn] of order) {
        const t = await fn(url);
        const into = name === 'curl' ? curl : doctor;
        for (const k of ['connect', 'ttfb', 'total']) into[k].push(t[k]);
      }
    }
    rows.push({
      delay,
      curl: Object.fromEntries(Object.entries(curl).map(([k, v]) => [k, median(v)])),
      doctor: Object.fromEntries(Object.entries(doctor).map(([k, v]) => [k, median(v)])),
    });
  }

  console.log(`Phase timings on loopback, ${reps} fresh-connection requests per delay and client, medians in ms (node ${process.version})`);
  console.log(
    '| server delay | curl connect | doctor connect | curl ttfb | doctor ttfb | ttfb Δ (doctor−curl) | ttfb ratio | curl total | doctor total | total Δ |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { delay, curl, doctor } of rows) {
    console.log(
      `| ${delay} | ${f(curl.connect)} | ${f(doctor.connect)} | ${f(curl.ttfb)} | ${f(doctor.ttfb)} | ${f(doctor.ttfb - curl.ttfb)} | ${(doctor.ttfb / curl.ttfb).toFixed(2)}x | ${f(curl.total)} | ${f(doctor.total)} | ${f(doctor.total - curl.total)} |`,
    );
  }
  const bad = rows.filter(({ delay, doctor }) => doctor.ttfb < delay);
  if (bad.length > 0) console.log(`WARNING: doctor ttfb below the server delay for ${bad.map((r) => r.delay).join(', ')} ms`);
} finally {
  stopServer();
}
