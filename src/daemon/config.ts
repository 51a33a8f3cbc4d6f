/**
 * The daemon's settings: command-line flags win over the policy file's `daemon` section, which
 * wins over the defaults. Daemon-only flags are split from the doctor's own flags (parsed by
 * {@link parseDoctorFlags}), both strictly; every bad value is a UsageError (exit 2). The policy
 * section arrives validated (src/config/policy-load.ts, with the same rules as the flags here).
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Policy } from '../config/policy.js';
import { envVar, pathApi } from '../config/paths.js';
import { parseDoctorFlags, type DoctorFlags } from '../config/flags.js';
import { DEFAULT_SCHEDULE, scheduleIntervalMs, scheduleProblem } from '../config/schedule.js';
import {
  appNameProblem,
  DEFAULT_APP_NAME,
  DEFAULT_FACILITY,
  FACILITIES,
  isFacility,
  parseSyslogUrl,
  type Facility,
  type SyslogTarget,
} from '../config/syslog-target.js';
import { DEFAULT_LOG_LEVEL, isLogLevel, LOG_LEVEL_ENV_VAR, LOG_LEVELS, type LogLevel } from '../core/log.js';
import { UsageError } from '../core/usage-error.js';
import { defaultSplayMs, machineFraction } from './schedule.js';

export const DEFAULT_RAISE_AFTER = 2;
export const DEFAULT_CLEAR_AFTER = 2;
export const DEFAULT_HEARTBEAT_MINUTES = 60;
export const DEFAULT_HISTORY_MAX = 1000;
/** How long SIGTERM/SIGINT may take: abort the run, flush reporters, exit. */
export const SHUTDOWN_BOUND_MS = 5_000;

const DAEMON_OPTIONS = {
  schedule: { type: 'string' },
  splay: { type: 'string' },
  'raise-after': { type: 'string' },
  'clear-after': { type: 'string' },
  heartbeat: { type: 'string' },
  'state-dir': { type: 'string' },
  'json-file': { type: 'string' },
  'history-max': { type: 'string' },
  syslog: { type: 'string', multiple: true },
  'syslog-facility': { type: 'string' },
  'app-name': { type: 'string' },
  'log-level': { type: 'string' },
  'max-runs': { type: 'string' },
  console: { type: 'boolean' },
} as const;

/** Daemon-only flags, as given (undefined: not given). */
export interface DaemonFlags {
  schedule?: string;
  splaySeconds?: number;
  raiseAfter?: number;
  clearAfter?: number;
  heartbeatMinutes?: number;
  stateDir?: string;
  jsonFile?: string;
  historyMax?: number;
  syslog?: string[];
  syslogFacility?: Facility;
  appName?: string;
  logLevel?: LogLevel;
  maxRuns?: number;
  console?: boolean;
}

/** Flags that take a path: relative ones are made absolute when a service file is written. */
export const PATH_FLAGS: readonly string[] = ['--claude-dir', '--managed', '--policy', '--api-key-file', '--plugin', '--state-dir', '--json-file'];

/** Splits daemon-only flags from the doctor's; each keeps its order. */
export function splitDaemonArgs(args: readonly string[]): { daemonArgs: string[]; doctorArgs: string[] } {
  const daemonArgs: string[] = [];
  const doctorArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : '';
    const option = (DAEMON_OPTIONS as Record<string, { type: string }>)[name];
    if (!option) {
      doctorArgs.push(arg);
      continue;
    }
    daemonArgs.push(arg);
    if (option.type === 'string' && !arg.includes('=') && i + 1 < args.length) daemonArgs.push(args[++i]!);
  }
  return { daemonArgs, doctorArgs };
}

export interface ParsedDaemonArgs {
  daemon: DaemonFlags;
  doctor: DoctorFlags;
}

