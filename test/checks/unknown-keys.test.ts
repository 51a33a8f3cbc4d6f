/**
 * The unknown-keys check alone: every key the app ignores is named; near misses get "did you
 * mean", failing when they leave a required setting unset; nested settings are named as such;
 * official non-gateway keys and older names are not flagged. Names only, never values.
 */
import unknownKeys from '../../src/checks/unknown-keys.js';
import { runCheck, testCheck } from './check-tester.js';
import { describe, expect, it } from 'vitest';

const GOOD = {
  inferenceProvider: 'gateway',
  inferenceGatewayBaseUrl: 'https://api.portkey.ai',
  inferenceGatewayApiKey: 'pk-test-0123456789',
};
/** The settings' values and the key names discovery lists for them (here: the same object). */
const entry = (obj: Record<string, unknown>, nestedKeys: Record<string, string[]> = {}) => ({
  settings: obj,
  source: { keys: Object.keys(obj), nestedKeys },
});

testCheck(unknownKeys, [
  { name: 'no settings (probing from flags): ok', settings: null, expect: { status: 'ok' } },
  { name: 'only known keys: ok', ...entry(GOOD), expect: { status: 'ok', details: { keys: 3 } } },
  {
    name: 'official non-gateway keys are not flagged',
    ...entry({
      ...GOOD,
      deploymentOrganizationUuid: 'b1f4…',
      disableDeploymentModeChooser: true,
      coworkEgressAllowedHosts: ['*'],
      managedMcpServers: [],
      otlpEndpoint: 'https://otel.example',
      egressProxyUrl: 'http://proxy:3128',
      inferenceBedrockRegion: 'us-east-1',
      inferenceCredentialKind: 'static',
    }),
    expect: { status: 'ok' },
  },
  {
    name: 'an older name the app still reads is listed, not flagged',
    ...entry({ ...GOOD, inferenceGatewayHeaders: ['x-a: 1'] }),
    expect: { status: 'ok', details: { renamed: [{ name: 'inferenceGatewayHeaders', renamedTo: 'inferenceCustomHeaders' }] } },
  },
  {
    name: 'inferenceGatewayBaseURL without inferenceGatewayBaseUrl: KEYS_NEAR_MISS_REQUIRED',
    ...entry({ inferenceProvider: 'gateway', inferenceGatewayBaseURL: 'https://api.portkey.ai', inferenceGatewayApiKey: 'pk-x' }),
    expect: {
      status: 'fail',
      code: 'KEYS_NEAR_MISS_REQUIRED',
      more: [],
      details: { nearMisses: [{ name: 'inferenceGatewayBaseURL', meant: 'inferenceGatewayBaseUrl', leavesRequiredUnset: true }] },
    },
  },
  {
    name: 'a misspelt provider: KEYS_NEAR_MISS_REQUIRED',
    ...entry({ inferenceProvidr: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceGatewayApiKey: 'pk-x' }),
    expect: { status: 'fail', code: 'KEYS_NEAR_MISS_REQUIRED' },
  },
  {
    name: 'a misspelt key with no other credential: KEYS_NEAR_MISS_REQUIRED',
    ...entry({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceGatewayApikey: 'pk-x' }),
    expect: { status: 'fail', code: 'KEYS_NEAR_MISS_REQUIRED' },
  },
  {
    name: 'a misspelt key beside a credential helper: a warning',
    ...entry({
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: 'https://api.portkey.ai',
      inferenceCredentialHelper: '/usr/local/bin/h',
      inferenceGatewayApikey: 'pk-x',
    }),
    expect: { status: 'warn', code: 'KEYS_NEAR_MISS', more: [] },
  },
  {
    name: 'a near miss of an optional key: KEYS_NEAR_MISS warns',
    ...entry({ ...GOOD, inferenceModel: ['claude-sonnet-4-5'] }),
    expect: { status: 'warn', code: 'KEYS_NEAR_MISS', more: [], details: { nearMisses: [{ name: 'inferenceModel', meant: 'inferenceModels' }] } },
  },
  {
    name: 'a near miss beside the right spelling: a warning',
    ...entry({ ...GOOD, inferenceGatewayBaseURL: 'https://other.example' }),
    expect: { status: 'warn', code: 'KEYS_NEAR_MISS' },
  },
  {
    name: 'an unknown key: KEYS_UNKNOWN names it',
    ...entry({ ...GOOD, somethingElseEntirely: 1 }),
    expect: { status: 'warn', code: 'KEYS_UNKNOWN', more: [], details: { unknown: ['somethingElseEntirely'] } },
  },
  {
    name: 'tool markers: KEYS_TOOL_MARKER, each',
    ...entry({ ...GOOD, ccds_managed: true, claudepot_managed: true }),
    expect: { status: 'warn', code: 'KEYS_TOOL_MARKER', more: ['KEYS_TOOL_MARKER'], details: { markers: ['ccds_managed', 'claudepot_managed'] } },
  },
  {
    name: 'settings nested under "keys": KEYS_NESTED, the container not also unknown',
    ...entry({ keys: {}, ccds_managed: true }, { keys: ['inferenceProvider', 'inferenceGatewayBaseUrl', 'inferenceGatewayApiKey'] }),
    expect: {
      status: 'fail',
      code: 'KEYS_NESTED',
      more: ['KEYS_TOOL_MARKER'],
      details: { nested: { kind: 'wrapper', container: 'keys', keys: ['inferenceProvider', 'inferenceGatewayBaseUrl', 'inferenceGatewayApiKey'] } },
    },
  },
  {
    name: 'the nested $schemaVersion 2 document: KEYS_SCHEMA_V2_DOCUMENT',
    ...entry({ $schemaVersion: 2, inference: {} }, { inference: ['provider', 'gatewayBaseUrl'] }),
    expect: { status: 'fail', code: 'KEYS_SCHEMA_V2_DOCUMENT', more: [], details: { nested: { kind: 'schema-v2', container: 'inference' } } },
  },
  {
    name: 'an object beside complete top-level settings is just an unknown key',
    ...entry({ ...GOOD, extra: {} }, { extra: ['inferenceProvider'] }),
    expect: { status: 'warn', code: 'KEYS_UNKNOWN', details: { unknown: ['extra'] } },
  },
  {
    name: 'several at once: the failure first, every key named',
    ...entry({ inferenceProvider: 'gateway', inferenceGatewayBaseURL: 'x', inferenceGatewayApiKey: 'k', fooBar: 1, ccds_managed: 1, inferenceModel: [] }),
    expect: { status: 'fail', code: 'KEYS_NEAR_MISS_REQUIRED', more: ['KEYS_NEAR_MISS', 'KEYS_UNKNOWN', 'KEYS_TOOL_MARKER'] },
  },
  {
    name: 'registry names are case-insensitive: a case difference is the key itself',
    ...entry({ InferenceProvider: 'gateway', INFERENCEGATEWAYBASEURL: 'https://api.portkey.ai', inferenceGatewayApiKey: 'k' }),
    source: { kind: 'managed-registry', managed: true, keys: ['InferenceProvider', 'INFERENCEGATEWAYBASEURL', 'inferenceGatewayApiKey'] },
    expect: { status: 'ok' },
  },
  {
    name: 'without a key list from discovery, the values’ keys are judged',
    settings: { ...GOOD, inferenceGatewayBaseURL: 'x' },
    expect: { status: 'warn', code: 'KEYS_NEAR_MISS' },
  },
]);

describe('unknown-keys: facts beyond codes', () => {
  it('names at most 20 keys in findings, counts the rest, never quotes a value', async () => {
    const many: Record<string, unknown> = { ...GOOD };
    for (let i = 0; i < 30; i++) many[`zzUnknown${i}`] = `secret-value-${i}`;
    const { result } = await runCheck(unknownKeys, { name: 'many', ...entry(many), expect: { status: 'warn' } });
    expect((result.moreFindings ?? []).length).toBe(19);
    expect(result.details?.['notListed']).toBe(10);
    expect(JSON.stringify(result)).not.toContain('secret-value');
  });
});
