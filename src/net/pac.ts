/**
 * PAC files, evaluated in a sandbox: QuickJS compiled to WebAssembly (`quickjs-wasi`), driven by
 * `pac-resolver` (docs/network-path.md, "PAC files"). A PAC file is JavaScript from the network,
 * so it runs with no access to anything but the PAC functions, a memory limit, and a deadline that
 * interrupts even `while (true) {}`. Its DNS functions resolve through a bounded lookup, and
 * `myIpAddress()` answers from this machine's interfaces (pac-resolver's own asks a public DNS
 * server over the network). Both packages are loaded only when a PAC file is evaluated: a run
 * without one never pays for them (start-up time is measured).
 */
import { readFile } from 'node:fs/promises';
import { lookup as dnsLookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getAsset, isSea } from 'node:sea';

import { serversLookup } from './dns.js';
import { wasmBaselineOnly } from './wasm-tier.js';

/** Why a PAC file gave no usable answer. */
export type PacFailureKind =
  /** Not JavaScript, no `FindProxyForURL` function, or its top level throws. */
  | 'pac-invalid'
  /** `FindProxyForURL` threw. */
  | 'pac-throws'
  /** It did not return within the deadline (an endless loop, a lookup that never ends). */
  | 'pac-timeout'
  /** It used more memory than the sandbox allows. */
  | 'pac-memory'
  /** It returned something that is not a string. */
  | 'pac-bad-result';

export type PacEvaluation = { ok: true; result: string; durationMs: number } | { ok: false; kind: PacFailureKind; message: string; durationMs: number };

export interface PacEvalOptions {
  /** The whole evaluation, compiling included. */
  timeoutMs: number;
  /**
   * The caller's own deadline (`Date.now()` ms), sandbox start included: the evaluation stops at
   * the earlier of this and `timeoutMs` after the sandbox is ready. Loading QuickJS on a busy machine
   * can take seconds; without this bound a looping PAC file would outlive the check that asked
   * (CHECK_TIMEOUT instead of PAC_TIMEOUT).
   */
  endBy?: number;
  /** Sandbox memory; default 32 MB. */
  memoryLimitBytes?: number;
  /** `dnsResolve`/`isResolvable`/`isInNet`: resolves a name to an IPv4 address, or null. Default: the system resolver, bounded. */
  resolve?: (host: string) => Promise<string | null>;
  /** Resolve through these DNS servers (`--dns-server`) instead of the system resolver (when `resolve` is not given). */
  servers?: string[];
  /** What `myIpAddress()` returns; default: this machine's first non-internal IPv4 address. */
  myIpAddress?: string;
}

/** PAC text longer than this is not evaluated (real ones are a few KB). */
export const MAX_PAC_BYTES = 1024 * 1024;
const MAX_MESSAGE = 200;
const DEFAULT_MEMORY = 32 * 1024 * 1024;

type QuickJsModule = typeof import('quickjs-wasi');
type PacResolverModule = typeof import('pac-resolver');
type Wasm = import('quickjs-wasi').QuickJSOptions['wasm'];
// The project's lib has no WebAssembly types; Node has the global.
const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<Wasm> } }).WebAssembly;
let loaded: Promise<{ qjs: QuickJsModule; pac: PacResolverModule; wasm: Wasm }> | undefined;

/**
 * QuickJS's WebAssembly: in the single executable one of its assets (scripts/package.mjs; there is
 * no node_modules beside it), else the file the quickjs-wasi package ships.
 */
async function quickjsWasm(): Promise<Uint8Array> {
  if (isSea()) return new Uint8Array(getAsset(SEA_QUICKJS_ASSET) as ArrayBuffer);
  return readFile(createRequire(import.meta.url).resolve('quickjs-wasi/quickjs.wasm'));
}

/** The executable's asset holding QuickJS's WebAssembly (the name scripts/package.mjs gives it). */
export const SEA_QUICKJS_ASSET = 'quickjs.wasm';

