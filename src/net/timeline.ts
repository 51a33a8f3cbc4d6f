/**
 * Connection timelines for the HTTP layer: when a connection's name was resolved, its TCP
 * connection opened, its proxy tunnel answered and its TLS handshake finished; and the join
 * from an undici request to the socket it was sent on.
 *
 * undici does not tell a request which socket carries it, nor when that socket's phases
 * happened. So the connector (our own function, given to the Agent) records each socket's
 * milestones here, and the request learns its socket from `undici:client:sendHeaders`, which
 * undici publishes synchronously right after calling the handler's `onRequestStart` for the
 * same request: {@link armSendHeaders} is called in `onRequestStart`, and the very next
 * `sendHeaders` message belongs to that request.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

import type { NetPhase } from './errors.js';

/** Milestones of one connection, as `performance.now()` values. */
export interface ConnTimeline {
  startAt: number;
  /** The host (the proxy's when proxied) is a name, so a lookup is expected. */
  needsLookup: boolean;
  lookupAt?: number;
  /** TCP connected (to the proxy when proxied). */
  connectAt?: number;
  /** The proxy answered CONNECT with 2xx. */
  tunnelAt?: number;
  /** TLS with the origin finished. */
  secureAt?: number;
  https: boolean;
  /** Display form of the proxy (no credentials), when proxied. */
  proxy?: string;
  /** The TCP peer: the origin, or the proxy when proxied. */
  remoteAddress?: string;
  remoteFamily?: 4 | 6;
  /** Requests sent on this connection so far: >0 at send time means the socket was reused. */
  requests: number;
}

/** Timelines by socket (the socket undici writes requests to). */
export const socketTimelines = new WeakMap<object, ConnTimeline>();
/** Timelines by the error a connection attempt failed with, so the request can tell where it failed. */
export const errorTimelines = new WeakMap<object, ConnTimeline>();

/** What a connection was doing at the moment it is asked (or failed). */
export function phaseOf(tl: ConnTimeline): NetPhase {
  if (tl.proxy !== undefined) {
    if (tl.tunnelAt === undefined) return 'proxy';
  } else {
    if (tl.needsLookup && tl.lookupAt === undefined) return 'dns';
    if (tl.connectAt === undefined) return 'tcp';
  }
  if (tl.https && tl.secureAt === undefined) return 'tls';
  return 'http';
}

/**
 * Records a socket's milestones on its timeline. Called after undici's connector attached its
 * own 'connect'/'secureConnect' listener, which hands the socket to the client, which writes
 * the request at once; so ours are prepended to run first, or the request would be sent
 * before its connection's milestones were recorded.
 */
export function observeSocket(socket: Socket, tl: ConnTimeline): void {
  // With several addresses Node connects "happy eyeballs" style and emits no 'lookup';
  // the first 'connectionAttempt' then marks the end of resolution.
  const markLookup = (): void => {
    tl.lookupAt ??= performance.now();
  };
  socket.once('lookup', (err: Error | null) => {
    if (!err) markLookup();
  });
  socket.once('connectionAttempt', () => {
    if (tl.needsLookup) markLookup();
  });
  socket.prependOnceListener('connect', () => {
    tl.connectAt ??= performance.now();
    tl.remoteAddress ??= socket.remoteAddress;
    tl.remoteFamily ??= socket.remoteFamily === 'IPv6' ? 6 : socket.remoteFamily === 'IPv4' ? 4 : undefined;
  });
  socket.prependOnceListener('secureConnect', () => {
    tl.secureAt ??= performance.now();
  });
}

type Armed = (socket: object) => void;
let armed: Armed | undefined;
let subscribed = false;

function ensureSubscribed(): void {
  if (subscribed) return;
  subscribed = true;
  // `subscribe(name, fn)` keeps the channel alive (a bare channel object can be collected).
  subscribe('undici:client:sendHeaders', (message: unknown) => {
    const take = armed;
    armed = undefined;
    const socket = (message as { socket?: unknown } | null)?.socket;
    if (take && socket && typeof socket === 'object') take(socket);
  });
}

/**
 * Registers the callback that receives the socket of the request whose `onRequestStart` is
 * running. Expires at the end of the current synchronous run, so a stray message from another
 * client (or Node's bundled fetch, which publishes on the same channel) cannot be taken.
 */
export function armSendHeaders(onSocket: Armed): void {
  ensureSubscribed();
  armed = onSocket;
  queueMicrotask(() => {
    if (armed === onSocket) armed = undefined;
  });
}
