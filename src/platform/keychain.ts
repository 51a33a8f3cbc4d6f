/**
 * The OS keychain: macOS Keychain, Windows Credential Manager, the Secret Service on Linux
 * (gnome-keyring, KWallet). The only importer of @napi-rs/keyring, loaded lazily so CLI
 * start-up stays fast. Never throws: a keychain that cannot be used (no D-Bus, no Secret
 * Service, locked, access denied, no native module, a hang) is `unavailable` with the reason.
 *
 * On Linux entries are pinned to the Secret Service. The library's default falls back to the
 * kernel keyring (keyutils) when there is no D-Bus; that store is per-session memory, answers
 * the first read with "no entry" and every later call with `AccessDenied` (docs/decisions.md, dependencies), so a
 * key stored there would be gone by the next login and a read would wrongly say "not stored".
 *
 * A value read is wrapped in a {@link Secret} at once; only its fingerprint ever leaves here.
 *
 * In the single executable the addon is one of its assets (`keyring.node`): it is written once to
 * a private per-version cache folder (0700, owned by this user, not a symlink) under a name
 * holding its SHA-256, checked against the asset before every load, and loaded from there
 * (docs/release.md says why extract rather than ship it beside the executable).
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { getRawAsset, isSea } from 'node:sea';
import { settleOnce } from '../core/deadline.js';
import { VERSION } from '../core/version.js';
import { Secret } from '../core/secret.js';
import { KEYCHAIN_TIMEOUT_MS, type KeychainRef } from '../app/options.js';

export type KeychainProblem = 'no-service' | 'no-keyring' | 'locked' | 'denied' | 'timeout' | 'error';

export interface KeychainUnavailable {
  status: 'unavailable';
  kind: KeychainProblem;
  /** For a person: why the keychain could not be used. Never holds a secret. */
  reason: string;
  store: string;
}

export type KeychainRead = { status: 'found'; secret: Secret; store: string } | { status: 'missing'; store: string } | KeychainUnavailable;
export type KeychainWrite = { status: 'stored'; store: string } | KeychainUnavailable;
export type KeychainDelete = { status: 'deleted' | 'missing'; store: string } | KeychainUnavailable;

/** Always the OS this process runs on: the keychain is a real one, whatever a check pretends. */
export interface KeychainOptions {
  /** Gives up after this long (an unlock prompt nobody answers would wait forever). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What the store is called on each OS, for messages. */
export function keychainStoreName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (D-Bus)';
}

/** Turns a keyring error into a kind and a reason a person can act on. Pure. */
export function classifyKeychainError(err: unknown): { kind: KeychainProblem; reason: string } {
  const message = err instanceof Error ? err.message : String(err);
  const m = message.split('\n', 1)[0]!.slice(0, 300);
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch/i.test(m)) {
    return { kind: 'no-service', reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service can be asked' };
  }
  if (/ServiceUnknown|org\.freedesktop\.secrets|was not provided by any/i.test(m)) {
    return { kind: 'no-service', reason: 'no Secret Service (gnome-keyring, KWallet) on the D-Bus session bus' };
  }
  if (/DBus error|Failed to connect to socket|Connection refused|No such file or directory/i.test(m)) {
    return { kind: 'no-service', reason: `cannot reach the D-Bus session bus (${m})` };
  }
  if (/prompt was dismissed|locked|interaction is not allowed|errSecInteractionNotAllowed/i.test(m)) {
    return { kind: 'locked', reason: 'the keychain is locked and could not be unlocked without a prompt' };
  }
  if (/no result found/i.test(m)) {
    return { kind: 'no-keyring', reason: 'the Secret Service has no default keyring to store into (none created or unlocked yet)' };
  }
  if (/AccessDenied|access denied|not permitted|errSecAuthFailed/i.test(m)) {
    return { kind: 'denied', reason: `access to the keychain was denied (${m})` };
  }
  if (/Ambiguous/i.test(m)) return { kind: 'error', reason: 'more than one keychain item matches this service and account' };
  return { kind: 'error', reason: m };
}

type KeyringModule = typeof import('@napi-rs/keyring');
let loaded: Promise<KeyringModule> | undefined;

/** The asset name of the keychain addon in the single executable (scripts/package.mjs). */
export const SEA_KEYRING_ASSET = 'keyring.node';

