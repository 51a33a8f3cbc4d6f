/**
 * WebAssembly with V8's baseline compiler only (Liftoff), switched on just before the first
 * WebAssembly module is compiled (undici's llhttp when the first HTTP connection is handed over,
 * QuickJS for a PAC file) and never earlier.
 *
 * Why baseline only: V8 tiers hot WebAssembly functions up with TurboFan on background threads,
 * and Node waits for those threads before the process may exit. llhttp's parser is one very
 * large function: measured here, every run that made one request exited ~70-250 ms late
 * (bench/full-run.mjs: 2.79x → 3.76x the bare script without it). Parsing a few small responses
 * with baseline code costs nothing measurable.
 *
 * Why so late: changing any V8 flag changes the flag hash that V8 checks before it accepts a code
 * cache. Every built-in module Node loads after the change is compiled from source instead of from
 * the code cache embedded in the node binary, and on Node ≥ 22 the module compile cache
 * (`module.enableCompileCache()`) is rejected for anything compiled after it. Set when undici was
 * first loaded (as it was until 0.1.0's issue 15 work), undici's own built-ins (http2, assert,
 * diagnostics_channel …) cost ~7-10 ms more per run. By the first connection every module a run
 * needs is loaded.
 */
import { setFlagsFromString } from 'node:v8';

let set = false;

/** Restricts WebAssembly to Liftoff from now on (idempotent). */
export function wasmBaselineOnly(): void {
  if (set) return;
  set = true;
  // Node 20's V8 derives the other two from --liftoff-only; Node 24's does not when the flag is set
  // at run time (measured: the executable and Node 24 still exited ~40 ms late with --liftoff-only
  // alone), so each is said.
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--no-wasm-tier-up');
  setFlagsFromString('--no-wasm-dynamic-tiering');
}
