#!/usr/bin/env node
// CLI start-up against bare Node, measured side by side in one run (interleaved, so machine
// noise hits both alike). Target: `--version` at most 1.10x `node -e 0`.
// Run: npm run build && node bench/startup.mjs [runs=30] [--compare OTHER/cli.js] [--exe FILE]
//   --compare: another build of the CLI (e.g. the unbundled tsc build of an earlier commit);
//   --exe: the single executable (default: release/portkey-doctor-<platform>-<arch> when built),
//          measured against the same `node -e 0` and against its own Node (`--node24 FILE`).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { compare: { type: 'string' }, exe: { type: 'string' }, node24: { type: 'string' }, 'compare-exe': { type: 'string' } },
  allowPositionals: true,
});
// The bin (package.json): the CommonJS launcher, which answers --version itself.
const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const defaultExe = fileURLToPath(new URL(`../release/portkey-doctor-${process.platform}-${process.arch}`, import.meta.url));
const exe = values.exe ?? (existsSync(defaultExe) ? defaultExe : undefined);
const runs = Number(positionals[0] ?? 30);
const node = process.execPath;
const cases = {
  'node -e 0 (baseline)': [node, '-e', '0'],
  'portkey-doctor --version (bundle)': [node, cli, '--version'],
  'portkey-doctor --help (bundle)': [node, cli, '--help'],
};
if (values.compare) cases['portkey-doctor --version (compared build)'] = [node, values.compare, '--version'];
if (values.node24) cases['Node 24: node -e 0'] = [values.node24, '-e', '0'];
if (exe) cases['single executable --version'] = [exe, '--version'];
if (values['compare-exe']) cases['compared executable --version'] = [values['compare-exe'], '--version'];
// A plain environment, as a user's shell has: inherited variables such as NODE_EXTRA_CA_CERTS (set
// on this machine to the whole system bundle, which Node 20 parses at start, ~100 ms) or
// NODE_OPTIONS would add the same constant to every row and flatter the ratios.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs + 3; i++) {
  for (const [name, [file, ...args]] of Object.entries(cases)) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(file, args, { stdio: 'ignore', env });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
    if (i >= 3) times[name].push(ms); // the first rounds warm the file cache (and the compile cache)
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(times['node -e 0 (baseline)']);
const base24 = times['Node 24: node -e 0'] ? median(times['Node 24: node -e 0']) : undefined;
console.log(`CLI start-up, ${runs} runs each, medians (node ${process.version})`);
console.log('| command | median ms | ratio to node -e 0 | target ≤ 1.10x |');
console.log('| --- | ---: | ---: | --- |');
for (const [name, t] of Object.entries(times)) {
  const m = median(t);
  const ratio = m / base;
  const own =
    (name.startsWith('single') || name.startsWith('compared executable')) && base24 ? ` (${(m / base24).toFixed(2)}x its own Node 24's node -e 0)` : '';
  // An executable carries its own Node: it is held to that Node's start-up when it was measured.
  const own24 = (name.startsWith('single') || name.startsWith('compared executable')) && base24 ? m / base24 : undefined;
  const judged = own24 ?? ratio;
  const target = name.includes('node -e 0') || name.includes('--help') ? '' : `${judged <= 1.1 ? 'met' : 'missed'}${own24 !== undefined ? ' (own Node)' : ''}`;
  console.log(`| ${name} | ${m.toFixed(1)} | ${ratio.toFixed(2)}x${own} | ${target} |`);
}
