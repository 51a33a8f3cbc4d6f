/** The app-version check alone: the installed version (handed on by app-installed) against the settings the app is given. */
import appInstalled from '../../src/checks/app-installed.js';
import appVersion from '../../src/checks/app-version.js';
import { given, testCheck } from './check-tester.js';

const installed = (version?: string) =>
  given(appInstalled, { install: { path: '/Applications/Claude.app', kind: 'mac-bundle', ...(version !== undefined ? { version } : {}) } });

const BASE = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceGatewayApiKey: 'pk-test-key' };
const HEADERS = { inferenceCustomHeaders: { 'x-portkey-metadata': '{"team":"eng"}' } };
const FULL = { ...BASE, ...HEADERS, inferenceGatewayAuthScheme: 'bearer', inferenceModels: ['claude-sonnet-4-5'] };

testCheck(appVersion, [
  {
    name: 'current app: supports the auth scheme and inferenceCustomHeaders',
    settings: FULL,
    upstream: [installed('1.8089.0')],
    expect: {
      status: 'ok',
      details: {
        version: '1.8089.0',
        settingsInUse: ['inferenceProvider', 'inferenceGatewayAuthScheme', 'inferenceCustomHeaders', 'inferenceModels'],
        requirements: { inferenceGatewayAuthScheme: '1.3036.0', inferenceCustomHeaders: '1.8089.0' },
        noKnownMinimum: ['inferenceProvider', 'inferenceModels'],
      },
    },
  },
  {
    name: 'older than 1.8089.0 with inferenceCustomHeaders only: APP_TOO_OLD_CUSTOM_HEADERS fails',
    settings: { ...BASE, ...HEADERS },
    upstream: [installed('1.5000.0')],
    expect: { status: 'fail', code: 'APP_TOO_OLD_CUSTOM_HEADERS', more: [], details: { version: '1.5000.0' } },
  },
  {
    name: 'old app, but the older header list is set too: APP_TOO_OLD_CUSTOM_HEADERS only warns',
    settings: { ...BASE, ...HEADERS, inferenceGatewayHeaders: ['x-portkey-metadata: {"team":"eng"}'] },
    upstream: [installed('1.5000.0')],
    expect: { status: 'warn', code: 'APP_TOO_OLD_CUSTOM_HEADERS', details: { noKnownMinimum: ['inferenceProvider', 'inferenceGatewayHeaders'] } },
  },
  {
    name: 'older than 1.3036.0 with a non-default auth scheme: APP_TOO_OLD_AUTH_SCHEME',
    settings: { ...BASE, inferenceGatewayAuthScheme: 'sso' },
    upstream: [installed('1.2000.0')],
    expect: { status: 'warn', code: 'APP_TOO_OLD_AUTH_SCHEME', more: [] },
  },
  {
    name: 'older than 1.3036.0 with the bearer scheme: harmless, ok',
    settings: { ...BASE, inferenceGatewayAuthScheme: ' Bearer ' },
    upstream: [installed('1.2000.0')],
    expect: { status: 'ok' },
  },
  {
    name: 'too old for both: the headers are primary, the auth scheme is listed too',
    settings: { ...BASE, ...HEADERS, inferenceGatewayAuthScheme: 'sso' },
    upstream: [installed('1.2000.0')],
    expect: { status: 'fail', code: 'APP_TOO_OLD_CUSTOM_HEADERS', more: ['APP_TOO_OLD_AUTH_SCHEME'] },
  },
  {
    name: 'too old for both, with the header fallback: two warnings, the headers first',
    settings: { ...BASE, ...HEADERS, inferenceGatewayHeaders: ['x-a: 1'], inferenceGatewayAuthScheme: 'sso' },
    upstream: [installed('1.2000.0')],
    expect: { status: 'warn', code: 'APP_TOO_OLD_CUSTOM_HEADERS', more: ['APP_TOO_OLD_AUTH_SCHEME'] },
  },
  {
    name: 'a scheme given by a flag is not one the app uses: ok',
    settings: BASE,
    overrides: { authScheme: 'sso' },
    upstream: [installed('1.2000.0')],
    expect: { status: 'ok', details: { settingsInUse: ['inferenceProvider'], requirements: {} } },
  },
  {
    name: 'a scheme given by the environment is not one the app uses: ok',
    settings: BASE,
    env: { PORTKEY_DOCTOR_AUTH_SCHEME: 'sso' },
    upstream: [installed('1.2000.0')],
    expect: { status: 'ok' },
  },
  {
    name: 'version not read: APP_VERSION_UNKNOWN with the table of minimums',
    settings: FULL,
    upstream: [installed()],
    expect: {
      status: 'warn',
      code: 'APP_VERSION_UNKNOWN',
      details: { version: null, table: ['inferenceGatewayAuthScheme ≥ 1.3036.0', 'inferenceCustomHeaders ≥ 1.8089.0'] },
    },
  },
  {
    name: 'a version that is not a number: APP_VERSION_UNKNOWN',
    settings: FULL,
    upstream: [installed('nightly')],
    expect: { status: 'warn', code: 'APP_VERSION_UNKNOWN', details: { version: 'nightly' } },
  },
  {
    name: 'app-installed handed nothing on (not found): APP_VERSION_UNKNOWN',
    settings: FULL,
    expect: { status: 'warn', code: 'APP_VERSION_UNKNOWN', details: { version: null } },
  },
  {
    name: 'no settings in use: ok, nothing to compare',
    settings: null,
    upstream: [installed('0.1.0')],
    expect: { status: 'ok', details: { settingsInUse: [], requirements: {}, noKnownMinimum: [] } },
  },
]);
