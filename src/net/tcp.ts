/**
 * The TCP layer: can a connection to one address and port be opened, and how long does it take.
 * Takes an address, not a name, so DNS is measured (and blamed) separately.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

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
  return new Promise<TcpResult>((resolve) => {
    if (isIP(address) === 0) {
      resolve({ ...base, ok: false, durationMs: 0, failure: makeFailure('invalid-request', 'ERR_INVALID_IP_ADDRESS', `not an IP address: ${address}`, { phase: 'tcp' }) });
      return;
    }
    let socket: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    let connectMs: number | undefined;
    let settled = false;
    const finish = (result: TcpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // A probe leaves nothing open behind it, whatever happened.
      socket?.destroy();
      resolve(result);
    };
    const fail = (failure: NetFailure): void => finish({ ...base, ok: false, failure, durationMs: performance.now() - start });
    const onAbort = (): void => fail(makeFailure('aborted', OWN_CODES.aborted, 'aborted', { phase: 'tcp' }));
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    timer = setTimeout(() => fail(makeFailure('tcp-timeout', OWN_CODES.deadline, `no answer from ${address}:${port} within ${opts.timeoutMs} ms`, { phase: 'tcp' })), opts.timeoutMs);
    socket = netConnect({ host: address, port, family, autoSelectFamily: false });
    socket.on('error', (err) => fail(classify(err, { phase: 'tcp' })));
    socket.once('connect', () => {
      connectMs = performance.now() - start;
      const hold = opts.holdMs ?? 0;
      const ok = (): void =>
        finish({ ...base, ok: true, connectMs: connectMs ?? 0, localAddress: socket?.localAddress });
      if (hold <= 0) {
        ok();
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(ok, hold);
      // A clean close (FIN) while holding is also a cut connection; a reset arrives as 'error' first.
      socket?.once('end', () => fail(makeFailure('tcp-reset', OWN_CODES.peerClosed, `${address}:${port} closed the connection right after accepting it`, { phase: 'tcp' })));
      socket?.resume();
    });
  });
}
