/**
 * Reads Claude Desktop's own log, `main.log` (docs/claude-desktop.md, "The app's log"): of the
 * places the app may write it (src/app/app-log.ts), the regular file written most recently,
 * read from the end, at most `APP_LOG_MAX_BYTES`, each line bounded and without control
 * characters. Its lines are untrusted text.
 */
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

import { appLogCandidates, cleanLine, MSIX_FAMILY_PATTERN } from '../app/app-log.js';
import { envVar } from '../config/paths.js';
import type { AppLogIO, AppLogTail } from '../contract/io.js';

/** Most of a log the doctor reads: the tail, where the last start-up is. */
export const APP_LOG_MAX_BYTES = 256 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

/** Package folders under `%LOCALAPPDATA%\Packages` that are Claude Desktop's (Windows only). */
async function msixFamilies(platform: NodeJS.Platform, env: Env, home: string): Promise<string[]> {
  if (platform !== 'win32') return [];
  const local = envVar(env, 'LOCALAPPDATA', platform) ?? path.win32.join(home, 'AppData', 'Local');
  try {
    return (await readdir(path.win32.join(local, 'Packages'))).filter((n) => MSIX_FAMILY_PATTERN.test(n));
  } catch {
    return [];
  }
}

/** Reads the tail of one log file: the lines after the first cut one, oldest first. */
async function readTail(file: string, maxBytes: number): Promise<{ lines: string[]; truncated: boolean }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(Math.min(size, maxBytes));
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    let lines = buffer.subarray(0, read).toString('utf8').split('\n');
    if (start > 0) lines = lines.slice(1); // the first line was cut in the middle
    if (lines.at(-1) === '') lines.pop();
    return { lines: lines.map((l) => cleanLine(l)), truncated: start > 0 };
  } finally {
    await handle.close();
  }
}

/** The app's log on this machine: `platform`'s places, `env` (CLAUDE_USER_DATA_DIR, …) and `home`. */
export function realAppLog(platform: NodeJS.Platform, env: Env, home: string): AppLogIO {
  return {
    async tail(opts = {}): Promise<AppLogTail> {
      const maxBytes = Math.max(1, Math.min(opts.maxBytes ?? APP_LOG_MAX_BYTES, APP_LOG_MAX_BYTES));
      const candidates = appLogCandidates(platform, env, home, await msixFamilies(platform, env, home));
      const searched = candidates.map((c) => c.path);
      // The most recently written regular file: a FIFO or device named main.log is never opened.
      let best: { path: string; folder: (typeof candidates)[number]['folder']; mtime: Date } | undefined;
      let denied: { path: string; reason: string } | undefined;
      for (const c of candidates) {
        try {
          const s = await stat(c.path);
          if (s.isFile() && (!best || s.mtimeMs > best.mtime.getTime())) best = { path: c.path, folder: c.folder, mtime: s.mtime };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? 'error';
          if (code !== 'ENOENT' && code !== 'ENOTDIR') denied ??= { path: c.path, reason: code };
        }
      }
      if (!best) return denied ? { status: 'unreadable', ...denied, searched } : { status: 'missing', searched };
      try {
        const { lines, truncated } = await readTail(best.path, maxBytes);
        return { status: 'found', path: best.path, folder: best.folder, lines, truncated, modifiedAt: best.mtime, searched };
      } catch (err) {
        return { status: 'unreadable', path: best.path, reason: (err as NodeJS.ErrnoException).code ?? 'error', searched };
      }
    },
  };
}
