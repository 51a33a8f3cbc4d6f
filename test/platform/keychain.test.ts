/**
 * The keychain against a real Secret Service (gnome-keyring on a private D-Bus bus: started here,
 * or the one of scripts/with-secret-service.sh), a locked one, and none at all. `key` and the
 * check run as separate processes where the D-Bus environment matters (the keyring library keeps
 * one connection per process). The key's value must never appear in any output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import appKeychain from '../../src/checks/keychain.js';
import { readProbeKey } from '../../src/platform/probe-key.js';
import { classifyKeychainError, deleteCredential, readCredential, storeCredential } from '../../src/platform/keychain.js';
import { Secret } from '../../src/core/secret.js';
import { findLeak } from '../cli/leak-check.js';
import { runAppChecks, verdict } from '../app/harness.js';
import { writeProfile, GOOD_PROFILE } from '../cli/run-cli.js';
import { runKey, runKeyInTerminal } from './run-key.js';
import { runKeychainCheck } from './run-keychain-check.js';
import { secretServiceMissing, startSecretService, type SecretService } from './secret-service.js';

const KEY = 'pk-KeychainTestKey-Hq8Wz3Rv';
const missing = secretServiceMissing();
const unique = () => `pkd-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const noLeak = (...texts: string[]) => {
  for (const t of texts) expect(findLeak(t, KEY)).toBeUndefined();
};

describe.skipIf(missing !== undefined)('with a real Secret Service', () => {
  let ss: SecretService;
  let busEnv: NodeJS.ProcessEnv;
  const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;

  beforeAll(async () => {
    ss = await startSecretService();
    // Before any keyring call in this process: the library connects once.
    process.env.DBUS_SESSION_BUS_ADDRESS = ss.address;
    busEnv = { DBUS_SESSION_BUS_ADDRESS: ss.address };
  });
  afterAll(async () => {
    if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
    await ss?.stop();
  });

  it('stores, reads (as a Secret), and deletes a credential', async () => {
    const ref = { service: unique(), account: 'probe-key' };
    expect((await readCredential(ref)).status).toBe('missing');
    expect((await storeCredential(ref, new Secret(KEY))).status).toBe('stored');
    const read = await readCredential(ref);
    expect(read.status).toBe('found');
    if (read.status !== 'found') return;
    expect(read.secret).toBeInstanceOf(Secret);
    expect(read.secret.fingerprint).toBe(new Secret(KEY).fingerprint);
    noLeak(JSON.stringify(read), String(read.secret));
    expect((await deleteCredential(ref)).status).toBe('deleted');
    expect((await deleteCredential(ref)).status).toBe('missing');
    expect((await readCredential(ref)).status).toBe('missing');
  });

  it('a keychain that does not answer in time is "unavailable (timeout)", and the late answer is harmless', async () => {
    const ref = { service: unique(), account: 'probe-key' };
    const r = await readCredential(ref, { timeoutMs: 0 });
    expect(r).toMatchObject({ status: 'unavailable', kind: 'timeout' });
    const aborted = new AbortController();
    aborted.abort();
    const stopped = readCredential(ref, { signal: aborted.signal, timeoutMs: 5_000 });
    expect(await stopped).toMatchObject({ status: 'unavailable', kind: 'timeout' });
    // Let the abandoned operations settle: an unhandled rejection would fail this file.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await readCredential(ref)).status).toBe('missing');
  });

  it('key set from a pipe, status, status --json, delete: exit codes and fingerprints, never the key', async () => {
    const env = { ...busEnv, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: unique() };
    const set = await runKey(['set'], { env, stdin: `${KEY}\n` });
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(new Secret(KEY).fingerprint);
    const status = await runKey(['status'], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(new Secret(KEY).fingerprint);
    const json = await runKey(['status', '--json'], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'found', fingerprint: new Secret(KEY).fingerprint, length: KEY.length, account: 'probe-key' });
    const del = await runKey(['delete'], { env });
    expect(del.code).toBe(0);
    const after = await runKey(['status'], { env });
    expect(after.code).toBe(1);
    const again = await runKey(['delete'], { env });
    expect(again.code).toBe(0);
    noLeak(...[set, status, json, del, after, again].flatMap((r) => [r.stdout, r.stderr]));
  });

  it.skipIf(spawnSync('sh', ['-c', 'command -v script']).status !== 0)('key set typed at a terminal: the input is hidden, never echoed', async () => {
    const env = { ...busEnv, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: unique() };
    const typed = await runKeyInTerminal(['set'], { env, typed: KEY });
    const seen = JSON.stringify({ ...typed, stdout: typed.stdout.split(KEY).join('<KEY>') });
    expect(typed.code, seen).toBe(0);
    expect(typed.stdout, seen).toContain(new Secret(KEY).fingerprint);
    noLeak(typed.stdout, typed.stderr);
    const status = await runKey(['status'], { env });
    expect(status.stdout).toContain(new Secret(KEY).fingerprint);
  });

  it('key set --from-env and --from-file; --keychain-service/--keychain-account name separate items', async () => {
    const service = unique();
    const file = join(mkdtempSync(join(tmpdir(), 'pkd-key-')), 'key.txt');
    writeFileSync(file, `\uFEFF${KEY}\r\nsecond line\n`);
    const fromEnv = await runKey(['set', '--from-env', 'MY_KEY', '--keychain-service', service, '--keychain-account', 'a'], {
      env: { ...busEnv, MY_KEY: KEY },
    });
    const fromFile = await runKey(['set', '--from-file', file, '--keychain-service', service, '--keychain-account', 'b'], { env: busEnv });
    expect([fromEnv.code, fromFile.code]).toEqual([0, 0]);
    for (const account of ['a', 'b']) {
      const r = await readCredential({ service, account });
      expect(r.status === 'found' && r.secret.fingerprint).toBe(new Secret(KEY).fingerprint);
    }
    expect((await runKey(['status', '--keychain-service', service], { env: busEnv })).code).toBe(1);
    noLeak(fromEnv.stdout, fromEnv.stderr, fromFile.stdout, fromFile.stderr);
  });

  it('refuses the key on the command line, empty input and keys with spaces (exit 2)', async () => {
    const env = { ...busEnv, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: unique() };
    for (const args of [['set', KEY], [KEY], ['status', KEY], ['set', `--key=${KEY}`], ['set', `--from-env=${KEY}`, KEY]]) {
      const r = await runKey(args, { env });
      expect(r.code).toBe(2);
      noLeak(r.stdout, r.stderr);
    }
    expect((await runKey(['set'], { env, stdin: '' })).code).toBe(2);
    expect((await runKey(['set'], { env, stdin: 'two words\n' })).code).toBe(2);
    expect((await runKey(['set', '--from-env', 'UNSET_VAR'], { env })).code).toBe(2);
    expect((await runKey(['frobnicate'], { env })).code).toBe(2);
    expect((await runKey([], { env })).code).toBe(2);
    expect((await runKey(['status'], { env })).code).toBe(1);
  });

  it('readProbeKey gives the doctor the stored key as a Secret', async () => {
    const env = { ...process.env, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: unique(), PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT: 'ci' };
    expect((await readProbeKey(env)).status).toBe('missing');
    await storeCredential({ service: env.PORTKEY_DOCTOR_KEYCHAIN_SERVICE!, account: 'ci' }, new Secret(KEY));
    const r = await readProbeKey(env);
    expect(r.status).toBe('found');
    expect(r.secret).toBeInstanceOf(Secret);
    expect(r.secret?.fingerprint).toBe(new Secret(KEY).fingerprint);
  });

  it('the keychain check: nothing stored → KEYCHAIN_KEY_MISSING; found → ok with the fingerprint; key in the profile → not consulted', async () => {
    const service = unique();
    const { inferenceGatewayApiKey: _key, ...noKey } = GOOD_PROFILE;
    const dir = writeProfile(noKey);
    const env = { PORTKEY_DOCTOR_KEYCHAIN_SERVICE: service };
    let r = await runAppChecks([appKeychain], { claudeDir: dir, env });
    expect(verdict(r['keychain'])).toEqual({ status: 'warn', code: 'KEYCHAIN_KEY_MISSING' });
    await storeCredential({ service, account: 'probe-key' }, new Secret(KEY));
    r = await runAppChecks([appKeychain], { claudeDir: dir, env });
    expect(verdict(r['keychain'])).toEqual({ status: 'ok', code: undefined });
    expect(r['keychain']?.details?.['fingerprint']).toBe(new Secret(KEY).fingerprint);
    noLeak(JSON.stringify(r['keychain']));
    // The key in the profile: the keychain is not consulted, unless an item is named explicitly.
    r = await runAppChecks([appKeychain], { claudeDir: writeProfile(GOOD_PROFILE) });
    expect(verdict(r['keychain'])).toEqual({ status: 'ok', code: undefined });
    expect(r['keychain']?.details?.['consulted']).toBe(false);
    r = await runAppChecks([appKeychain], { claudeDir: writeProfile(GOOD_PROFILE), env });
    expect(r['keychain']?.details?.['fingerprint']).toBe(new Secret(KEY).fingerprint);
  });

  it('a locked keyring: key status exits 2, the check warns KEYCHAIN_LOCKED', async () => {
    // A keyring made (and unlocked) by one service, then served locked by a second one.
    const dataDir = mkdtempSync(join(tmpdir(), 'pkd-keyrings-'));
    const first = await startSecretService({ dataDir, reuse: false });
    const service = unique();
    const firstEnv = { DBUS_SESSION_BUS_ADDRESS: first.address, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: service };
    expect((await runKey(['set'], { env: firstEnv, stdin: KEY })).code).toBe(0);
    await first.stop();
    const locked = await startSecretService({ dataDir, unlock: false, reuse: false });
    try {
      const env = { DBUS_SESSION_BUS_ADDRESS: locked.address, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: service, DISPLAY: '' };
      const status = await runKey(['status', '--json'], { env });
      expect(status.code).toBe(2);
      expect(JSON.parse(status.stdout)).toMatchObject({ status: 'unavailable', problem: 'locked' });
      const outcome = await runKeychainCheck(env);
      expect({ status: outcome.status, code: outcome.code }).toEqual({ status: 'warn', code: 'KEYCHAIN_LOCKED' });
      noLeak(status.stdout, status.stderr, JSON.stringify(outcome));
    } finally {
      await locked.stop();
    }
  });
});

it.skipIf(missing === undefined || process.env.CI === 'true')(`Secret Service tests not run: ${missing ?? ''}`, () => {});

// .ci/run installs gnome-keyring: in CI a missing Secret Service is a failure, not a skip.
it.runIf(process.env.CI === 'true' && process.platform === 'linux')('CI has a Secret Service to test against', () => {
  expect(missing).toBeUndefined();
});

describe('without a Secret Service', () => {
  const noBus = { DBUS_SESSION_BUS_ADDRESS: undefined as unknown as string };

  it('key status and key set exit 2 with "unavailable", and nothing crashes', async () => {
    const status = await runKey(['status'], { env: noBus });
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/keychain is unavailable/);
    const json = await runKey(['status', '--json'], { env: noBus });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'unavailable', problem: 'no-service' });
    const set = await runKey(['set'], { env: noBus, stdin: KEY });
    expect(set.code).toBe(2);
    noLeak(status.stdout, status.stderr, set.stdout, set.stderr);
    expect(`${status.stderr}${set.stderr}`).not.toMatch(/internal error|at .*\.js:\d+/);
  });

  it('the keychain check is a skip with the reason, D-Bus unset or pointing nowhere', async () => {
    const unset = await runKeychainCheck(noBus);
    expect({ status: unset.status, code: unset.code }).toEqual({ status: 'skip', code: 'KEYCHAIN_UNAVAILABLE' });
    expect(unset.details?.['problem']).toBe('no-service');
    const nowhere = await runKeychainCheck({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(tmpdir(), 'pkd-no-such-bus')}` });
    expect({ status: nowhere.status, code: nowhere.code }).toEqual({ status: 'skip', code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('classifies the errors the keyring reports', () => {
    const kind = (m: string) => classifyKeychainError(new Error(m)).kind;
    expect(
      kind('Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead'),
    ).toBe('no-service');
    expect(kind("Couldn't access platform storage: Secret Service: unlock prompt was dismissed")).toBe('locked');
    expect(kind("Couldn't access platform storage: Secret Service: no result found")).toBe('no-keyring');
    expect(kind("Couldn't access platform storage: AccessDenied")).toBe('denied');
    expect(kind('Platform failure: User interaction is not allowed.')).toBe('locked');
    expect(
      kind('Platform failure: DBus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files'),
    ).toBe('no-service');
    expect(kind('something else')).toBe('error');
  });
});
