'use strict'; const T0=performance.now(); const marks=[['loader',T0]]; const mark=(l)=>marks.push([l,performance.now()]);
process.on('exit',()=>{mark('exit'); process.stderr.write(marks.map(([l,t])=>l+' '+t.toFixed(1)).join(' ')+'\n')});
globalThis.__mark=mark;
const fs = require('fs'), path = require('path'), vm = require('vm'), Module = require('module');
mark('req');
const file = path.join(__dirname, 'build/sea/cli.cjs');
const src = fs.readFileSync(file, 'utf8');
mark('readsrc');
const cacheFile = '/tmp/pkd-cc/' + process.version + '.bin';
let cached; try { cached = fs.readFileSync(cacheFile); } catch {}
mark('readcache');
const wrapper = Module.wrap(src);
const script = new vm.Script(wrapper, { filename: file, cachedData: cached, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const fn = script.runInThisContext();
mark(cached ? (script.cachedDataRejected ? 'REJECTED' : 'compiled(hit)') : 'compiled(nocache)');
if (!cached || script.cachedDataRejected) process.once('exit', () => { try { const v8=require('v8'); v8.setFlagsFromString('--no-liftoff-only'); v8.setFlagsFromString('--wasm-tier-up'); v8.setFlagsFromString('--wasm-dynamic-tiering'); fs.mkdirSync('/tmp/pkd-cc', { recursive: true }); fs.writeFileSync(cacheFile, script.createCachedData()); } catch {} });
const mod = { exports: {} };
fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
mark('toplevel');
