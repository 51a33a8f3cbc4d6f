/** The inference-mode check alone: third-party mode, and the gateway as provider. */
import inferenceMode from '../../src/checks/inference-mode.js';
import { testCheck } from './check-tester.js';

const GOOD = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' };

testCheck(inferenceMode, [
  { name: 'provider "gateway", no deploymentMode', settings: GOOD, expect: { status: 'ok', details: { deploymentMode: null, origin: 'profile' }, data: null } },
  { name: 'deploymentMode "3p"', settings: GOOD, discovery: { deploymentMode: '3p' }, expect: { status: 'ok', details: { deploymentMode: '3p' } } },
  { name: 'the provider is compared trimmed', settings: { ...GOOD, inferenceProvider: ' gateway ' }, expect: { status: 'ok' } },
  {
    name: 'the provider given by a flag',
    settings: { inferenceGatewayBaseUrl: 'https://api.portkey.ai' },
    overrides: { provider: 'gateway' },
    expect: { status: 'ok', details: { origin: 'flag' } },
  },
  {
    name: 'provider missing: PROVIDER_MISSING',
    settings: { inferenceGatewayBaseUrl: 'https://api.portkey.ai' },
    expect: { status: 'fail', code: 'PROVIDER_MISSING', more: [] },
  },
  {
    name: 'provider misspelt: PROVIDER_MISSING, explained',
    settings: { inferenceProvidr: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' },
    expect: { status: 'fail', code: 'PROVIDER_MISSING', more: [] },
  },
  {
    name: 'settings nested under "keys": PROVIDER_NOT_TOP_LEVEL, not "not set"',
    settings: {},
    source: { keys: ['keys'], nestedKeys: { keys: ['inferenceProvider', 'inferenceGatewayBaseUrl'] } },
    expect: { status: 'skip', code: 'PROVIDER_NOT_TOP_LEVEL' },
  },
  {
    name: 'the nested $schemaVersion document: PROVIDER_NOT_TOP_LEVEL',
    settings: {},
    source: { keys: ['$schemaVersion', 'inference'], nestedKeys: { inference: ['provider'] } },
    expect: { status: 'skip', code: 'PROVIDER_NOT_TOP_LEVEL' },
  },
  {
    name: 'provider bedrock: PROVIDER_NOT_GATEWAY',
    settings: { ...GOOD, inferenceProvider: 'bedrock' },
    expect: { status: 'fail', code: 'PROVIDER_NOT_GATEWAY', details: { provider: 'bedrock' } },
  },
  {
    name: '"Gateway" is not "gateway": PROVIDER_NOT_GATEWAY',
    settings: { ...GOOD, inferenceProvider: 'Gateway' },
    expect: { status: 'fail', code: 'PROVIDER_NOT_GATEWAY' },
  },
  { name: 'provider a number: PROVIDER_WRONG_TYPE', settings: { ...GOOD, inferenceProvider: 5 }, expect: { status: 'fail', code: 'PROVIDER_WRONG_TYPE' } },
  {
    name: 'provider an array: PROVIDER_WRONG_TYPE',
    settings: { ...GOOD, inferenceProvider: ['gateway'] },
    expect: { status: 'fail', code: 'PROVIDER_WRONG_TYPE' },
  },
  {
    name: 'first-party mode: MODE_NOT_3P',
    settings: GOOD,
    discovery: { deploymentMode: '1p' },
    expect: { status: 'fail', code: 'MODE_NOT_3P', more: [], details: { deploymentMode: '1p' } },
  },
  { name: 'first-party mode, written loosely', settings: GOOD, discovery: { deploymentMode: ' 1P ' }, expect: { status: 'fail', code: 'MODE_NOT_3P' } },
  {
    name: 'first-party mode and another provider: both, the mode first',
    settings: { ...GOOD, inferenceProvider: 'vertex' },
    discovery: { deploymentMode: '1p' },
    expect: { status: 'fail', code: 'MODE_NOT_3P', more: ['PROVIDER_NOT_GATEWAY'], details: { deploymentMode: '1p' } },
  },
  {
    name: 'first-party mode and no provider: both',
    settings: { inferenceGatewayBaseUrl: 'https://api.portkey.ai' },
    discovery: { deploymentMode: '1p' },
    expect: { status: 'fail', code: 'MODE_NOT_3P', more: ['PROVIDER_MISSING'] },
  },
  {
    name: 'no settings (probing from flags): SETTINGS_FROM_FLAGS',
    settings: null,
    overrides: { baseUrl: 'https://api.portkey.ai' },
    expect: { status: 'skip', code: 'SETTINGS_FROM_FLAGS' },
  },
]);
