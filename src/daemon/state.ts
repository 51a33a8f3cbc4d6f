/**
 * State between runs: per check, the streak of bad and good runs and whether a problem is
 * raised. A check is bad when it ends `fail` or `error`, good when `ok` or `warn`; `skip`
 * (blocked by another check, not applicable) changes nothing. A problem is raised after
 * `raiseAfter` consecutive bad runs and cleared after `clearAfter` consecutive good ones, so one
 * blip neither raises nor clears. A raised problem whose code changes is raised again (with
 * `previousCode`) once the new code has itself lasted `raiseAfter` runs.
 *
 * The state is saved in the state folder after every run (atomically), so a restart does not
 * raise again what was already raised.
 */
import { chmod, rename } from 'node:fs/promises';
import { folderWritableByOthers, readRegularText } from '../core/safe-fs.js';
import { join } from 'node:path';
import type { CheckResult, Status } from '../contract/check.js';
import type { Report } from '../report/report.js';
import type { ClearedEvent, RaisedEvent, RaisedProblem, RunSummary } from '../reporters/events.js';
import { readJsonl, writeFileAtomic } from '../reporters/rotating-file.js';

export const STATE_FILE = 'state.json';
export const HISTORY_FILE = 'history.jsonl';
const STATE_VERSION = 1;
/** The state holds a few lines per check; anything this big is not it. */
const MAX_STATE_BYTES = 4 * 1024 * 1024;

export interface CheckState {
  status: Status;
  code?: string;
  /** Consecutive bad runs (any code). */
  bad: number;
  /** Consecutive bad runs with the current `code`. */
  sameCode: number;
  /** Consecutive good runs. */
  good: number;
  raised?: { code: string; status: Status; since: string };
}

export interface DaemonState {
  version: number;
  /** Runs observed, across restarts. */
  runs: number;
  lastRunAt: string | null;
  checks: Record<string, CheckState>;
}

export function emptyState(): DaemonState {
  return { version: STATE_VERSION, runs: 0, lastRunAt: null, checks: {} };
}

export const isBad = (s: Status): boolean => s === 'fail' || s === 'error';
export const isGood = (s: Status): boolean => s === 'ok' || s === 'warn';

export interface Thresholds {
  raiseAfter: number;
  clearAfter: number;
}

export type Transition = Omit<RaisedEvent, 'host'> | Omit<ClearedEvent, 'host'>;

/** The pure part: feeds one run's results into the state and returns the transitions. */
export class Tracker {
  state: DaemonState;
  thresholds: Thresholds;

  constructor(state: DaemonState, thresholds: Thresholds) {
    this.state = state;
    this.thresholds = thresholds;
  }

  observe(results: readonly Pick<CheckResult, 'id' | 'title' | 'status' | 'code' | 'summary'>[], at: Date): Transition[] {
    const now = at.toISOString();
    const out: Transition[] = [];
    const { raiseAfter, clearAfter } = this.thresholds;
    const seen = new Set<string>();
    for (const r of results) {
      seen.add(r.id);
      const prev = this.state.checks[r.id];
      const s: CheckState = prev ?? { status: r.status, bad: 0, sameCode: 0, good: 0 };
      if (isBad(r.status)) {
        const code = r.code ?? 'UNKNOWN';
        s.sameCode = s.bad > 0 && s.code === code ? s.sameCode + 1 : 1;
        s.bad += 1;
        s.good = 0;
        s.status = r.status;
        s.code = code;
        if (!s.raised && s.bad >= raiseAfter) {
          s.raised = { code, status: r.status, since: now };
          out.push({ type: 'raised', at: now, check: r.id, title: r.title, status: r.status, code, summary: r.summary, runs: s.bad });
        } else if (s.raised && s.raised.code !== code && s.sameCode >= raiseAfter) {
          const previousCode = s.raised.code;
          s.raised = { code, status: r.status, since: s.raised.since };
          out.push({ type: 'raised', at: now, check: r.id, title: r.title, status: r.status, code, summary: r.summary, runs: s.bad, previousCode });
        }
      } else if (isGood(r.status)) {
        s.bad = 0;
        s.sameCode = 0;
        s.good += 1;
        s.status = r.status;
        if (r.code !== undefined) s.code = r.code;
        else delete s.code;
        if (s.raised && s.good >= clearAfter) {
          out.push({
            type: 'cleared',
            at: now,
            check: r.id,
            title: r.title,
            code: s.raised.code,
            status: r.status,
            runs: s.good,
            since: s.raised.since,
            reason: 'recovered',
          });
          delete s.raised;
        }
      } else {
        // skip: neither evidence of a problem nor of health.
        s.status = r.status;
      }
      this.state.checks[r.id] = s;
    }
    for (const [id, s] of Object.entries(this.state.checks)) {
      if (seen.has(id)) continue;
      if (s.raised) {
        out.push({ type: 'cleared', at: now, check: id, title: id, code: s.raised.code, status: 'gone', runs: 0, since: s.raised.since, reason: 'gone' });
      }
      delete this.state.checks[id];
    }
    this.state.runs += 1;
    this.state.lastRunAt = now;
    return out;
  }

  raised(): RaisedProblem[] {
    return raisedProblems(this.state);
  }
}

/** The problems a state holds raised (for events, and for `agent status`). */
export function raisedProblems(state: DaemonState): RaisedProblem[] {
  return Object.entries(state.checks)
    .filter(([, s]) => s.raised)
    .map(([check, s]) => ({ check, status: s.raised!.status, code: s.raised!.code, since: s.raised!.since }));
}

export function summarize(report: Report): RunSummary {
  return {
    at: report.generatedAt,
    durationMs: report.durationMs,
    exitCode: report.exitCode,
    totals: { ...report.totals },
    checks: report.checks.map((c) => ({ id: c.id, status: c.status, ...(c.code ? { code: c.code } : {}) })),
  };
}

