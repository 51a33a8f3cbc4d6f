/**
 * Runs a short PowerShell script on Windows and returns its stdout; never throws. Windows
 * PowerShell 5.1 (`powershell.exe`, on every Windows since 10) is taken from `%SystemRoot%`, so a
 * `powershell.exe` earlier on PATH cannot stand in for it.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export type PowerShellResult = { ok: true; stdout: string } | { ok: false; reason: string };

export const POWERSHELL_TIMEOUT_MS = 15_000;

export function powershellPath(env: NodeJS.ProcessEnv): string {
  const systemRoot = env['SystemRoot'] ?? env['SYSTEMROOT'] ?? 'C:\\Windows';
  return path.win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

export function runPowerShell(script: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<PowerShellResult> {
  if (process.platform !== 'win32') return Promise.resolve({ ok: false, reason: 'PowerShell is only asked on Windows' });
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? POWERSHELL_TIMEOUT_MS;
  return new Promise((resolve) => {
    execFile(
      powershellPath(env),
      ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script],
      { timeout: timeoutMs, windowsHide: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (e.killed || e.signal) return resolve({ ok: false, reason: `timed out after ${timeoutMs} ms` });
        if (typeof e.code === 'string') return resolve({ ok: false, reason: `cannot run powershell.exe (${e.code})` });
        const first = stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? `exit code ${String(e.code)}`;
        resolve({ ok: false, reason: first.trim().slice(0, 200) });
      },
    );
  });
}
