/**
 * The daemon's own log: pino, one JSON object per line on stderr (the journal under systemd,
 * StandardErrorPath under launchd). This module is the only importer of pino.
 *
 * Secrets never reach the log. pino `redact` blanks the known key-bearing paths whatever they
 * hold (exact paths: pino's redaction is not recursive); the rest is the output scrub
 * (./output-scrub.ts), the stage every output passes, applied to every logged object and
 * message and, last, to the serialized line.
 */
import { pino, type DestinationStream, type Level, type Logger as PinoLogger, type LoggerOptions } from 'pino';
import { outputScrub, type OutputScrub, type SecretSource } from './output-scrub.js';

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
  secrets?: SecretSource;
}

export function createLogger(setup: LoggerSetup = {}): Logger {
  const out: OutputScrub = outputScrub(setup.secrets);
  const options: LoggerOptions = {
    level: setup.level ?? DEFAULT_LOG_LEVEL,
    base: { pid: process.pid, ...(setup.base ?? {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    // Errors become plain, scrubbed objects (as in formatters.log).
    serializers: { err: (e: unknown) => (e instanceof Error ? out.value(e) : e) },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => out.value(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? out.text(a) : a)) as typeof args);
      },
      // Last line of defence on the serialized line; keeps the line valid JSON.
      streamWrite(line) {
        const clean = out.text(line);
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
