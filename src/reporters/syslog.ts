/**
 * Syslog reporter: RFC 5424 messages with STRUCTURED-DATA, over UDP (RFC 5426), TCP with
 * octet-counting framing (RFC 6587), or the local socket (`unix:///dev/log`).
 *
 * Node's core cannot write to a unix datagram socket, so `unix://PATH` goes through
 * util-linux `logger --socket PATH --rfc5424` (one short-lived process per message; events
 * are rare). That route exists on Linux; on macOS send to a collector over UDP or TCP.
 *
 * Delivery never throws into the daemon: messages wait in a bounded queue (oldest dropped
 * first when full) and are retried with exponential back-off and jitter. TCP has no
 * application-level acknowledgement: a message written just as the receiver dies can be lost.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { DaemonEvent } from './events.js';
import { describeEvent } from './events.js';
import type { DaemonReporter } from './reporter-set.js';
import type { Logger } from '../core/log.js';
import { knownSecrets, scrub } from '../core/secret.js';
import { VERSION } from '../core/version.js';

/** Facility names and codes (RFC 5424 §6.2.1), as `logger -p` knows them. */
export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type Facility = keyof typeof FACILITIES;
export const DEFAULT_FACILITY: Facility = 'user';
export const DEFAULT_APP_NAME = 'portkey-doctor';

export const SEVERITIES = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;
export type Severity = keyof typeof SEVERITIES;

/**
 * The SD-ID of our structured data. 32473 is the private enterprise number IANA reserves for
 * documentation (RFC 5612); an organisation with its own number changes it here.
 */
export const SD_ID = 'portkey-doctor@32473';

export function isFacility(value: unknown): value is Facility {
  return typeof value === 'string' && Object.hasOwn(FACILITIES, value);
}

/** APP-NAME is 1–48 printable US-ASCII characters (RFC 5424 §6.2.5). */
export function appNameProblem(name: string): string | undefined {
  if (!/^[\x21-\x7e]{1,48}$/.test(name)) return 'must be 1 to 48 printable ASCII characters without spaces';
  return undefined;
}

export interface SyslogTarget {
  transport: 'udp' | 'tcp' | 'unix';
  host?: string;
  port?: number;
  path?: string;
  /** As given, for logs. */
  url: string;
}

export const DEFAULT_SYSLOG_PORT = 514;

/** `udp://host[:port]`, `tcp://host[:port]` (default port 514), `unix:///dev/log`. Throws with a reason. */
export function parseSyslogUrl(raw: string): SyslogTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('expected udp://HOST[:PORT], tcp://HOST[:PORT] or unix:///PATH');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'unix') {
    const path = decodeURIComponent(url.pathname);
    if (url.host !== '' || !path.startsWith('/') || path === '/') throw new Error('expected unix:///ABSOLUTE/PATH, e.g. unix:///dev/log');
    return { transport: 'unix', path, url: raw };
  }
  if (scheme !== 'udp' && scheme !== 'tcp') throw new Error(`unknown scheme "${scheme}"; use udp://, tcp:// or unix://`);
  if (url.hostname === '') throw new Error('the host is missing');
  if (url.pathname !== '' && url.pathname !== '/') throw new Error('a syslog URL takes no path');
  if (url.username || url.password || url.search || url.hash) throw new Error('a syslog URL takes no credentials, query or fragment');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? DEFAULT_SYSLOG_PORT : Number(url.port);
  return { transport: scheme, host, port, url: raw };
}

export interface SdElement {
  id: string;
  params: [name: string, value: string][];
}

export interface SyslogMessage {
  facility: number;
  severity: number;
  time: Date;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: SdElement[];
  msg: string;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
export function escapeSdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** A header field: printable US-ASCII, at most `max` characters, `-` when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '-').slice(0, max);
  return clean === '' ? '-' : clean;
}

const BOM = '\uFEFF';

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
function cutUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes - 3) break;
    out += ch;
    used += n;
  }
  return out + '…';
}