export function parseDaemonArgs(args: readonly string[]): ParsedDaemonArgs {
  const { daemonArgs, doctorArgs } = splitDaemonArgs(args);
  let values: ReturnType<typeof parseArgs<{ options: typeof DAEMON_OPTIONS; allowPositionals: false; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: daemonArgs, options: DAEMON_OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(message.split('. To specify')[0]!.replace(/\.$/, '') + '.', 'Run portkey-doctor --help for the daemon options.');
  }
  const doctor = parseDoctorFlags(doctorArgs);
  if (doctor.json) {
    throw new UsageError(
      '--json is not a daemon option: the daemon reports through its reporters.',
      'Use --json-file PATH for the latest report as JSON, or --syslog URL.',
    );
  }
  if (doctor.live) {
    throw new UsageError(
      '--live is not a daemon option: every scheduled run would send a billed request from every machine.',
      'Run portkey-doctor --live by hand when a live message is needed.',
    );
  }
  const daemon: DaemonFlags = {};
  if (values.schedule !== undefined) daemon.schedule = schedule(values.schedule, '--schedule');
  if (values.splay !== undefined) daemon.splaySeconds = number(values.splay, '--splay', 0, 86_400);
  if (values['raise-after'] !== undefined) daemon.raiseAfter = integer(values['raise-after'], '--raise-after', 1, 1000);
  if (values['clear-after'] !== undefined) daemon.clearAfter = integer(values['clear-after'], '--clear-after', 1, 1000);
  if (values.heartbeat !== undefined) daemon.heartbeatMinutes = number(values.heartbeat, '--heartbeat', 0, 10_080);
  if (values['state-dir'] !== undefined) daemon.stateDir = nonEmpty(values['state-dir'], '--state-dir');
  if (values['json-file'] !== undefined) daemon.jsonFile = nonEmpty(values['json-file'], '--json-file');
  if (values['history-max'] !== undefined) daemon.historyMax = integer(values['history-max'], '--history-max', 1, 1_000_000);
  if (values.syslog !== undefined) daemon.syslog = values.syslog.map((u) => syslogUrl(u, '--syslog'));
  if (values['syslog-facility'] !== undefined) daemon.syslogFacility = facility(values['syslog-facility'], '--syslog-facility');
  if (values['app-name'] !== undefined) daemon.appName = appName(values['app-name'], '--app-name');
  if (values['log-level'] !== undefined) daemon.logLevel = logLevel(values['log-level'], '--log-level');
  if (values['max-runs'] !== undefined) daemon.maxRuns = integer(values['max-runs'], '--max-runs', 1, 1_000_000_000);
  if (values.console !== undefined) daemon.console = values.console;
  return { daemon, doctor };
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a value, got an empty string.`);
  return value;
}

function number(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a number between ${min} and ${max}, got "${value}".`);
  }
  return n;
}

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number between ${min} and ${max}, got "${value}".`);
  }
  return n;
}

function schedule(value: string, where: string): string {
  const problem = scheduleProblem(value);
  if (problem)
    throw new UsageError(`${where} "${value}": ${problem}.`, 'For example: --schedule "*/5 * * * *" (every 5 minutes) or "*/10 * * * * *" (every 10 seconds).');
  return value.trim();
}

function syslogUrl(value: string, where: string): string {
  try {
    parseSyslogUrl(value);
  } catch (err) {
    throw new UsageError(
      `${where} "${value}": ${(err as Error).message}.`,
      'For example: udp://127.0.0.1:514, tcp://siem.example.com:6514 or unix:///dev/log.',
    );
  }
  return value;
}

function facility(value: string, where: string): Facility {
  if (!isFacility(value)) throw new UsageError(`${where} "${value}" is not a syslog facility.`, `Use one of: ${Object.keys(FACILITIES).join(', ')}.`);
  return value;
}

function appName(value: string, where: string): string {
  const problem = appNameProblem(value);
  if (problem) throw new UsageError(`${where} "${value}" ${problem}.`);
  return value;
}

function logLevel(value: string, where: string): LogLevel {
  if (!isLogLevel(value)) throw new UsageError(`${where} "${value}" is not a log level.`, `Use one of: ${LOG_LEVELS.join(', ')}.`);
  return value;
}

/** Where the daemon keeps its state, per OS and user. */
export function defaultStateDir(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, home: string): string {
  const p = pathApi(platform);
  switch (platform) {
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', 'portkey-doctor');
    case 'win32': {
      const local = envVar(env, 'LOCALAPPDATA', platform) ?? p.join(home, 'AppData', 'Local');
      return p.join(local, 'portkey-doctor');
    }
    default: {
      const xdg = envVar(env, 'XDG_STATE_HOME', platform);
      return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.local', 'state'), 'portkey-doctor');
    }
  }
}

/** The state folder a daemon uses: its `--state-dir`, else the default, made absolute. */
export function resolveStateDir(flag: string | undefined, platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, home: string): string {
  return path.resolve(flag ?? defaultStateDir(platform, env, home));
}

/** The `--state-dir` a daemon command line gives (either form; the last one wins, as when parsed). */
export function stateDirArg(args: readonly string[]): string | undefined {
  const { daemonArgs } = splitDaemonArgs(args);
  let found: string | undefined;
  for (let i = 0; i < daemonArgs.length; i++) {
    const arg = daemonArgs[i]!;
    if (arg === '--state-dir') found = daemonArgs[++i];
    else if (arg.startsWith('--state-dir=')) found = arg.slice('--state-dir='.length);
  }
  return found;
}

/** Everything the daemon runs on, resolved. */
export interface DaemonConfig {
  schedule: string;
  intervalMs: number;
  splayMs: number;
  splaySource: 'flag' | 'policy' | 'machine';
  raiseAfter: number;
  clearAfter: number;
  /** 0: no heartbeat. */
  heartbeatMs: number;
  stateDir: string;
  historyMax: number;
  console: boolean;
  verbose: boolean;
  jsonFile?: string;
  syslog: SyslogTarget[];
  facility: Facility;
  appName: string;
  logLevel: LogLevel;
  maxRuns?: number;
  shutdownMs: number;
}

export interface ResolveInput {
  flags: DaemonFlags;
  doctor: DoctorFlags;
  policy: Policy | undefined;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** For the default splay; default: this machine's. */
  machineFraction?: number;
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

export function resolveDaemonConfig(input: ResolveInput): DaemonConfig {
  const { flags, doctor, env } = input;
  const platform = input.platform ?? process.platform;
  const home = input.home ?? homedir();
  const policy = input.policy?.daemon ?? {};

  const scheduleExpr = flags.schedule ?? policy.schedule ?? DEFAULT_SCHEDULE;
  const intervalMs = scheduleIntervalMs(scheduleExpr);
  let splayMs: number;
  let splaySource: DaemonConfig['splaySource'];
  if (flags.splaySeconds !== undefined) {
    splayMs = Math.round(flags.splaySeconds * 1000);
    splaySource = 'flag';
  } else if (policy.splaySeconds !== undefined) {
    splayMs = Math.round(policy.splaySeconds * 1000);
    splaySource = 'policy';
  } else {
    splayMs = defaultSplayMs(intervalMs, doctor.timeoutMs, input.machineFraction ?? machineFraction());
    splaySource = 'machine';
  }

  const envLevel = env[LOG_LEVEL_ENV_VAR];
  const logLevelValue = flags.logLevel ?? policy.logLevel ?? (isLogLevel(envLevel) ? envLevel : DEFAULT_LOG_LEVEL);
  const jsonFile = flags.jsonFile ?? (policy.jsonFile !== undefined ? expandHome(policy.jsonFile, home) : undefined);
  const syslogUrls = flags.syslog ?? (policy.syslog === undefined ? [] : Array.isArray(policy.syslog) ? policy.syslog : [policy.syslog]);
  const syslog = syslogUrls.map((u) => parseSyslogUrl(u));
  const anyOther = jsonFile !== undefined || syslog.length > 0;

  const config: DaemonConfig = {
    schedule: scheduleExpr,
    intervalMs,
    splayMs,
    splaySource,
    raiseAfter: flags.raiseAfter ?? policy.raiseAfter ?? DEFAULT_RAISE_AFTER,
    clearAfter: flags.clearAfter ?? policy.clearAfter ?? DEFAULT_CLEAR_AFTER,
    heartbeatMs: Math.round((flags.heartbeatMinutes ?? policy.heartbeatMinutes ?? DEFAULT_HEARTBEAT_MINUTES) * 60_000),
    stateDir: resolveStateDir(flags.stateDir, platform, env, home),
    historyMax: flags.historyMax ?? policy.historyMax ?? DEFAULT_HISTORY_MAX,
    // Console is on when asked for, or when nothing else would report.
    console: flags.console ?? policy.console ?? !anyOther,
    verbose: doctor.verbose,
    syslog,
    facility: flags.syslogFacility ?? policy.syslogFacility ?? DEFAULT_FACILITY,
    appName: flags.appName ?? policy.appName ?? DEFAULT_APP_NAME,
    logLevel: logLevelValue,
    shutdownMs: SHUTDOWN_BOUND_MS,
  };
  if (jsonFile !== undefined) config.jsonFile = path.resolve(jsonFile);
  if (flags.maxRuns !== undefined) config.maxRuns = flags.maxRuns;
  return config;
}
