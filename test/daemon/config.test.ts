/** Daemon flags, the policy's `daemon` section, defaults per OS, the splay. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/config/policy.js';
import { loadPolicy, type PolicyLoad } from '../../src/config/policy-load.js';
import { scheduleIntervalMs, scheduleProblem } from '../../src/config/schedule.js';
import { defaultStateDir, parseDaemonArgs, resolveDaemonConfig, splitDaemonArgs } from '../../src/daemon/config.js';
import { defaultSplayMs, machineFraction } from '../../src/daemon/schedule.js';
import { startDelayMs } from '../../src/daemon.js';
import { UsageError } from '../../src/core/usage-error.js';
import { spawnDaemon } from './support/daemon.js';

describe('daemon flags', () => {
  it('splits daemon-only flags from the doctor flags, both forms', () => {
    expect(splitDaemonArgs(['--schedule', '* * * * *', '--no-policy', '--splay=3', '--timeout', '5', '--console'])).toEqual({
      daemonArgs: ['--schedule', '* * * * *', '--splay=3', '--console'],
      doctorArgs: ['--no-policy', '--timeout', '5'],
    });
  });

  it('parses every daemon flag', () => {
    const { daemon, doctor } = parseDaemonArgs([
      '--schedule',
      '*/10 * * * * *',
      '--splay',
      '2.5',
      '--raise-after',
      '3',
      '--clear-after',
      '4',
      '--heartbeat',
      '0.5',
      '--state-dir',
      '/tmp/s',
      '--json-file',
      '/tmp/s/status.json',
      '--history-max',
      '50',
      '--syslog',
      'udp://127.0.0.1:514',
      '--syslog',
      'unix:///dev/log',
      '--syslog-facility',
      'local3',
      '--app-name',
      'pkd',
      '--log-level',
      'debug',
      '--max-runs',
      '7',
      '--console',
      '--no-policy',
      '--timeout',
      '9',
    ]);
    expect(daemon).toEqual({
      schedule: '*/10 * * * * *',
      splaySeconds: 2.5,
      raiseAfter: 3,
      clearAfter: 4,
      heartbeatMinutes: 0.5,
      stateDir: '/tmp/s',
      jsonFile: '/tmp/s/status.json',
      historyMax: 50,
      syslog: ['udp://127.0.0.1:514', 'unix:///dev/log'],
      syslogFacility: 'local3',
      appName: 'pkd',
      logLevel: 'debug',
      maxRuns: 7,
      console: true,
    });
    expect(doctor).toMatchObject({ noPolicy: true, timeoutMs: 9000 });
  });

  it.each([
    [['--schedule', 'every minute']],
    [['--schedule', '* * *']],
    [['--schedule', '61 * * * *']],
    [['--splay', '-1']],
    [['--raise-after', '0']],
    [['--clear-after', '1.5']],
    [['--heartbeat', 'soon']],
    [['--syslog', 'http://x']],
    [['--syslog', 'tcp://']],
    [['--syslog', 'unix:relative']],
    [['--syslog-facility', 'local9']],
    [['--app-name', 'has space']],
    [['--app-name', 'x'.repeat(49)]],
    [['--log-level', 'loud']],
    [['--max-runs', '0']],
    [['--json']],
    [['--live']],
    [['--bogus']],
    [['--state-dir', '']],
  ])('rejects %j with a UsageError', (args) => {
    expect(() => parseDaemonArgs(args)).toThrow(UsageError);
  });

  it('bad flags exit 2 with one line and no stack, before anything starts', async () => {
    const d = spawnDaemon(['--schedule', 'nope']);
    const exit = await d.exited;
    expect(exit.code).toBe(2);
    expect(d.stderr()).toMatch(/^portkey-doctor: --schedule "nope"/);
    expect(d.stderr()).not.toMatch(/\n\s+at /);
  });
});

/** Loads a policy file holding `daemon`, as every command does. */
async function loadDaemonSection(daemon: unknown): Promise<PolicyLoad> {
  const file = join(mkdtempSync(join(tmpdir(), 'pkd-policy-')), 'policy.json');
  writeFileSync(file, `${JSON.stringify({ daemon }, null, 2)}\n`);
  return loadPolicy(file, { required: true });
}

