#!/usr/bin/env node
'use strict';
/**
 * The V8 code cache for the single executable's bundle (build/sea/doctor.cjs), written by
 * scripts/package.mjs with the very Node binary the executable is made of (a cache is accepted
 * only by the V8 build and flags that made it). The text compiled here is the text the
 * executable's main script compiles (build/sea/main.cjs), with the same options.
 *
 *   <node 24> scripts/sea-cache.cjs build/sea/doctor.cjs build/sea/doctor.cache
 *
 * The cache holds the functions compiled by the time it is made: the bundle's top level and what
 * V8 compiles eagerly. Made before anything runs: running the doctor here (even offline) would
 * read this machine's settings at packaging time.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { Script, constants } = require('node:vm');

const [source, out] = process.argv.slice(2);
const script = new Script(readFileSync(source, 'latin1'), {
  filename: 'portkey-doctor/doctor.cjs',
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const data = script.createCachedData();
writeFileSync(out, data);
// Checked here, with the same binary: a cache V8 rejects would only cost time, silently.
const again = new Script(readFileSync(source, 'latin1'), {
  filename: 'portkey-doctor/doctor.cjs',
  cachedData: data,
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (again.cachedDataRejected) {
  process.stderr.write('sea-cache: V8 rejected the code cache it just made\n');
  process.exit(1);
}
process.stdout.write(`${data.length}\n`);