/** Loads QuickJS and pac-resolver once, on the first PAC evaluation. */
function load(): Promise<{ qjs: QuickJsModule; pac: PacResolverModule; wasm: Wasm }> {
  loaded ??= (async () => {
    const [qjs, pac] = await Promise.all([import('quickjs-wasi'), import('pac-resolver')]);
    const bytes = await quickjsWasm();
    wasmBaselineOnly();
    const wasm = await wasmApi.compile(bytes);
    return { qjs, pac, wasm };
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** This machine's first non-internal IPv4 address (what browsers return), else 127.0.0.1. */
function localAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function boundedLookup(timeoutMs: number, servers?: string[]): (host: string) => Promise<string | null> {
  const viaServers = servers && servers.length > 0 ? serversLookup(servers, timeoutMs) : undefined;
  const lookup = (host: string): Promise<string | null> =>
    viaServers
      ? new Promise((resolve) => {
          viaServers(host, { family: 4 }, (err: NodeJS.ErrnoException | null, address: string | unknown) =>
            resolve(err || typeof address !== 'string' ? null : address),
          );
        })
      : dnsLookup(host, { family: 4 }).then(
          (r) => r.address,
          () => null,
        );
  return async (host) => {
    if (isIP(host) === 4) return host;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return await Promise.race([lookup(host), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** `isInNet(host, pattern, mask)` with a dotted mask, as PAC defines it. */
function inNet(ip: string | null, pattern: string, mask: string): boolean {
  if (!ip || isIP(ip) !== 4 || isIP(pattern) !== 4 || isIP(mask) !== 4) return false;
  const bits = mask.split('.').reduce((n, part) => n + (Number(part) >>> 0).toString(2).replace(/0/g, '').length, 0);
  const list = new BlockList();
  try {
    list.addSubnet(pattern, bits, 'ipv4');
    return list.check(ip, 'ipv4');
  } catch {
    return false;
  }
}

function clean(text: string): string {
  const t = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
  return t.length > MAX_MESSAGE ? `${t.slice(0, MAX_MESSAGE - 1)}…` : t;
}

/**
 * Runs `FindProxyForURL(url, host)` of a PAC file in a fresh sandbox and returns what it
 * returned. Never throws; every way a PAC file can go wrong is a {@link PacFailureKind}.
 */
export async function evaluatePac(script: string, url: string, opts: PacEvalOptions): Promise<PacEvaluation> {
  // The deadline is the PAC file's: it starts once the sandbox is ready (loading QuickJS the first
  // time is the doctor's own cost, local and bounded, not the PAC file's).
  let start = performance.now();
  const endBy = opts.endBy === undefined ? Number.POSITIVE_INFINITY : start + (opts.endBy - Date.now());
  const since = (): number => performance.now() - start;
  let deadline = Number.POSITIVE_INFINITY;
  const fail = (kind: PacFailureKind, message: string): PacEvaluation => ({ ok: false, kind, message: clean(message), durationMs: since() });
  if (Buffer.byteLength(script) > MAX_PAC_BYTES) return fail('pac-invalid', `PAC file larger than ${MAX_PAC_BYTES} bytes`);

  let mods: Awaited<ReturnType<typeof load>>;
  try {
    mods = await load();
  } catch (err) {
    return fail('pac-invalid', `the PAC sandbox could not start: ${(err as Error).message}`);
  }
  const resolve = opts.resolve ?? boundedLookup(Math.max(100, Math.min(2_000, opts.timeoutMs / 4)), opts.servers);
  const myIp = opts.myIpAddress ?? localAddress();
  let interrupted = false;
  const vm = await mods.qjs.QuickJS.create({
    wasm: mods.wasm,
    memoryLimit: opts.memoryLimitBytes ?? DEFAULT_MEMORY,
    interruptHandler: () => {
      if (performance.now() > deadline) interrupted = true;
      return interrupted;
    },
  });
  start = performance.now();
  deadline = Math.min(start + opts.timeoutMs, endBy);
  if (deadline <= start) {
    vm.dispose();
    return fail('pac-timeout', 'the PAC sandbox took the whole deadline to start: FindProxyForURL was not run');
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const sandbox = {
      alert: () => undefined,
      myIpAddress: () => myIp,
      dnsResolve: async (host: string) => resolve(String(host)),
      isResolvable: async (host: string) => (await resolve(String(host))) !== null,
      isInNet: async (host: string, pattern: string, mask: string) =>
        inNet(isIP(String(host)) === 4 ? String(host) : await resolve(String(host)), String(pattern), String(mask)),
    };
    let find: (u: string) => Promise<string>;
    try {
      find = mods.pac.createPacResolver(vm, script, { sandbox });
    } catch (err) {
      return classifyError(err, interrupted, fail, true);
    }
    const timeout = new Promise<PacEvaluation>((resolveTimeout) => {
      timer = setTimeout(
        () => {
          interrupted = true;
          resolveTimeout(fail('pac-timeout', `FindProxyForURL did not return within ${Math.round(deadline - start)} ms`));
        },
        Math.max(0, deadline - performance.now()),
      );
    });
    const run = (async (): Promise<PacEvaluation> => {
      try {
        const result: unknown = await find(url);
        if (typeof result !== 'string') return fail('pac-bad-result', `FindProxyForURL returned ${result === null ? 'null' : typeof result}, not a string`);
        return { ok: true, result: result.slice(0, 4096), durationMs: since() };
      } catch (err) {
        return classifyError(err, interrupted, fail, false);
      }
    })();
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    try {
      vm.dispose();
    } catch {
      // a VM interrupted mid-call may refuse; it is garbage either way
    }
  }
}

function classifyError(err: unknown, interrupted: boolean, fail: (kind: PacFailureKind, message: string) => PacEvaluation, compiling: boolean): PacEvaluation {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (interrupted || /\binterrupted\b/i.test(message)) return fail('pac-timeout', 'FindProxyForURL did not return within the deadline (interrupted)');
  if (/out of memory/i.test(message)) return fail('pac-memory', 'the PAC file used more memory than the sandbox allows');
  if (compiling) return fail('pac-invalid', message);
  return fail('pac-throws', message);
}