describe('policy daemon section', () => {
  it('accepts the documented keys (the schedule trimmed)', async () => {
    const loaded = await loadDaemonSection({
      schedule: ' */15 * * * * ',
      splaySeconds: 30,
      raiseAfter: 3,
      clearAfter: 2,
      heartbeatMinutes: 120,
      historyMax: 500,
      console: false,
      jsonFile: '~/pkd/status.json',
      syslog: ['udp://10.0.0.1:514'],
      syslogFacility: 'local0',
      appName: 'pkd',
      logLevel: 'warn',
    });
    expect('policy' in loaded && loaded.policy?.daemon).toMatchObject({ schedule: '*/15 * * * *', syslog: ['udp://10.0.0.1:514'] });
  });

  // One place validates the section (the policy loader): the schema's rules and the ones it cannot say.
  it.each([
    [{ raiseAfter: 0 }, '/daemon/raiseAfter'],
    [{ schedule: 'x' }, '/daemon/schedule'],
    [{ schedule: '61 * * * *' }, '/daemon/schedule'],
    [{ schedule: '   ' }, '/daemon/schedule'],
    [{ unknown: 1 }, '/daemon/unknown'],
    [{ syslog: 5 }, '/daemon/syslog'],
    [{ syslog: 'tcp://' }, '/daemon/syslog'],
    [{ syslog: ['udp://10.0.0.1', 'udp://h:1/path'] }, '/daemon/syslog/1'],
    [{ console: 'yes' }, '/daemon/console'],
    [{ jsonFile: 'relative/status.json' }, '/daemon/jsonFile'],
    [{ appName: 'has space' }, '/daemon/appName'],
    [[], '/daemon'],
  ])('rejects %j naming the place', async (raw, pointer) => {
    const loaded = await loadDaemonSection(raw);
    expect('error' in loaded && loaded.error).toMatchObject({ pointer, line: expect.any(Number) });
  });

  it('flags win over the policy, the policy over the defaults', () => {
    const policy: Policy = {
      source: '/etc/p.json',
      daemon: { schedule: '*/15 * * * *', raiseAfter: 5, jsonFile: '~/x/status.json', syslog: 'udp://10.0.0.1' },
    };
    const { daemon, doctor } = parseDaemonArgs(['--raise-after', '3']);
    const cfg = resolveDaemonConfig({ flags: daemon, doctor, policy, env: {}, platform: 'linux', home: '/home/u', machineFraction: 0.5 });
    expect(cfg).toMatchObject({
      schedule: '*/15 * * * *',
      raiseAfter: 3,
      clearAfter: 2,
      jsonFile: '/home/u/x/status.json',
      console: false,
      facility: 'user',
      appName: 'portkey-doctor',
    });
    expect(cfg.syslog).toEqual([expect.objectContaining({ transport: 'udp', host: '10.0.0.1', port: 514 })]);
  });

  it('console is the default reporter when no other is configured', () => {
    const { daemon, doctor } = parseDaemonArgs([]);
    const cfg = resolveDaemonConfig({ flags: daemon, doctor, policy: undefined, env: {}, platform: 'linux', home: '/home/u', machineFraction: 0 });
    expect(cfg).toMatchObject({
      console: true,
      schedule: '*/5 * * * *',
      heartbeatMs: 3_600_000,
      stateDir: '/home/u/.local/state/portkey-doctor',
      logLevel: 'info',
    });
  });
});

describe('defaults per OS', () => {
  it('state folder', () => {
    expect(defaultStateDir('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/portkey-doctor');
    expect(defaultStateDir('linux', {}, '/home/u')).toBe('/home/u/.local/state/portkey-doctor');
    expect(defaultStateDir('linux', { XDG_STATE_HOME: '/xdg' }, '/home/u')).toBe('/xdg/portkey-doctor');
    expect(defaultStateDir('linux', { XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/portkey-doctor');
    expect(defaultStateDir('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\portkey-doctor');
  });
});

describe('schedule and splay', () => {
  it('knows the interval of a schedule', () => {
    expect(scheduleIntervalMs('*/5 * * * *')).toBe(300_000);
    expect(scheduleIntervalMs('* * * * * *')).toBe(1_000);
    expect(scheduleIntervalMs('@hourly')).toBe(3_600_000);
    expect(scheduleProblem('@hourly')).toBeUndefined();
  });

  it('the default splay is stable per machine, spread across machines, and leaves room for a whole run', () => {
    expect(machineFraction('machine-a')).toBe(machineFraction('machine-a'));
    const splays = Array.from({ length: 1000 }, (_, i) => defaultSplayMs(300_000, 30_000, machineFraction(`machine-${i}`)));
    expect(Math.min(...splays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...splays)).toBeLessThanOrEqual(270_000);
    // Spread: every 30-second bucket of the 270 s room gets some machines.
    const buckets = new Set(splays.map((s) => Math.floor(s / 30_000)));
    expect(buckets.size).toBe(9);
    expect(defaultSplayMs(1_000, 30_000, 0.7)).toBe(0);
  });

  it('the first run waits a random part of the splay, at most a minute; none without splay', () => {
    expect(startDelayMs(0)).toBe(0);
    expect(startDelayMs(270_000, () => 0.999)).toBe(59_940);
    expect(startDelayMs(10_000, () => 0.5)).toBe(5_000);
  });
});
