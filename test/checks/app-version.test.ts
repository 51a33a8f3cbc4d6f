/**
 * The app-version check alone: the version in use — the running app's, from the start its log
 * recorded, else the installed one (handed on by app-installed) — against the settings the app is
 * given; an installed update not yet running.
 */
import { expect } from 'vitest';
import { localTime } from '../../src/app/format.js';
import appInstalled from '../../src/checks/app-installed.js';
import appRunning from '../../src/checks/app-running.js';
import appVersion from '../../src/checks/app-version.js';
import type { AppLogTail } from '../../src/contract/io.js';
import { given, testCheck } from './check-tester.js';

const installed = (version?: string) =>
  given(appInstalled, { install: { path: '/Applications/Claude.app', kind: 'mac-bundle', ...(version !== undefined ? { version } : {}) } });

const STARTED = new Date('2026-12-01T09:00:00Z');
/** app-running handed on a main process started at STARTED (whole seconds, as ps). */
const running = given(appRunning, { main: { pid: 100, startTime: STARTED }, startTimeUncertaintyMs: 2000 });
const notRunning = given(appRunning, { main: undefined, startTimeUncertaintyMs: 2000 });
/** A main.log whose starts are at these offsets (ms) from STARTED with these versions, in local time as the app writes it. */
const logWith = (...starts: [number, string][]): AppLogTail => ({
  status: 'found',
  path: '/home/alex/.config/Claude-3p/logs/main.log',
  folder: 'third-party',
  lines: starts.flatMap(([offset, version]) => [
    `${localTime(STARTED.getTime() + offset)} [info] Starting app {`,
    `  appVersion: '${version}',`,
    '  isPackaged: true,',
    '}',
    `${localTime(STARTED.getTime() + offset + 1000)}  [info] [custom-3p] 3P mode active { provider: 'gateway' }`,
  ]),
  truncated: false,
  searched: [],
});

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
    name: 'running 2.110.0 (logged at its start), 2.2553.1 on disk: APP_UPDATE_NOT_RELAUNCHED; the running version is the one judged',
    settings: FULL,
    upstream: [installed('2.2553.1'), running],
    appLog: logWith([-86_400_000, '1.52386.3'], [3_000, '2.110.0']),
    expect: {
      status: 'warn',
      code: 'APP_UPDATE_NOT_RELAUNCHED',
      more: [],
      details: { version: '2.110.0', versionFrom: 'running app (its log)', running: '2.110.0', onDisk: '2.2553.1' },
    },
  },
  {
    name: 'the running app is too old, its update already on disk: the relaunch first, the too-old finding after it',
    settings: { ...BASE, ...HEADERS },
    upstream: [installed('1.8089.0.0'), running],
    appLog: logWith([1_000, '1.5000.0']),
    expect: { status: 'fail', code: 'APP_TOO_OLD_CUSTOM_HEADERS', more: ['APP_UPDATE_NOT_RELAUNCHED'], details: { version: '1.5000.0', onDisk: '1.8089.0.0' } },
  },
  {
    name: 'running the version on disk (four-part on disk, three-part logged): ok',
    settings: FULL,
    upstream: [installed('2.2553.1.0'), running],
    appLog: logWith([2_000, '2.2553.1']),
    expect: { status: 'ok', details: { version: '2.2553.1', versionFrom: 'running app (its log)' } },
  },
  {
    name: '2.x compares as a number: 2.9.0 running is older than 2.10.0 on disk',
    settings: FULL,
    upstream: [installed('2.10.0'), running],
    appLog: logWith([0, '2.9.0']),
    expect: { status: 'warn', code: 'APP_UPDATE_NOT_RELAUNCHED' },
  },
  {
    name: 'the log’s latest start is before the running process began (an earlier run’s): not taken, the version on disk is judged',
    settings: FULL,
    upstream: [installed('2.2553.1'), running],
    appLog: logWith([-3_600_000, '2.110.0']),
    expect: { status: 'ok', details: { version: '2.2553.1', versionFrom: 'disk', runningVersionNote: expect.stringMatching(/earlier run/) } },
  },
  {
    name: 'the log’s latest start is long after the running process began (not its own): not taken',
    settings: FULL,
    upstream: [installed('2.2553.1'), running],
    appLog: logWith([3_600_000, '2.110.0']),
    expect: { status: 'ok', details: { version: '2.2553.1', versionFrom: 'disk' } },
  },
  {
    name: 'the app not running: the version on disk, whatever the log says of an earlier run',
    settings: FULL,
    upstream: [installed('2.2553.1'), notRunning],
    appLog: logWith([0, '2.110.0']),
    expect: { status: 'ok', details: { version: '2.2553.1', versionFrom: 'disk', onDisk: '2.2553.1' } },
  },
  {
    name: 'running, no log found: the version on disk, and why the running one is unknown',
    settings: FULL,
    upstream: [installed('2.2553.1'), running],
    expect: { status: 'ok', details: { version: '2.2553.1', versionFrom: 'disk', runningVersionNote: 'the app’s log was not found' } },
  },
  {
    name: 'running, a version-less start entry: not taken',
    settings: FULL,
    upstream: [installed('2.2553.1'), running],
    appLog: {
      status: 'found',
      path: '/x/main.log',
      folder: 'third-party',
      lines: [`${localTime(STARTED)} [info] Starting app { isPackaged: true }`],
      truncated: false,
      searched: [],
    },
    expect: { status: 'ok', details: { versionFrom: 'disk', runningVersionNote: 'the app’s log holds no start with a version' } },
  },
  {
    name: 'no settings in use: ok, nothing to compare',
    settings: null,
    upstream: [installed('0.1.0')],
    expect: { status: 'ok', details: { settingsInUse: [], requirements: {}, noKnownMinimum: [] } },
  },
]);
