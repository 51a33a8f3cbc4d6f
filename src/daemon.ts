/**
 * `portkey-doctor daemon`: runs the doctor's checks on a cron schedule and reports changes.
 *
 * - One run at start, then on the schedule (cron 4, `waitForCompletion`: a tick that comes
 *   while a run is still going is skipped, so runs never overlap), each scheduled run delayed
 *   by this machine's splay so a fleet spreads its probes over the interval (the first run by
 *   a random part of it, at most a minute: see {@link startDelayMs}).
 * - Each run is the run module's `runOnce()` on a `prepare()`d target (src/run, as for the
 *   doctor); the settings, policy and key files are watched (stat before each run) and prepared
 *   again when they change; SIGHUP prepares again and also re-reads the daemon's own settings
 *   from the policy.
 * - Results go through the {@link Tracker}: a problem is raised after `raiseAfter` bad runs and
 *   cleared after `clearAfter` good ones; reporters get those transitions, a periodic
 *   heartbeat, and `started`/`stopped`, never "still broken" every run.
 * - Nothing a run or a reporter does stops the daemon. {@link Daemon.stop} aborts the run in
 *   flight, flushes the reporters, and resolves 0 within {@link DaemonConfig.shutdownMs}.
 */
import { stat } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CronJob, CronTime } from 'cron';
import { resolvePolicyPath } from './config/policy-load.js';
import { prepare, runOnce, type Prepared } from './run/index.js';
import { parseDaemonArgs, resolveDaemonConfig, type DaemonConfig, type ParsedDaemonArgs } from './daemon/config.js';
import { processStats, type DaemonEvent, type RunSummary } from './reporters/events.js';
import { DIR_MODE, RotatingJsonl } from './reporters/rotating-file.js';
import { acquireLock, releaseLock } from './daemon/lock.js';
import { ReporterSet, withDeadline, type DaemonReporter } from './reporters/reporter-set.js';
import { HISTORY_FILE, loadState, saveState, summarize, Tracker, type DaemonState, type Transition } from './daemon/state.js';
import { createLogger, type Logger } from './core/log.js';
import type { Report } from './report/report.js';
import { ConsoleEventReporter } from './reporters/console-events.js';
import { JsonFileReporter } from './reporters/json-file.js';
import { SyslogReporter } from './reporters/syslog.js';
import { UsageError } from './core/usage-error.js';
import { VERSION } from './core/version.js';

export interface DaemonDeps {
  env: NodeJS.ProcessEnv;
  log?: Logger;
  /** Console reporter's stream (default stdout). */
  stdout?: NodeJS.WritableStream;
  /** Replaces the reporters built from the configuration (tests). */
  reporters?: (config: DaemonConfig, log: Logger) => DaemonReporter[];
}

/** Builds the reporters a configuration asks for. */
export function buildReporters(config: DaemonConfig, log: Logger, stdout: NodeJS.WritableStream = process.stdout): DaemonReporter[] {
  const out: DaemonReporter[] = [];
  if (config.console) out.push(new ConsoleEventReporter(stdout, config.verbose));
  if (config.jsonFile !== undefined) out.push(new JsonFileReporter({ path: config.jsonFile }));
  for (const target of config.syslog) {
    out.push(new SyslogReporter({ target, facility: config.facility, appName: config.appName, log: log.child({ component: 'syslog' }) }));
  }
  return out;
}

/** The files whose change means "prepare again": settings, policy, key file. */
function watchedFiles(prepared: Prepared, env: NodeJS.ProcessEnv): string[] {
  const files = new Set<string>();
  for (const s of prepared.discovery.searched) if (s.kind !== 'managed-registry') files.add(s.location);
  for (const s of prepared.discovery.sources) for (const f of s.files) files.add(f.path);
  const flags = prepared.flags;
  if (!flags.noPolicy) files.add(resolvePolicyPath(flags.policyFile, process.platform, env).path);
  if (flags.apiKeyFile !== undefined) files.add(flags.apiKeyFile);
  if (flags.managedFile !== undefined) files.add(flags.managedFile);
  return [...files].sort();
}

async function fingerprint(files: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => {
      try {
        const s = await stat(f);
        return `${f}:${s.mtimeMs}:${s.size}:${s.ino}`;
      } catch {
        return `${f}:-`;
      }
    }),
  );
  return parts.join('\n');
}

const reporterKey = (c: DaemonConfig): string => JSON.stringify([c.console, c.verbose, c.jsonFile ?? null, c.syslog.map((s) => s.url), c.facility, c.appName]);