/**
 * A state folder other users can write to (group or world write bit) lets them swap the files in
 * it for links or FIFOs: narrowed to 0700 when this user may, and said either way. Undefined
 * when the folder is private (or cannot be examined).
 */
export async function secureStateFolder(stateDir: string): Promise<string | undefined> {
  const found = await folderWritableByOthers(stateDir);
  if (!found?.writable) return undefined;
  const was = `0${found.mode.toString(8)}`;
  const notNarrowed = `the state folder ${stateDir} is writable by other users (mode ${was}): give the daemon a private --state-dir`;
  // A shared folder (sticky, like /tmp) or another user's is never changed: only said.
  if (found.sticky || !found.ownedBySelf) return notNarrowed;
  try {
    await chmod(stateDir, 0o700);
    return `the state folder ${stateDir} was writable by other users (mode ${was}); narrowed to 0700`;
  } catch {
    return notNarrowed;
  }
}

/**
 * Loads the saved state; a missing file is a fresh start, a corrupt one too (reported to the
 * caller). A state folder writable by other users is narrowed first (and reported).
 */
export async function loadState(stateDir: string, opts: LoadOptions = {}): Promise<LoadedState> {
  const folder = await secureStateFolder(stateDir);
  let loaded: LoadedState = await loadStateFile(stateDir);
  if (loaded.corrupt && opts.recover) loaded = await recoverCorrupt(stateDir, loaded, opts.recover);
  if (folder === undefined) return loaded;
  return { ...loaded, problem: loaded.problem === undefined ? folder : `${folder}; ${loaded.problem}` };
}

export interface LoadOptions {
  /**
   * The daemon's start (not `agent status`, which only reads): a corrupt state file is set aside
   * as `state.json.corrupt-<time>` (never overwritten unseen) and the state rebuilt by replaying
   * the run history with these thresholds, so problems already raised are not raised again.
   */
  recover?: Thresholds;
}

export interface LoadedState {
  state: DaemonState;
  problem?: string;
  /** The file was there but not a state (bad JSON, unknown shape). */
  corrupt?: true;
  /** Where the corrupt file was set aside. */
  setAside?: string;
}

/** Replays run summaries (history.jsonl) into a state, as if the daemon had just made those runs. */
export function replayHistory(history: readonly unknown[], thresholds: Thresholds): DaemonState {
  const tracker = new Tracker(emptyState(), thresholds);
  for (const h of history) {
    const run = h as Partial<RunSummary> | null;
    if (!run || typeof run.at !== 'string' || !Array.isArray(run.checks)) continue;
    const at = new Date(run.at);
    if (Number.isNaN(at.getTime())) continue;
    const results = run.checks
      .filter((c) => c && typeof c.id === 'string' && typeof c.status === 'string')
      .map((c) => ({ id: c.id, title: c.id, status: c.status, summary: '', ...(typeof c.code === 'string' ? { code: c.code } : {}) }));
    tracker.observe(results, at);
  }
  return tracker.state;
}

async function recoverCorrupt(stateDir: string, loaded: LoadedState, thresholds: Thresholds): Promise<LoadedState> {
  const file = join(stateDir, STATE_FILE);
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  let kept: string;
  try {
    await rename(file, aside);
    kept = `kept as ${aside}`;
  } catch (err) {
    return { ...loaded, problem: `${loaded.problem}; could not set it aside (${(err as NodeJS.ErrnoException).code})` };
  }
  const history = await readJsonl(join(stateDir, HISTORY_FILE), 1).catch(() => []);
  const state = replayHistory(history, thresholds);
  const raised = raisedProblems(state).length;
  return {
    state,
    corrupt: true,
    setAside: aside,
    problem: `${(loaded.problem ?? '').replace(/; starting afresh$/, '')}; ${kept}; rebuilt from the run history (${state.runs} runs, ${raised} raised)`,
  };
}

async function loadStateFile(stateDir: string): Promise<LoadedState> {
  const file = join(stateDir, STATE_FILE);
  let text: string;
  try {
    // A regular file only, bounded: a FIFO or a device in its place never blocks the start.
    text = await readRegularText(file, MAX_STATE_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { state: emptyState() } : { state: emptyState(), problem: `cannot read ${file} (${code})` };
  }
  try {
    const value = JSON.parse(text) as Partial<DaemonState>;
    if (value.version !== STATE_VERSION || typeof value.checks !== 'object' || value.checks === null) {
      return { state: emptyState(), corrupt: true, problem: `${file} has an unknown shape; starting afresh` };
    }
    const checks: Record<string, CheckState> = {};
    for (const [id, s] of Object.entries(value.checks)) {
      if (!s || typeof s !== 'object' || typeof s.status !== 'string') continue;
      checks[id] = {
        status: s.status,
        bad: Number.isInteger(s.bad) ? s.bad : 0,
        sameCode: Number.isInteger(s.sameCode) ? s.sameCode : 0,
        good: Number.isInteger(s.good) ? s.good : 0,
        ...(typeof s.code === 'string' ? { code: s.code } : {}),
        ...(s.raised && typeof s.raised.code === 'string' ? { raised: s.raised } : {}),
      };
    }
    return {
      state: {
        version: STATE_VERSION,
        runs: Number.isInteger(value.runs) ? value.runs! : 0,
        lastRunAt: typeof value.lastRunAt === 'string' ? value.lastRunAt : null,
        checks,
      },
    };
  } catch {
    return { state: emptyState(), corrupt: true, problem: `${file} is not valid JSON; starting afresh` };
  }
}

export async function saveState(stateDir: string, state: DaemonState): Promise<void> {
  await writeFileAtomic(join(stateDir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
}
