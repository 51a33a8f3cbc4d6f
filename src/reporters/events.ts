/**
 * What the daemon tells reporters. Reporters get events (changes, heartbeats, start and stop),
 * never "still broken" every run: that is what keeps a fleet's log pipeline quiet.
 */
import { readdirSync } from 'node:fs';
import type { Status } from '../contract/check.js';

/** Memory and handles of the daemon process, for heartbeats and the soak benchmark. */
export interface ProcessStats {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Active libuv handles and requests (process.getActiveResourcesInfo()). */
  handles: number;
  /** Open file descriptors (Linux only: /proc/self/fd). */
  openFds?: number;
}

/** A problem currently raised. */
export interface RaisedProblem {
  check: string;
  status: Status;
  code: string;
  /** When it was raised (ISO). */
  since: string;
}

interface Base {
  /** ISO time of the event. */
  at: string;
  host: string;
}

export interface StartedEvent extends Base {
  type: 'started';
  version: string;
  pid: number;
  schedule: string;
  splaySeconds: number;
  raiseAfter: number;
  clearAfter: number;
  reporters: string[];
  /** Problems still raised from before a restart (not raised again). */
  raised: RaisedProblem[];
  process: ProcessStats;
}

export interface RaisedEvent extends Base {
  type: 'raised';
  check: string;
  title: string;
  status: Status;
  code: string;
  summary: string;
  /** Consecutive bad runs so far. */
  runs: number;
  /** Set when an already raised problem changed to another code. */
  previousCode?: string;
}

export interface ClearedEvent extends Base {
  type: 'cleared';
  check: string;
  title: string;
  /** The code that had been raised. */
  code: string;
  status: Status | 'gone';
  /** Consecutive good runs so far (0 when the check is gone). */
  runs: number;
  /** When the problem had been raised (ISO). */
  since: string;
  reason: 'recovered' | 'gone';
}

export interface HeartbeatEvent extends Base {
  type: 'heartbeat';
  /** Runs since the daemon started. */
  runs: number;
  /** Runs recorded in the state, across restarts. */
  totalRuns: number;
  lastRunAt: string | null;
  uptimeSeconds: number;
  raised: RaisedProblem[];
  process: ProcessStats;
}

export interface StoppedEvent extends Base {
  type: 'stopped';
  reason: 'signal' | 'max-runs' | 'error';
  signal?: string;
  runs: number;
  raised: RaisedProblem[];
  process: ProcessStats;
}

export type DaemonEvent = StartedEvent | RaisedEvent | ClearedEvent | HeartbeatEvent | StoppedEvent;
export type EventType = DaemonEvent['type'];

/** One line of the run history: what each check said, no prose. */
export interface RunSummary {
  at: string;
  durationMs: number;
  exitCode: number;
  totals: Record<string, number>;
  checks: { id: string; status: Status; code?: string }[];
}

export function processStats(): ProcessStats {
  const mem = process.memoryUsage();
  const stats: ProcessStats = {
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    heapTotalBytes: mem.heapTotal,
    handles: process.getActiveResourcesInfo().length,
  };
  if (process.platform === 'linux') {
    try {
      stats.openFds = readdirSync('/proc/self/fd').length;
    } catch {
      // not available
    }
  }
  return stats;
}

/** One line for people: console and syslog MSG. */
export function describeEvent(e: DaemonEvent): string {
  switch (e.type) {
    case 'started':
      return `started (version ${e.version}, schedule "${e.schedule}", splay ${e.splaySeconds} s${e.raised.length ? `; still raised: ${e.raised.map((r) => `${r.check} ${r.code}`).join(', ')}` : ''})`;
    case 'raised':
      return `${e.check}: ${e.status} ${e.code}${e.previousCode ? ` (was ${e.previousCode})` : ''} after ${e.runs} run${e.runs === 1 ? '' : 's'}: ${e.summary}`;
    case 'cleared':
      return e.reason === 'gone'
        ? `${e.check}: ${e.code} cleared (the check is no longer run)`
        : `${e.check}: ${e.code} cleared after ${e.runs} good run${e.runs === 1 ? '' : 's'} (raised since ${e.since})`;
    case 'heartbeat':
      return `alive: ${e.runs} runs, last ${e.lastRunAt ?? 'never'}, ${e.raised.length} raised${e.raised.length ? ` (${e.raised.map((r) => `${r.check} ${r.code}`).join(', ')})` : ''}`;
    case 'stopped':
      return `stopped (${e.reason}${e.signal ? ` ${e.signal}` : ''}) after ${e.runs} runs`;
  }
}
