/**
 * The daemon end to end: the built CLI as a child process on a seconds-level schedule, a
 * loopback gateway that flips between healthy and broken run by run, a real rsyslog when
 * installed. Assertions are on events, statuses and codes.
 *
 * Every test has its own gateway, state folder and app name, so the suites run concurrently: the
 * file takes as long as its longest test (14 one-second runs) instead of the sum of all of them.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse5424, ours } from './support/rfc5424.js';
import { findRsyslogd, RSYSLOG_MISSING, startRsyslog, type Rsyslog } from './support/rsyslog.js';
import { expectedTransitions, jsonl, spawnDaemon, startFlipGateway, tmp, until, watchGateway, type Health, type WatchMode } from './support/daemon.js';

const EVERY_SECOND = '* * * * * *';
const hasRsyslog = findRsyslogd() !== undefined;
if (!hasRsyslog) console.warn(RSYSLOG_MISSING);

/** Events without the volatile fields, for exact comparison. */
function shape(e: Record<string, unknown>): Record<string, unknown> {
  const { type, check, code, status, runs, reason, signal } = e;
  return Object.fromEntries(Object.entries({ type, check, code, status, runs, reason, signal }).filter(([, v]) => v !== undefined));
}

describe.concurrent('daemon: transitions', () => {
  let rsyslog: Rsyslog | undefined;
  beforeAll(async () => {
    if (hasRsyslog) rsyslog = await startRsyslog();
  });
  afterAll(async () => {
    await rsyslog?.close();
  });

  it.each(['real', 'plugin'] as WatchMode[])(
    '%s checks: exactly the expected transitions; a blip raises nothing, a lasting problem is raised once and cleared once',
    async (mode) => {
      // Runs:       1  2  3  4  5  6  7  8  9  10 11 12 13 14
      const plan = 'o  o  o  B  o  o  B  B  B  o  B  o  o  o'.split(/\s+/);
      const gw = await startFlipGateway((n): Health => (plan[n - 1] === 'B' ? 'broken' : 'ok'));
      const watch = watchGateway(gw, mode);
      const dir = tmp();
      const jsonFile = join(dir, 'out', 'status.json');
      const appName = `pkd-${mode}-${process.pid}`;
      const daemon = spawnDaemon(
        [
          ...watch.args,
          '--schedule',
          EVERY_SECOND,
          '--splay',
          '0',
          '--raise-after',
          '2',
          '--clear-after',
          '2',
          '--heartbeat',
          '0',
          '--max-runs',
          String(plan.length),
          '--state-dir',
          join(dir, 'state'),
          '--json-file',
          jsonFile,
          '--app-name',
          appName,
          ...(rsyslog ? ['--syslog', `tcp://127.0.0.1:${rsyslog.tcpPort}`] : []),
        ],
        watch.env,
      );
      const exit = await daemon.exited;
      await gw.close();
      expect(exit.code, daemon.stderr()).toBe(0);
      expect(gw.probes).toBe(plan.length);

      const events = jsonl(join(dir, 'out', 'status.jsonl'));
      expect(events.map(shape)).toEqual([
        { type: 'started' },
        { type: 'raised', check: watch.checkId, code: watch.brokenCode, status: 'fail', runs: 2 },
        { type: 'cleared', check: watch.checkId, code: watch.brokenCode, status: 'ok', runs: 2, reason: 'recovered' },
        { type: 'stopped', reason: 'max-runs', runs: plan.length },
      ]);

      // History: one summary per run, in order, matching the plan.
      const history = jsonl(join(dir, 'state', 'history.jsonl')) as { checks: { id: string; status: string; code?: string }[] }[];
      expect(history).toHaveLength(plan.length);
      expect(history.map((h) => h.checks.find((c) => c.id === watch.checkId)?.status)).toEqual(plan.map((p) => (p === 'B' ? 'fail' : 'ok')));
      // And every event is what the rule gives for that history: nothing more from any check.
      expect(events.filter((e) => e.type === 'raised' || e.type === 'cleared').map((e) => ({ type: e.type, check: e.check, code: e.code }))).toEqual(
        expectedTransitions(history, 2, 2).map(({ type, check, code }) => ({ type, check, code })),
      );

      // The latest report: whole, private, the last run's.
      const latest = JSON.parse(readFileSync(jsonFile, 'utf8')) as { checks: { id: string; status: string }[] };
      expect(latest.checks.find((c) => c.id === watch.checkId)?.status).toBe('ok');
      expect(statSync(jsonFile).mode & 0o777).toBe(0o600);

      // stderr is the JSON log only; stdout is empty (console is off when other reporters are on).
      expect(() => daemon.logs()).not.toThrow();
      expect(daemon.stdout()).toBe('');

      if (rsyslog) {
        const mine = (await rsyslog.waitFor((lines) => lines.filter((l) => l.raw.includes(` ${appName} `)).length >= 4)).filter((l) =>
          l.raw.includes(` ${appName} `),
        );
        const parsed = mine.map((l) => parse5424(l.raw));
        expect(parsed.map((p) => p.msgId)).toEqual(['started', 'raised', 'cleared', 'stopped']);
        expect(ours(parsed[1]!)).toMatchObject({ event: 'raised', check: watch.checkId, status: 'fail', code: watch.brokenCode });
        expect(ours(parsed[2]!)).toMatchObject({ event: 'cleared', check: watch.checkId, code: watch.brokenCode });
        expect(mine.every((l) => l.input === 'imtcp')).toBe(true);
        expect(parsed.every((p) => p.appName === appName && p.facility === 1)).toBe(true);
        expect(parsed[1]!.severity).toBe(3);
      }
    },
    90_000,
  );

  it('a restart does not raise again what is still raised, and says what is', async () => {
    const gw = await startFlipGateway(() => 'broken');
    const watch = watchGateway(gw);
    const dir = tmp();
    const common = [
      ...watch.args,
      '--schedule',
      EVERY_SECOND,
      '--splay',
      '0',
      '--raise-after',
      '2',
      '--heartbeat',
      '0',
      '--state-dir',
      join(dir, 'state'),
      '--json-file',
      join(dir, 'status.json'),
    ];
    const first = spawnDaemon([...common, '--max-runs', '2'], watch.env);
    expect((await first.exited).code).toBe(0);
    const second = spawnDaemon([...common, '--max-runs', '3'], watch.env);
    expect((await second.exited).code).toBe(0);
    await gw.close();
    const events = jsonl(join(dir, 'status.jsonl'));
    expect(events.map((e) => e.type)).toEqual(['started', 'raised', 'stopped', 'started', 'stopped']);
    expect(events[3]!.raised).toEqual([expect.objectContaining({ check: watch.checkId, code: watch.brokenCode })]);
  });

  it('a second daemon on the same state folder refuses to start (exit 2); the first keeps running', async () => {
    const gw = await startFlipGateway(() => 'ok');
    const watch = watchGateway(gw);
    const dir = tmp();
    const common = [
      ...watch.args,
      '--schedule',
      EVERY_SECOND,
      '--splay',
      '0',
      '--heartbeat',
      '0',
      '--state-dir',
      join(dir, 'state'),
      '--json-file',
      join(dir, 'status.json'),
    ];
    const first = spawnDaemon(common, watch.env);
    await gw.probe(1);
    const second = spawnDaemon(common, watch.env);
    const exit = await second.exited;
    expect(exit.code).toBe(2);
    expect(second.stderr()).toMatch(/^portkey-doctor: .*state folder/m);
    expect(first.child.exitCode).toBe(null);
    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    await gw.close();
  });
});

