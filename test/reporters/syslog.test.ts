/**
 * Syslog: the RFC 5424 form (checked by a strict parser), a real rsyslog receiving it over
 * UDP, TCP and the local socket route (`logger`), and delivery that never throws: bounded
 * queue, retries with back-off (the queue itself: retry-queue.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSyslogUrl } from '../../src/config/syslog-target.js';
import { createLogger } from '../../src/core/log.js';
import { Secret } from '../../src/core/secret.js';
import type { DaemonEvent } from '../../src/reporters/events.js';
import { ReporterSet } from '../../src/reporters/reporter-set.js';
import { SyslogReporter } from '../../src/reporters/syslog.js';
import { escapeSdValue, eventToSyslog, formatRfc5424, frameOctetCounted, type SyslogMessage } from '../../src/reporters/syslog-format.js';
import { loggerArgs, type SyslogTransport } from '../../src/reporters/syslog-transports.js';
import { findLeak } from '../cli/leak-check.js';
import { ours, parse5424 } from '../daemon/support/rfc5424.js';
import { until } from '../daemon/support/daemon.js';
import { findRsyslogd, RSYSLOG_MISSING, startRsyslog, type Rsyslog } from '../daemon/support/rsyslog.js';

const silent = createLogger({ level: 'silent' });
const hasRsyslog = findRsyslogd() !== undefined;
if (!hasRsyslog) console.warn(RSYSLOG_MISSING);
let hasLogger = false;
try {
  hasLogger = /--sd-id/.test(execFileSync('logger', ['--help'], { encoding: 'utf8' }));
} catch {
  hasLogger = false;
}

const raised = (over: Partial<Extract<DaemonEvent, { type: 'raised' }>> = {}): DaemonEvent => ({
  type: 'raised',
  at: '2025-03-04T05:06:07.089Z',
  host: 'host-1',
  check: 'base-url',
  title: 'Gateway base URL',
  status: 'fail',
  code: 'BASE_URL_ENDS_V1',
  summary: 'the base URL ends with /v1',
  runs: 2,
  ...over,
});

describe('RFC 5424 form', () => {
  it('a raised event: PRI from facility and severity, MSGID the event, the facts in structured data', () => {
    const line = formatRfc5424(eventToSyslog(raised(), { facility: 'local0', appName: 'pkd', hostname: 'host-1' }));
    const p = parse5424(line);
    expect(p).toMatchObject({
      facility: 16,
      severity: 3,
      timestamp: '2025-03-04T05:06:07.089Z',
      hostname: 'host-1',
      appName: 'pkd',
      procId: String(process.pid),
      msgId: 'raised',
      bom: false,
    });
    expect(ours(p)).toEqual({ event: 'raised', check: 'base-url', status: 'fail', code: 'BASE_URL_ENDS_V1', runs: '2' });
    expect(ours(p, 'origin')).toMatchObject({ software: 'portkey-doctor' });
    expect(p.msg).toContain('base-url');
  });

  it('escapes ", \\ and ] in values; the parser gets the original back', () => {
    const nasty = 'a"b\\c]d';
    expect(escapeSdValue(nasty)).toBe('a\\"b\\\\c\\]d');
    const line = formatRfc5424(eventToSyslog(raised({ check: nasty, code: ']]"' }), { facility: 'user', appName: 'pkd' }));
    expect(ours(parse5424(line))).toMatchObject({ check: nasty, code: ']]"' });
  });

  it('non-ASCII text gets the BOM; header fields stay printable ASCII; long messages are cut to the limit', () => {
    const line = formatRfc5424(
      eventToSyslog(raised({ summary: 'l’URL de base se termine par /v1' }), { facility: 'user', appName: 'pkd', hostname: 'hôte avec espace' }),
    );
    const p = parse5424(line);
    expect(p.bom).toBe(true);
    expect(p.msg).toContain('l’URL');
    expect(p.hostname).toBe('h-te-avec-espace');
    const long = formatRfc5424(eventToSyslog(raised({ summary: 'é'.repeat(5000) }), { facility: 'user', appName: 'pkd' }), 2048);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(2048);
    expect(() => parse5424(long)).not.toThrow();
  });

  it('every event type formats and parses', () => {
    const proc = { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1, handles: 1 };
    const events: DaemonEvent[] = [
      {
        type: 'started',
        at: '2025-01-01T00:00:00.000Z',
        host: 'h',
        version: '1.0.0',
        pid: 1,
        schedule: '*/5 * * * *',
        splaySeconds: 12,
        raiseAfter: 2,
        clearAfter: 2,
        reporters: [],
        raised: [],
        process: proc,
      },
      raised(),
      {
        type: 'cleared',
        at: '2025-01-01T00:00:00.000Z',
        host: 'h',
        check: 'c',
        title: 'C',
        code: 'X',
        status: 'ok',
        runs: 2,
        since: '2025-01-01T00:00:00.000Z',
        reason: 'recovered',
      },
      { type: 'heartbeat', at: '2025-01-01T00:00:00.000Z', host: 'h', runs: 3, totalRuns: 9, lastRunAt: null, uptimeSeconds: 5, raised: [], process: proc },
      { type: 'stopped', at: '2025-01-01T00:00:00.000Z', host: 'h', reason: 'signal', signal: 'SIGTERM', runs: 3, raised: [], process: proc },
    ];
    expect(events.map((e) => parse5424(formatRfc5424(eventToSyslog(e, { facility: 'daemon', appName: 'pkd' }))).msgId)).toEqual([
      'started',
      'raised',
      'cleared',
      'heartbeat',
      'stopped',
    ]);
  });

  it('never carries a key: events reach it through the output scrub of the reporter set', async () => {
    const secret = new Secret('pk-SyslogSecret-Wq3Lp8');
    const sent: SyslogMessage[] = [];
    const transport: SyslogTransport = { maxBytes: 2048, deliver: async (m) => void sent.push(m), close: async () => {} };
    const set = new ReporterSet(
      [new SyslogReporter({ target: parseSyslogUrl('udp://127.0.0.1:9'), facility: 'user', appName: 'pkd', log: silent, transport })],
      silent,
    );
    set.event(raised({ summary: `echoed ${secret.reveal()}`, code: secret.reveal(), check: `x${secret.reveal().slice(2, 12)}` }));
    await set.flush(Date.now() + 5_000);
    expect(sent).toHaveLength(1);
    const line = formatRfc5424(sent[0]!);
    expect(line).toContain('[key sha256:');
    expect(findLeak(line, secret.reveal())).toBeUndefined();
    expect(findLeak(loggerArgs('/dev/log', sent[0]!).join(' '), secret.reveal())).toBeUndefined();
    await set.close();
  });

  it('TCP framing is octet counting (RFC 6587)', () => {
    expect(frameOctetCounted('<14>1 - - - - - - é').toString()).toBe('20 <14>1 - - - - - - é');
  });

  it('parses destinations', () => {
    expect(parseSyslogUrl('udp://127.0.0.1')).toMatchObject({ transport: 'udp', host: '127.0.0.1', port: 514 });
    expect(parseSyslogUrl('tcp://[::1]:6514')).toMatchObject({ transport: 'tcp', host: '::1', port: 6514 });
    expect(parseSyslogUrl('unix:///dev/log')).toMatchObject({ transport: 'unix', path: '/dev/log' });
    for (const bad of ['syslog://x', 'udp://', 'tcp://h:1/path', 'unix://dev/log', 'nonsense']) expect(() => parseSyslogUrl(bad)).toThrow();
  });

  it('the local socket goes through logger with the same structured data', () => {
    const m = eventToSyslog(raised({ check: 'x"y' }), { facility: 'local0', appName: 'pkd' });
    const args = loggerArgs('/dev/log', m);
    expect(args).toEqual(
      expect.arrayContaining([
        '--socket',
        '/dev/log',
        '--rfc5424=notq',
        '-p',
        'local0.err',
        '-t',
        'pkd',
        '--msgid',
        'raised',
        '--sd-id',
        'portkey-doctor@32473',
        '--sd-param',
        'check="x\\"y"',
      ]),
    );
    expect(args.at(-2)).toBe('--');
  });
});

