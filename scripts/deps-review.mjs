#!/usr/bin/env node
/**
 * `npm run deps:review`: what can be learned about the production dependencies from the registry's
 * package documents, for machines where `npm audit` cannot run (its advisory endpoint takes a POST;
 * a read-only registry mirror answers 405). For every package `npm ls --omit=dev --all` lists:
 * whether the installed version is deprecated, and whether a newer release of the same major
 * exists (a fix would usually land there). It is not an advisory check: run `npm audit --omit=dev`
 * wherever the audit endpoint is reachable (docs/release.md, "Supply chain").
 *
 * Exit code: 1 when a production dependency is deprecated, else 0 (newer releases are reported,
 * not failed on: the lockfile pins what was tested).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const tree = JSON.parse(execFileSync('npm', ['ls', '--omit=dev', '--all', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
const installed = new Map();
const walk = (deps) => {
  for (const [name, d] of Object.entries(deps ?? {})) {
    if (!d.version) continue;
    installed.set(`${name}@${d.version}`, { name, version: d.version });
    walk(d.dependencies);
  }
};
walk(tree.dependencies);

const major = (v) => Number(v.split('.')[0]);
const newer = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('-')[0].split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};

async function review({ name, version }) {
  const { stdout } = await run('npm', ['view', `${name}@${version}`, 'deprecated', 'versions', '--json'], { encoding: 'utf8', maxBuffer: 32 << 20 });
  const doc = JSON.parse(stdout || '{}');
  const versions = (Array.isArray(doc.versions) ? doc.versions : []).filter((v) => !v.includes('-'));
  const sameMajor = versions.filter((v) => major(v) === major(version));
  const latest = sameMajor.reduce((a, v) => (newer(v, a) ? v : a), version);
  return { name, version, deprecated: typeof doc.deprecated === 'string' ? doc.deprecated : undefined, latestInMajor: latest };
}

const queue = [...installed.values()].sort((a, b) => a.name.localeCompare(b.name));
const results = [];
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (queue.length > 0) {
      const next = queue.shift();
      try {
        results.push(await review(next));
      } catch (err) {
        results.push({ ...next, error: String(err.message ?? err).split('\n')[0] });
      }
    }
  }),
);
results.sort((a, b) => a.name.localeCompare(b.name));
console.log(`Production dependencies: ${results.length} (npm ls --omit=dev --all)`);
console.log('| package | installed | deprecated | newest of its major |');
console.log('| --- | --- | --- | --- |');
for (const r of results) {
  const latest = r.error ? `(not read: ${r.error})` : r.latestInMajor === r.version ? 'this one' : r.latestInMajor;
  console.log(`| ${r.name} | ${r.version} | ${r.deprecated ? `**yes**: ${r.deprecated}` : 'no'} | ${latest} |`);
}
const deprecated = results.filter((r) => r.deprecated);
const behind = results.filter((r) => !r.error && r.latestInMajor !== r.version);
const unread = results.filter((r) => r.error);
console.log(`\n${deprecated.length} deprecated, ${behind.length} with a newer release of the same major, ${unread.length} not read.`);
process.exitCode = deprecated.length > 0 ? 1 : 0;