describe.concurrent('daemon: signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s in the middle of a run aborts it and exits 0 within the bound', async (signal) => {
    // Run 1 answers; run 2 hangs (the server never answers) with deadlines far away.
    const gw = await startFlipGateway((n) => (n === 1 ? 'ok' : 'hang'));
    const watch = watchGateway(gw);
    const dir = tmp();
    const daemon = spawnDaemon(
      [
        ...watch.args,
        '--schedule',
        EVERY_SECOND,
        '--splay',
        '0',
        '--heartbeat',
        '0',
        '--timeout',
        '600',
        '--check-timeout',
        '600',
        '--state-dir',
        join(dir, 'state'),
        '--json-file',
        join(dir, 'status.json'),
      ],
      watch.env,
    );
    await gw.probe(2);
    const sent = Date.now();
    daemon.kill(signal);
    const exit = await daemon.exited;
    await gw.close();
    expect(exit.code, daemon.stderr()).toBe(0);
    expect(exit.signal).toBe(null);
    // The bound held without timing it: the shutdown finished by itself ("daemon stopped"), its
    // watchdog (which exits at the bound) never fired. The run's own deadlines are 600 s away.
    const logs = daemon.logs().map((l) => l.msg);
    expect(logs).toContain('daemon stopped');
    expect(logs).not.toContain('shutdown took too long; exiting');
    // Hang guard only: generous for a loaded machine.
    expect(exit.at - sent).toBeLessThan(25_000);
    const events = jsonl(join(dir, 'status.jsonl'));
    expect(events.map(shape)).toEqual([{ type: 'started' }, { type: 'stopped', reason: 'signal', signal, runs: 1 }]);
    // The aborted run is not recorded.
    expect(jsonl(join(dir, 'state', 'history.jsonl'))).toHaveLength(1);
  });

  it('SIGHUP prepares again: a settings change the file watch cannot see is picked up; a visible one needs no signal', async () => {
    const { writeProfile } = await import('../cli/run-cli.js');
    const { utimesSync, writeFileSync } = await import('node:fs');
    const good = JSON.stringify({
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: 'http://127.0.0.1:9',
      inferenceGatewayApiKey: 'pk-SighupTestKey-Xy7',
    });
    const bad = good.replace('http://127.0.0.1:9', 'http://127.0.0.1:9/v1');
    const claudeDir = writeProfile(good + '   ', { raw: true }); // padded to the bad one's size
    const profile = join(claudeDir, 'configLibrary', '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10.json');
    expect(Buffer.byteLength(good + '   ')).toBe(Buffer.byteLength(bad));
    const fixedTime = 1_700_000_000; // whole seconds: restored exactly after the rewrite
    utimesSync(profile, fixedTime, fixedTime);
    const dir = tmp();
    const history = join(dir, 'state', 'history.jsonl');
    const events = join(dir, 'status.jsonl');
    const daemon = spawnDaemon([
      '--no-policy',
      '--only',
      'settings',
      '--claude-dir',
      claudeDir,
      '--schedule',
      EVERY_SECOND,
      '--splay',
      '0',
      '--raise-after',
      '1',
      '--clear-after',
      '1',
      '--heartbeat',
      '0',
      '--state-dir',
      join(dir, 'state'),
      '--json-file',
      join(dir, 'status.json'),
    ]);
    const runs = () => jsonl(history).length;
    await until(() => (runs() >= 2 ? true : undefined), 20_000, 'two runs');
    // Same size, same inode, same modification time: invisible to the watch.
    const before = statSync(profile);
    writeFileSync(profile, bad);
    utimesSync(profile, fixedTime, fixedTime);
    expect(statSync(profile)).toMatchObject({ ino: before.ino, size: before.size, mtimeMs: before.mtimeMs });
    const at = runs();
    await until(() => (runs() >= at + 2 ? true : undefined), 20_000, 'two more runs');
    expect(jsonl(events).filter((e) => e.type === 'raised')).toEqual([]);
    daemon.kill('SIGHUP');
    const raised = await until(() => jsonl(events).find((e) => e.type === 'raised'), 20_000, 'raised after SIGHUP');
    expect(shape(raised)).toMatchObject({ check: 'base-url', code: 'BASE_URL_ENDS_V1', status: 'fail' });
    // A normal edit (new modification time) is seen without a signal.
    writeFileSync(profile, good);
    const cleared = await until(() => jsonl(events).find((e) => e.type === 'cleared'), 20_000, 'cleared after the edit');
    expect(shape(cleared)).toMatchObject({ check: 'base-url', code: 'BASE_URL_ENDS_V1', reason: 'recovered' });
    expect(daemon.child.exitCode).toBe(null);
    daemon.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
  });
});