/**
 * Formats an RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`.
 * MSG starts with a BOM only when it holds non-ASCII text (it is then UTF-8, §6.4). The whole
 * message is kept within `maxBytes` by shortening MSG.
 */
export function formatRfc5424(m: SyslogMessage, maxBytes = 8192): string {
  const pri = m.facility * 8 + m.severity;
  const sd = m.sd.length === 0 ? '-' : m.sd.map((e) => `[${e.id}${e.params.map(([k, v]) => ` ${k}="${escapeSdValue(v)}"`).join('')}]`).join('');
  const head = `<${pri}>1 ${m.time.toISOString()} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ${headerField(m.procId, 128)} ${headerField(m.msgId, 32)} ${sd}`;
  if (m.msg === '') return head;
  const room = maxBytes - Buffer.byteLength(head) - 1;
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(m.msg);
  const msg = ascii ? cutUtf8(m.msg, room) : BOM + cutUtf8(m.msg, room - 3);
  return `${head} ${msg}`;
}

/** Octet-counting framing for TCP (RFC 6587 §3.4.1): `LEN SP MSG`. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

const SEVERITY_OF: Record<DaemonEvent['type'], Severity> = {
  raised: 'err',
  cleared: 'notice',
  heartbeat: 'info',
  started: 'notice',
  stopped: 'notice',
};

export interface EventMessageOptions {
  facility: Facility;
  appName: string;
  hostname?: string;
}

/** The syslog form of an event: MSGID is the event type, the facts are structured data. */
export function eventToSyslog(e: DaemonEvent, opts: EventMessageOptions): SyslogMessage {
  const params: [string, string][] = [['event', e.type]];
  switch (e.type) {
    case 'raised':
      params.push(['check', e.check], ['status', e.status], ['code', e.code], ['runs', String(e.runs)]);
      if (e.previousCode) params.push(['previousCode', e.previousCode]);
      break;
    case 'cleared':
      params.push(['check', e.check], ['status', e.status], ['code', e.code], ['runs', String(e.runs)], ['since', e.since], ['reason', e.reason]);
      break;
    case 'heartbeat':
      params.push(['runs', String(e.runs)], ['raised', String(e.raised.length)], ['rssBytes', String(e.process.rssBytes)]);
      if (e.lastRunAt) params.push(['lastRunAt', e.lastRunAt]);
      break;
    case 'started':
      params.push(['schedule', e.schedule], ['splaySeconds', String(e.splaySeconds)], ['raised', String(e.raised.length)]);
      break;
    case 'stopped':
      params.push(['reason', e.reason], ['runs', String(e.runs)]);
      if (e.signal) params.push(['signal', e.signal]);
      break;
  }
  const secrets = knownSecrets();
  return {
    facility: FACILITIES[opts.facility],
    severity: SEVERITIES[SEVERITY_OF[e.type]],
    time: new Date(e.at),
    hostname: opts.hostname ?? hostname(),
    appName: opts.appName,
    procId: String(process.pid),
    msgId: e.type,
    sd: [
      { id: SD_ID, params: params.map(([k, v]) => [k, scrub(v, secrets)]) },
      { id: 'origin', params: [['software', 'portkey-doctor'], ['swVersion', VERSION]] },
    ],
    msg: scrub(describeEvent(e), secrets),
  };
}

/** Sends one message or rejects; the reporter handles queueing and retries. */
export interface SyslogTransport {
  readonly maxBytes: number;
  deliver(m: SyslogMessage): Promise<void>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

/** TCP, octet-counted; one connection, opened on demand and again after the peer goes away. */
export class TcpTransport implements SyslogTransport {
  readonly maxBytes = 8192;
  #socket: Socket | undefined;
  #connecting: Promise<Socket> | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  #connect(): Promise<Socket> {
    if (this.#socket && !this.#socket.destroyed && this.#socket.writable) return Promise.resolve(this.#socket);
    this.#connecting ??= new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      const fail = (err: Error) => {
        socket.destroy();
        this.#connecting = undefined;
        reject(err);
      };
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => fail(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.removeListener('error', fail);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 60_000);
        // Receivers send nothing; an end or error means the connection is gone.
        socket.on('data', () => undefined);
        socket.on('error', () => socket.destroy());
        socket.on('end', () => socket.destroy());
        socket.on('close', () => {
          if (this.#socket === socket) this.#socket = undefined;
        });
        this.#socket = socket;
        this.#connecting = undefined;
        resolve(socket);
      });
    });
    return this.#connecting;
  }

  async deliver(m: SyslogMessage): Promise<void> {
    const socket = await this.#connect();
    const frame = frameOctetCounted(formatRfc5424(m, this.maxBytes));
    await new Promise<void>((resolve, reject) => {
      socket.write(frame, (err) => {
        if (err) {
          socket.destroy();
          reject(err);
        } else resolve();
      });
    });
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 1000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }
}

