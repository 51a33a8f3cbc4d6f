/**
 * The daemon's own log: pino, one JSON object per line on stderr (the journal under systemd,
 * StandardErrorPath under launchd). This module is the only importer of pino.
 *
 * Secrets never reach the log, by three layers: pino `redact` for the known key-bearing paths
 * (exact paths: pino's redaction is not recursive), a deep scrub of every logged object and
 * message against every key this process has read ({@link knownSecrets}), and a last scrub of
 * the serialized line.
 */
import { pino, type DestinationStream, type Level, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { knownSecrets, scrub, type Secret } from './secret.js';

export type Logger = PinoLogger;
export type LogLevel = Level | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
/** Environment variable that sets the level when no flag or policy does. */
export const LOG_LEVEL_ENV_VAR = 'PORTKEY_DOCTOR_LOG_LEVEL';

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/** Paths whose values are replaced whatever they hold (exact paths, one and two levels deep). */
const SECRET_KEYS = [
  'apiKey',
  'api_key',
  'key',
  'secret',
  'password',
  'token',
  'authorization',
  'Authorization',
  '"x-api-key"',
  '"x-portkey-api-key"',
  'inferenceGatewayApiKey',
];
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
];

export interface LoggerSetup {
  level?: LogLevel;
  /** Where lines go; default: stderr, written synchronously (nothing lost at exit). */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Fields on every line (e.g. `{ component: 'daemon' }`). */
  base?: Record<string, unknown>;
  /** The secrets to scrub; default: every secret this process has read, looked up at each line. */
  secrets?: () => readonly (Secret | undefined)[];
}

const MAX_DEPTH = 6;

/** Copies a value with every string scrubbed; errors become plain `{type, message, code, stack}`. */
export function scrubDeep(value: unknown, secrets: readonly (Secret | undefined)[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return secrets.length > 0 ? scrub(value, secrets) : value;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth]';
  seen.add(value);
  if (value instanceof Error) {
    const e = value as NodeJS.ErrnoException & { cause?: unknown };
    const out: Record<string, unknown> = { type: e.name, message: scrubDeep(e.message, secrets, depth + 1, seen) };
    if (e.code !== undefined) out.code = e.code;
    if (e.stack !== undefined) out.stack = scrubDeep(e.stack, secrets, depth + 1, seen);
    if (e.cause !== undefined) out.cause = scrubDeep(e.cause, secrets, depth + 1, seen);
    if (value instanceof AggregateError) out.errors = value.errors.slice(0, 5).map((x) => scrubDeep(x, secrets, depth + 1, seen));
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1, seen));
  // Secrets (and anything else with toJSON) serialize to their safe form.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return scrubDeep((value as { toJSON(): unknown }).toJSON(), secrets, depth + 1, seen);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, secrets, depth + 1, seen);
  return out;
}

export function createLogger(setup: LoggerSetup = {}): Logger {
  const secrets = setup.secrets ?? knownSecrets;
  const options: LoggerOptions = {
    level: setup.level ?? DEFAULT_LOG_LEVEL,
    base: { pid: process.pid, ...(setup.base ?? {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // Errors are already plain objects (scrubDeep, in formatters.log); keep them as they are.
    serializers: { err: (e: unknown) => (e instanceof Error ? scrubDeep(e, secrets()) : e) },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => scrubDeep(obj, secrets()) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const list = secrets();
        const clean = list.length === 0 ? args : (args.map((a) => (typeof a === 'string' ? scrub(a, list) : a)) as typeof args);
        method.apply(this, clean);
      },
      // Last line of defence on the serialized line; keeps the line valid JSON.
      streamWrite(line) {
        const list = secrets();
        if (list.length === 0) return line;
        const clean = scrub(line, list);
        if (clean === line) return line;
        try {
          JSON.parse(clean);
          return clean;
        } catch {
          return JSON.stringify({ level: 'warn', time: new Date().toISOString(), pid: process.pid, msg: 'log line withheld: it held part of a secret' }) + '\n';
        }
      },
    },
  };
  const destination = setup.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(options, destination as DestinationStream);
}

/** A logger that discards everything (library code given no logger). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