export class Daemon {
  readonly #parsed: ParsedDaemonArgs;
  readonly #deps: DaemonDeps;
  readonly #log: Logger;
  readonly #host = hostname();
  readonly #startedAt = Date.now();
  #prepared: Prepared;
  #config: DaemonConfig;
  #watched: string[];
  #stamp = '';
  #tracker!: Tracker;
  #history!: RotatingJsonl;
  #reporters!: ReporterSet;
  #job: CronJob | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #runAbort: AbortController | undefined;
  #firstRun = true;
  #runs = 0;
  #persist: Promise<void> = Promise.resolve();
  #persistFailing = false;
  #reloading: Promise<void> = Promise.resolve();
  #lastPrepareError: string | undefined;
  #stopping: Promise<number> | undefined;
  #done!: (code: number) => void;
  /** Resolves with the exit code once the daemon has stopped (by signal, max-runs or error). */
  readonly done: Promise<number>;

  private constructor(parsed: ParsedDaemonArgs, prepared: Prepared, config: DaemonConfig, deps: DaemonDeps, log: Logger) {
    this.#parsed = parsed;
    this.#prepared = prepared;
    this.#config = config;
    this.#deps = deps;
    this.#log = log;
    this.#watched = watchedFiles(prepared, deps.env);
    this.done = new Promise((resolve) => (this.#done = resolve));
  }

  /** Parses flags, prepares the target and resolves the configuration; throws UsageError (exit 2). */
  static async create(args: readonly string[], deps: DaemonDeps): Promise<Daemon> {
    const parsed = parseDaemonArgs(args);
    const log = deps.log ?? createLogger({ level: parsed.daemon.logLevel ?? 'info' });
    const prepared = await prepare(parsed.doctor, deps.env);
    const config = resolveDaemonConfig({ flags: parsed.daemon, doctor: parsed.doctor, policy: prepared.policy, env: deps.env });
    log.level = config.logLevel;
    return new Daemon(parsed, prepared, config, deps, log);
  }

  get config(): DaemonConfig {
    return this.#config;
  }

  get runs(): number {
    return this.#runs;
  }

  async start(): Promise<void> {
    const cfg = this.#config;
    await mkdir(cfg.stateDir, { recursive: true, mode: DIR_MODE });
    const lock = await acquireLock(cfg.stateDir);
    if (!lock.ok) {
      throw new UsageError(
        `another portkey-doctor daemon (pid ${lock.pid}) uses the state folder ${cfg.stateDir}.`,
        'Stop it first, or give this one its own --state-dir.',
      );
    }
    // A corrupt state file is set aside and the state rebuilt from the history (not silently replaced).
    const loaded = await loadState(cfg.stateDir, { recover: { raiseAfter: cfg.raiseAfter, clearAfter: cfg.clearAfter } });
    if (loaded.problem) this.#log.warn({ stateDir: cfg.stateDir, ...(loaded.setAside ? { setAside: loaded.setAside } : {}) }, loaded.problem);
    this.#tracker = new Tracker(loaded.state, { raiseAfter: cfg.raiseAfter, clearAfter: cfg.clearAfter });
    this.#history = new RotatingJsonl({ path: join(cfg.stateDir, HISTORY_FILE), maxLines: cfg.historyMax, keep: 1 });
    this.#reporters = new ReporterSet(this.#makeReporters(cfg), this.#log);
    this.#stamp = await fingerprint(this.#watched);

    this.#log.info(
      {
        version: VERSION,
        schedule: cfg.schedule,
        splayMs: cfg.splayMs,
        splaySource: cfg.splaySource,
        stateDir: cfg.stateDir,
        reporters: this.#reporters.names,
        checks: this.#prepared.checks.length,
      },
      'daemon started',
    );
    this.#emit({
      type: 'started',
      at: new Date().toISOString(),
      host: this.#host,
      version: VERSION,
      pid: process.pid,
      schedule: cfg.schedule,
      splaySeconds: cfg.splayMs / 1000,
      raiseAfter: cfg.raiseAfter,
      clearAfter: cfg.clearAfter,
      reporters: this.#reporters.names,
      raised: this.#tracker.raised(),
      process: stats(),
    });
    this.#startHeartbeat();
    this.#job = CronJob.from({
      cronTime: cfg.schedule,
      onTick: () => this.#tick(),
      start: false,
      waitForCompletion: true,
      errorHandler: (err) => this.#log.error({ err }, 'scheduled run failed'),
    });
    // The first run now, without splay; then the schedule. A tick during a run is skipped.
    void this.#job.fireOnTick();
    this.#job.start();
  }

  #makeReporters(cfg: DaemonConfig): DaemonReporter[] {
    return this.#deps.reporters ? this.#deps.reporters(cfg, this.#log) : buildReporters(cfg, this.#log, this.#deps.stdout);
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    if (this.#config.heartbeatMs <= 0) return;
    this.#heartbeat = setInterval(() => {
      this.#emit({
        type: 'heartbeat',
        at: new Date().toISOString(),
        host: this.#host,
        runs: this.#runs,
        totalRuns: this.#tracker.state.runs,
        lastRunAt: this.#tracker.state.lastRunAt,
        uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
        raised: this.#tracker.raised(),
        process: stats(),
      });
    }, this.#config.heartbeatMs);
  }

  async #tick(): Promise<void> {
    if (this.#stopping) return;
    const initial = this.#firstRun;
    this.#firstRun = false;
    const abort = new AbortController();
    this.#runAbort = abort;
    try {
      const delay = initial ? startDelayMs(this.#config.splayMs) : this.#config.splayMs;
      if (delay > 0) {
        this.#log.debug({ delayMs: delay, initial }, 'waiting for this machine’s slot');
        await sleep(delay, undefined, { signal: abort.signal });
      }
      if (abort.signal.aborted) return;
      await this.#reloading;
      await this.#refreshIfChanged();
      const report = await runOnce(this.#prepared, undefined, abort.signal);
      if (abort.signal.aborted) {
        this.#log.info('run aborted by shutdown; its results are discarded');
        return;
      }
      await this.#record(report);
    } catch (err) {
      if (!abort.signal.aborted) this.#log.error({ err }, 'run failed; the schedule continues');
    } finally {
      if (this.#runAbort === abort) this.#runAbort = undefined;
    }
  }

  async #record(report: Report): Promise<void> {
    this.#runs += 1;
    const summary: RunSummary = summarize(report);
    const transitions = this.#tracker.observe(report.checks, new Date());
    this.#log.debug({ run: this.#runs, totals: report.totals, durationMs: report.durationMs }, 'run finished');
    const snapshot = JSON.parse(JSON.stringify(this.#tracker.state)) as DaemonState;
    const stateDir = this.#config.stateDir;
    this.#persist = this.#persist.then(async () => {
      try {
        await saveState(stateDir, snapshot);
        await this.#history.append([summary]);
        if (this.#persistFailing) this.#log.info({ stateDir }, 'state folder writable again');
        this.#persistFailing = false;
      } catch (err) {
        this.#log[this.#persistFailing ? 'debug' : 'warn']({ err, stateDir }, 'cannot save the state; will retry after the next run');
        this.#persistFailing = true;
      }
    });
    await this.#persist;
    this.#reporters.run(report, summary);
    for (const t of transitions) this.#emitTransition(t);
    if (this.#config.maxRuns !== undefined && this.#runs >= this.#config.maxRuns) {
      // Not awaited here: stop() waits for this tick to end.
      setImmediate(() => void this.stop('max-runs'));
    }
  }

  #emitTransition(t: Transition): void {
    this.#emit({ ...t, host: this.#host } as DaemonEvent);
  }

  #emit(e: DaemonEvent): void {
    const fields: Record<string, unknown> = { event: e.type };
    if (e.type === 'raised' || e.type === 'cleared') Object.assign(fields, { check: e.check, status: e.status, code: e.code });
    this.#log[e.type === 'raised' ? 'warn' : e.type === 'heartbeat' ? 'debug' : 'info'](fields, `event ${e.type}`);
    this.#reporters.event(e);
  }

  /** Prepares again when a settings, policy or key file changed since the last preparation. */
  async #refreshIfChanged(): Promise<void> {
    const stamp = await fingerprint(this.#watched);
    if (stamp === this.#stamp) return;
    try {
      const prepared = await prepare(this.#parsed.doctor, this.#deps.env);
      this.#prepared = prepared;
      this.#watched = watchedFiles(prepared, this.#deps.env);
      this.#stamp = await fingerprint(this.#watched);
      this.#lastPrepareError = undefined;
      this.#log.info('settings or policy changed; prepared again');
    } catch (err) {
      // Keep probing with what was last good; say so once per distinct problem.
      this.#stamp = stamp;
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.#lastPrepareError) this.#log.error({ err: message }, 'settings or policy changed but cannot be used; keeping the previous ones');
      this.#lastPrepareError = message;
    }
  }

  /** SIGHUP: prepare again and re-read the daemon settings from the policy; keeps the old ones on error. */
  reload(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    this.#reloading = this.#reloading.then(async () => {
      try {
        const prepared = await prepare(this.#parsed.doctor, this.#deps.env);
        const config = resolveDaemonConfig({ flags: this.#parsed.daemon, doctor: this.#parsed.doctor, policy: prepared.policy, env: this.#deps.env });
        if (this.#stopping) return;
        this.#apply(prepared, config);
        this.#stamp = await fingerprint(this.#watched);
        this.#log.info({ schedule: config.schedule, splayMs: config.splayMs, reporters: this.#reporters.names }, 'reloaded settings and policy');
      } catch (err) {
        this.#log.error({ err: err instanceof Error ? err.message : String(err) }, 'reload failed; keeping the previous settings');
      }
    });
    return this.#reloading;
  }

  #apply(prepared: Prepared, next: DaemonConfig): void {
    const prev = this.#config;
    if (next.stateDir !== prev.stateDir) {
      this.#log.warn({ stateDir: prev.stateDir, requested: next.stateDir }, 'the state folder changes only on restart');
      next.stateDir = prev.stateDir;
    }
    this.#prepared = prepared;
    this.#watched = watchedFiles(prepared, this.#deps.env);
    this.#config = next;
    this.#log.level = next.logLevel;
    this.#tracker.thresholds = { raiseAfter: next.raiseAfter, clearAfter: next.clearAfter };
    if (next.historyMax !== prev.historyMax) this.#history = new RotatingJsonl({ path: join(next.stateDir, HISTORY_FILE), maxLines: next.historyMax, keep: 1 });
    if (next.schedule !== prev.schedule) this.#job?.setTime(new CronTime(next.schedule));
    if (next.heartbeatMs !== prev.heartbeatMs) this.#startHeartbeat();
    if (reporterKey(next) !== reporterKey(prev)) {
      const old = this.#reporters;
      this.#reporters = new ReporterSet(this.#makeReporters(next), this.#log);
      void old.flush(Date.now() + 2_000).then(() => old.close());
    }
  }

  /**
   * Stops: no new runs, the run in flight aborted (its results discarded), `stopped` sent,
   * reporters flushed and closed, the lock released. Resolves 0 within the shutdown bound.
   */
  stop(reason: 'signal' | 'max-runs' | 'error', signal?: string): Promise<number> {
    this.#stopping ??= (async () => {
      const deadline = Date.now() + this.#config.shutdownMs;
      this.#log.info({ reason, signal }, 'stopping');
      if (this.#heartbeat) clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
      this.#runAbort?.abort();
      // Waits for the aborted tick to return (cron polls every 100 ms); keep 2 s for the flush.
      await withDeadline(Promise.resolve(this.#job?.stop()), deadline - 2_000);
      await withDeadline(this.#persist, deadline - 1_500);
      if (this.#tracker) {
        this.#emit({
          type: 'stopped',
          at: new Date().toISOString(),
          host: this.#host,
          reason,
          ...(signal ? { signal } : {}),
          runs: this.#runs,
          raised: this.#tracker.raised(),
          process: stats(),
        });
      }
      if (this.#reporters) {
        await this.#reporters.flush(deadline - 200);
        await withDeadline(this.#reporters.close(), deadline);
      }
      await withDeadline(releaseLock(this.#config.stateDir), deadline);
      this.#log.info({ runs: this.#runs }, 'daemon stopped');
      this.#log.flush?.();
      return 0;
    })();
    void this.#stopping.then((code) => this.#done(code));
    return this.#stopping;
  }
}

/**
 * The first run comes at once when there is no splay; otherwise after a random delay of up to
 * the splay (at most a minute), so a fleet restarted at the same moment (an update pushed to
 * every machine) does not probe in the same second either.
 */
export function startDelayMs(splayMs: number, random: () => number = Math.random): number {
  return splayMs > 0 ? Math.floor(random() * Math.min(splayMs, 60_000)) : 0;
}

/** Memory and handles; with --expose-gc (the soak benchmark) after a collection. */
function stats(): ReturnType<typeof processStats> {
  (globalThis as { gc?: () => void }).gc?.();
  return processStats();
}