describe.skipIf(!hasRsyslog).concurrent('daemon: syslog receiver goes away and comes back', () => {
  it('keeps running, queues, and delivers again over TCP and UDP', async () => {
    const rsyslog = await startRsyslog();
    const gw = await startFlipGateway(() => 'ok');
    const watch = watchGateway(gw);
    const dir = tmp();
    const appName = `pkd-restart-${process.pid}`;
    const daemon = spawnDaemon(
      [
        ...watch.args,
        '--schedule',
        EVERY_SECOND,
        '--splay',
        '0',
        '--heartbeat',
        '0.01', // every 0.6 s
        '--state-dir',
        join(dir, 'state'),
        '--app-name',
        appName,
        '--syslog',
        `tcp://127.0.0.1:${rsyslog.tcpPort}`,
        '--syslog',
        `udp://127.0.0.1:${rsyslog.udpPort}`,
      ],
      watch.env,
    );
    try {
      const beats = (input: string) =>
        rsyslog.lines().filter((l) => l.input === input && l.raw.includes(` ${appName} `) && parse5424(l.raw).msgId === 'heartbeat');
      await rsyslog.waitFor(() => beats('imtcp').length >= 2 && beats('imudp').length >= 2);
      await rsyslog.stop();
      const downAt = Date.now();
      // Several heartbeats fall into the outage, and a failed delivery is logged.
      await until(
        () => daemon.logs().find((l) => l.level === 'warn' && String(l.reporter).startsWith('syslog tcp://')),
        20_000,
        'a logged TCP delivery failure',
      );
      await new Promise((r) => setTimeout(r, 2_000));
      expect(daemon.child.exitCode).toBe(null);
      await rsyslog.start();
      const upAt = Date.now();
      // Delivered again on both transports: heartbeats stamped after the restart arrive.
      const after = (input: string) => beats(input).filter((l) => Date.parse(parse5424(l.raw).timestamp) > upAt);
      await rsyslog.waitFor(() => after('imtcp').length >= 1 && after('imudp').length >= 1, 45_000);
      // TCP: what was queued during the outage is delivered too.
      const during = beats('imtcp').filter((l) => {
        const t = Date.parse(parse5424(l.raw).timestamp);
        return t > downAt + 500 && t < upAt;
      });
      expect(during.length).toBeGreaterThanOrEqual(1);
      expect(daemon.logs().some((l) => l.level === 'info' && String(l.reporter).startsWith('syslog tcp://') && l.msg === 'syslog delivers again')).toBe(true);
      expect(daemon.child.exitCode).toBe(null);
    } finally {
      daemon.kill('SIGTERM');
      const exit = await daemon.exited;
      await gw.close();
      await rsyslog.close();
      expect(exit.code).toBe(0);
    }
  }, 120_000);
});
