#!/usr/bin/env node
'use strict';
/**
 * The V8 code cache for the single executable's bundle (build/sea/doctor.cjs), written by
 * scripts/package.mjs with the very Node binary the executable is made of (V8 accepts a cache
 * only from the same build and flags):
 *
 *   <node 24> scripts/sea-cache.cjs build/sea/doctor.cjs build/sea/doctor.cache
 *
 * A code cache holds the functions compiled by the time it is made. Made right after compiling,
 * it holds the top level only, and every function a run calls is still compiled at each start.
 * So the doctor is run once here, in a child process, exactly as the executable's main script
 * runs it (same text, same `vm.Script` options), against a stand-in gateway on 127.0.0.1 that
 * answers like the open-source one, with an empty home folder and no settings of this machine.
 * What a cache holds is compiled code, not the values the run saw: nothing of the run is in the
 * artifact. Measured on the executable's full run: ~33 ms less than the top-level-only cache
 * (bench/full-run.mjs). A third process then checks that a fresh Node accepts the cache.
 */
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { Script, constants } = require('node:vm');

/** The options build/sea/main.cjs compiles with: a cache is tied to them. */
const compile = (source, cachedData) =>
  new Script(source, {
    filename: 'portkey-doctor/doctor.cjs',
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });

const [mode, ...args] = process.argv.slice(2);

if (mode === '--warm') {
  // The child: run the doctor, then write the cache on the way out.
  const [source, out, port] = args;
  // As in build/sea/main.cjs: the keychain check's import() of the addon (not in an executable
  // here) makes Node warn that the loader option is experimental.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) =>
    String(warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER') ? undefined : emitWarning.call(process, warning, ...rest);
  const script = compile(readFileSync(source, 'latin1'));
  process.once('exit', () => {
    // The run restricted WebAssembly tiering (src/net/wasm-tier.ts); a fresh process has V8's
    // defaults, and the cache must carry their flag hash. The third process checks it does.
    const v8 = require('node:v8');
    for (const flag of ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering']) v8.setFlagsFromString(flag);
    writeFileSync(out, script.createCachedData());
    process.exitCode = 0;
  });
  process.argv = [process.argv[0], 'portkey-doctor', '--json', '--no-policy', '--timeout', '10', '--base-url', `http://127.0.0.1:${port}`];
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, source, __dirname);
} else if (mode === '--check') {
  const [source, cache] = args;
  process.stdout.write(compile(readFileSync(source, 'latin1'), readFileSync(cache)).cachedDataRejected ? 'rejected' : 'accepted');
} else {
  const [source, out] = [mode, ...args].map((p) => resolve(p));
  // A stand-in for the open-source gateway and its provider, as far as a doctor run without
  // --live goes (no message is sent).
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json', 'x-portkey-provider': 'anthropic' }).end(JSON.stringify(body));
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/') res.writeHead(200, { 'content-type': 'text/plain' }).end('AI Gateway says hey!');
      else if (path === '/v1/models') json(200, { object: 'list', data: [{ id: 'claude-sonnet-4-5', object: 'model' }] });
      else if (path === '/v1/messages/count_tokens') json(200, { input_tokens: 8 });
      else json(404, { type: 'error', error: { type: 'not_found_error', message: 'no route' } });
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const home = mkdtempSync(join(tmpdir(), 'pkd-sea-cache-'));
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_CACHE_HOME: join(home, '.cache'),
        PORTKEY_DOCTOR_API_KEY: 'pk-packaging-warm-up-not-a-key',
      };
      // Not spawnSync: the stand-in lives in this process and must answer while the child runs.
      const child = spawn(process.execPath, [__filename, '--warm', source, out, String(server.address().port)], {
        env,
        cwd: home,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('exit', (code) => {
        server.close();
        rmSync(home, { recursive: true, force: true });
        if (code !== 0) {
          process.stderr.write(`sea-cache: the warm-up run exited ${code}\n`);
          process.exit(1);
        }
        const check = spawnSync(process.execPath, [__filename, '--check', source, out], { encoding: 'utf8', env: { PATH: env.PATH } });
        if (check.stdout !== 'accepted') {
          process.stderr.write(`sea-cache: a fresh Node ${check.stdout || `failed: ${check.stderr}`} the code cache\n`);
          process.exit(1);
        }
        process.stdout.write(`${readFileSync(out).length}\n`);
      });
    } catch (err) {
      server.close();
      rmSync(home, { recursive: true, force: true });
      throw err;
    }
  });
}