/** Where the executable extracts its addon: a per-user cache folder, one subfolder per version. */
export function addonCacheDir(
  platform: NodeJS.Platform = process.platform,
  env: Readonly<Record<string, string | undefined>> = process.env,
  home: string = homedir(),
): string {
  const base =
    platform === 'darwin'
      ? path.join(home, 'Library', 'Caches', 'portkey-doctor')
      : platform === 'win32'
        ? path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'portkey-doctor', 'Cache')
        : path.join(env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(home, '.cache'), 'portkey-doctor');
  return path.join(base, VERSION.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** A folder only this user can use: created 0700, refused if a symlink, another's, or open to others. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (process.platform !== 'win32') {
    if (process.getuid && st.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
    if ((st.mode & 0o077) !== 0) throw new Error(`${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
  }
}

/** Writes the executable's addon to its cache folder (once; verified by hash) and loads it. */
export function loadAddonFromBytes(bytes: Buffer, dir: string): KeyringModule {
  const digest = createHash('sha256').update(bytes).digest('hex');
  privateDir(dir);
  const file = path.join(dir, `keyring-${digest.slice(0, 16)}.node`);
  let current = false;
  try {
    const st = lstatSync(file);
    current = st.isFile() && createHash('sha256').update(readFileSync(file)).digest('hex') === digest;
  } catch {
    current = false;
  }
  if (!current) {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, bytes, { mode: 0o500, flag: 'w' });
    try {
      renameSync(temp, file);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
  }
  const mod = { exports: {} as KeyringModule };
  process.dlopen(mod, file);
  return mod.exports;
}

async function loadKeyring(): Promise<KeyringModule> {
  if (isSea()) return loadAddonFromBytes(Buffer.from(getRawAsset(SEA_KEYRING_ASSET) as ArrayBuffer), addonCacheDir());
  return import('@napi-rs/keyring');
}

async function withEntry<T>(
  ref: KeychainRef,
  opts: KeychainOptions,
  op: (entry: InstanceType<KeyringModule['AsyncEntry']>, signal: AbortSignal) => Promise<T>,
): Promise<{ ok: true; value: T } | KeychainUnavailable> {
  const platform = process.platform;
  const store = keychainStoreName(platform);
  const timeoutMs = opts.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  let mod: KeyringModule;
  try {
    loaded ??= loadKeyring();
    mod = await loaded;
  } catch (err) {
    loaded = undefined;
    return {
      status: 'unavailable',
      kind: 'error',
      reason: `the keychain module cannot be loaded here (${err instanceof Error ? err.message.split('\n', 1)[0] : String(err)})`,
      store,
    };
  }
  const stopped: KeychainUnavailable = { status: 'unavailable', kind: 'timeout', reason: 'stopped: the check reached its deadline', store };
  // Aborted when the deadline or the caller's signal comes first, so the native call stops too.
  const controller = new AbortController();
  return settleOnce<{ ok: true; value: T } | KeychainUnavailable>(
    {
      timeoutMs,
      signal: opts.signal,
      onTimeout: () => ({
        status: 'unavailable',
        kind: 'timeout',
        reason: `the keychain did not answer within ${timeoutMs} ms (waiting for an unlock prompt?)`,
        store,
      }),
      onAbort: () => stopped,
      onSettled: (_r, by) => {
        if (by !== 'result') controller.abort();
      },
    },
    (s) => {
      const failed = (err: unknown): void => {
        s.settle({ status: 'unavailable', ...classifyKeychainError(err), store });
      };
      try {
        const entry = new mod.AsyncEntry(ref.service, ref.account, platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined);
        // After the deadline or the signal the operation may still reject (aborted): handled, and ignored.
        op(entry, controller.signal).then((value) => s.settle({ ok: true, value }), failed);
      } catch (err) {
        failed(err);
      }
    },
  );
}

/** Reads the credential stored under `ref`. */
export async function readCredential(ref: KeychainRef, opts: KeychainOptions = {}): Promise<KeychainRead> {
  const store = keychainStoreName();
  const r = await withEntry(ref, opts, (entry, signal) => entry.getPassword(signal));
  if (!('ok' in r)) return r;
  // Wrapped at once: the clear value never lives outside a Secret.
  return r.value === null || r.value === undefined ? { status: 'missing', store } : { status: 'found', secret: new Secret(r.value), store };
}

/** Stores `secret` under `ref`, replacing any value there. */
export async function storeCredential(ref: KeychainRef, secret: Secret, opts: KeychainOptions = {}): Promise<KeychainWrite> {
  const store = keychainStoreName();
  const r = await withEntry(ref, opts, (entry, signal) => entry.setPassword(secret.reveal(), signal));
  return 'ok' in r ? { status: 'stored', store } : r;
}

/** Removes the credential under `ref`; `missing` when there was none. */
export async function deleteCredential(ref: KeychainRef, opts: KeychainOptions = {}): Promise<KeychainDelete> {
  const store = keychainStoreName();
  const r = await withEntry(ref, opts, (entry, signal) => entry.deleteCredential(signal));
  if (!('ok' in r)) return r;
  return { status: r.value ? 'deleted' : 'missing', store };
}
