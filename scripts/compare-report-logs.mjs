#!/usr/bin/env node
// Compares two report logs written by the tests with PKD_REPORT_LOG=file (test/cli/run-cli.ts):
// per test file, the multiset of reports (each check's id:status:code) must be the same.
// Reports run concurrently, so order within a file is ignored. Usage: compare-report-logs.mjs before after
import { readFileSync } from 'node:fs';

const load = (path) => {
  const byFile = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const { file, verdicts } = JSON.parse(line);
    const list = byFile.get(file) ?? [];
    list.push(verdicts.join(' '));
    byFile.set(file, list);
  }
  for (const list of byFile.values()) list.sort();
  return byFile;
};

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: compare-report-logs.mjs BEFORE AFTER');
  process.exit(2);
}
const before = load(beforePath);
const after = load(afterPath);
let differences = 0;
let reports = 0;
for (const file of new Set([...before.keys(), ...after.keys()])) {
  const a = before.get(file) ?? [];
  const b = after.get(file) ?? [];
  reports += a.length;
  const count = (list) => list.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map());
  const ca = count(a);
  const cb = count(b);
  for (const sig of new Set([...ca.keys(), ...cb.keys()])) {
    const d = (ca.get(sig) ?? 0) - (cb.get(sig) ?? 0);
    if (d !== 0) {
      differences += 1;
      console.log(`${file}: ${d > 0 ? `only before (${d}x)` : `only after (${-d}x)`}\n  ${sig}`);
    }
  }
}
console.log(`${reports} reports before, ${[...after.values()].reduce((n, l) => n + l.length, 0)} after, ${differences} difference(s)`);
process.exit(differences === 0 ? 0 : 1);