/**
 * UDP, one datagram per message (at most 2048 bytes, which every receiver must accept). The
 * socket is connected, so an ICMP "port unreachable" turns into an error on a later send.
 */
export class UdpTransport implements SyslogTransport {
  readonly maxBytes = 2048;
  #socket: UdpSocket | undefined;
  #ready: Promise<UdpSocket> | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  #open(): Promise<UdpSocket> {
    if (this.#socket) return Promise.resolve(this.#socket);
    this.#ready ??= new Promise<UdpSocket>((resolve, reject) => {
      const socket = createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
      const fail = (err: Error) => {
        socket.close();
        this.#ready = undefined;
        reject(err);
      };
      socket.once('error', fail);
      socket.connect(this.port, this.host, () => {
        socket.removeListener('error', fail);
        socket.on('error', () => this.#drop(socket));
        socket.unref();
        this.#socket = socket;
        this.#ready = undefined;
        resolve(socket);
      });
    });
    return this.#ready;
  }

  #drop(socket: UdpSocket): void {
    if (this.#socket === socket) this.#socket = undefined;
    try {
      socket.close();
    } catch {
      // already closed
    }
  }

  async deliver(m: SyslogMessage): Promise<void> {
    const socket = await this.#open();
    const data = Buffer.from(formatRfc5424(m, this.maxBytes), 'utf8');
    await new Promise<void>((resolve, reject) => {
      socket.send(data, (err) => {
        if (err) {
          this.#drop(socket);
          reject(err);
        } else resolve();
      });
    });
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** Reverse of FACILITIES, for `logger -p`. */
const FACILITY_NAME = Object.fromEntries(Object.entries(FACILITIES).map(([k, v]) => [v, k])) as Record<number, string>;
const SEVERITY_NAME = Object.fromEntries(Object.entries(SEVERITIES).map(([k, v]) => [v, k])) as Record<number, string>;

/** The arguments for util-linux `logger` that send `m` to the unix socket `path`. */
export function loggerArgs(path: string, m: SyslogMessage, maxBytes = 8192): string[] {
  const args = [
    '--socket',
    path,
    '--socket-errors=on',
    '--rfc5424=notq',
    '--size',
    String(maxBytes),
    '-p',
    `${FACILITY_NAME[m.facility] ?? 'user'}.${SEVERITY_NAME[m.severity] ?? 'info'}`,
    '-t',
    headerField(m.appName, 48),
    `--id=${headerField(m.procId, 128)}`,
    '--msgid',
    headerField(m.msgId, 32),
  ];
  for (const e of m.sd) {
    args.push('--sd-id', e.id);
    for (const [k, v] of e.params) args.push('--sd-param', `${k}="${escapeSdValue(v)}"`);
  }
  args.push('--', m.msg === '' ? '-' : m.msg);
  return args;
}

/** The local socket through util-linux `logger` (Node cannot write to a unix datagram socket). */
export class LoggerTransport implements SyslogTransport {
  readonly maxBytes = 8192;
  constructor(
    readonly path: string,
    readonly command = 'logger',
  ) {}

  deliver(m: SyslogMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(this.command, loggerArgs(this.path, m, this.maxBytes), { timeout: 5_000, windowsHide: true }, (err, _stdout, stderr) => {
        if (err) reject(Object.assign(new Error(`logger failed: ${(stderr || err.message).trim().slice(0, 200)}`), { code: (err as NodeJS.ErrnoException).code ?? 'ELOGGER' }));
        else resolve();
      });
    });
  }

  async close(): Promise<void> {}
}

