#!/usr/bin/env node
/**
 * The build (`npm run build`). Type checking is `npm run typecheck` (tsc); this only bundles.
 *
 * - dist/: what the npm package runs. One ESM bundle with code splitting: dist/cli.js is the
 *   entry (the bin) and every `await import()` in src stays a separate chunk loaded on use, so
 *   `--version` loads one small file. Our code and the eager dependencies (pino, undici) are
 *   inlined; the CommonJS packages loaded through `requireLazy` (ajv, cron, jsonc-parser,
 *   bplist-parser) and the packages imported on demand from node_modules (ps-list, the
 *   keychain's native addon) stay external, loaded from node_modules only when used, as before.
 * - build/sea/ (with --sea): the single executable's code (buildSea below): one CommonJS file
 *   holding everything but the keychain's native addon, and a small main script that loads it.
 *   esbuild keeps each `await import()` lazy inside it (the module's body runs on first use).
 * - build/modules/: every src module transpiled alone (no bundling), for tests, benchmarks and
 *   scripts that import one module (scripts/codes-table.mjs, test/platform/run-*.ts). Not shipped.
 *
 * The JSON schemas and the service templates are embedded in both bundles (in src/core/assets.ts,
 * plugin embed-assets), so nothing is read relative to the bundle at run time; the version too
 * (`__PKD_VERSION__`, src/core/version.ts).
 * Source maps: written to build/sourcemaps/ (for reading a crash report), never referenced from
 * the shipped files (no sourceMappingURL comment), never in the package.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const wantSea = process.argv.includes('--sea');

/** Files the commands read at run time, embedded by path relative to the package root. */
export const ASSET_DIRS = ['schema', 'launchd', 'systemd'];

function assets() {
  const out = {};
  for (const dir of ASSET_DIRS) {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      const file = join(ROOT, dir, name);
      if (statSync(file).isFile()) out[`${dir}/${name}`] = readFileSync(file, 'utf8');
    }
  }
  return out;
}

const DEFINE = { __PKD_VERSION__: JSON.stringify(pkg.version) };
const ASSETS_JSON = JSON.stringify(assets());

/**
 * Embeds the assets in src/core/assets.ts itself (not as a `define`, which esbuild would put in the
 * shared runtime chunk that even `--version` loads): only code that reads an asset loads them.
 */
const embedAssets = {
  name: 'embed-assets',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]core[\\/]assets\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const marker = "typeof __PKD_ASSETS__ === 'undefined' ? undefined : __PKD_ASSETS__";
      if (!text.includes(marker)) throw new Error('src/core/assets.ts changed: update the embed-assets plugin in scripts/build.mjs');
      return { loader: 'ts', contents: text.replace(marker, ASSETS_JSON) };
    });
  },
};

/** The CommonJS packages src loads through `requireLazy('name')` (src/core/lazy.ts). */
function lazyRequireIds() {
  const ids = new Set();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/requireLazy\('([^']+)'\)/g)) ids.add(m[1]);
    }
  };
  walk(join(ROOT, 'src'));
  return [...ids].sort();
}

/**
 * Makes `createRequire(import.meta.url)` requires visible to esbuild so it bundles what they load:
 * `const require = createRequire(import.meta.url);` is dropped (the plain `require(...)` calls that
 * follow are then bundled), and in `everything` mode src/core/lazy.ts becomes a switch over the
 * packages it is asked for, each a bundled `require` (its body runs on first use).
 */
function bundleRequires({ everything }) {
  return {
    name: 'bundle-requires',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        // The version as a plain constant, which esbuild inlines where it is used: the entry then
        // imports no chunk for it, and `--version` reads one file.
        if (args.path.endsWith(join('src', 'core', 'version.ts')))
          return { loader: 'ts', contents: `export const VERSION: string = ${JSON.stringify(pkg.version)};\n` };
        if (args.path.endsWith(join('src', 'cli.ts'))) {
          // The hashbang is written by buildDist (above the banner); the version is inlined so the
          // entry imports no chunk for it.
          const versionImport = "import { VERSION } from './core/version.js';";
          if (!text.includes(versionImport)) throw new Error('src/cli.ts changed: update the bundle-requires plugin in scripts/build.mjs');
          return { loader: 'ts', contents: text.replace(/^#![^\n]*/, '').replace(versionImport, `const VERSION: string = ${JSON.stringify(pkg.version)};`) };
        }
        if (args.path.endsWith(join('src', 'core', 'lazy.ts'))) {
          if (!everything) return undefined;
          const cases = lazyRequireIds()
            .map((id) => `    case ${JSON.stringify(id)}: return require(${JSON.stringify(id)});`)
            .join('\n');
          return {
            loader: 'ts',
            contents: `export function requireLazy(id: string): unknown {\n  switch (id) {\n${cases}\n    default: throw new Error('not bundled: ' + id);\n  }\n}\n`,
          };
        }
        if (!text.includes('const require = createRequire(import.meta.url);')) return undefined;
        let contents = text.replace('const require = createRequire(import.meta.url);', '');
        if (args.path.endsWith(join('src', 'net', 'undici.ts'))) {
          // The deep paths are bundled, so the package-index fallback is dead code here; bundling it
          // would add all of undici (its caches import node:sqlite, which Node 20 lacks).
          const fallback = "const full = require('undici') as Undici;";
          if (!contents.includes(fallback)) throw new Error('src/net/undici.ts changed: update the bundle-requires plugin in scripts/build.mjs');
          contents = contents.replace(fallback, "const full: Undici = (() => { throw new Error('undici: unexpected layout'); })();");
        }
        return { loader: 'ts', contents };
      });
    },
  };
}

