/**
 * Claude Desktop's own log, `main.log`: where the app writes what it did with the settings it
 * read (which it accepted, which it ignored). Read from the end, bounded, with control
 * characters removed: its lines are untrusted text. Locations (third-party builds, "-3p"):
 * macOS `~/Library/Logs/Claude-3p/main.log`; Windows `%LOCALAPPDATA%\Claude-3p\Logs\main.log`;
 * Linux `$XDG_CONFIG_HOME/Claude-3p/logs/main.log` (docs/facts.md: the app's log).
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';

import type { AppLogIO, AppLogTail } from '../contract/io.js';

/** Most of a log the doctor reads: the tail, where the last start-up is. */
export const APP_LOG_MAX_BYTES = 256 * 1024;
/** Longest line kept; longer lines are cut. */
const MAX_LINE = 2_000;

type Env = Readonly<Record<string, string | undefined>>;

/** Where the app's log may be, most likely first. */
export function appLogCandidates(platform: NodeJS.Platform, env: Env, home: string): string[] {
  if (platform === 'darwin') return [join(home, 'Library', 'Logs', 'Claude-3p', 'main.log')];
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local');
    const roaming = env['APPDATA'] ?? join(home, 'AppData', 'Roaming');
    return [join(local, 'Claude-3p', 'Logs', 'main.log'), join(roaming, 'Claude-3p', 'logs', 'main.log')];
  }
  const config = env['XDG_CONFIG_HOME'] || join(home, '.config');
  return [join(config, 'Claude-3p', 'logs', 'main.log')];
}

/** Removes control characters (keeps tabs) so a log line cannot drive a terminal. */
export function cleanLine(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').slice(0, MAX_LINE);
}

/** Reads the last `maxBytes` of the first log that exists. */
export function realAppLog(platform: NodeJS.Platform, env: Env, home: string): AppLogIO {
  return {
    async tail(opts = {}): Promise<AppLogTail> {
      const maxBytes = Math.min(opts.maxBytes ?? APP_LOG_MAX_BYTES, APP_LOG_MAX_BYTES);
      const searched = appLogCandidates(platform, env, home);
      for (const path of searched) {
        let handle;
        try {
          handle = await open(path, 'r');
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'ENOTDIR') continue;
          return { status: 'unreadable', path, reason: code ?? 'error' };
        }
        try {
          const { size } = await handle.stat();
          const start = Math.max(0, size - maxBytes);
          const buffer = Buffer.alloc(Math.min(size, maxBytes));
          await handle.read(buffer, 0, buffer.length, start);
          let lines = buffer.toString('utf8').split(/\r?\n/);
          if (start > 0) lines = lines.slice(1); // the first line was cut in the middle
          if (lines.at(-1) === '') lines.pop();
          return { status: 'found', path, lines: lines.map(cleanLine), truncated: start > 0 };
        } catch (err) {
          return { status: 'unreadable', path, reason: (err as NodeJS.ErrnoException).code ?? 'error' };
        } finally {
          await handle.close();
        }
      }
      return { status: 'missing', searched };
    },
  };
}
