#!/usr/bin/env node
// CLI start-up against bare Node, measured side by side in one run (interleaved, so machine
// noise hits both alike). Target: `--version` and `--help` at most 1.3x `node -e 0`.
// Run: npm run build && node bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const runs = Number(process.argv[2] ?? 30);
const cases = {
  'node -e 0 (baseline)': ['-e', '0'],
  'portkey-doctor --version': [cli, '--version'],
  'portkey-doctor --help': [cli, '--help'],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs + 3; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
    if (i >= 3) times[name].push(ms); // the first rounds warm the file cache
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(times['node -e 0 (baseline)']);
console.log(`CLI start-up, ${runs} runs each, medians (node ${process.version})`);
console.log('| command | median ms | ratio to node -e 0 | target ≤ 1.3x |');
console.log('| --- | ---: | ---: | --- |');
for (const [name, t] of Object.entries(times)) {
  const m = median(t);
  const ratio = m / base;
  console.log(`| ${name} | ${m.toFixed(1)} | ${ratio.toFixed(2)}x | ${name.includes('baseline') ? '' : ratio <= 1.3 ? 'met' : 'missed'} |`);
}
