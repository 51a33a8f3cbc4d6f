/**
 * The credentials check alone: a static key, a credential helper or single sign-on — one is
 * needed; inferenceCredentialKind picks the only source used; the helper's run (when the doctor
 * ran it) decides; never a credential in what is reported.
 */
import { describe, expect, it } from 'vitest';
import credentials from '../../src/checks/credentials.js';
import type { CredentialHelperRun } from '../../src/config/target.js';
import { runCheck, testCheck } from './check-tester.js';

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const BASE = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' };
const HELPER = '/usr/local/bin/portkey-key';
const OIDC = { clientId: 'desktop-app', issuer: 'https://login.example.com/tenant/v2.0', bearerTokenType: 'access_token', scopes: 'api://gw/.default' };
const ran = (run: Partial<CredentialHelperRun>): CredentialHelperRun => ({ path: HELPER, ok: true, timeoutMs: 60_000, durationMs: 12, ...run });

testCheck(credentials, [
  { name: 'no settings (probing from flags): ok, source none', settings: null, expect: { status: 'ok', data: { source: 'none' } } },
  { name: 'a static key: ok', settings: { ...BASE, inferenceGatewayApiKey: KEY }, expect: { status: 'ok', data: { source: 'static', explicit: false } } },
  {
    name: 'an empty static key is still the source (api-key judges its shape)',
    settings: { ...BASE, inferenceGatewayApiKey: '' },
    expect: { status: 'ok', data: { source: 'static' } },
  },
  {
    name: 'a credential helper instead of a key: ok, said so',
    settings: { ...BASE, inferenceCredentialHelper: HELPER },
    expect: { status: 'ok', details: { helper: HELPER, source: 'helper-script' }, data: { source: 'helper-script' } },
  },
  {
    name: 'a Windows helper path is absolute too',
    settings: { ...BASE, inferenceCredentialHelper: 'C:\\Tools\\get-key.exe' },
    expect: { status: 'ok', data: { source: 'helper-script' } },
  },
  {
    name: 'single sign-on (an OIDC object) instead of a key: ok',
    settings: { ...BASE, inferenceGatewayOidc: OIDC },
    expect: { status: 'ok', details: { sso: true }, data: { source: 'interactive', explicit: false } },
  },
  {
    name: 'single sign-on as a JSON string (managed): ok',
    settings: { ...BASE, inferenceGatewayOidc: JSON.stringify({ clientId: 'x', authorizationUrl: 'https://a', tokenUrl: 'https://t' }) },
    source: { kind: 'managed-plist', managed: true },
    expect: { status: 'ok', data: { source: 'interactive' } },
  },
  {
    name: 'kind "interactive" without OIDC: the gateway’s own sign-in, ok',
    settings: { ...BASE, inferenceCredentialKind: 'interactive' },
    expect: { status: 'ok', data: { source: 'interactive', explicit: true } },
  },
  {
    name: 'the deprecated auth scheme "sso" is interactive sign-in',
    settings: { ...BASE, inferenceGatewayAuthScheme: 'sso' },
    expect: { status: 'ok', data: { source: 'interactive' } },
  },
  {
    name: 'the helper ran and printed a key: ok',
    settings: { ...BASE, inferenceCredentialHelper: HELPER },
    overrides: { apiKey: KEY, apiKeyOrigin: 'credential-helper', credentialHelper: ran({ format: 'token', headerNames: [] }) },
    expect: { status: 'ok', details: { helperRun: { ok: true } }, data: { source: 'helper-script' } },
  },

  // --- Failures
  {
    name: 'nothing at all: CREDENTIALS_NONE with the app’s log line',
    settings: BASE,
    expect: { status: 'fail', code: 'CREDENTIALS_NONE', more: [], details: { logLine: expect.stringContaining('no credential configured') }, data: null },
  },
  {
    name: 'a misspelt key: CREDENTIALS_NONE (the rename is the fix)',
    settings: { ...BASE, inferenceGatewayApikey: KEY },
    source: { keys: [...Object.keys(BASE), 'inferenceGatewayApikey'] },
    expect: { status: 'fail', code: 'CREDENTIALS_NONE' },
  },
  {
    name: 'kind "static" without a key (a helper is not a fallback): CREDENTIALS_KIND_SOURCE_MISSING',
    settings: { ...BASE, inferenceCredentialKind: 'static', inferenceCredentialHelper: HELPER },
    expect: { status: 'fail', code: 'CREDENTIALS_KIND_SOURCE_MISSING', more: [] },
  },
  {
    name: 'kind "helper-script" without a helper: CREDENTIALS_KIND_SOURCE_MISSING',
    settings: { ...BASE, inferenceCredentialKind: 'helper-script', inferenceGatewayApiKey: KEY },
    expect: { status: 'fail', code: 'CREDENTIALS_KIND_SOURCE_MISSING' },
  },
  {
    name: 'another provider’s kind: CREDENTIALS_KIND_INVALID',
    settings: { ...BASE, inferenceCredentialKind: 'vendor-profile' },
    expect: { status: 'fail', code: 'CREDENTIALS_KIND_INVALID' },
  },
  {
    name: 'an unknown kind: CREDENTIALS_KIND_INVALID',
    settings: { ...BASE, inferenceCredentialKind: 'magic', inferenceGatewayApiKey: KEY },
    expect: { status: 'fail', code: 'CREDENTIALS_KIND_INVALID' },
  },
  {
    name: 'a relative helper path: CREDENTIALS_HELPER_INVALID',
    settings: { ...BASE, inferenceCredentialHelper: 'bin/get-key' },
    expect: { status: 'fail', code: 'CREDENTIALS_HELPER_INVALID', more: [] },
  },
  {
    name: 'a shell command line is not a path of a program: CREDENTIALS_HELPER_INVALID',
    settings: { ...BASE, inferenceCredentialHelper: 'security find-generic-password -s anthropic-api -w' },
    expect: { status: 'fail', code: 'CREDENTIALS_HELPER_INVALID' },
  },
  {
    name: 'the helper failed when the doctor ran it: CREDENTIALS_HELPER_FAILED',
    settings: { ...BASE, inferenceCredentialHelper: HELPER },
    overrides: { credentialHelper: ran({ ok: false, reason: 'exit', exitCode: 2, message: 'the credential helper exited with code 2' }) },
    expect: { status: 'fail', code: 'CREDENTIALS_HELPER_FAILED', more: [], details: { helperRun: { reason: 'exit', exitCode: 2 } } },
  },
  {
    name: 'OIDC without clientId: CREDENTIALS_OIDC_INVALID',
    settings: { ...BASE, inferenceGatewayOidc: { issuer: 'https://login.example.com' } },
    expect: { status: 'fail', code: 'CREDENTIALS_OIDC_INVALID' },
  },
  {
    name: 'OIDC as broken JSON: CREDENTIALS_OIDC_INVALID',
    settings: { ...BASE, inferenceGatewayOidc: '{"clientId": ' },
    expect: { status: 'fail', code: 'CREDENTIALS_OIDC_INVALID' },
  },

  // --- Warnings and skips
  {
    name: 'a static key beside a helper: CREDENTIALS_STATIC_KEY_IGNORED',
    settings: { ...BASE, inferenceGatewayApiKey: KEY, inferenceCredentialHelper: HELPER },
    expect: { status: 'warn', code: 'CREDENTIALS_STATIC_KEY_IGNORED', more: [], data: { source: 'helper-script' } },
  },
  {
    name: '--use-credential-helper without a helper: CREDENTIALS_HELPER_NOT_CONFIGURED',
    settings: { ...BASE, inferenceGatewayApiKey: KEY },
    overrides: { credentialHelper: { path: '', ok: false, reason: 'not-configured', timeoutMs: 60_000, durationMs: 0 } },
    expect: { status: 'warn', code: 'CREDENTIALS_HELPER_NOT_CONFIGURED', data: { source: 'static' } },
  },
  {
    name: 'settings nested under "keys": CREDENTIALS_NOT_TOP_LEVEL',
    settings: {},
    source: { keys: ['keys'], nestedKeys: { keys: ['inferenceProvider', 'inferenceGatewayApiKey'] } },
    expect: { status: 'skip', code: 'CREDENTIALS_NOT_TOP_LEVEL' },
  },
  {
    name: 'another provider: CREDENTIALS_OTHER_PROVIDER',
    settings: { inferenceProvider: 'bedrock', inferenceBedrockRegion: 'us-east-1' },
    expect: { status: 'skip', code: 'CREDENTIALS_OTHER_PROVIDER' },
  },
]);

describe('credentials: facts beyond codes', () => {
  it('never shows the static key', async () => {
    const { result } = await runCheck(credentials, {
      name: 'key',
      settings: { ...BASE, inferenceGatewayApiKey: KEY, inferenceCredentialHelper: HELPER },
      expect: { status: 'warn' },
    });
    expect(JSON.stringify(result)).not.toContain(KEY);
  });
});
