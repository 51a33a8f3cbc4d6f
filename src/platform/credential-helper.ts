/**
 * Runs the credential helper Claude Desktop is configured with (`inferenceCredentialHelper`),
 * the way the app does (docs/claude-desktop.md, "Credentials"): the executable at an absolute
 * path, no arguments, no shell, `CLAUDE_HELPER_CONTEXT` in its environment; exit code 0; stdout
 * trimmed is either one bare token or `{"token": "…", "headers": {…}}`; stderr is ignored.
 *
 * Only ever run on the person's request (`--use-credential-helper`). What it prints is wrapped in
 * a {@link Secret} as soon as it is read and never shown: results carry fingerprints, lengths,
 * header names and exit codes only. Bounded: a deadline (the helper's own timeout setting, or
 * the app's default), a cap on how much it may print, and the whole process group killed on
 * expiry so a helper's children do not keep the doctor waiting.
 */
import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { settleOnce } from '../core/deadline.js';
import { Secret } from '../core/secret.js';

/** The app's default wait for the helper (`inferenceCredentialHelperTimeoutSec`, 1–600 s). */
export const HELPER_DEFAULT_TIMEOUT_S = 60;
export const HELPER_MIN_TIMEOUT_S = 1;
export const HELPER_MAX_TIMEOUT_S = 600;
/** More stdout than this is not a token: the helper is stopped and the run fails. */
export const HELPER_MAX_OUTPUT_BYTES = 64 * 1024;
/** The context the doctor announces (one of the values the app passes; this one means a test run). */
export const HELPER_CONTEXT = 'setup-test';

export type HelperFailure =
  | 'not-absolute' // the setting is not an absolute path
  | 'not-found' // nothing at that path
  | 'not-executable' // exists but cannot be executed (permissions, not a program)
  | 'spawn-error' // any other reason the process could not start
  | 'timeout' // still running at the deadline (killed)
  | 'exit' // ended with a non-zero exit code
  | 'signal' // killed by a signal
  | 'empty' // exit 0, nothing (or only whitespace) on stdout
  | 'too-large' // printed more than HELPER_MAX_OUTPUT_BYTES (killed)
  | 'bad-output'; // neither one bare token nor {"token": …}

export type HelperRun =
  | {
      ok: true;
      /** The token (the API key or bearer the app would send). */
      key: Secret;
      /** Per-request headers the helper printed (JSON form), values kept secret. */
      headers: { name: string; value: Secret }[];
      /** Which output format the helper used. */
      format: 'token' | 'json';
      durationMs: number;
    }
  | {
      ok: false;
      reason: HelperFailure;
      /** For people; never contains the helper's output. */
      message: string;
      exitCode?: number;
      signal?: string;
      durationMs: number;
    };

