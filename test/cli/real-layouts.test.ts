/**
 * Issue 11, what the app ignores or rejects: real-world layouts of the applied entry (fixture
 * folders in test/fixtures/layouts, see its README) run through the built CLI with --json. A
 * valid layout raises no settings failure; a broken one fails with its own code, and the checks
 * after it do not pile misleading findings on top. Also `--use-credential-helper` with real
 * helper scripts: never run without the flag, its key used by the probes, never printed.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { startHttpServer, type TestServer } from '../support/servers.js';
import { FIXTURES, type JsonReport, parseReport, runCli, TEST_KEY, writeProfile } from './run-cli.js';

type Check = JsonReport['checks'][number] & { moreFindings?: { code: string; status: string }[] };

const layout = (name: string) => join(FIXTURES, 'layouts', name);

async function doctor(args: string[], opts: { network?: boolean } = {}) {
  const run = await runCli(['--json', '--no-policy', ...args], {}, 60_000, opts);
  const report = parseReport(run);
  const byId = new Map(report.checks.map((c) => [c.id, c as Check]));
  return { run, report, byId };
}

const settingsFailures = (report: JsonReport) =>
  report.checks.filter((c) => c.group === 'settings' && (c.status === 'fail' || c.status === 'error')).map((c) => `${c.id}:${c.code}`);
const codesOf = (c: Check | undefined) => [c?.code, ...(c?.moreFindings ?? []).map((f) => f.code)];

describe('valid layouts: no settings failure', () => {
  const VALID: { name: string; expect?: Record<string, { status: string; code?: string; details?: Record<string, unknown> }> }[] = [
    { name: 'flat-ok', expect: { 'unknown-keys': { status: 'ok' }, credentials: { status: 'ok', details: { source: 'static' } } } },
    { name: 'official-keys', expect: { 'unknown-keys': { status: 'ok' } } },
    {
      name: 'credential-helper',
      expect: { credentials: { status: 'ok', details: { source: 'helper-script' } }, 'api-key': { status: 'skip', code: 'API_KEY_NOT_USED' } },
    },
    { name: 'credential-helper-kind', expect: { credentials: { status: 'ok', details: { source: 'helper-script' } } } },
    { name: 'sso-oidc', expect: { credentials: { status: 'ok', details: { source: 'interactive', sso: true } }, 'unknown-keys': { status: 'ok' } } },
    { name: 'sso-interactive-kind', expect: { credentials: { status: 'ok', details: { source: 'interactive' } } } },
    { name: 'gateway-headers-object', expect: { 'extra-headers': { status: 'ok' }, 'metadata-header': { status: 'ok' } } },
    { name: 'gateway-headers-json-list', expect: { 'extra-headers': { status: 'ok' }, 'metadata-header': { status: 'ok' } } },
    { name: 'custom-headers-json-object', expect: { 'extra-headers': { status: 'ok' }, 'metadata-header': { status: 'ok' } } },
    { name: 'models-every-form', expect: { models: { status: 'ok', details: { default: 'anthropic/claude-opus-4-8' } } } },
    { name: 'tool-markers', expect: { 'unknown-keys': { status: 'warn', code: 'KEYS_TOOL_MARKER' } } },
    { name: 'meta-without-entries', expect: { 'claude-settings': { status: 'ok' } } },
  ];

  it.each(VALID)('$name', async ({ name, expect: expected }) => {
    const { report, byId, run } = await doctor(['--claude-dir', layout(name)]);
    expect(settingsFailures(report)).toEqual([]);
    for (const [id, want] of Object.entries(expected ?? {})) expect(byId.get(id), id).toMatchObject(want);
    expect(run.stdout).not.toContain(TEST_KEY);
  });
});

describe('broken layouts: each fails with its own code', () => {
  it('inferenceGatewayBaseURL: did you mean, a failure; base-url explains', async () => {
    const { byId } = await doctor(['--claude-dir', layout('near-miss-base-url')]);
    expect(byId.get('unknown-keys')).toMatchObject({
      status: 'fail',
      code: 'KEYS_NEAR_MISS_REQUIRED',
      details: { nearMisses: [{ name: 'inferenceGatewayBaseURL', meant: 'inferenceGatewayBaseUrl' }] },
    });
    expect(byId.get('base-url')).toMatchObject({ status: 'fail', code: 'BASE_URL_MISSING' });
    expect(byId.get('inference-mode')?.status).toBe('ok');
  });

  it('a misspelt key and no other credential: KEYS_NEAR_MISS_REQUIRED and CREDENTIALS_NONE', async () => {
    const { byId } = await doctor(['--claude-dir', layout('near-miss-api-key')]);
    expect(byId.get('unknown-keys')).toMatchObject({ status: 'fail', code: 'KEYS_NEAR_MISS_REQUIRED' });
    expect(byId.get('credentials')).toMatchObject({ status: 'fail', code: 'CREDENTIALS_NONE' });
  });

  it('settings nested under "keys": KEYS_NESTED, not "inferenceProvider is not set"', async () => {
    const { report, byId } = await doctor(['--claude-dir', layout('nested-keys')]);
    expect(byId.get('unknown-keys')).toMatchObject({ status: 'fail', code: 'KEYS_NESTED', details: { nested: { kind: 'wrapper', container: 'keys' } } });
    expect(codesOf(byId.get('unknown-keys'))).toContain('KEYS_TOOL_MARKER');
    expect(byId.get('inference-mode')).toMatchObject({ status: 'skip', code: 'PROVIDER_NOT_TOP_LEVEL' });
    expect(byId.get('base-url')).toMatchObject({ status: 'skip', code: 'BASE_URL_NOT_TOP_LEVEL' });
    expect(byId.get('credentials')).toMatchObject({ status: 'skip', code: 'CREDENTIALS_NOT_TOP_LEVEL' });
    // The one root cause is the one failure among the settings checks.
    expect(settingsFailures(report)).toEqual(['unknown-keys:KEYS_NESTED']);
  });

  it('the nested {"$schemaVersion": 2, "inference": …} document: KEYS_SCHEMA_V2_DOCUMENT', async () => {
    const { report, byId } = await doctor(['--claude-dir', layout('schema-v2-document')]);
    expect(byId.get('unknown-keys')).toMatchObject({ status: 'fail', code: 'KEYS_SCHEMA_V2_DOCUMENT' });
    expect(byId.get('inference-mode')).toMatchObject({ status: 'skip', code: 'PROVIDER_NOT_TOP_LEVEL' });
    expect(settingsFailures(report)).toEqual(['unknown-keys:KEYS_SCHEMA_V2_DOCUMENT']);
  });

  it.each([
    ['no-credential', 'credentials', 'CREDENTIALS_NONE'],
    ['kind-static-without-key', 'credentials', 'CREDENTIALS_KIND_SOURCE_MISSING'],
    ['helper-relative-path', 'credentials', 'CREDENTIALS_HELPER_INVALID'],
    ['oidc-without-client-id', 'credentials', 'CREDENTIALS_OIDC_INVALID'],
    ['models-not-anthropic', 'models', 'MODELS_NOT_ANTHROPIC'],
    ['models-1m-suffix', 'models', 'MODELS_1M_SUFFIX'],
    ['base-url-credentials', 'base-url', 'BASE_URL_CREDENTIALS'],
  ])('%s: %s %s', async (name, check, code) => {
    const { report, byId, run } = await doctor(['--claude-dir', layout(name)]);
    expect(byId.get(check)).toMatchObject({ status: 'fail', code });
    expect(settingsFailures(report)).toEqual([`${check}:${code}`]);
    expect(run.stdout).not.toContain(TEST_KEY);
  });

  it('the non-Anthropic id is named in the details', async () => {
    const { byId } = await doctor(['--claude-dir', layout('models-not-anthropic')]);
    expect(byId.get('models')?.details).toMatchObject({ notAnthropic: ['openai/gpt-5.5'] });
  });
});

describe('managed native values: a warning at most', () => {
  it('a plist with native <array>/<dict>: extra-headers and models warn, naming the version', async () => {
    const { report, byId } = await doctor(['--managed', join(FIXTURES, 'managed', 'managed-native-arrays.plist')]);
    expect(settingsFailures(report)).toEqual([]);
    expect(codesOf(byId.get('extra-headers'))).toContain('HEADERS_NATIVE_IN_MANAGED');
    expect(byId.get('models')).toMatchObject({ status: 'warn', code: 'MODELS_NATIVE_IN_MANAGED', details: { documentedAsOf: '1.34493.1' } });
  });

  it('the Linux managed file in native JSON: no native finding at all', async () => {
    const { byId } = await doctor(['--managed', join(FIXTURES, 'managed', 'linux-managed.json')]);
    expect(codesOf(byId.get('extra-headers'))).not.toContain('HEADERS_NATIVE_IN_MANAGED');
    expect(codesOf(byId.get('models'))).not.toContain('MODELS_NATIVE_IN_MANAGED');
  });
});

describe('--use-credential-helper (real helper scripts)', () => {
  const posix = process.platform !== 'win32';
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pkd-helpers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A helper script that leaves a marker file when it runs. */
  function helper(name: string, body: string): { file: string; marker: string } {
    const file = join(dir, `${name}.sh`);
    const marker = join(dir, `${name}.ran`);
    writeFileSync(file, `#!/bin/sh\n: > '${marker}'\n${body}\n`);
    chmodSync(file, 0o755);
    return { file, marker };
  }
  const profile = (file: string, extra: Record<string, unknown> = {}) =>
    writeProfile({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceCredentialHelper: file, ...extra });

  it.runIf(posix)('without the flag the helper is never run', async () => {
    const h = helper('not-run', `echo ${TEST_KEY}`);
    const { byId } = await doctor(['--claude-dir', profile(h.file)]);
    expect(existsSync(h.marker)).toBe(false);
    expect(byId.get('credentials')).toMatchObject({ status: 'ok', details: { source: 'helper-script' } });
    expect(byId.get('api-key')).toMatchObject({ status: 'skip', code: 'API_KEY_NOT_USED' });
  });

  it.runIf(posix)('with the flag: the key it prints is judged (fingerprint only), never printed', async () => {
    const h = helper('ok', `echo ${TEST_KEY}`);
    const { byId, run } = await doctor(['--claude-dir', profile(h.file), '--use-credential-helper']);
    expect(existsSync(h.marker)).toBe(true);
    expect(byId.get('credentials')).toMatchObject({ status: 'ok', details: { helperRun: { ok: true, format: 'token' } } });
    expect(byId.get('api-key')).toMatchObject({ status: 'ok', details: { origin: 'credential-helper', fingerprint: new Secret(TEST_KEY).fingerprint } });
    expect(run.stdout).not.toContain(TEST_KEY);
    expect(run.stderr).not.toContain(TEST_KEY);
  });

  it.runIf(posix)('a helper that exits non-zero: CREDENTIALS_HELPER_FAILED', async () => {
    const h = helper('exit', `echo ${TEST_KEY}\nexit 3`);
    const { byId, run } = await doctor(['--claude-dir', profile(h.file), '--use-credential-helper']);
    expect(byId.get('credentials')).toMatchObject({
      status: 'fail',
      code: 'CREDENTIALS_HELPER_FAILED',
      details: { helperRun: { reason: 'exit', exitCode: 3 } },
    });
    expect(run.stdout).not.toContain(TEST_KEY);
  });

  it.runIf(posix)('a helper that hangs is stopped at its own timeout setting', async () => {
    const h = helper('hang', 'sleep 30');
    const t0 = Date.now();
    const { byId } = await doctor(['--claude-dir', profile(h.file, { inferenceCredentialHelperTimeoutSec: 1 }), '--use-credential-helper']);
    expect(byId.get('credentials')).toMatchObject({ status: 'fail', code: 'CREDENTIALS_HELPER_FAILED', details: { helperRun: { reason: 'timeout' } } });
    expect(Date.now() - t0).toBeLessThan(25_000);
  });

  it.runIf(posix)('empty output: CREDENTIALS_HELPER_FAILED (empty)', async () => {
    const h = helper('empty', 'true');
    const { byId } = await doctor(['--claude-dir', profile(h.file), '--use-credential-helper']);
    expect(byId.get('credentials')).toMatchObject({ status: 'fail', code: 'CREDENTIALS_HELPER_FAILED', details: { helperRun: { reason: 'empty' } } });
  });

  it('the flag without a helper configured: nothing run, said so', async () => {
    const { byId } = await doctor(['--claude-dir', layout('flat-ok'), '--use-credential-helper']);
    expect(byId.get('credentials')).toMatchObject({ status: 'warn', code: 'CREDENTIALS_HELPER_NOT_CONFIGURED' });
  });

  describe('the network checks probe with the helper key', () => {
    let gateway: TestServer;
    const seen: string[] = [];
    beforeAll(async () => {
      gateway = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
        seen.push(String(req.headers.authorization ?? ''));
        const ok = req.headers.authorization === `Bearer ${TEST_KEY}`;
        res
          .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify(ok ? { object: 'list', data: [{ id: '@anthropic/claude-sonnet-4-5' }] } : { error: { message: 'Invalid API Key' } }));
      });
    });
    afterAll(() => gateway.close());

    it.runIf(posix)('key-validity sends Authorization: Bearer <the helper’s token>', async () => {
      const h = helper('net', `printf '%s' '{"token":"${TEST_KEY}"}'`);
      const dir3p = writeProfile({
        inferenceProvider: 'gateway',
        inferenceGatewayBaseUrl: gateway.url,
        inferenceGatewayApiKey: 'pk-static-key-the-app-ignores',
        inferenceCredentialHelper: h.file,
      });
      const { byId, run } = await doctor(['--claude-dir', dir3p, '--use-credential-helper', '--only', 'key-validity'], { network: true });
      expect(seen).toContain(`Bearer ${TEST_KEY}`);
      expect(seen).not.toContain('Bearer pk-static-key-the-app-ignores');
      expect(byId.get('key-validity')?.status).toBe('ok');
      expect(run.stdout).not.toContain(TEST_KEY);
    });
  });
});
