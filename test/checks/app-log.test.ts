/**
 * The app-log check alone, on the log fixtures (test/fixtures/app-log/): each known line gives
 * its own code and quotes the line; lines older than the app's start do not count; multi-line
 * entries, second copies of the app, binary junk and secrets are handled.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import appLog from '../../src/checks/app-log.js';
import appRunning from '../../src/checks/app-running.js';
import type { AppLogTail } from '../../src/contract/io.js';
import { Secret } from '../../src/core/secret.js';
import { given, runCheck, testCheck } from './check-tester.js';

const DIR = fileURLToPath(new URL('../fixtures/app-log/', import.meta.url));
const PATH = '/home/alex/.config/Claude-3p/logs/main.log';

/** The tail the real reader gives for a fixture: lines split as it splits them. */
function fixture(name: string, extra: Partial<Extract<AppLogTail, { status: 'found' }>> = {}): AppLogTail {
  return { status: 'found', path: PATH, folder: 'third-party', lines: readLines(name), truncated: false, searched: [PATH], ...extra };
}

function readLines(name: string): string[] {
  const lines = readFileSync(`${DIR}${name}`, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The app running since `local` (the log's times are local). */
const runningSince = (y: number, mo: number, d: number, h: number, mi: number, s = 0) =>
  given(appRunning, { main: { pid: 100, startTime: new Date(y, mo - 1, d, h, mi, s) }, startTimeUncertaintyMs: 0 });
const notRunning = given(appRunning, { main: undefined, startTimeUncertaintyMs: 0 });

testCheck(appLog, [
  {
    name: 'no log anywhere: APP_LOG_NOT_FOUND, saying where it looked',
    appLog: { status: 'missing', searched: [PATH, '/home/alex/.config/Claude/logs/main.log'] },
    expect: { status: 'skip', code: 'APP_LOG_NOT_FOUND', details: { searched: [PATH, '/home/alex/.config/Claude/logs/main.log'] } },
  },
  {
    name: 'a log that cannot be read: APP_LOG_UNREADABLE',
    appLog: { status: 'unreadable', path: PATH, reason: 'EACCES', searched: [PATH] },
    expect: { status: 'skip', code: 'APP_LOG_UNREADABLE', details: { path: PATH, reason: 'EACCES' } },
  },
  {
    name: 'the healthy line: ok, third-party mode active, the app version from its start',
    appLog: fixture('healthy.log'),
    upstream: [notRunning],
    expect: {
      status: 'ok',
      details: { path: PATH, appVersion: '1.52386.6', lastStart: '2026-12-01 09:00:00', known: [{ kind: 'healthy', subject: 'gateway' }] },
    },
  },
  {
    name: 'a non-Anthropic model: APP_LOG_MODELS_REJECTED, naming the model and quoting the line with its time',
    appLog: fixture('models-rejected.log'),
    expect: {
      status: 'fail',
      code: 'APP_LOG_MODELS_REJECTED',
      more: [],
      details: { known: [{ kind: 'models-rejected', subject: 'openai/gpt-5.5', time: '2026-12-01 09:00:01' }] },
    },
  },
  {
    name: 'another reason the configuration is invalid: APP_LOG_CONFIG_INVALID',
    appLog: fixture('config-invalid.log'),
    expect: { status: 'fail', code: 'APP_LOG_CONFIG_INVALID', details: { known: [{ kind: 'config-invalid', subject: 'baseUrl' }] } },
  },
  {
    name: 'degraded third-party mode: APP_LOG_DEGRADED',
    appLog: fixture('degraded.log'),
    expect: { status: 'fail', code: 'APP_LOG_DEGRADED', more: [] },
  },
  {
    name: 'no credential for the gateway: APP_LOG_NO_CREDENTIAL',
    appLog: fixture('no-credential.log'),
    expect: { status: 'fail', code: 'APP_LOG_NO_CREDENTIAL', details: { known: [{ kind: 'no-credential', subject: 'gateway' }] } },
  },
  {
    name: 'local keys ignored: APP_LOG_KEY_IGNORED twice, each key named, a warning',
    appLog: fixture('key-ignored.log'),
    expect: {
      status: 'warn',
      code: 'APP_LOG_KEY_IGNORED',
      more: ['APP_LOG_KEY_IGNORED'],
      details: { known: [{ subject: 'inferenceGatewayBaseURL' }, { subject: 'models' }] },
    },
  },
  {
    name: 'an unrecognised managed key: APP_LOG_MANAGED_KEY_UNRECOGNIZED',
    appLog: fixture('managed-key-unrecognized.log'),
    expect: { status: 'fail', code: 'APP_LOG_MANAGED_KEY_UNRECOGNIZED', details: { known: [{ subject: 'inferenceGatewayBaseURL' }] } },
  },
  {
    name: 'the configuration could not be parsed: APP_LOG_CONFIG_PARSE_FAILED',
    appLog: fixture('config-parse-failed.log'),
    expect: { status: 'fail', code: 'APP_LOG_CONFIG_PARSE_FAILED' },
  },
  {
    name: 'credentials could not be read (baseUrl: Required): APP_LOG_CREDENTIALS_READ_FAILED',
    appLog: fixture('credentials-read-failed.log'),
    expect: { status: 'fail', code: 'APP_LOG_CREDENTIALS_READ_FAILED', details: { known: [{ subject: 'baseUrl' }] } },
  },
  {
    name: 'SSO discovery failed: APP_LOG_SSO_DISCOVERY_FAILED',
    appLog: fixture('sso-discovery.log'),
    expect: { status: 'fail', code: 'APP_LOG_SSO_DISCOVERY_FAILED', details: { known: [{ subject: 'device_authorization_endpoint' }] } },
  },
  {
    name: 'the credential helper failed: APP_LOG_HELPER_FAILED first, then degraded',
    appLog: fixture('helper-failed.log'),
    expect: { status: 'fail', code: 'APP_LOG_HELPER_FAILED', more: ['APP_LOG_DEGRADED'], details: { known: [{ subject: '1' }, { kind: 'degraded' }] } },
  },
  {
    name: 'several lines: several findings, in the order to fix them; a line written twice is counted',
    appLog: fixture('several.log'),
    expect: {
      status: 'fail',
      code: 'APP_LOG_CREDENTIALS_READ_FAILED',
      more: ['APP_LOG_DEGRADED', 'APP_LOG_KEY_IGNORED'],
      details: { known: [{ kind: 'credentials-read-failed', count: 2 }, { kind: 'degraded' }, { kind: 'key-ignored' }] },
    },
  },
  {
    name: 'problems logged before the app’s last start are ignored',
    appLog: fixture('older-than-start.log'),
    upstream: [notRunning],
    expect: { status: 'ok', details: { lastStart: '2026-12-01 09:00:00', ignoredBeforeStart: 3, known: [{ kind: 'healthy' }] } },
  },
  {
    name: 'no start in the tail: lines older than the running app’s start are ignored',
    appLog: fixture('models-rejected.log', { lines: readLines('models-rejected.log').slice(1) }),
    upstream: [runningSince(2026, 12, 1, 9, 0, 30)],
    expect: { status: 'skip', code: 'APP_LOG_OUTDATED', details: { ignoredOlderThanApp: 2 } },
  },
  {
    name: 'the running app started after the log’s last start (its own start not logged here): APP_LOG_OUTDATED',
    appLog: fixture('older-than-start.log'),
    upstream: [runningSince(2026, 12, 1, 10, 0)],
    expect: { status: 'skip', code: 'APP_LOG_OUTDATED' },
  },
  {
    name: 'the running app’s start agrees with the log’s (same second): its lines count',
    appLog: fixture('models-rejected.log'),
    upstream: [runningSince(2026, 12, 1, 9, 0, 0)],
    expect: { status: 'fail', code: 'APP_LOG_MODELS_REJECTED', details: { appStartedAt: new Date(2026, 11, 1, 9, 0, 0).toISOString() } },
  },
  {
    name: 'a second copy that quit at once is not the app’s start: the first start’s lines still count',
    appLog: fixture('second-instance.log'),
    expect: { status: 'fail', code: 'APP_LOG_NO_CREDENTIAL', details: { lastStart: '2026-12-01 09:00:00', secondInstances: 1, appVersion: '1.52386.6' } },
  },
  {
    name: 'multi-line entries: the object lines belong to their entry, the model named across lines',
    appLog: fixture('multi-line.log'),
    expect: {
      status: 'fail',
      code: 'APP_LOG_MODELS_REJECTED',
      more: [],
      details: {
        appVersion: '1.52386.6',
        known: [
          { kind: 'models-rejected', subject: 'openai/gpt-5.5' },
          { kind: 'healthy', subject: 'gateway' },
        ],
      },
    },
  },
  {
    name: 'binary junk around known lines: the lines are still found, the junk ignored',
    appLog: fixture('binary.log'),
    expect: { status: 'fail', code: 'APP_LOG_MODELS_REJECTED', more: ['APP_LOG_DEGRADED'] },
  },
  {
    name: 'the settings changed after the app started: what it said is about the old settings, a warning',
    appLog: fixture('models-rejected.log'),
    source: { files: [{ path: '/fake/Claude-3p/configLibrary/x.json', mtimeMs: new Date(2026, 11, 1, 10, 0, 0).getTime() }] },
    expect: { status: 'warn', code: 'APP_LOG_MODELS_REJECTED', details: { settingsChangedAt: new Date(2026, 11, 1, 10, 0, 0).toISOString() } },
  },
  {
    name: 'the first-party log (the app did not start in third-party mode) is read the same way',
    appLog: fixture('models-rejected.log', { path: '/home/alex/.config/Claude/logs/main.log', folder: 'first-party' }),
    expect: { status: 'fail', code: 'APP_LOG_MODELS_REJECTED', details: { folder: 'first-party' } },
  },
  // The third-party lines captured on real machines (FIELD-NOTES §8; test/fixtures/app-log/README.md).
  {
    name: 'helper failure as captured: running helper, exit code 1, ConfigHealth provider_error — one finding, the rest evidence',
    appLog: fixture('helper-provider-error.log'),
    expect: {
      status: 'fail',
      code: 'APP_LOG_HELPER_FAILED',
      more: [],
      details: {
        appVersion: '2.110.0',
        known: [{ kind: 'helper-failed', subject: '1' }],
        evidence: [
          { kind: 'config-health', subject: 'provider_error' },
          { kind: 'credentials-loaded', subject: 'gateway' },
          { kind: 'helper-running', subject: '/usr/local/bin/portkey-key' },
        ],
      },
    },
  },
  {
    name: 'ConfigHealth provider_error with no other line explaining it: APP_LOG_CONFIG_HEALTH_ERROR',
    appLog: fixture('config-health.log'),
    expect: {
      status: 'fail',
      code: 'APP_LOG_CONFIG_HEALTH_ERROR',
      more: [],
      details: { known: [{ kind: 'config-health', subject: 'provider_error' }], evidence: [{ kind: 'credentials-loaded' }] },
    },
  },
  {
    name: 'ConfigHealth recomputed later to a state that is no error: the latest state counts, evidence only',
    appLog: {
      status: 'found',
      path: PATH,
      folder: 'third-party',
      lines: [
        "2026-12-01 09:00:00 [info] Starting app { appVersion: '2.110.0' }",
        "2026-12-01 09:00:02 [info] [custom-3p] ConfigHealth recomputed { state: 'provider_error', provider: 'gateway' }",
        // A later state (its word is not captured; any state that is not an error word).
        "2026-12-01 09:01:00 [info] [custom-3p] ConfigHealth recomputed { state: 'ready', provider: 'gateway' }",
      ],
      truncated: false,
      searched: [PATH],
    },
    expect: { status: 'ok', details: { known: [], evidence: [{ kind: 'config-health', subject: 'ready' }] } },
  },
  {
    name: 'model picker empty (discovery skipped, picker = 0): APP_LOG_MODEL_PICKER_EMPTY, a warning; apiHost and credentials as evidence',
    appLog: fixture('picker-empty.log'),
    expect: {
      status: 'warn',
      code: 'APP_LOG_MODEL_PICKER_EMPTY',
      more: [],
      details: {
        appVersion: '2.2553.1',
        known: [{ kind: 'model-discovery', subject: '0' }],
        evidence: [
          { kind: 'credentials-loaded', subject: 'gateway' },
          { kind: 'api-host', subject: 'http://127.0.0.1:11436' },
        ],
      },
    },
  },
  {
    name: 'the apiHost the app logged is the settings’ gateway: said in the details',
    appLog: fixture('picker-empty.log'),
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:11436/v1' },
    expect: { status: 'warn', code: 'APP_LOG_MODEL_PICKER_EMPTY', details: { apiHostMatchesSettings: true } },
  },
  {
    name: 'the apiHost the app logged is another gateway than the settings’: said in the details (evidence, not a finding)',
    appLog: fixture('picker-empty.log'),
    settings: { inferenceGatewayBaseUrl: 'https://api.portkey.ai' },
    expect: { status: 'warn', code: 'APP_LOG_MODEL_PICKER_EMPTY', more: [], details: { apiHostMatchesSettings: false } },
  },
  {
    name: 'a picker with models, apiHost, credentials loaded: evidence only (healthy)',
    appLog: fixture('healthy.log'),
    expect: {
      status: 'ok',
      details: {
        known: [{ kind: 'healthy' }],
        evidence: [
          { kind: 'model-discovery', subject: '2' },
          { kind: 'credentials-loaded', subject: 'gateway' },
          { kind: 'api-host', subject: 'https://api.portkey.ai' },
        ],
      },
    },
  },
  {
    name: 'the https-only base URL as captured: APP_LOG_CONFIG_INVALID naming baseUrl',
    appLog: fixture('config-invalid.log'),
    expect: { status: 'fail', code: 'APP_LOG_CONFIG_INVALID', more: [], details: { known: [{ kind: 'config-invalid', subject: 'baseUrl' }] } },
  },
  {
    name: 'a helper that cannot be started (inline arguments in its path: ENOENT): APP_LOG_HELPER_FAILED',
    appLog: fixture('helper-spawn-failed.log'),
    expect: { status: 'fail', code: 'APP_LOG_HELPER_FAILED', more: [], details: { known: [{ kind: 'helper-failed', subject: 'ENOENT' }] } },
  },
  {
    name: 'every captured third-party line in one session: each a finding or evidence',
    appLog: fixture('field-lines.log'),
    expect: {
      status: 'fail',
      code: 'APP_LOG_CONFIG_INVALID',
      more: ['APP_LOG_HELPER_FAILED', 'APP_LOG_KEY_IGNORED', 'APP_LOG_MODEL_PICKER_EMPTY'],
      details: {
        appVersion: '2.110.0',
        known: [
          { kind: 'config-invalid', subject: 'baseUrl' },
          { kind: 'helper-failed', subject: '1' },
          { kind: 'key-ignored', subject: 'models' },
          { kind: 'model-discovery', subject: '0' },
        ],
        evidence: [
          { kind: 'config-health', subject: 'provider_error' },
          { kind: 'credentials-loaded', subject: 'gateway' },
          { kind: 'helper-running', subject: '/usr/local/bin/portkey-key' },
          { kind: 'api-host', subject: 'http://127.0.0.1:11436' },
        ],
      },
    },
  },
  {
    name: 'other logs found and logs that could not be read are named in the details',
    appLog: fixture('healthy.log', {
      modifiedAt: new Date(2026, 11, 1, 9, 0, 2),
      others: [{ path: '/home/alex/.config/Claude/logs/main.log', folder: 'first-party', modifiedAt: new Date(2026, 10, 1) }],
      unreadable: [{ path: '/home/alex/data/logs/main.log', reason: 'EACCES' }],
    }),
    expect: {
      status: 'ok',
      details: {
        modifiedAt: new Date(2026, 11, 1, 9, 0, 2).toISOString(),
        otherLogs: [{ path: '/home/alex/.config/Claude/logs/main.log', folder: 'first-party', modifiedAt: new Date(2026, 10, 1).toISOString() }],
        unreadableLogs: [{ path: '/home/alex/data/logs/main.log', reason: 'EACCES' }],
      },
    },
  },
  {
    name: 'a log with nothing known: ok',
    appLog: {
      status: 'found',
      path: PATH,
      folder: 'third-party',
      lines: ['2026-12-01 09:00:00 [info] [growthbook] loaded'],
      truncated: true,
      searched: [PATH],
    },
    expect: { status: 'ok', details: { entriesSinceStart: 1, truncated: true, known: [] } },
  },
]);

describe('app-log quotes', () => {
  it('each finding quotes the line with its time: "the app itself reported"', async () => {
    const { result } = await runCheck(appLog, { name: 'quote', appLog: fixture('models-rejected.log'), expect: { status: 'fail' } });
    expect(result.summary).toContain('the app itself reported at 2026-12-01 09:00:01');
    expect(result.summary).toContain('configured model "openai/gpt-5.5" is not an Anthropic model');
  });

  it('no secret of the log reaches the result: known keys, URL passwords, bearer tokens, key-shaped values', async () => {
    const known = new Secret('pk-LogSecret-Mv3Nb8Qc1Xz5');
    const { result } = await runCheck(appLog, { name: 'secrets', appLog: fixture('secrets.log'), expect: { status: 'fail' } });
    const out = JSON.stringify(result);
    for (const s of [known.reveal(), 'hunter2-Secret', 'sk-ant-api03-Xq7LmN2pQ9rS4tU6vW8yZ0aB', 'Zk4Jm9Pq2Lx7Wn5Rt8Yv3Bc6', 'alex:hunter2']) {
      expect(out).not.toContain(s);
    }
    expect(out).toContain('gw.example.test');
    expect(result.code).toBe('APP_LOG_CONFIG_INVALID');
  });

  it('the https-only line gets a precise fix; other invalid settings keep the code’s', async () => {
    const { result } = await runCheck(appLog, { name: 'https', appLog: fixture('config-invalid.log'), expect: { status: 'fail' } });
    expect(result.fix).toContain('https://');
    expect(result.fix).not.toBe(appLog.codes.APP_LOG_CONFIG_INVALID.fix);
  });

  it('a helper that cannot be started: the fix says the path must be a bare executable', async () => {
    const { result } = await runCheck(appLog, { name: 'enoent', appLog: fixture('helper-spawn-failed.log'), expect: { status: 'fail' } });
    expect(result.fix).not.toBe(appLog.codes.APP_LOG_HELPER_FAILED.fix);
  });

  it('helper paths, arguments and addresses from the log: no secret reaches the result', async () => {
    const { result } = await runCheck(appLog, {
      name: 'helper secrets',
      appLog: fixture('helper-secrets.log'),
      expect: { status: 'fail', code: 'APP_LOG_HELPER_FAILED' },
    });
    const out = JSON.stringify(result);
    for (const s of ['pk-HelperSecret-Qw8Er4Ty2Ui6', 'Hv7Kp2Mx9Qz4Lw6Nb3Rt8Yc', 'hunter2-Secret', 'Pz5Lq8Wm3Xn7Kc2Vb9Rj4Ty6', 'alex:']) {
      expect(out).not.toContain(s);
    }
    expect(result.details).toMatchObject({ evidence: [{ kind: 'helper-running' }, { kind: 'api-host', subject: 'https://gw.example.test' }] });
    expect(out).toContain('/opt/keys/get-key');
  });

  it('quotes are bounded and free of control characters', async () => {
    const long = `2026-12-01 09:00:01 [error] Invalid custom3p enterprise config: inferenceModels: configured model "${'x'.repeat(5000)}\u001b[2J\u0007" is not an Anthropic model`;
    const { result } = await runCheck(appLog, {
      name: 'long',
      appLog: { status: 'found', path: PATH, folder: 'third-party', lines: [long], truncated: false, searched: [PATH] },
      expect: { status: 'fail' },
    });
    expect(result.summary.length).toBeLessThan(1_000);
    expect(JSON.stringify(result)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]|\\u001b|\\u0007/);
  });
});
