/**
 * The doctor's own probe key in the OS keychain (stored by `portkey-doctor key set`), read for a
 * run that has no other key: service and account from `PORTKEY_DOCTOR_KEYCHAIN_SERVICE` /
 * `PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT` (defaults `portkey-doctor` / `probe-key`).
 */
import { readCredential, type KeychainRead } from './keychain.js';
import { appOptions } from '../app/options.js';
import type { Secret } from '../core/secret.js';

export interface ProbeKeyRead {
  status: KeychainRead['status'];
  service: string;
  account: string;
  store: string;
  secret?: Secret;
  reason?: string;
}

/** Never throws; the key comes wrapped in a {@link Secret}. */
export async function readProbeKey(env: NodeJS.ProcessEnv, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<ProbeKeyRead> {
  const { keychain } = appOptions(env);
  const ref = { service: keychain.service, account: keychain.account };
  const read = await readCredential(ref, opts);
  const out: ProbeKeyRead = { status: read.status, ...ref, store: read.store };
  if (read.status === 'found') out.secret = read.secret;
  if (read.status === 'unavailable') out.reason = read.reason;
  return out;
}
