/**
 * A real rsyslog for the tests: a private config (UDP and TCP on 127.0.0.1, a private unix
 * socket) writing every raw message as one line of a file, run in the foreground as a child
 * process, stopped (and restartable on the same ports) by the test. `findRsyslogd()` says
 * whether it is installed (Debian: apt-get install rsyslog).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit } from '../../support/exit.js';

export function findRsyslogd(): string | undefined {
  for (const p of ['/usr/sbin/rsyslogd', '/sbin/rsyslogd', '/usr/local/sbin/rsyslogd']) if (existsSync(p)) return p;
  return undefined;
}

export const RSYSLOG_MISSING = 'rsyslogd is not installed (Debian: apt-get install -y --no-install-recommends rsyslog); syslog delivery tests skipped';

async function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'tcp') {
    const s = createServer();
    await new Promise<void>((r) => s.listen({ port: 0, host: '127.0.0.1' }, () => r()));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Received {
  input: string;
  /** The message exactly as received (for octet-counted TCP: without the length prefix). */
  raw: string;
}

export interface Rsyslog {
  udpPort: number;
  tcpPort: number;
  unixSocket: string;
  /** Messages received so far, with the input they came through (imudp, imtcp, imuxsock). */
  lines(): Received[];
  /** Waits until `pred(lines)` holds; throws after `timeoutMs` with what arrived. */
  waitFor(pred: (lines: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  /** Stops the receiver (it can be started again on the same ports). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good. */
  close(): Promise<void>;
}

export async function startRsyslog(): Promise<Rsyslog> {
  const bin = findRsyslogd();
  if (!bin) throw new Error(RSYSLOG_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'pkd-rsyslog-'));
  mkdirSync(join(dir, 'work'));
  const udpPort = await freePort('udp');
  const tcpPort = await freePort('tcp');
  const unixSocket = join(dir, 'log.sock');
  const file = join(dir, 'received.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${dir}/work" maxMessageSize="16k")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
input(type="imudp" address="127.0.0.1" port="${udpPort}")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
input(type="imuxsock" Socket="${unixSocket}" RateLimit.Interval="0")
template(name="raw" type="string" string="%inputname% %rawmsg%\\n")
action(type="omfile" file="${file}" template="raw")
`,
  );
  let child: ChildProcess | undefined;
  let output = '';
  const unhook = onExit(() => child?.kill('SIGKILL'));

  const rawLines = (): string[] => {
    try {
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
    } catch {
      return [];
    }
  };
  const received = (): Received[] =>
    rawLines()
      .filter((l) => !l.includes(' probe - - - ready-'))
      .map((l) => ({ input: l.slice(0, l.indexOf(' ')), raw: l.slice(l.indexOf(' ') + 1) }));

  const tcpUp = (): Promise<boolean> =>
    new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port: tcpPort });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });

  const start = async (): Promise<void> => {
    child = spawn(bin, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!(await tcpUp())) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rsyslogd did not start: ${output}`);
      await sleep(50);
    }
    // UDP and the file action are ready once a probe comes through.
    const probe = `<14>1 - - probe - - - ready-${Math.random().toString(36).slice(2)}`;
    const udp = createSocket('udp4');
    try {
      while (!rawLines().some((l) => l.includes(probe.slice(-12)))) {
        if (Date.now() > deadline) throw new Error(`rsyslogd does not write ${file}: ${output}`);
        udp.send(probe, udpPort, '127.0.0.1');
        await sleep(100);
      }
    } finally {
      udp.close();
    }
  };

  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      c.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };

  await start();
  return {
    udpPort,
    tcpPort,
    unixSocket,
    lines: received,
    async waitFor(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = received();
        if (pred(got)) return got;
        if (Date.now() > deadline)
          throw new Error(`rsyslog did not receive what was expected within ${timeoutMs} ms; got:\n${got.map((g) => `${g.input} ${g.raw}`).join('\n')}`);
        await sleep(100);
      }
    },
    stop,
    start,
    async close() {
      await stop();
      unhook();
    },
  };
}
