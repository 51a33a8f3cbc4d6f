/** The keychain check alone, with a fake keychain: found, missing, empty, locked, unavailable, and when it is not asked at all. */
import { expect, it } from 'vitest';
import keychain from '../../src/checks/keychain.js';
import { Secret } from '../../src/core/secret.js';
import { runCheck, testCheck } from './check-tester.js';

const KEY = 'pk-live-0123456789abcdef';
const stored = new Secret(KEY);
const BASE = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' };
const DEFAULT_ITEM = { service: 'portkey-doctor', account: 'probe-key' };
const STORE = 'Fake Keychain';

testCheck(keychain, [
  {
    name: 'a key is stored: ok, its fingerprint and length only',
    settings: BASE,
    keychain: { status: 'found', secret: stored, store: STORE },
    expect: { status: 'ok', details: { ...DEFAULT_ITEM, store: STORE, fingerprint: stored.fingerprint, length: KEY.length } },
  },
  {
    name: 'nothing stored: KEYCHAIN_KEY_MISSING under the default item',
    settings: BASE,
    keychain: { status: 'missing', store: STORE },
    expect: { status: 'warn', code: 'KEYCHAIN_KEY_MISSING', details: { ...DEFAULT_ITEM, store: STORE } },
  },
  {
    name: 'an empty item: KEYCHAIN_KEY_EMPTY',
    settings: BASE,
    keychain: { status: 'found', secret: new Secret(''), store: STORE },
    expect: { status: 'warn', code: 'KEYCHAIN_KEY_EMPTY', details: { length: 0 } },
  },
  {
    name: 'an item of whitespace: KEYCHAIN_KEY_EMPTY',
    settings: BASE,
    keychain: { status: 'found', secret: new Secret(' \n'), store: STORE },
    expect: { status: 'warn', code: 'KEYCHAIN_KEY_EMPTY', details: { length: 2 } },
  },
  {
    name: 'locked: KEYCHAIN_LOCKED with the reason',
    settings: BASE,
    keychain: { status: 'unavailable', kind: 'locked', reason: 'the keychain is locked', store: STORE },
    expect: { status: 'warn', code: 'KEYCHAIN_LOCKED', details: { problem: 'locked', reason: 'the keychain is locked' } },
  },
  {
    name: 'no Secret Service: KEYCHAIN_UNAVAILABLE',
    settings: BASE,
    keychain: { status: 'unavailable', kind: 'no-service', reason: 'no D-Bus session bus', store: 'Secret Service (D-Bus)' },
    expect: { status: 'skip', code: 'KEYCHAIN_UNAVAILABLE', details: { problem: 'no-service', store: 'Secret Service (D-Bus)' } },
  },
  {
    name: 'an unanswered prompt: KEYCHAIN_UNAVAILABLE (timeout)',
    settings: BASE,
    keychain: { status: 'unavailable', kind: 'timeout', reason: 'the keychain did not answer within 8000 ms', store: STORE },
    expect: { status: 'skip', code: 'KEYCHAIN_UNAVAILABLE', details: { problem: 'timeout' } },
  },
  {
    name: 'the item named with --keychain-service / --keychain-account is read',
    settings: BASE,
    env: { PORTKEY_DOCTOR_KEYCHAIN_SERVICE: 'acme-gateway', PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT: 'alex' },
    keychain: { status: 'missing', store: STORE },
    expect: { status: 'warn', code: 'KEYCHAIN_KEY_MISSING', details: { service: 'acme-gateway', account: 'alex' } },
  },
  {
    name: 'the key is in the settings: ok, the keychain not consulted (an unscripted read would crash)',
    settings: { ...BASE, inferenceGatewayApiKey: KEY },
    expect: { status: 'ok', details: { ...DEFAULT_ITEM, consulted: false } },
  },
  {
    name: 'the key is in the settings but an item is named explicitly: it is read',
    settings: { ...BASE, inferenceGatewayApiKey: KEY },
    env: { PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT: 'alex' },
    keychain: { status: 'found', secret: stored, store: STORE },
    expect: { status: 'ok', details: { account: 'alex', fingerprint: stored.fingerprint } },
  },
  {
    name: 'a key given by flag is not the app’s: the keychain is still read',
    settings: BASE,
    overrides: { apiKey: KEY },
    keychain: { status: 'missing', store: STORE },
    expect: { status: 'warn', code: 'KEYCHAIN_KEY_MISSING' },
  },
  {
    name: 'the doctor already read its key from the keychain: ok without a second read',
    settings: BASE,
    overrides: { apiKey: KEY, apiKeyOrigin: 'keychain' },
    expect: { status: 'ok', details: { ...DEFAULT_ITEM, store: STORE, fingerprint: stored.fingerprint, length: KEY.length } },
  },
]);

it('keychain: the key itself is never in the result', async () => {
  const { result } = await runCheck(keychain, {
    name: 'leak',
    settings: BASE,
    keychain: { status: 'found', secret: stored, store: STORE },
    expect: { status: 'ok' },
  });
  expect(JSON.stringify(result)).not.toContain(KEY);
});