/**
 * undici's HTTP/2 client, replaced by a stub: the doctor's connector offers only HTTP/1.1 (ALPN
 * `http/1.1`, undici's `allowH2: false`, src/net/http.ts and connector.ts), so a server cannot
 * choose h2 and undici never calls it. Bundled, it loaded Node's http2 module at every start
 * (~3-4 ms, measured on Node 20 and 24). Should it ever be reached, the stub throws, which undici
 * reports as a connection error.
 */
const noHttp2 = {
  name: 'no-undici-http2',
  setup(build) {
    build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/.test(args.importer) ? { path: 'undici-client-h2-stub', namespace: 'pkd-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'pkd-stub' }, () => ({
      loader: 'js',
      contents:
        "module.exports = function connectH2() { throw new Error('HTTP/2 is not part of this build: the doctor offers HTTP/1.1 only (allowH2: false)'); };\n",
    }));
  },
};

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  // Whitespace and syntax only: identifiers keep their names (error and class names stay readable
  // in messages) without esbuild's keepNames helper, which every chunk, the entry too, would import.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  define: DEFINE,
  logLevel: 'warning',
  metafile: true,
};

function moveMaps(dir, to) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith('.map')) renameSync(join(dir, name), join(to, name));
}

export async function buildDist() {
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  rmSync(join(ROOT, 'build', 'sourcemaps', 'dist'), { recursive: true, force: true });
  const result = await esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    format: 'esm',
    splitting: true,
    target: 'node20.18',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'external',
    // pac-resolver and quickjs-wasi (PAC files, src/net/pac.ts): loaded only when a PAC is configured;
    // quickjs-wasi finds its .wasm in its own package folder.
    external: [...lazyRequireIds(), 'ps-list', '@napi-rs/keyring', 'pac-resolver', 'quickjs-wasi'],
    plugins: [embedAssets, bundleRequires({ everything: false }), noHttp2],
    // Bundled CommonJS code calls require() for Node's built-ins; an ES module has none of its own.
    banner: { js: 'import{createRequire as __pkdCreateRequire}from"node:module";const require=__pkdCreateRequire(import.meta.url);' },
  });
  moveMaps(join(ROOT, 'dist'), join(ROOT, 'build', 'sourcemaps', 'dist'));
  moveMaps(join(ROOT, 'dist', 'chunks'), join(ROOT, 'build', 'sourcemaps', 'dist', 'chunks'));
  // The hashbang goes first (esbuild puts the banner above the source's own, so src/cli.ts's
  // is dropped by the plugin and written here).
  const cli = join(ROOT, 'dist', 'cli.js');
  // esbuild's entry imports the chunk of its runtime helpers (__commonJS, __toESM…) for its side
  // effects, which it has none of: `--version` would read a second file for nothing. The chunks
  // that use the helpers import them themselves. Only chunks built from no input file are dropped.
  let entry = readFileSync(cli, 'utf8');
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (!file.startsWith('dist/chunks/') || file.endsWith('.map') || Object.keys(out.inputs).length > 0) continue;
    entry = entry.replace(`import"./chunks/${file.slice('dist/chunks/'.length)}";`, '');
  }
  writeFileSync(cli, `#!/usr/bin/env node\n${entry}`);
  chmodSync(cli, 0o755);
  // The bin: a CommonJS launcher. Node 20 starts its ES module loader only for an ES module entry
  // (measured: a one-line .mjs costs ~1.2x `node -e 0`, the same line as .cjs ~1.07x), so
  // `--version` is answered here, as src/cli.ts answers it, and everything else loads the ESM
  // entry, which reads the arguments again.
  const launcher = join(ROOT, 'dist', 'cli.cjs');
  writeFileSync(
    launcher,
    [
      '#!/usr/bin/env node',
      "'use strict';",
      '// Generated by scripts/build.mjs: answers --version without the ES module loader, else runs cli.js.',
      'const first = process.argv[2];',
      `if (first === '--version' || first === '-V') process.stdout.write(${JSON.stringify(`${pkg.version}
`)});`,
      "else import('./cli.js').catch(() => { process.stderr.write('portkey-doctor: internal error: dist/cli.js cannot be loaded (a damaged install?)\\n'); process.exitCode = 2; });",
      '',
    ].join('\n'),
  );
  chmodSync(launcher, 0o755);
  writeFileSync(join(ROOT, 'build', 'dist-meta.json'), JSON.stringify(result.metafile));
  return result;
}

