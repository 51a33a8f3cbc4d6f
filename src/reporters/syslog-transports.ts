/**
 * Syslog transports: UDP (RFC 5426), TCP with octet-counting framing (RFC 6587), and the local
 * socket (`unix:///dev/log`) through util-linux `logger`, since Node's core cannot write to a unix
 * datagram socket (one short-lived process per message; events are rare). That route exists on
 * Linux; on macOS send to a collector over UDP or TCP.
 *
 * A transport sends one message or rejects; queueing and retries are the reporter's
 * (./retry-queue.ts). TCP has no application-level acknowledgement: a message written just as
 * the receiver dies can be lost.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIP, type Socket } from 'node:net';
import { FACILITIES, type SyslogTarget } from '../config/syslog-target.js';
import { settleOnce } from '../core/deadline.js';
import { escapeSdValue, formatRfc5424, frameOctetCounted, headerField, SEVERITIES, type SyslogMessage } from './syslog-format.js';

/** Sends one message or rejects; the reporter handles queueing and retries. */
export interface SyslogTransport {
  readonly maxBytes: number;
  deliver(m: SyslogMessage): Promise<void>;
  /** Messages one {@link deliverBatch} may take (default 1: one at a time through deliver). */
  readonly batchMax?: number;
  /** Delivers messages in order, all or (rejecting) none counted as delivered. */
  deliverBatch?(ms: readonly SyslogMessage[]): Promise<void>;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
/** How long a closing TCP connection may take to flush before it is cut. */
const CLOSE_TIMEOUT_MS = 1_000;

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
    this.#connecting ??= settleOnce<Socket | Error>(
      { timeoutMs: CONNECT_TIMEOUT_MS, onTimeout: () => Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }) },
      (s) => {
        const socket = connect({ host: this.host, port: this.port });
        const onError = (err: Error) => s.settle(err);
        socket.once('error', onError);
        socket.once('connect', () => s.settle(socket));
        s.onSettled((result) => {
          socket.removeListener('error', onError);
          if (result !== socket) socket.destroy();
          else this.#adopt(socket);
        });
      },
    )
      .finally(() => {
        this.#connecting = undefined;
      })
      .then((result) => {
        if (result instanceof Error) throw result;
        return result;
      });
    return this.#connecting;
  }

  #adopt(socket: Socket): void {
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
    const cut = (): void => {
      socket.destroy();
    };
    await settleOnce({ timeoutMs: CLOSE_TIMEOUT_MS, onTimeout: cut }, (s) => {
      socket.once('close', () => s.settle(undefined));
      socket.end();
    });
  }
}

/** Hooks a transport calls outside a delivery. */
export interface TransportHooks {
  /** An error that came after a delivery was reported done (a datagram refused late): it may be lost. */
  onLateError?(err: Error): void;
}

/**
 * How long a UDP send waits for a refusal before it counts as delivered. The socket is connected,
 * so an ICMP "port unreachable" (nothing listening) comes back as an `ECONNREFUSED` error event
 * about one round trip after the send; without this wait the datagram would be lost unnoticed.
 */
export const UDP_CONFIRM_MS = 250;

/**
 * UDP, one datagram per message (at most 2048 bytes, which every receiver must accept). UDP has
 * no acknowledgement, but a connected socket hears of a refusal: a send is done only when no
 * refusal came within {@link UDP_CONFIRM_MS}; a refused send rejects (so the reporter keeps the
 * message and retries it). Messages go in batches, one wait per batch; a refused batch is sent
 * again whole. A refusal later than the wait goes to {@link TransportHooks.onLateError}.
 */
export class UdpTransport implements SyslogTransport {
  readonly maxBytes = 2048;
  readonly batchMax = 32;
  readonly #confirmMs: number;
  readonly #hooks: TransportHooks;
  #socket: UdpSocket | undefined;
  #ready: Promise<UdpSocket> | undefined;
  /** The delivery waiting for a refusal, if one is. */
  #waiter: ((err: Error) => void) | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    opts: { confirmMs?: number } & TransportHooks = {},
  ) {
    this.#confirmMs = opts.confirmMs ?? UDP_CONFIRM_MS;
    this.#hooks = opts;
  }

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
        socket.on('error', (err) => this.#error(socket, err));
        socket.unref();
        this.#socket = socket;
        this.#ready = undefined;
        resolve(socket);
      });
    });
    return this.#ready;
  }

  #error(socket: UdpSocket, err: Error): void {
    this.#drop(socket);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter(err);
    else this.#hooks.onLateError?.(err);
  }

  #drop(socket: UdpSocket): void {
    if (this.#socket === socket) this.#socket = undefined;
    try {
      socket.close();
    } catch {
      // already closed
    }
  }

  deliver(m: SyslogMessage): Promise<void> {
    return this.deliverBatch([m]);
  }

  /** Sends every message, then waits for a refusal: resolves when none came, rejects with it. */
  async deliverBatch(ms: readonly SyslogMessage[]): Promise<void> {
    const socket = await this.#open();
    const refused = new Promise<Error>((resolve) => {
      this.#waiter = resolve;
    });
    try {
      for (const m of ms) {
        const data = Buffer.from(formatRfc5424(m, this.maxBytes), 'utf8');
        const err = await Promise.race([refused, new Promise<Error | undefined>((resolve) => socket.send(data, (e) => resolve(e ?? undefined)))]);
        if (err) {
          this.#drop(socket);
          throw err;
        }
      }
      let timer: NodeJS.Timeout | undefined;
      const err = await Promise.race([refused, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.#confirmMs)))]);
      clearTimeout(timer);
      if (err) throw err;
    } finally {
      this.#waiter = undefined;
    }
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
        if (err)
          reject(
            Object.assign(new Error(`logger failed: ${(stderr || err.message).trim().slice(0, 200)}`), {
              code: (err as NodeJS.ErrnoException).code ?? 'ELOGGER',
            }),
          );
        else resolve();
      });
    });
  }

  async close(): Promise<void> {}
}

export function createTransport(target: SyslogTarget, hooks: TransportHooks = {}): SyslogTransport {
  switch (target.transport) {
    case 'tcp':
      return new TcpTransport(target.host!, target.port!);
    case 'udp':
      return new UdpTransport(target.host!, target.port!, hooks);
    case 'unix':
      return new LoggerTransport(target.path!);
  }
}
