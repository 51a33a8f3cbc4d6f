/**
 * The TCP layer: can a connection to one address and port be opened, and how long does it take.
 * Takes an address, not a name, so DNS is measured (and blamed) separately.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import { settleOnce } from '../core/deadline.js';
import { classify, makeFailure, OWN_CODES, type NetFailure } from './errors.js';

/** What {@link tcpConnect} found. */
export type TcpResult =
  | { ok: true; address: string; family: 4 | 6; port: number; connectMs: number; localAddress: string | undefined }
  | { ok: false; address: string; family: 4 | 6; port: number; failure: NetFailure; durationMs: number };

/** Options for {@link tcpConnect}. */
export interface TcpOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * After connecting, keep the connection open this long and fail with `tcp-reset` if the
   * peer resets or closes it. Some filters complete the handshake and then cut the
   * connection; a bare connect would call that a success. Default 0 (do not wait).
   */
  holdMs?: number;
}

/**
 * Opens a TCP connection to `address:port` (an IP address; use `resolveHost` first) and
 * closes it. `tcp-refused`: something answered "no one listens here" (RST). `tcp-timeout`: no
 * answer at all (a black hole: firewall drop, wrong route). `tcp-reset`: connected, then cut.
 */
export function tcpConnect(address: string, family: 4 | 6, port: number, opts: TcpOptions): Promise<TcpResult> {
  const start = performance.now();
  const base = { address, family, port };
  const failed = (failure: NetFailure): TcpResult => ({ ...base, ok: false, failure, durationMs: performance.now() - start });
  if (isIP(address) === 0) {
    return Promise.resolve({
      ...base,
      ok: false,
      durationMs: 0,
      failure: makeFailure('invalid-request', 'ERR_INVALID_IP_ADDRESS', `not an IP address: ${address}`, { phase: 'tcp' }),
    });
  }
  return settleOnce<TcpResult>(
    {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onTimeout: () =>
        failed(makeFailure('tcp-timeout', OWN_CODES.deadline, `no answer from ${address}:${port} within ${opts.timeoutMs} ms`, { phase: 'tcp' })),
      onAbort: () => failed(makeFailure('aborted', OWN_CODES.aborted, 'aborted', { phase: 'tcp' })),
    },
    (s) => {
      const socket: Socket = netConnect({ host: address, port, family, autoSelectFamily: false });
      // A probe leaves nothing open behind it, whatever happened.
      s.onSettled(() => socket.destroy());
      socket.on('error', (err) => s.settle(failed(classify(err, { phase: 'tcp' }))));
      socket.once('connect', () => {
        const connectMs = performance.now() - start;
        const ok = (): TcpResult => ({ ...base, ok: true, connectMs, localAddress: socket.localAddress });
        const hold = opts.holdMs ?? 0;
        if (hold <= 0) {
          s.settle(ok());
          return;
        }
        // Still open after the hold: connected. (The result is built then: localAddress is read while the socket is open.)
        s.restartDeadline(hold, ok);
        // A clean close (FIN) while holding is also a cut connection; a reset arrives as 'error' first.
        socket.once('end', () =>
          s.settle(
            failed(makeFailure('tcp-reset', OWN_CODES.peerClosed, `${address}:${port} closed the connection right after accepting it`, { phase: 'tcp' })),
          ),
        );
        socket.resume();
      });
    },
  );
}
