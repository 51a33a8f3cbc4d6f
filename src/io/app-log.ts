/**
 * Reads Claude Desktop's own log, `main.log` (docs/claude-desktop.md, "The app's log"): of the
 * places the app may write it (src/app/app-log.ts), the regular file written most recently that
 * can be read, read from the end, at most `APP_LOG_MAX_BYTES`, each line bounded and without control
 * characters. Its lines are untrusted text.
 */
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

import { appLogCandidates, cleanLine, MSIX_FAMILY_PATTERN } from '../app/app-log.js';
import { envVar } from '../config/paths.js';
import type { AppLogFolder, AppLogIO, AppLogTail } from '../contract/io.js';

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
export async function readLogTail(file: string, maxBytes: number): Promise<{ lines: string[]; truncated: boolean }> {
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

/** How the reader reaches the files: the real file system, or a test's stand-in for a failure root cannot cause. */
export interface LogFiles {
  stat(file: string): Promise<{ isFile(): boolean; mtime: Date; mtimeMs: number }>;
  readTail(file: string, maxBytes: number): Promise<{ lines: string[]; truncated: boolean }>;
}

const REAL_FILES: LogFiles = { stat: (f) => stat(f), readTail: readLogTail };

/** Most other logs listed in a found tail. */
const MAX_OTHERS = 10;

/**
 * The app's log on this machine: `platform`'s places, `env` (CLAUDE_USER_DATA_DIR, …) and `home`.
 * Every place is looked at; the regular files found are tried newest first (by modification
 * time) and the first that can be read is the log; the others found are named with it.
 */
export function realAppLog(platform: NodeJS.Platform, env: Env, home: string, files: LogFiles = REAL_FILES): AppLogIO {
  return {
    async tail(opts = {}): Promise<AppLogTail> {
      const maxBytes = Math.max(1, Math.min(opts.maxBytes ?? APP_LOG_MAX_BYTES, APP_LOG_MAX_BYTES));
      const candidates = appLogCandidates(platform, env, home, await msixFamilies(platform, env, home));
      const searched = candidates.map((c) => c.path);
      // Regular files only: a FIFO or device named main.log is never opened.
      const existing: { path: string; folder: AppLogFolder; mtime: Date }[] = [];
      const failed: { path: string; reason: string }[] = [];
      for (const c of candidates) {
        try {
          const s = await files.stat(c.path);
          if (s.isFile()) existing.push({ path: c.path, folder: c.folder, mtime: s.mtime });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? 'error';
          if (code !== 'ENOENT' && code !== 'ENOTDIR') failed.push({ path: c.path, reason: code });
        }
      }
      // Newest first; equal times keep the candidates' order (third-party before first-party).
      existing.sort((a, b) => b.mtime.getTime() - a.mtime.getTime());
      for (const [i, log] of existing.entries()) {
        try {
          const { lines, truncated } = await files.readTail(log.path, maxBytes);
          const others = existing
            .filter((o, j) => j !== i && !failed.some((f) => f.path === o.path))
            .slice(0, MAX_OTHERS)
            .map((o) => ({ path: o.path, folder: o.folder, modifiedAt: o.mtime }));
          return {
            status: 'found',
            path: log.path,
            folder: log.folder,
            lines,
            truncated,
            modifiedAt: log.mtime,
            searched,
            ...(others.length ? { others } : {}),
            ...(failed.length ? { unreadable: failed.slice(0, MAX_OTHERS) } : {}),
          };
        } catch (err) {
          failed.push({ path: log.path, reason: (err as NodeJS.ErrnoException).code ?? 'error' });
        }
      }
      const first = failed[0];
      return first ? { status: 'unreadable', ...first, searched } : { status: 'missing', searched };
    },
  };
}
