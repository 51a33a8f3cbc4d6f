/**
 * `portkey-doctor key …` and the doctor reading its probe key from the keychain, through the
 * built CLI against a real Secret Service, and without one. Needs `key` dispatched in src/cli.ts
 * and doctor.ts reading the probe key (readProbeKey) when no other key is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { findLeak } from '../cli/leak-check.js';
import { GOOD_PROFILE, parseReport, runCli, writeProfile } from '../cli/run-cli.js';
import { secretServiceMissing, startSecretService, type SecretService } from '../platform/secret-service.js';

const KEY = 'pk-CliKeychainKey-Mw4Tq9Zr';
const missing = secretServiceMissing();

describe('key without a Secret Service', () => {
  it('status and set exit 2 and say the keychain is unavailable', async () => {
    const status = await runCli(['key', 'status']);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/unavailable/);
    expect((await runCli(['key', 'set', '--from-env', 'K'], { K: KEY })).code).toBe(2);
  });

  it('refuses the key on the command line without echoing it', async () => {
    const r = await runCli(['key', 'set', KEY]);
    expect(r.code).toBe(2);
    expect(findLeak(r.stdout + r.stderr, KEY)).toBeUndefined();
  });
});

describe.skipIf(missing !== undefined)('key with a real Secret Service', () => {
  let ss: SecretService;
  beforeAll(async () => {
    ss = await startSecretService({ reuse: false });
  });
  afterAll(async () => ss?.stop());

  it('key set (piped), status, and the doctor probing with the stored key; delete', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: ss.address, PORTKEY_DOCTOR_KEYCHAIN_SERVICE: `pkd-cli-${process.pid}`, K: KEY };
    expect((await runCli(['key', 'set', '--from-env', 'K'], env)).code).toBe(0);
    const status = await runCli(['key', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(new Secret(KEY).fingerprint);

    const { inferenceGatewayApiKey: _key, ...noKey } = GOOD_PROFILE;
    const run = await runCli(['--json', '--offline', '--no-policy', '--claude-dir', writeProfile(noKey)], env);
    const report = parseReport(run);
    const keychain = report.checks.find((c) => c.id === 'keychain');
    expect(keychain).toMatchObject({ status: 'ok', details: { fingerprint: new Secret(KEY).fingerprint } });
    // The app itself has no credential (issue 11: a failure of the credentials check); the doctor
    // still judges, and probes with, its stored key.
    expect(report.checks.find((c) => c.id === 'credentials')).toMatchObject({ status: 'fail', code: 'CREDENTIALS_NONE' });
    expect(report.checks.find((c) => c.id === 'api-key')).toMatchObject({
      status: 'ok',
      details: { origin: 'keychain', fingerprint: new Secret(KEY).fingerprint },
    });
    expect(findLeak(run.stdout + run.stderr, KEY)).toBeUndefined();

    expect((await runCli(['key', 'delete'], env)).code).toBe(0);
    expect((await runCli(['key', 'status'], env)).code).toBe(1);
  });
});