export function createTransport(target: SyslogTarget): SyslogTransport {
  switch (target.transport) {
    case 'tcp':
      return new TcpTransport(target.host!, target.port!);
    case 'udp':
      return new UdpTransport(target.host!, target.port!);
    case 'unix':
      return new LoggerTransport(target.path!);
  }
}

export interface SyslogReporterOptions {
  target: SyslogTarget;
  facility: Facility;
  appName: string;
  log: Logger;
  /** Messages kept while the receiver is unreachable (oldest dropped first). */
  queueMax?: number;
  /** First retry delay and the cap of the exponential back-off (ms). */
  retryMinMs?: number;
  retryMaxMs?: number;
  transport?: SyslogTransport;
  hostname?: string;
}

export class SyslogReporter implements DaemonReporter {
  readonly name: string;
  readonly #opts: Required<Omit<SyslogReporterOptions, 'transport' | 'hostname'>> & { hostname?: string };
  readonly #transport: SyslogTransport;
  readonly #queue: SyslogMessage[] = [];
  #pumping = false;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #dropped = 0;
  #closed = false;
  #idle: (() => void)[] = [];
  /** Set while flush() waits: retries come quickly then, until its deadline. */
  #flushing = false;

  constructor(opts: SyslogReporterOptions) {
    this.#opts = { queueMax: 1000, retryMinMs: 500, retryMaxMs: 30_000, ...opts };
    this.#transport = opts.transport ?? createTransport(opts.target);
    this.name = `syslog ${opts.target.url}`;
  }

  /** Messages waiting for delivery. */
  get pending(): number {
    return this.#queue.length;
  }

  event(e: DaemonEvent): void {
    if (this.#closed) return;
    const m = eventToSyslog(e, { facility: this.#opts.facility, appName: this.#opts.appName, ...(this.#opts.hostname ? { hostname: this.#opts.hostname } : {}) });
    this.#queue.push(m);
    while (this.#queue.length > this.#opts.queueMax) {
      this.#queue.shift();
      this.#dropped += 1;
    }
    if (!this.#timer) void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const m = this.#queue[0]!;
        try {
          await this.#transport.deliver(m);
        } catch (err) {
          this.#failures += 1;
          const delay = this.#flushing ? 100 : backoff(this.#failures, this.#opts.retryMinMs, this.#opts.retryMaxMs);
          this.#opts.log[this.#failures === 1 ? 'warn' : 'debug'](
            { reporter: this.name, err, failures: this.#failures, queued: this.#queue.length, retryInMs: delay },
            'syslog delivery failed; will retry',
          );
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            void this.#pump();
          }, delay);
          return;
        }
        if (this.#queue[0] === m) this.#queue.shift();
        if (this.#failures > 0 || this.#dropped > 0) {
          this.#opts.log.info({ reporter: this.name, failures: this.#failures, dropped: this.#dropped }, 'syslog delivers again');
          this.#failures = 0;
          this.#dropped = 0;
        }
      }
    } finally {
      this.#pumping = false;
      if (this.#queue.length === 0 || this.#closed) {
        for (const fn of this.#idle.splice(0)) fn();
      }
    }
  }

  async flush(deadline: number): Promise<void> {
    if (this.#queue.length === 0) return;
    // A retry waiting on its back-off is tried now: the daemon is about to stop.
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#pump();
    }
    this.#flushing = true;
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.#idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      this.#flushing = false;
    }
    if (this.#queue.length > 0) {
      this.#opts.log.warn({ reporter: this.name, undelivered: this.#queue.length }, 'syslog messages not delivered before shutdown');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const fn of this.#idle.splice(0)) fn();
    await this.#transport.close();
  }
}

/** Exponential back-off with ±20 % jitter, so a fleet does not retry in step. */
export function backoff(failures: number, minMs: number, maxMs: number): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