/** The single executable's assets holding the doctor (scripts/package.mjs adds them to the blob). */
export const SEA_BUNDLE_ASSET = 'doctor.cjs';
export const SEA_CACHE_ASSET = 'doctor.cache';

/**
 * The single executable's code (scripts/package.mjs):
 * - build/sea/doctor.cjs: everything but the keychain's native addon, one CommonJS file, already
 *   wrapped as the function Node wraps a CommonJS module in (so that the V8 code cache made for it
 *   at packaging time is made for exactly the text the executable compiles). An asset of the blob.
 * - build/sea/main.cjs: the executable's main script, a few lines (from scripts/sea-main.cjs):
 *   answers `--version` alone (the executable then starts as fast as its Node does), else
 *   compiles doctor.cjs with its code cache (asset doctor.cache) and runs it. With the whole bundle as the main script, every start
 *   deserialised the code cache of 2 MB of code first (`--version` 1.20x its own Node's start).
 */
export async function buildSea() {
  const out = join(ROOT, 'build', 'sea');
  rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    ...common,
    entryPoints: ['src/cli.ts'],
    outfile: join(out, 'bundle.cjs'),
    format: 'cjs',
    target: 'node20.18',
    sourcemap: 'external',
    // The native addon is loaded from the executable's assets (src/platform/keychain.ts).
    external: ['@napi-rs/keyring'],
    // import.meta.url in CommonJS: the running file (in the executable, the executable itself).
    define: { ...common.define, 'import.meta.url': '__pkd_import_meta_url' },
    banner: { js: 'const __pkd_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [embedAssets, bundleRequires({ everything: true }), noHttp2],
  });
  moveMaps(out, join(ROOT, 'build', 'sourcemaps', 'sea'));
  const bundle = readFileSync(join(out, 'bundle.cjs'), 'utf8');
  rmSync(join(out, 'bundle.cjs'));
  // Node's own CommonJS wrapper, on one line with the code's first line: line numbers stay those
  // of the source map.
  writeFileSync(join(out, SEA_BUNDLE_ASSET), `(function (exports, require, module, __filename, __dirname) { ${bundle}\n})`);
  const main = readFileSync(join(ROOT, 'scripts', 'sea-main.cjs'), 'utf8')
    .replaceAll('__PKD_VERSION__', pkg.version)
    .replaceAll('__PKD_BUNDLE_ASSET__', SEA_BUNDLE_ASSET)
    .replaceAll('__PKD_CACHE_ASSET__', SEA_CACHE_ASSET);
  if (/__PKD_[A-Z_]+__/.test(main)) throw new Error('scripts/sea-main.cjs: a placeholder this build does not fill');
  writeFileSync(join(out, 'main.cjs'), main);
  return result;
}

/**
 * Every file a build writes is ASCII: Node then reads it into a one-byte string (a single
 * non-ASCII character made reading the 2 MB bundle take ~11 ms instead of ~3), and the code cache
 * and source maps stay simple. esbuild escapes strings itself; a regular expression literal is
 * written as it is in src, so write such characters there as \u escapes.
 */
function assertAscii(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) assertAscii(p);
    else if (/\.(c?js)$/.test(e.name)) {
      const text = readFileSync(p, 'latin1');
      const at = text.search(/[^\x00-\x7f]/);
      if (at >= 0)
        throw new Error(`${relative(ROOT, p)}: a non-ASCII character near "${text.slice(Math.max(0, at - 40), at + 10)}": write it as a \\u escape in src`);
    }
  }
}

/** Every src module alone (tests and scripts that import one module). */
export async function buildModules() {
  const out = join(ROOT, 'build', 'modules');
  rmSync(out, { recursive: true, force: true });
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, 'src'));
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: files,
    outdir: out,
    outbase: 'src',
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20.18',
    define: common.define,
    logLevel: 'warning',
    plugins: [embedAssets],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  await Promise.all([buildDist(), buildModules(), wantSea ? buildSea() : undefined]);
  assertAscii(join(ROOT, 'dist'));
  if (wantSea) assertAscii(join(ROOT, 'build', 'sea'));
  process.stdout.write(`built dist/${wantSea ? ', build/sea/' : ''} and build/modules/ in ${Date.now() - started} ms\n`);
}
