'use strict';
/**
 * The single executable's main script (a template: scripts/build.mjs writes build/sea/main.cjs
 * from it, with the version and the asset names in place of the __PKD_*__ words).
 *
 * `--version` is answered here, so the executable starts as fast as its Node does. Anything else
 * reads the doctor (one CommonJS bundle, already wrapped in Node's module function) from the
 * executable's assets and compiles it with the V8 code cache made for it at packaging time
 * (scripts/sea-cache.cjs, with the same options as below: a cache is tied to them).
 */
const first = process.argv[2];
if (first === '--version' || first === '-V') {
  process.stdout.write('__PKD_VERSION__\n');
} else {
  const { getRawAsset } = require('node:sea');
  const { Script, constants } = require('node:vm');
  let source;
  try {
    // ASCII (checked at build time), so latin1 makes the one-byte string V8 wants, without decoding.
    source = Buffer.from(getRawAsset('__PKD_BUNDLE_ASSET__')).toString('latin1');
  } catch {
    process.stderr.write('portkey-doctor: internal error: this executable is damaged (the doctor inside it cannot be read). Download it again.\n');
    process.exit(2);
  }
  let cachedData;
  try {
    cachedData = Buffer.from(getRawAsset('__PKD_CACHE_ASSET__'));
  } catch {
    // an executable for another platform carries no code cache: compiled at each start
  }
  // import() in the bundle (a check plugin's file) goes to Node's own loader, which warns once that
  // this option is experimental: a warning about how the executable is put together, not for its
  // user; every other warning is still shown.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    return emitWarning.call(process, warning, ...rest);
  };
  const script = new Script(source, {
    filename: 'portkey-doctor/__PKD_BUNDLE_ASSET__',
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, __filename, __dirname);
}
