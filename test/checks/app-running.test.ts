/** The app-running check alone, on fake process lists: the main process told from its helpers, and what it hands to relaunch-needed. */
import type { ProcessInfo } from '../../src/app/process-info.js';
import appRunning from '../../src/checks/app-running.js';
import { testCheck } from './check-tester.js';

const EXE = '/Applications/Claude.app/Contents/MacOS/Claude';
const HELPER = '/Applications/Claude.app/Contents/Frameworks/Claude Helper (GPU).app/Contents/MacOS/Claude Helper (GPU) --type=gpu-process';
const STARTED = new Date('2026-12-01T09:00:00Z');
const ME = 501;

const main = (pid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  ppid: 1,
  name: 'Claude',
  cmd: EXE,
  uid: ME,
  startTime: STARTED,
  ...extra,
});
const helper = (pid: number, ppid: number): ProcessInfo => ({ pid, ppid, name: 'Claude Helper (GPU)', cmd: HELPER, uid: ME, startTime: STARTED });
const other: ProcessInfo = { pid: 300, ppid: 1, name: 'Finder', cmd: '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder', uid: ME };

testCheck(appRunning, [
  {
    name: 'not running: ok, nothing running handed on',
    os: { processes: [other] },
    expect: { status: 'ok', details: { running: false, helpers: 0, source: 'ps-list' }, data: { main: undefined, startTimeUncertaintyMs: 0 } },
  },
  {
    name: 'running: the main process and its start time, helpers counted',
    os: { processes: [main(100), helper(101, 100), helper(102, 100), other] },
    expect: {
      status: 'ok',
      details: { running: true, helpers: 2, helperPids: [101, 102], main: { pid: 100, name: 'Claude', startTime: STARTED.toISOString() } },
      data: { main: { pid: 100, startTime: STARTED } },
    },
  },
  {
    name: 'only helpers: APP_HELPERS_ONLY, handed on as not running',
    os: { processes: [helper(101, 1), helper(102, 1)] },
    expect: {
      status: 'warn',
      code: 'APP_HELPERS_ONLY',
      details: { running: false, helperPids: [101, 102] },
      data: { main: undefined, startTimeUncertaintyMs: 0 },
    },
  },
  {
    name: 'two copies: APP_MULTIPLE_MAIN, the earliest is the main one',
    os: { processes: [main(200, { startTime: new Date('2026-12-01T10:00:00Z') }), main(100)] },
    expect: {
      status: 'warn',
      code: 'APP_MULTIPLE_MAIN',
      details: { main: { pid: 100 }, otherMain: [{ pid: 200, startTime: '2026-12-01T10:00:00.000Z' }] },
      data: { main: { pid: 100, startTime: STARTED } },
    },
  },
  {
    name: 'the process list cannot be read: APP_PROCESS_LIST_FAILED, nothing handed on',
    os: { processes: Object.assign(new Error('spawn ps ENOENT'), { code: 'ENOENT' }) },
    expect: {
      status: 'skip',
      code: 'APP_PROCESS_LIST_FAILED',
      details: { lookedFor: 'Claude.app/Contents/MacOS/Claude and its Claude Helper processes' },
      data: null,
    },
  },
  {
    name: 'a start time the listing left out is filled in',
    os: { processes: [main(100, { startTime: undefined })], startTimes: { 100: STARTED } },
    expect: { status: 'ok', details: { main: { pid: 100, startTime: STARTED.toISOString() } }, data: { main: { pid: 100, startTime: STARTED } } },
  },
  {
    name: 'filling in start times fails: still ok, the start time unknown',
    os: { processes: [main(100, { startTime: undefined })], startTimes: new Error('ps failed') },
    expect: { status: 'ok', details: { main: { pid: 100, startTime: null } }, data: { main: { pid: 100, startTime: undefined } } },
  },
  {
    name: 'another user’s app does not count (its settings are not this user’s)',
    os: { processes: [main(100, { uid: 502 })] },
    expect: { status: 'ok', details: { running: false, ignoredPids: [100] } },
  },
  {
    name: 'the listing’s uncertainty and notes are reported and handed on',
    os: { processes: { processes: [main(100)], source: 'ps', startTimeUncertaintyMs: 2000, notes: ['ps-list failed (EACCES); used ps directly'] } },
    expect: {
      status: 'ok',
      details: { source: 'ps', startTimeUncertaintyMs: 2000, notes: ['ps-list failed (EACCES); used ps directly'] },
      data: { startTimeUncertaintyMs: 2000 },
    },
  },
  {
    name: 'Windows: every Claude.exe, main told from helpers by --type',
    os: {
      platform: 'win32',
      processes: {
        processes: [
          { pid: 10, ppid: 4, name: 'Claude.exe', cmd: '"C:\\Users\\alex\\AppData\\Local\\AnthropicClaude\\app-1.8089.0\\Claude.exe"', startTime: STARTED },
          {
            pid: 11,
            ppid: 10,
            name: 'Claude.exe',
            cmd: '"C:\\Users\\alex\\AppData\\Local\\AnthropicClaude\\app-1.8089.0\\Claude.exe" --type=renderer',
            startTime: STARTED,
          },
          {
            pid: 12,
            ppid: 10,
            name: 'claude.exe',
            cmd: '"C:\\Users\\alex\\AppData\\Roaming\\Claude\\claude-code\\2.1.3\\claude.exe" --output-format stream-json',
            startTime: STARTED,
          },
        ],
        source: 'powershell',
        startTimeUncertaintyMs: 0,
        notes: [],
      },
    },
    expect: {
      status: 'ok',
      details: { main: { pid: 10 }, build: 'Squirrel install (legacy)', helpers: 1, notApp: [{ pid: 12, name: 'claude.exe' }] },
      data: { main: { pid: 10 } },
    },
  },
  {
    name: 'Windows: only Claude.exe processes whose path is hidden: APP_PROCESS_UNSEEN, not guessed either way',
    os: {
      platform: 'win32',
      processes: {
        processes: [
          { pid: 20, ppid: 4, name: 'Claude.exe', startTime: STARTED },
          { pid: 21, ppid: 20, name: 'Claude.exe', startTime: STARTED },
        ],
        source: 'ps-list (no start times)',
        startTimeUncertaintyMs: 0,
        notes: ['PowerShell failed (timed out after 15000 ms)'],
      },
    },
    expect: {
      status: 'warn',
      code: 'APP_PROCESS_UNSEEN',
      details: { running: false, unseen: { pids: [20, 21] } },
      data: { main: undefined, unseenPids: [20, 21] },
    },
  },
  {
    name: '--app-process names the app; the doctor’s own process is never it',
    env: { PORTKEY_DOCTOR_APP_PROCESS: 'claude-desktop' },
    os: {
      platform: 'linux',
      self: { pid: 4242, uid: ME },
      processes: [
        { pid: 4242, ppid: 1, name: 'node', cmd: 'node portkey-doctor --app-process claude-desktop', uid: ME },
        { pid: 500, ppid: 1, name: 'claude-desktop', cmd: '/usr/bin/claude-desktop', uid: ME, startTime: STARTED },
      ],
    },
    expect: { status: 'ok', details: { lookedFor: 'claude-desktop', main: { pid: 500 } }, data: { main: { pid: 500 } } },
  },
  {
    name: 'Linux, the official build: its main process and --type helpers; Claude Code’s `claude` is not the app',
    os: {
      platform: 'linux',
      processes: [
        { pid: 500, ppid: 1, name: 'claude-desktop', cmd: '/usr/lib/claude-desktop/claude-desktop', uid: ME, startTime: STARTED },
        { pid: 501, ppid: 500, name: 'claude-desktop', cmd: '/usr/lib/claude-desktop/claude-desktop --type=renderer', uid: ME, startTime: STARTED },
        { pid: 600, ppid: 500, name: 'claude', cmd: '/home/alex/.config/Claude/claude-code/2.1.0/claude --json', uid: ME, startTime: STARTED },
        { pid: 700, ppid: 1, name: 'claude', cmd: '/home/alex/.local/bin/claude', uid: ME, startTime: STARTED },
      ],
    },
    expect: { status: 'ok', details: { running: true, main: { pid: 500 }, helpers: 1, helperPids: [501] }, data: { main: { pid: 500, startTime: STARTED } } },
  },
  {
    name: 'Linux, community builds: Electron on claude-desktop-bin’s app.asar is the app',
    os: {
      platform: 'linux',
      processes: [
        { pid: 800, ppid: 1, name: 'electron', cmd: '/usr/bin/electron /usr/lib/claude-desktop-bin/app.asar', uid: ME, startTime: STARTED },
        {
          pid: 801,
          ppid: 800,
          name: 'electron',
          cmd: '/usr/bin/electron /usr/lib/claude-desktop-bin/app.asar --type=gpu-process',
          uid: ME,
          startTime: STARTED,
        },
      ],
    },
    expect: { status: 'ok', details: { running: true, main: { pid: 800 }, helperPids: [801] } },
  },
  {
    name: 'an empty list: not running',
    os: { processes: [] },
    expect: { status: 'ok', details: { running: false } },
  },
]);
