/** The relaunch-needed check alone: the main process's start (handed on by app-running) against the settings files' times. */
import appRunning from '../../src/checks/app-running.js';
import relaunchNeeded from '../../src/checks/relaunch-needed.js';
import type { SettingsSource } from '../../src/config/settings.js';
import { given, testCheck } from './check-tester.js';

const SETTINGS = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' };
const DIR = '/fake/Claude-3p/configLibrary';
const PROFILE = `${DIR}/0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10.json`;
const META = `${DIR}/_meta.json`;
const LEGACY = '/fake/Claude-3p/claude_desktop_config.json';
const at = (iso: string) => Date.parse(iso);

/** app-running handed on a main process started at `iso` (undefined: start unknown). */
const runningSince = (iso: string | undefined, startTimeUncertaintyMs = 2000) =>
  given(appRunning, { main: { pid: 100, ...(iso !== undefined ? { startTime: new Date(iso) } : {}) }, startTimeUncertaintyMs });
/** The profile in force, made of these files. */
const files = (...list: [string, string][]) => ({ files: list.map(([path, iso]) => ({ path, mtimeMs: at(iso) })) });
const legacy: SettingsSource = {
  kind: 'legacy',
  location: LEGACY,
  managed: false,
  bom: false,
  deploymentMode: '3p',
  files: [{ path: LEGACY, mtimeMs: at('2026-12-01T11:00:00Z') }],
};

testCheck(relaunchNeeded, [
  {
    name: 'started before the settings changed: RELAUNCH_NEEDED, naming the newest file',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T10:00:00Z'], [META, '2026-12-01T09:00:00Z']),
    upstream: [runningSince('2026-12-01T09:30:00Z')],
    expect: {
      status: 'warn',
      code: 'RELAUNCH_NEEDED',
      details: {
        pid: 100,
        startedAt: '2026-12-01T09:30:00.000Z',
        settingsChangedAt: '2026-12-01T10:00:00.000Z',
        newestFile: PROFILE,
        files: [
          { path: PROFILE, modifiedAt: '2026-12-01T10:00:00.000Z' },
          { path: META, modifiedAt: '2026-12-01T09:00:00.000Z' },
        ],
        startTimeUncertaintyMs: 2000,
      },
    },
  },
  {
    name: 'started after the last change: ok',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T10:00:00Z']),
    upstream: [runningSince('2026-12-01T10:05:00Z')],
    expect: { status: 'ok', details: { newestFile: PROFILE, settingsChangedAt: '2026-12-01T10:00:00.000Z' } },
  },
  {
    name: 'a change within the start time’s uncertainty is not a relaunch (the app writes while starting)',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T10:00:01.500Z']),
    upstream: [runningSince('2026-12-01T10:00:00Z', 2000)],
    expect: { status: 'ok' },
  },
  {
    name: 'just past the uncertainty: RELAUNCH_NEEDED',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T10:00:02Z']),
    upstream: [runningSince('2026-12-01T10:00:00Z', 2000)],
    expect: { status: 'warn', code: 'RELAUNCH_NEEDED' },
  },
  {
    name: 'exact start times still allow a second for the app’s own writes',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T10:00:00.900Z']),
    upstream: [runningSince('2026-12-01T10:00:00Z', 0)],
    expect: { status: 'ok', details: { startTimeUncertaintyMs: 0 } },
  },
  {
    name: 'the legacy file counts too, even when a profile is in force',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T09:00:00Z']),
    discovery: { sources: [legacy] },
    upstream: [runningSince('2026-12-01T10:00:00Z')],
    expect: { status: 'warn', code: 'RELAUNCH_NEEDED', details: { newestFile: LEGACY } },
  },
  {
    name: 'one file listed twice is compared once',
    settings: SETTINGS,
    source: files([PROFILE, '2026-12-01T09:00:00Z'], [PROFILE, '2026-12-01T09:00:00Z']),
    upstream: [runningSince('2026-12-01T10:00:00Z')],
    expect: { status: 'ok', details: { files: [{ path: PROFILE, modifiedAt: '2026-12-01T09:00:00.000Z' }] } },
  },
  {
    name: 'the app is not running: ok',
    settings: SETTINGS,
    upstream: [given(appRunning, { main: undefined, startTimeUncertaintyMs: 2000 })],
    expect: { status: 'ok' },
  },
  { name: 'app-running handed nothing on: treated as not running', settings: SETTINGS, expect: { status: 'ok' } },
  {
    name: 'no app process seen, but processes that may be it could not be looked at: RELAUNCH_START_UNKNOWN, not "not running"',
    settings: SETTINGS,
    upstream: [given(appRunning, { main: undefined, startTimeUncertaintyMs: 0, unseenPids: [20, 21] })],
    expect: { status: 'skip', code: 'RELAUNCH_START_UNKNOWN', details: { unseenPids: [20, 21] } },
  },
  {
    name: 'start time unknown: RELAUNCH_START_UNKNOWN',
    settings: SETTINGS,
    upstream: [runningSince(undefined)],
    expect: { status: 'skip', code: 'RELAUNCH_START_UNKNOWN', details: { pid: 100 } },
  },
  {
    name: 'no settings files in force (gateway given by flags): ok',
    settings: null,
    upstream: [runningSince('2026-12-01T10:00:00Z')],
    expect: { status: 'ok' },
  },
  {
    name: 'a registry policy has no file times: RELAUNCH_NO_FILE_TIMES',
    settings: SETTINGS,
    source: { kind: 'managed-registry', location: 'HKLM\\SOFTWARE\\Policies\\Claude', managed: true, files: [] },
    upstream: [runningSince('2026-12-01T10:00:00Z')],
    expect: { status: 'skip', code: 'RELAUNCH_NO_FILE_TIMES', details: { source: 'HKLM\\SOFTWARE\\Policies\\Claude' } },
  },
]);