export interface RunHelperOptions {
  /** Milliseconds before the helper is killed. */
  timeoutMs: number;
  /** The environment to run it in (`CLAUDE_HELPER_CONTEXT` is added). */
  env?: NodeJS.ProcessEnv;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/**
 * The deadline for a configured `inferenceCredentialHelperTimeoutSec` (a number, or a decimal
 * string as managed sources write it): within the app's range, else the app's default.
 */
export function helperTimeoutMs(setting: unknown): number {
  const n = typeof setting === 'number' ? setting : typeof setting === 'string' && /^\s*\d+\s*$/.test(setting) ? Number(setting) : Number.NaN;
  const s = Number.isInteger(n) && n >= HELPER_MIN_TIMEOUT_S && n <= HELPER_MAX_TIMEOUT_S ? n : HELPER_DEFAULT_TIMEOUT_S;
  return s * 1000;
}

/** Runs the helper once; never throws, never rejects. */
export function runCredentialHelper(file: string, opts: RunHelperOptions): Promise<HelperRun> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const failed = (reason: HelperFailure, message: string, extra: { exitCode?: number; signal?: string } = {}): HelperRun => ({
    ok: false,
    reason,
    message,
    ...extra,
    durationMs: elapsed(),
  });
  if (typeof file !== 'string' || !isAbsolute(file)) {
    return Promise.resolve(failed('not-absolute', 'the credential helper is not an absolute path (the app runs only an absolute path)'));
  }
  const maxBytes = opts.maxOutputBytes ?? HELPER_MAX_OUTPUT_BYTES;
  const seconds = Math.round(opts.timeoutMs / 100) / 10;
  return settleOnce<HelperRun>(
    {
      timeoutMs: opts.timeoutMs,
      onTimeout: () => failed('timeout', `the credential helper did not finish within ${seconds} s`),
      signal: opts.signal,
      onAbort: () => failed('timeout', 'the credential helper was stopped: the run was cancelled'),
    },
    (s) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const child = spawn(file, [], {
        shell: false,
        windowsHide: true,
        // Its own process group on POSIX, so a timeout ends the helper's children too.
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...(opts.env ?? process.env), CLAUDE_HELPER_CONTEXT: HELPER_CONTEXT },
      });
      const kill = () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try {
          if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          try {
            child.kill('SIGKILL');
          } catch {
            /* already gone */
          }
        }
      };
      s.onSettled(() => {
        kill();
        child.stdout?.destroy();
        // What was read is either a Secret now or discarded: wipe the buffers.
        for (const c of chunks) c.fill(0);
        chunks.length = 0;
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? 'error';
        if (code === 'ENOENT') s.settle(failed('not-found', 'the credential helper does not exist at the configured path'));
        else if (code === 'EACCES' || code === 'ENOEXEC' || code === 'EISDIR')
          s.settle(failed('not-executable', `the credential helper cannot be executed (${code})`));
        else s.settle(failed('spawn-error', `the credential helper could not be started (${code})`));
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          chunk.fill(0);
          s.settle(failed('too-large', `the credential helper printed more than ${maxBytes} bytes; the app expects one token`));
          return;
        }
        chunks.push(chunk);
      });
      // 'close': the process ended and its stdout is drained.
      child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (s.settled) return;
        if (signal !== null) {
          s.settle(failed('signal', `the credential helper was killed by ${signal}`, { signal }));
          return;
        }
        if (code !== 0) {
          s.settle(failed('exit', `the credential helper exited with code ${String(code)}`, code === null ? {} : { exitCode: code }));
          return;
        }
        s.settle(parseOutput(Buffer.concat(chunks), elapsed, failed));
      });
    },
  );
}

/** One bare token, or `{"token": "…", "headers": {…}}`; the text becomes Secrets at once. */
function parseOutput(buf: Buffer, elapsed: () => number, failed: (reason: HelperFailure, message: string) => HelperRun): HelperRun {
  const text = buf.toString('utf8').trim();
  buf.fill(0);
  if (text === '') return failed('empty', 'the credential helper printed nothing');
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return failed('bad-output', 'the credential helper printed something that starts like JSON but is not valid JSON');
    }
    const token = parsed !== null && typeof parsed === 'object' ? (parsed as { token?: unknown }).token : undefined;
    if (typeof token !== 'string' || token.trim() === '') {
      return failed('bad-output', 'the credential helper printed JSON without a non-empty "token" string');
    }
    const rawHeaders = (parsed as { headers?: unknown }).headers;
    const headers: { name: string; value: Secret }[] = [];
    if (rawHeaders !== undefined) {
      if (rawHeaders === null || typeof rawHeaders !== 'object' || Array.isArray(rawHeaders)) {
        return failed('bad-output', 'the credential helper printed "headers" that is not an object of names to strings');
      }
      for (const [name, value] of Object.entries(rawHeaders)) {
        if (typeof value !== 'string') return failed('bad-output', 'the credential helper printed a header whose value is not a string');
        headers.push({ name: name.slice(0, 200), value: new Secret(value) });
      }
    }
    return { ok: true, key: new Secret(token), headers, format: 'json', durationMs: elapsed() };
  }
  // Banners, prompts or log lines around the token: the app reads the whole of stdout as the token.
  if (/[\r\n]/.test(text)) return failed('bad-output', 'the credential helper printed more than one line; stdout must hold only the token');
  return { ok: true, key: new Secret(text), headers: [], format: 'token', durationMs: elapsed() };
}
