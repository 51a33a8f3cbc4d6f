#!/usr/bin/env node
/**
 * `npm run package`: the release artifacts, each with a `.sha256` file beside it (`sha256sum -c`).
 *
 * - release/portkey-doctor-<platform>-<arch>[.exe]: a single executable (Node's single executable
 *   application mechanism): the Node 24 binary (scripts/node-binary.mjs) with a blob injected by
 *   postject holding a small main script and, as assets, the doctor (build/sea/doctor.cjs:
 *   everything but the keychain addon, one CommonJS file), V8's code cache for it (made here by
 *   scripts/sea-cache.cjs), the keychain's native addon and QuickJS's WebAssembly.
 * - release/portkey-doctor-<version>.tgz: `npm pack` (dist/ only: package.json `files`).
 *
 * Builds for this machine's platform; `--target darwin-x64` (etc.) for another one when npm has
 * its Node binary and its keychain addon is installed (docs/release.md: signing happens on that OS).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSea, SEA_BUNDLE_ASSET, SEA_CACHE_ASSET } from './build.mjs';
import { NODE24_FOR, nodeBinary, unpackNpmPackage } from './node-binary.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const targetArg = process.argv.indexOf('--target');
const target = targetArg > 0 ? process.argv[targetArg + 1] : `${process.platform}-${process.arch}`;
const RELEASE = join(ROOT, 'release');
/** Node's documented sentinel: the fuse postject flips so the binary looks for its blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** The keychain addon's npm package for a target (@napi-rs/keyring's optional dependencies). */
function keyringAddon(t) {
  const name = {
    'linux-x64': 'keyring-linux-x64-gnu',
    'linux-arm64': 'keyring-linux-arm64-gnu',
    'darwin-x64': 'keyring-darwin-x64',
    'darwin-arm64': 'keyring-darwin-arm64',
    'win32-x64': 'keyring-win32-x64-msvc',
    'win32-arm64': 'keyring-win32-arm64-msvc',
  }[t];
  if (!name) throw new Error(`no keychain addon known for ${t}`);
  const addonIn = (dir) => (existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.node')) : undefined);
  const installed = join(ROOT, 'node_modules', '@napi-rs', name);
  if (addonIn(installed)) return join(installed, addonIn(installed));
  // Another platform's addon (npm installs only this machine's): the version @napi-rs/keyring
  // pins, fetched with npm pack (the registry's integrity check) into .cache/addons/.
  const version = require('@napi-rs/keyring/package.json').optionalDependencies?.[`@napi-rs/${name}`];
  if (!version) throw new Error(`@napi-rs/keyring names no ${name}`);
  const dir = join(ROOT, '.cache', 'addons', `${name}-${version}`);
  if (!addonIn(dir)) unpackNpmPackage(`@napi-rs/${name}@${version}`, dir);
  if (!addonIn(dir)) throw new Error(`@napi-rs/${name}@${version} holds no .node file`);
  return join(dir, addonIn(dir));
}

/**
 * What can be checked of an executable for another platform without running it: the file format
 * and CPU of the binary, the fuse postject flips (`…:1`), and the blob inside it (its main script
 * and assets by name). Throws with what is wrong.
 */
function verifyForeign(file, t) {
  const bytes = readFileSync(file);
  const magic = bytes.readUInt32BE(0);
  const format = t.startsWith('win32') ? 'PE' : t.startsWith('darwin') ? 'Mach-O' : 'ELF';
  const ok =
    format === 'PE'
      ? bytes.readUInt16BE(0) === 0x4d5a && bytes.readUInt16LE(bytes.readUInt32LE(0x3c) + 4) === (t.endsWith('arm64') ? 0xaa64 : 0x8664)
      : format === 'Mach-O'
        ? magic === 0xcffaedfe && bytes.readUInt32LE(4) === (t.endsWith('arm64') ? 0x0100000c : 0x01000007)
        : magic === 0x7f454c46 && bytes.readUInt16LE(18) === (t.endsWith('arm64') ? 0xb7 : 0x3e);
  if (!ok) throw new Error(`${basename(file)}: not a ${format} binary for ${t}`);
  if (!bytes.includes(Buffer.from(`${SEA_FUSE}:1`))) throw new Error(`${basename(file)}: the single-executable fuse is not flipped`);
  for (const part of ["require('node:sea')", SEA_BUNDLE_ASSET, 'keyring.node', 'quickjs.wasm']) {
    if (!bytes.includes(Buffer.from(part))) throw new Error(`${basename(file)}: the blob holds no ${part}`);
  }
  return format;
}

function checksum(file) {
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  writeFileSync(`${file}.sha256`, `${hash}  ${basename(file)}\n`);
  return hash;
}

async function executable() {
  await buildSea();
  const version = NODE24_FOR[target];
  if (!version) throw new Error(`no Node 24 release known for ${target} (scripts/node-binary.mjs, NODE24_FOR)`);
  const node = nodeBinary(target, version);
  const seaDir = join(ROOT, 'build', 'sea');
  // V8's code cache for the bundle, made by the same Node binary that runs it (a cache from another
  // V8 would be rejected); for another platform, none (compiled at each start there).
  const native = target === `${process.platform}-${process.arch}`;
  if (native)
    execFileSync(node, [join(ROOT, 'scripts', 'sea-cache.cjs'), join(seaDir, SEA_BUNDLE_ASSET), join(seaDir, SEA_CACHE_ASSET)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const config = {
    // A few lines: `--version` alone, else the bundle from the assets (scripts/build.mjs, buildSea).
    main: join(seaDir, 'main.cjs'),
    output: join(seaDir, 'prep.blob'),
    disableExperimentalSEAWarning: true,
    // The main script is too small for a code cache to matter; the bundle's is an asset. No
    // snapshot: the doctor reads argv and the environment as it starts, which a snapshot would
    // freeze at build time, and deserialising it would slow `--version`.
    useCodeCache: false,
    useSnapshot: false,
    assets: {
      [SEA_BUNDLE_ASSET]: join(seaDir, SEA_BUNDLE_ASSET),
      ...(native ? { [SEA_CACHE_ASSET]: join(seaDir, SEA_CACHE_ASSET) } : {}),
      'keyring.node': keyringAddon(target),
      // PAC files run in QuickJS (src/net/pac.ts): its WebAssembly, which has no node_modules to live in.
      'quickjs.wasm': require.resolve('quickjs-wasi/quickjs.wasm'),
    },
  };
  writeFileSync(join(seaDir, 'sea-config.json'), JSON.stringify(config, null, 2));
  // The blob must come from the Node version that will run it; for another platform, this machine's
  // Node 24 of the same version writes it.
  const builder = native ? node : nodeBinary(`${process.platform}-${process.arch}`, version);
  execFileSync(builder, ['--experimental-sea-config', join(seaDir, 'sea-config.json')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const out = join(RELEASE, `portkey-doctor-${target}${target.startsWith('win32') ? '.exe' : ''}`);
  rmSync(out, { force: true });
  copyFileSync(node, out);
  chmodSync(out, 0o755);
  const { inject } = require('postject');
  await inject(out, 'NODE_SEA_BLOB', readFileSync(config.output), {
    sentinelFuse: SEA_FUSE,
    ...(target.startsWith('darwin') ? { machoSegmentName: 'NODE_SEA' } : {}),
  });
  chmodSync(out, 0o755);
  if (!native) {
    const format = verifyForeign(out, target);
    process.stderr.write(
      `${basename(out)}: ${format === 'ELF' ? 'an' : 'a'} ${format} binary for ${target} (Node ${version}) holding the blob; not run here (another platform), no code cache (made only by the binary that runs it)${target.startsWith('darwin') ? '; its signature is now invalid: sign it on macOS (docs/release.md)' : target.startsWith('win32') ? '; unsigned: sign it with signtool on Windows (docs/release.md)' : ''}\n`,
    );
  }
  checksum(out);
  return out;
}

function tarball() {
  // `npm pack` runs the prepare script (the build) first, so the tarball holds a fresh dist/.
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', RELEASE], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(json.slice(json.indexOf('[')));
  const file = join(RELEASE, info.filename);
  const wanted = join(RELEASE, `portkey-doctor-${pkg.version}.tgz`);
  if (file !== wanted) throw new Error(`npm pack wrote ${info.filename}, expected ${basename(wanted)}`);
  checksum(file);
  return file;
}

mkdirSync(RELEASE, { recursive: true });
const started = Date.now();
// The executable is built from src/ (build/sea/); dist/ is left alone (tests may be running it):
// npm pack rebuilds it through the prepare script.
const exe = await executable();
const tgz = process.argv.includes('--no-tarball') ? undefined : tarball();
process.stdout.write(
  `${[exe, tgz]
    .filter(Boolean)
    .map((f) => `${f.replace(`${ROOT}/`, '')}  (+ .sha256)`)
    .join('\n')}\nin ${Date.now() - started} ms\n`,
);
