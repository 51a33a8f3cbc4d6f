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
 */
import { settleOnce } from '../core/deadline.js';
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
    loaded ??= import('@napi-rs/keyring');
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
