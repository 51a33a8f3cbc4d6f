/**
 * Where the app's log is, per OS and version (FIELD-NOTES §8; docs/claude-desktop.md, "The app's
 * log"), and which one is read: every known place is looked at, the logs found are tried newest
 * first (by modification time), the first that can be read is the log and the others are named.
 * Real files in a temp HOME; a read failure root cannot cause is injected.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { appLogCandidates } from '../../src/app/app-log.js';
import { type LogFiles, readLogTail, realAppLog } from '../../src/io/app-log.js';

function home(): string {
  return mkdtempSync(join(tmpdir(), 'pkd-logs-'));
}

function put(file: string, content: string, mtime: Date): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  utimesSync(file, mtime, mtime);
  return file;
}

const day = (d: number) => new Date(Date.UTC(2026, 10, d));

describe('every known place, per OS and version (§8)', () => {
  it('macOS: ~/Library/Logs/Claude-3p/main.log and ~/Library/Logs/Claude/main.log', () => {
    const paths = appLogCandidates('darwin', {}, '/Users/alex').map((c) => c.path);
    expect(paths).toEqual(expect.arrayContaining(['/Users/alex/Library/Logs/Claude-3p/main.log', '/Users/alex/Library/Logs/Claude/main.log']));
  });

  it('Windows: %APPDATA%\\Claude\\logs (before 1.34493.1), %LOCALAPPDATA%\\Claude\\Logs (since), 3P %LOCALAPPDATA%\\Claude-3p\\logs, old MSIX LocalCache\\Roaming\\Claude\\logs', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\alex\\AppData\\Local', APPDATA: 'C:\\Users\\alex\\AppData\\Roaming' };
    const paths = appLogCandidates('win32', env, 'C:\\Users\\alex').map((c) => c.path.toLowerCase());
    for (const p of [
      'C:\\Users\\alex\\AppData\\Roaming\\Claude\\logs\\main.log',
      'C:\\Users\\alex\\AppData\\Local\\Claude\\Logs\\main.log',
      'C:\\Users\\alex\\AppData\\Local\\Claude-3p\\logs\\main.log',
      'C:\\Users\\alex\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude\\logs\\main.log',
    ]) {
      expect(paths, p).toContain(p.toLowerCase());
    }
  });

  it('Linux: ~/.config/Claude-3p/logs/main.log and the first-party ~/.config/Claude/logs/main.log', () => {
    const paths = appLogCandidates('linux', {}, '/home/alex').map((c) => c.path);
    expect(paths).toEqual(['/home/alex/.config/Claude-3p/logs/main.log', '/home/alex/.config/Claude/logs/main.log']);
  });
});

describe('newest first', () => {
  it('Linux: of three logs, the newest is read and the others named, newest first', async () => {
    const h = home();
    const data = join(h, 'data');
    const userData = put(join(data, 'logs/main.log'), 'user-data-dir\n', day(1));
    const third = put(join(h, '.config/Claude-3p/logs/main.log'), 'third-party\n', day(20));
    const first = put(join(h, '.config/Claude/logs/main.log'), 'first-party\n', day(10));
    const tail = await realAppLog('linux', { CLAUDE_USER_DATA_DIR: data }, h).tail();
    expect(tail).toMatchObject({
      status: 'found',
      path: third,
      folder: 'third-party',
      lines: ['third-party'],
      modifiedAt: day(20),
      others: [
        { path: first, folder: 'first-party', modifiedAt: day(10) },
        { path: userData, folder: 'user-data-dir', modifiedAt: day(1) },
      ],
    });
  });

  it('macOS places on a real folder: the first-party log written later wins over the 3P one', async () => {
    const h = home();
    put(join(h, 'Library/Logs/Claude-3p/main.log'), '3p\n', day(1));
    const first = put(join(h, 'Library/Logs/Claude/main.log'), '1p\n', day(2));
    expect(await realAppLog('darwin', {}, h).tail()).toMatchObject({ status: 'found', path: first, folder: 'first-party', lines: ['1p'] });
  });

  it('the newest log cannot be read: the next newest is read, the unreadable one named with its reason', async () => {
    const h = home();
    const third = put(join(h, '.config/Claude-3p/logs/main.log'), 'third-party\n', day(20));
    const first = put(join(h, '.config/Claude/logs/main.log'), 'first-party\n', day(10));
    const files: LogFiles = {
      stat: (f) => stat(f),
      async readTail(f, max) {
        if (f === third) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return readLogTail(f, max);
      },
    };
    const tail = await realAppLog('linux', {}, h, files).tail();
    expect(tail).toMatchObject({ status: 'found', path: first, lines: ['first-party'], unreadable: [{ path: third, reason: 'EACCES' }] });
    expect(tail.status === 'found' && tail.others).toBeFalsy();
  });

  it('no log can be read: unreadable, naming the newest and the reason', async () => {
    const h = home();
    const third = put(join(h, '.config/Claude-3p/logs/main.log'), 'x\n', day(20));
    put(join(h, '.config/Claude/logs/main.log'), 'y\n', day(10));
    const files: LogFiles = {
      stat: (f) => stat(f),
      readTail: async () => {
        throw Object.assign(new Error('io'), { code: 'EIO' });
      },
    };
    expect(await realAppLog('linux', {}, h, files).tail()).toMatchObject({ status: 'unreadable', path: third, reason: 'EIO' });
  });
});
