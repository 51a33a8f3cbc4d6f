/**
 * Keychain: when the key is not in the settings, whether a credential exists in the OS keychain
 * under the configured service and account (`--keychain-service` / `--keychain-account`, default
 * the doctor's own probe key: `portkey-doctor` / `probe-key`). The app's own keychain item for the
 * gateway key is not documented, so the doctor cannot inspect it (docs/claude-desktop.md, Credentials).
 * A keychain that cannot be used is a `skip` (or a `warn` when merely locked) with the reason.
 */
import { appOptions, KEYCHAIN_TIMEOUT_MS } from '../app/options.js';
import type { Origin } from '../config/target.js';
import { defineCheck, ok, skip, warn } from '../contract/check.js';
import { Secret } from '../core/secret.js';

const SETTINGS_ORIGINS: readonly Origin[] = ['managed-plist', 'managed-registry', 'managed-file', 'profile', 'legacy'];

export default defineCheck({
  id: 'keychain',
  title: 'Key in the OS keychain',
  group: 'app',
  timeoutMs: KEYCHAIN_TIMEOUT_MS + 2_000,
  codes: {
    KEYCHAIN_UNAVAILABLE: {
      title: 'The OS keychain cannot be used here (no Secret Service / D-Bus, or access denied), so it was not checked',
      fix: 'On Linux, run inside a desktop session with gnome-keyring or KWallet; or give the key with --api-key-env NAME / --api-key-file FILE.',
    },
    KEYCHAIN_LOCKED: {
      title: 'The OS keychain is locked, so the key in it cannot be read',
      fix: 'Unlock the keychain (log in to the desktop session, or unlock "login" in Keychain Access / Seahorse), then run the doctor again.',
    },
    KEYCHAIN_KEY_MISSING: {
      title: 'No key is in the settings and none is stored in the OS keychain under the configured service and account',
      fix: 'Store the key for the doctor with `portkey-doctor key set` (it reads the key from stdin), or name the item with --keychain-service/--keychain-account; the app’s own keychain item cannot be inspected.',
    },
    KEYCHAIN_KEY_EMPTY: {
      title: 'The keychain item exists but holds an empty key',
      fix: 'Store the key again with `portkey-doctor key set`.',
    },
  },
  async run(ctx) {
    const { keychain } = appOptions(ctx.env, ctx.os.platform);
    const where = { service: keychain.service, account: keychain.account };
    const key = ctx.target.apiKey;
    if (key?.origin === 'keychain' && key.value instanceof Secret) {
      return ok(`the doctor read its key from the keychain: ${key.value.describe()}`, {
        ...where,
        store: ctx.keychain.storeName,
        fingerprint: key.value.fingerprint,
        length: key.value.length,
      });
    }
    if (key && SETTINGS_ORIGINS.includes(key.origin) && !keychain.explicit) {
      return ok(`not needed: the key is in the settings (${key.origin})`, { ...where, consulted: false });
    }
    const read = await ctx.keychain.read(where, { signal: ctx.signal, timeoutMs: KEYCHAIN_TIMEOUT_MS });
    const details: Record<string, unknown> = { ...where, store: read.store };
    if (read.status === 'unavailable') {
      details['reason'] = read.reason;
      details['problem'] = read.kind;
      if (read.kind === 'locked') return warn('KEYCHAIN_LOCKED', `${read.store}: ${read.reason}`, { details });
      return skip('KEYCHAIN_UNAVAILABLE', `${read.store} unavailable: ${read.reason}`, { details });
    }
    const item = `service "${where.service}", account "${where.account}"`;
    if (read.status === 'missing') return warn('KEYCHAIN_KEY_MISSING', `nothing stored in ${read.store} under ${item}`, { details });
    details['fingerprint'] = read.secret.fingerprint;
    details['length'] = read.secret.length;
    if (read.secret.length === 0 || read.secret.reveal().trim() === '') {
      return warn('KEYCHAIN_KEY_EMPTY', `the item under ${item} in ${read.store} is empty`, { details });
    }
    return ok(`a key is stored in ${read.store} under ${item}: ${read.secret.describe()}`, details);
  },
});