describe('delivery never throws, queues, retries', () => {
  class FlakyTransport implements SyslogTransport {
    readonly maxBytes = 2048;
    up = false;
    delivered: SyslogMessage[] = [];
    attempts = 0;
    async deliver(m: SyslogMessage): Promise<void> {
      this.attempts += 1;
      if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      this.delivered.push(m);
    }
    async close(): Promise<void> {}
  }

  it('holds messages while the receiver is down, delivers them in order when it is back', async () => {
    const transport = new FlakyTransport();
    const r = new SyslogReporter({
      target: parseSyslogUrl('tcp://127.0.0.1:9'),
      facility: 'user',
      appName: 'pkd',
      log: silent,
      transport,
      retryMinMs: 20,
      retryMaxMs: 50,
    });
    for (let i = 1; i <= 5; i++) r.event(raised({ runs: i }));
    await new Promise((res) => setTimeout(res, 200));
    expect(transport.attempts).toBeGreaterThan(1);
    expect(r.pending).toBe(5);
    transport.up = true;
    await r.flush(Date.now() + 2_000);
    expect(transport.delivered.map((m) => m.sd[0]!.params.find(([k]) => k === 'runs')![1])).toEqual(['1', '2', '3', '4', '5']);
    await r.close();
  });

  it('the queue is bounded: the oldest go first', async () => {
    const transport = new FlakyTransport();
    const r = new SyslogReporter({
      target: parseSyslogUrl('tcp://127.0.0.1:9'),
      facility: 'user',
      appName: 'pkd',
      log: silent,
      transport,
      queueMax: 3,
      retryMinMs: 10_000,
    });
    for (let i = 1; i <= 10; i++) r.event(raised({ runs: i }));
    expect(r.pending).toBe(3);
    transport.up = true;
    await r.flush(Date.now() + 2_000);
    expect(transport.delivered.map((m) => m.sd[0]!.params.find(([k]) => k === 'runs')![1])).toEqual(['8', '9', '10']);
    await r.close();
  });

  it('flush gives up at its deadline; close releases everything', async () => {
    const r = new SyslogReporter({
      target: parseSyslogUrl('tcp://127.0.0.1:9'),
      facility: 'user',
      appName: 'pkd',
      log: silent,
      transport: new FlakyTransport(),
      retryMinMs: 10,
    });
    r.event(raised());
    const t0 = Date.now();
    await r.flush(Date.now() + 300);
    // Hang guard only: a flush that ignored its deadline would retry forever against this transport.
    expect(Date.now() - t0).toBeLessThan(10_000);
    await r.close();
  });

  it('a real TCP receiver that is not there: events are accepted, nothing throws', async () => {
    const r = new SyslogReporter({
      target: parseSyslogUrl('tcp://127.0.0.1:1'),
      facility: 'user',
      appName: 'pkd',
      log: silent,
      retryMinMs: 20,
      retryMaxMs: 40,
    });
    expect(() => r.event(raised())).not.toThrow();
    await r.flush(Date.now() + 300);
    expect(r.pending).toBe(1);
    await r.close();
  });
});

