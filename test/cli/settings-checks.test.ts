/**
 * Each settings problem gives its own code on the check concerned, and no other settings
 * check changes: a table of mutations applied to a correct Portkey profile, each run through
 * the built CLI with --json.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, GOOD_PROFILE, parseReport, runCli, TEST_KEY, writeProfile } from './run-cli.js';

const SETTINGS_CHECKS = [
  'claude-settings',
  'unknown-keys',
  'inference-mode',
  'base-url',
  'auth-scheme',
  'credentials',
  'api-key',
  'extra-headers',
  'metadata-header',
  'models',
];

type Profile = Record<string, unknown>;
interface Case {
  name: string;
  mutate: (p: Profile) => void;
  check: string;
  status: 'warn' | 'fail' | 'ok';
  code?: string;
  policy?: Record<string, unknown>;
  /** Checks that depend on the one concerned and so may change with it. */
  alsoChanges?: string[];
}

const set = (key: string, value: unknown) => (p: Profile) => {
  p[key] = value;
};
const del = (key: string) => (p: Profile) => {
  delete p[key];
};
const metadata = (value: string) => set('inferenceCustomHeaders', { 'x-portkey-metadata': value });

const CASES: Case[] = [
  { name: 'provider missing', mutate: del('inferenceProvider'), check: 'inference-mode', status: 'fail', code: 'PROVIDER_MISSING' },
  {
    name: 'provider bedrock',
    mutate: set('inferenceProvider', 'bedrock'),
    check: 'inference-mode',
    status: 'fail',
    code: 'PROVIDER_NOT_GATEWAY',
    // The gateway credential rules do not apply to another provider.
    alsoChanges: ['credentials', 'api-key'],
  },
  { name: 'provider wrong type', mutate: set('inferenceProvider', 5), check: 'inference-mode', status: 'fail', code: 'PROVIDER_WRONG_TYPE' },

  { name: 'base URL missing', mutate: del('inferenceGatewayBaseUrl'), check: 'base-url', status: 'fail', code: 'BASE_URL_MISSING' },
  { name: 'base URL a number', mutate: set('inferenceGatewayBaseUrl', 42), check: 'base-url', status: 'fail', code: 'BASE_URL_WRONG_TYPE' },
  {
    name: 'base URL plain http',
    mutate: set('inferenceGatewayBaseUrl', 'http://api.portkey.ai'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_NOT_HTTPS',
  },
  { name: 'base URL http on loopback is fine', mutate: set('inferenceGatewayBaseUrl', 'http://127.0.0.1:8787'), check: 'base-url', status: 'ok' },
  {
    name: 'base URL trailing slash',
    mutate: set('inferenceGatewayBaseUrl', 'https://api.portkey.ai/'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_TRAILING_SLASH',
  },
  {
    name: 'base URL with /v1',
    mutate: set('inferenceGatewayBaseUrl', 'https://api.portkey.ai/v1'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_ENDS_V1',
  },
  {
    name: 'self-hosted base URL with /v1',
    mutate: set('inferenceGatewayBaseUrl', 'https://gw.example.com/portkey/v1'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_ENDS_V1',
  },
  {
    name: 'SaaS base URL with a path',
    mutate: set('inferenceGatewayBaseUrl', 'https://api.portkey.ai/gateway'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_HAS_PATH',
  },
  {
    name: 'base URL is the dashboard',
    mutate: set('inferenceGatewayBaseUrl', 'https://app.portkey.ai'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_DASHBOARD',
  },
  {
    name: 'base URL with a leading space',
    mutate: set('inferenceGatewayBaseUrl', ' https://api.portkey.ai'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_WHITESPACE',
  },
  {
    name: 'base URL with a zero-width space',
    mutate: set('inferenceGatewayBaseUrl', 'https://api.portkey.ai\u200b'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_INVISIBLE_CHAR',
  },
  { name: 'base URL without scheme', mutate: set('inferenceGatewayBaseUrl', 'api.portkey.ai'), check: 'base-url', status: 'fail', code: 'BASE_URL_INVALID' },
  {
    name: 'base URL with credentials',
    mutate: set('inferenceGatewayBaseUrl', 'https://user:pw@api.portkey.ai'),
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_CREDENTIALS',
  },
  {
    name: 'base URL not allowed by policy',
    mutate: set('inferenceGatewayBaseUrl', 'https://gw.example.com'),
    policy: { gateway: { allowedBaseUrls: ['https://api.portkey.ai'] } },
    check: 'base-url',
    status: 'fail',
    code: 'BASE_URL_NOT_ALLOWED',
  },

  {
    name: 'auth scheme x-api-key',
    mutate: set('inferenceGatewayAuthScheme', 'x-api-key'),
    check: 'auth-scheme',
    status: 'fail',
    code: 'AUTH_SCHEME_X_API_KEY',
  },
  { name: 'auth scheme unknown', mutate: set('inferenceGatewayAuthScheme', 'basic'), check: 'auth-scheme', status: 'fail', code: 'AUTH_SCHEME_UNKNOWN' },
  { name: 'auth scheme sso', mutate: set('inferenceGatewayAuthScheme', 'sso'), check: 'auth-scheme', status: 'warn', code: 'AUTH_SCHEME_NOT_BEARER' },
  { name: 'auth scheme wrong type', mutate: set('inferenceGatewayAuthScheme', true), check: 'auth-scheme', status: 'fail', code: 'AUTH_SCHEME_WRONG_TYPE' },
  { name: 'auth scheme unset defaults to bearer', mutate: del('inferenceGatewayAuthScheme'), check: 'auth-scheme', status: 'ok' },

  {
    name: 'key absent, no helper, no SSO',
    mutate: del('inferenceGatewayApiKey'),
    check: 'credentials',
    status: 'fail',
    code: 'CREDENTIALS_NONE',
    alsoChanges: ['api-key'],
  },
  { name: 'key empty', mutate: set('inferenceGatewayApiKey', ''), check: 'api-key', status: 'fail', code: 'API_KEY_EMPTY' },
  { name: 'key wrong type', mutate: set('inferenceGatewayApiKey', 12345), check: 'api-key', status: 'fail', code: 'API_KEY_WRONG_TYPE' },
  {
    name: 'key with Bearer prefix',
    mutate: set('inferenceGatewayApiKey', `Bearer ${TEST_KEY}`),
    check: 'api-key',
    status: 'fail',
    code: 'API_KEY_BEARER_PREFIX',
  },
  { name: 'key in quotes', mutate: set('inferenceGatewayApiKey', `"${TEST_KEY}"`), check: 'api-key', status: 'fail', code: 'API_KEY_QUOTED' },
  { name: 'key with a newline', mutate: set('inferenceGatewayApiKey', `${TEST_KEY}\n`), check: 'api-key', status: 'fail', code: 'API_KEY_WHITESPACE' },
  {
    name: 'key with a zero-width space',
    mutate: set('inferenceGatewayApiKey', `${TEST_KEY}\u200b`),
    check: 'api-key',
    status: 'fail',
    code: 'API_KEY_INVISIBLE_CHAR',
  },
  {
    name: 'Anthropic key',
    mutate: set('inferenceGatewayApiKey', 'sk-ant-api03-Qm9vQm9vQm9vQm9vQm9vQm9vQm9v'),
    check: 'api-key',
    status: 'fail',
    code: 'API_KEY_ANTHROPIC',
  },
  {
    name: 'OpenAI key',
    mutate: set('inferenceGatewayApiKey', 'sk-proj-Qm9vQm9vQm9vQm9vQm9vQm9vQm9v'),
    check: 'api-key',
    status: 'fail',
    code: 'API_KEY_OPENAI',
  },

  {
    name: 'headers string not JSON',
    mutate: set('inferenceCustomHeaders', '{"x-portkey-metadata": '),
    check: 'extra-headers',
    status: 'fail',
    code: 'HEADERS_INVALID_JSON',
    alsoChanges: ['metadata-header'],
  },
  {
    name: 'headers a number',
    mutate: set('inferenceCustomHeaders', 42),
    check: 'extra-headers',
    status: 'fail',
    code: 'HEADERS_WRONG_TYPE',
    alsoChanges: ['metadata-header'],
  },
  {
    name: 'header value an object',
    mutate: set('inferenceCustomHeaders', { 'x-portkey-metadata': { team: 'eng' } }),
    check: 'extra-headers',
    status: 'fail',
    code: 'HEADERS_VALUE_NOT_STRING',
    alsoChanges: ['metadata-header'],
  },
  {
    name: 'legacy header entry without colon',
    mutate: (p) => {
      delete p.inferenceCustomHeaders;
      p.inferenceGatewayHeaders = ['x-portkey-metadata'];
    },
    check: 'extra-headers',
    status: 'fail',
    code: 'HEADERS_ENTRY_MALFORMED',
    alsoChanges: ['metadata-header'],
  },
  {
    name: 'header with a bad name',
    mutate: set('inferenceCustomHeaders', { 'x portkey metadata': '{}' }),
    check: 'extra-headers',
    status: 'fail',
    code: 'HEADERS_BAD_NAME',
    alsoChanges: ['metadata-header'],
  },
  { name: 'header value with a line break', mutate: metadata('{"team":\n"eng"}'), check: 'extra-headers', status: 'fail', code: 'HEADERS_BAD_VALUE' },
  {
    name: 'credential in extra headers',
    mutate: set('inferenceCustomHeaders', { 'x-portkey-metadata': '{"team":"eng"}', 'x-portkey-api-key': TEST_KEY }),
    check: 'extra-headers',
    status: 'warn',
    code: 'HEADERS_CREDENTIAL',
  },
  {
    name: 'both header keys',
    mutate: set('inferenceGatewayHeaders', ['x-portkey-trace-id: abc']),
    check: 'extra-headers',
    status: 'warn',
    code: 'HEADERS_BOTH_KEYS',
  },
  {
    name: 'legacy header form only is fine',
    mutate: (p) => {
      delete p.inferenceCustomHeaders;
      p.inferenceGatewayHeaders = ['x-portkey-metadata: {"team":"eng"}'];
    },
    check: 'extra-headers',
    status: 'ok',
  },

  { name: 'metadata trailing comma', mutate: metadata('{"team":"eng",}'), check: 'metadata-header', status: 'fail', code: 'METADATA_INVALID_JSON' },
  { name: 'metadata single quotes', mutate: metadata("{'team':'eng'}"), check: 'metadata-header', status: 'fail', code: 'METADATA_INVALID_JSON' },
  { name: 'metadata typographic quotes', mutate: metadata('{“team”:“eng”}'), check: 'metadata-header', status: 'fail', code: 'METADATA_INVALID_JSON' },
  { name: 'metadata an array', mutate: metadata('["team"]'), check: 'metadata-header', status: 'fail', code: 'METADATA_NOT_OBJECT' },
  { name: 'metadata number value', mutate: metadata('{"count":3}'), check: 'metadata-header', status: 'fail', code: 'METADATA_VALUE_NOT_STRING' },
  {
    name: 'metadata value too long',
    mutate: metadata(JSON.stringify({ note: 'x'.repeat(129) })),
    check: 'metadata-header',
    status: 'fail',
    code: 'METADATA_VALUE_TOO_LONG',
  },
  {
    name: 'metadata key differs in case from policy',
    mutate: metadata('{"Tenant":"acme"}'),
    policy: { metadata: { requiredKeys: ['tenant'] } },
    check: 'metadata-header',
    status: 'fail',
    code: 'METADATA_KEY_CASE',
  },
  {
    name: 'metadata misses a required key',
    mutate: metadata('{"tenant":"acme"}'),
    policy: { metadata: { requiredKeys: ['tenant', 'team'] } },
    check: 'metadata-header',
    status: 'fail',
    code: 'METADATA_REQUIRED_MISSING',
  },
  {
    name: 'metadata value not allowed',
    mutate: metadata('{"env":"staging"}'),
    policy: { metadata: { allowedValues: { env: ['prod', 'dev'] } } },
    check: 'metadata-header',
    status: 'fail',
    code: 'METADATA_VALUE_NOT_ALLOWED',
  },
  {
    name: 'metadata required but not set',
    mutate: del('inferenceCustomHeaders'),
    policy: { metadata: { requiredKeys: ['team'] } },
    check: 'metadata-header',
    status: 'fail',
    code: 'METADATA_REQUIRED_NOT_SET',
  },

  { name: 'models string not JSON', mutate: set('inferenceModels', '[claude'), check: 'models', status: 'fail', code: 'MODELS_INVALID_JSON' },
  { name: 'models an object', mutate: set('inferenceModels', { name: 'x' }), check: 'models', status: 'fail', code: 'MODELS_WRONG_TYPE' },
  { name: 'models empty', mutate: set('inferenceModels', []), check: 'models', status: 'warn', code: 'MODELS_EMPTY' },
  {
    name: 'models entry invalid',
    mutate: set('inferenceModels', ['claude-sonnet-4-5', { supports1m: true }]),
    check: 'models',
    status: 'fail',
    code: 'MODELS_ENTRY_INVALID',
  },
  { name: 'models duplicate', mutate: set('inferenceModels', ['claude-a', 'claude-a']), check: 'models', status: 'warn', code: 'MODELS_DUPLICATE' },
  { name: 'models unset is fine', mutate: del('inferenceModels'), check: 'models', status: 'ok' },
];

function writePolicy(policy: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pkd-policy-'));
  const file = join(dir, 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

async function settingsResults(profile: Profile, policy?: Record<string, unknown>) {
  const dir = writeProfile(profile);
  const args = ['--json', '--claude-dir', dir, ...(policy ? ['--policy', writePolicy(policy)] : ['--no-policy'])];
  const run = await runCli(args);
  const report = parseReport(run);
  return { run, report, byId: new Map(report.checks.map((c) => [c.id, c])) };
}

describe('settings checks through the CLI', () => {
  it('a correct Portkey setup gives every settings check ok', async () => {
    const { run, byId } = await settingsResults(structuredClone(GOOD_PROFILE));
    for (const id of SETTINGS_CHECKS) expect([id, byId.get(id)?.status]).toEqual([id, 'ok']);
    expect(run.stderr).toBe('');
  });

  it.each(CASES)('$name → $check $status $code', async (c) => {
    const profile = structuredClone(GOOD_PROFILE) as Profile;
    c.mutate(profile);
    const { byId } = await settingsResults(profile, c.policy);
    const result = byId.get(c.check)!;
    expect({ status: result.status, code: result.code }).toEqual({ status: c.status, code: c.code });
    for (const id of SETTINGS_CHECKS) {
      if (id === c.check || c.alsoChanges?.includes(id)) continue;
      expect([id, byId.get(id)?.status]).toEqual([id, 'ok']);
    }
  });

  it('reports a trailing comma in metadata at its exact line and column', async () => {
    const profile = structuredClone(GOOD_PROFILE) as Profile;
    metadata('{\n  "team": "eng",\n  "env": "prod",\n}')(profile);
    const { byId } = await settingsResults(profile);
    const result = byId.get('metadata-header')!;
    expect(result.code).toBe('METADATA_INVALID_JSON');
    // The error is the closing brace after the trailing comma: line 4, column 1.
    expect(result.details).toMatchObject({ line: 4, column: 1 });
  });

  it('a first-party deployment mode fails inference-mode', async () => {
    const dir = writeProfile(structuredClone(GOOD_PROFILE));
    writeFileSync(join(dir, 'claude_desktop_config.json'), JSON.stringify({ deploymentMode: '1p' }));
    const report = parseReport(await runCli(['--json', '--no-policy', '--claude-dir', dir]));
    expect(report.checks.find((c) => c.id === 'inference-mode')).toMatchObject({ status: 'fail', code: 'MODE_NOT_3P' });
  });
});

/**
 * Issue 11: where the settings are and the managed sources, through the built CLI. A valid layout
 * raises no settings failure; a broken one fails claude-settings with its own code.
 */
describe('where the settings are, and managed sources (issue 11)', () => {
  const managedFixture = (name: string) => join(FIXTURES, 'managed', name);
  const noSettingsFailure = (byId: Map<string, { status: string; code?: string }>) => {
    for (const id of SETTINGS_CHECKS) expect([id, byId.get(id)?.status]).not.toEqual([id, 'fail']);
  };
  async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const report = parseReport(await runCli(['--json', '--no-policy', ...args], env));
    return { report, byId: new Map(report.checks.map((c) => [c.id, c])) };
  }

  it('the Linux managed file with string-encoded values (--managed FILE.json): in force, no settings failure', async () => {
    const { report, byId } = await run(['--managed', managedFixture('linux-managed-strings.json')]);
    expect(report.settings.inForce?.kind).toBe('managed-file');
    expect(byId.get('claude-settings')).toMatchObject({ status: 'ok', details: { source: 'managed-file' } });
    noSettingsFailure(byId);
  });

  it('the Linux managed file in native JSON: in force, no settings failure', async () => {
    const { report, byId } = await run(['--managed', managedFixture('linux-managed.json')]);
    expect(report.settings.inForce?.kind).toBe('managed-file');
    expect(byId.get('claude-settings')?.status).toBe('ok');
    noSettingsFailure(byId);
  });

  it('an unrecognised key in the managed file: SETTINGS_MANAGED_UNKNOWN_KEY', async () => {
    const { byId } = await run(['--managed', managedFixture('linux-managed-unknown-key.json')]);
    expect(byId.get('claude-settings')).toMatchObject({ status: 'fail', code: 'SETTINGS_MANAGED_UNKNOWN_KEY' });
  });

  it.each(['linux-managed-app-behaviour.json', 'managed-app-behaviour-only.plist'])(
    'a managed source with only app-behaviour keys (%s): the local profile stays in force',
    async (file) => {
      const { report, byId } = await run(['--managed', managedFixture(file), '--claude-dir', writeProfile(structuredClone(GOOD_PROFILE))]);
      expect(report.settings.inForce?.kind).toBe('profile');
      expect(byId.get('claude-settings')).toMatchObject({ status: 'ok', details: { source: 'profile' } });
      noSettingsFailure(byId);
    },
  );

  it('native plist values (<array>, <dict>, <false/>, <integer>): read as JSON, no settings failure', async () => {
    const { byId } = await run(['--managed', managedFixture('managed-native-types.plist')]);
    expect(byId.get('claude-settings')).toMatchObject({ status: 'ok', details: { source: 'managed-plist' } });
    noSettingsFailure(byId);
  });

  it('CLAUDE_USER_DATA_DIR: the library is read there, as is, and the report says so', async () => {
    const data = writeProfile(structuredClone(GOOD_PROFILE));
    const { report, byId } = await run([], { CLAUDE_USER_DATA_DIR: data });
    expect(report.settings.inForce?.location).toBe(join(data, 'configLibrary', '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10.json'));
    expect(byId.get('claude-settings')).toMatchObject({ status: 'ok', details: { userDataDir: data } });
    noSettingsFailure(byId);
  });

  it('a library only under the first-party Claude folder: SETTINGS_LIBRARY_IN_1P_FOLDER', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pkd-home-'));
    cpSync(writeProfile(structuredClone(GOOD_PROFILE)), join(home, '.config', 'Claude'), { recursive: true });
    const { byId } = await run([], { HOME: home });
    expect(byId.get('claude-settings')).toMatchObject({ status: 'fail', code: 'SETTINGS_LIBRARY_IN_1P_FOLDER' });
  });

  it('an upper-case appliedId: SETTINGS_APPLIED_ID_UPPERCASE (a warning), the settings still checked', async () => {
    const { byId } = await run(['--claude-dir', join(FIXTURES, 'claude-3p', 'uppercase-applied-id')]);
    expect(byId.get('claude-settings')).toMatchObject({ status: 'warn', code: 'SETTINGS_APPLIED_ID_UPPERCASE' });
    noSettingsFailure(byId);
  });
});
