/**
 * Runs one of the OS's own tools (scutil, gsettings, security, dpkg-query) bounded in time (then
 * SIGKILL) and output, never throwing: what went wrong is a plain reason for a message.
 */
import { execFile } from 'node:child_process';

/** The most output read from one tool unless the caller says otherwise. */
const DEFAULT_MAX_OUTPUT = 256 * 1024;

export type ToolResult = { ok: true; stdout: string } | { ok: false; reason: string };

/** Runs a tool bounded in time and output; never throws. */
export function runTool(file: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; maxBuffer?: number }): Promise<ToolResult> {
  const maxBuffer = opts.maxBuffer ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        windowsHide: true,
        encoding: 'utf8',
        maxBuffer,
        ...(opts.env ? { env: opts.env } : {}),
      },
      (err, stdout) => {
        if (!err) return resolve({ ok: true, stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        const name = file.split(/[\\/]/).pop() ?? file;
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ ok: false, reason: `${name} printed more than ${maxBuffer} bytes` });
        if (e.killed || e.signal) return resolve({ ok: false, reason: `${name} did not answer within ${opts.timeoutMs} ms` });
        if (typeof e.code === 'string') return resolve({ ok: false, reason: `cannot run ${name} (${e.code})` });
        resolve({ ok: false, reason: `${name} failed (exit code ${String(e.code)})` });
      },
    );
  });
}