describe.skipIf(!hasRsyslog)('a real rsyslog on 127.0.0.1', () => {
  let rsyslog: Rsyslog;
  beforeAll(async () => {
    rsyslog = await startRsyslog();
  });
  afterAll(async () => {
    await rsyslog?.close();
  });

  const transports = [
    ['udp', 'imudp'],
    ['tcp', 'imtcp'],
    ['unix', 'imuxsock'],
  ] as const;

  it('UDP with nothing listening: the refusal is logged and the message retried until a receiver is back (issue 12 #14)', { timeout: 60_000 }, async () => {
    await rsyslog.stop();
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger({ level: 'debug', destination: stream });
    const appName = `pkd-udp-down-${process.pid}`;
    const r = new SyslogReporter({
      target: parseSyslogUrl(`udp://127.0.0.1:${rsyslog.udpPort}`),
      facility: 'local4',
      appName,
      log,
      retryMinMs: 100,
      retryMaxMs: 300,
    });
    let up = false;
    try {
      r.event(raised({ code: 'WHILE_DOWN' }));
      // The refusal (ICMP port unreachable) is a failure: logged with its code, the message kept.
      const failed = await until(() => lines.find((l) => l.msg === 'syslog delivery failed; will retry'), 10_000, 'the failure in the log');
      expect(failed.level).toBe('warn');
      expect((failed.err as { code?: string }).code).toBe('ECONNREFUSED');
      expect(r.pending).toBe(1);
      await rsyslog.start();
      up = true;
      const got = await rsyslog.waitFor((ls) => ls.some((l) => l.raw.includes(` ${appName} `)), 20_000);
      const mine = got.filter((l) => l.raw.includes(` ${appName} `)).map((l) => parse5424(l.raw));
      expect(mine.map((p) => [p.msgId, ours(p).code])).toEqual([['raised', 'WHILE_DOWN']]);
      await until(() => (r.pending === 0 ? true : undefined), 10_000, 'an empty queue');
      expect(lines.some((l) => l.msg === 'syslog delivers again')).toBe(true);
    } finally {
      await r.close();
      if (!up) await rsyslog.start();
    }
  });

  it.each(transports)('over %s: messages arrive and parse as RFC 5424 with our structured data', async (transport, input) => {
    if (transport === 'unix' && !hasLogger) {
      console.warn('util-linux logger with --sd-id is not installed; the unix:// route is not tested');
      return;
    }
    const url =
      transport === 'udp' ? `udp://127.0.0.1:${rsyslog.udpPort}` : transport === 'tcp' ? `tcp://127.0.0.1:${rsyslog.tcpPort}` : `unix://${rsyslog.unixSocket}`;
    const appName = `pkd-${transport}-${process.pid}`;
    const r = new SyslogReporter({ target: parseSyslogUrl(url), facility: 'local4', appName, log: silent });
    r.event(raised({ check: 'with "quotes" and ] bracket' }));
    r.event(raised({ type: 'raised', code: 'SECOND', summary: 'l’accent' }));
    await r.flush(Date.now() + 10_000);
    expect(r.pending).toBe(0);
    const got = (await rsyslog.waitFor((ls) => ls.filter((l) => l.raw.includes(` ${appName} `)).length >= 2)).filter((l) => l.raw.includes(` ${appName} `));
    expect(got.every((l) => l.input === input)).toBe(true);
    const parsed = got.map((l) => parse5424(l.raw));
    expect(parsed.map((p) => [p.facility, p.severity, p.appName, p.msgId])).toEqual([
      [20, 3, appName, 'raised'],
      [20, 3, appName, 'raised'],
    ]);
    expect(ours(parsed[0]!)).toMatchObject({ check: 'with "quotes" and ] bracket', status: 'fail', code: 'BASE_URL_ENDS_V1' });
    expect(ours(parsed[1]!)).toMatchObject({ code: 'SECOND' });
    expect(parsed[1]!.msg).toContain('l’accent');
    await r.close();
  });
});
