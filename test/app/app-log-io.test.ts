/**
 * The real reader of the app's log (src/io/app-log.ts) on real files: where it looks on each OS,
 * which log it reads when several exist, and that a huge log, binary junk or a FIFO named
 * main.log cannot make it read without bound, return control characters or hang.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { appLogCandidates, cleanLine, lastSession, parseLogEntries, quoteLogText } from '../../src/app/app-log.js';
import { APP_LOG_MAX_BYTES, realAppLog } from '../../src/io/app-log.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/app-log/', import.meta.url));

function home(): string {
  return mkdtempSync(join(tmpdir(), 'pkd-home-'));
}

function put(file: string, content: string | Buffer, mtime?: Date): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  if (mtime) utimesSync(file, mtime, mtime);
  return file;
}

describe('where the log is looked for', () => {
  it('macOS: Logs/Claude-3p, then the first-party Logs/Claude', () => {
    expect(appLogCandidates('darwin', {}, '/Users/alex')).toEqual([
      { path: '/Users/alex/Library/Logs/Claude-3p/main.log', folder: 'third-party' },
      { path: '/Users/alex/Library/Logs/Claude/main.log', folder: 'first-party' },
    ]);
  });

  it('Windows: Local, Roaming, then both MSIX families (and any found), for 3P then 1P', () => {
    const env = { LOCALAPPDATA: 'C:\\Users\\alex\\AppData\\Local', APPDATA: 'C:\\Users\\alex\\AppData\\Roaming' };
    const paths = appLogCandidates('win32', env, 'C:\\Users\\alex', ['Claude_abcdef123456', 'NotClaude_x']).map((c) => c.path);
    expect(paths.slice(0, 2)).toEqual([
      'C:\\Users\\alex\\AppData\\Local\\Claude-3p\\Logs\\main.log',
      'C:\\Users\\alex\\AppData\\Roaming\\Claude-3p\\logs\\main.log',
    ]);
    expect(paths).toContain('C:\\Users\\alex\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude-3p\\logs\\main.log');
    expect(paths).toContain('C:\\Users\\alex\\AppData\\Local\\Packages\\AnthropicPBC.Claude_fnn82j28hfe8t\\LocalCache\\Local\\Claude-3p\\Logs\\main.log');
    expect(paths).toContain('C:\\Users\\alex\\AppData\\Local\\Packages\\Claude_abcdef123456\\LocalCache\\Roaming\\Claude-3p\\logs\\main.log');
    expect(paths.some((p) => p.includes('NotClaude'))).toBe(false);
    expect(paths).toContain('C:\\Users\\alex\\AppData\\Local\\Claude\\Logs\\main.log');
  });

  it('Linux: $XDG_CONFIG_HOME and ~/.config, Claude-3p/logs then Claude/logs; CLAUDE_USER_DATA_DIR first', () => {
    expect(appLogCandidates('linux', { XDG_CONFIG_HOME: '/xdg', CLAUDE_USER_DATA_DIR: '/data/claude' }, '/home/alex')).toEqual([
      { path: '/data/claude/logs/main.log', folder: 'user-data-dir' },
      { path: '/xdg/Claude-3p/logs/main.log', folder: 'third-party' },
      { path: '/home/alex/.config/Claude-3p/logs/main.log', folder: 'third-party' },
      { path: '/xdg/Claude/logs/main.log', folder: 'first-party' },
      { path: '/home/alex/.config/Claude/logs/main.log', folder: 'first-party' },
    ]);
    // Relative values are not used.
    expect(appLogCandidates('linux', { XDG_CONFIG_HOME: 'rel', CLAUDE_USER_DATA_DIR: 'rel' }, '/home/alex').map((c) => c.path)[0]).toBe(
      '/home/alex/.config/Claude-3p/logs/main.log',
    );
  });
});

describe('reading the log', () => {
  it('no log: missing, with every place looked at', async () => {
    const h = home();
    const tail = await realAppLog('linux', {}, h).tail();
    expect(tail).toEqual({ status: 'missing', searched: [join(h, '.config/Claude-3p/logs/main.log'), join(h, '.config/Claude/logs/main.log')] });
  });

  it('the most recently written log is read: a newer first-party log wins over an older third-party one', async () => {
    const h = home();
    put(join(h, '.config/Claude-3p/logs/main.log'), 'old\n', new Date('2026-11-01T00:00:00Z'));
    put(join(h, '.config/Claude/logs/main.log'), 'new\n', new Date('2026-12-01T00:00:00Z'));
    const tail = await realAppLog('linux', {}, h).tail();
    expect(tail).toMatchObject({ status: 'found', folder: 'first-party', lines: ['new'], path: join(h, '.config/Claude/logs/main.log') });
  });

  it('CLAUDE_USER_DATA_DIR: its logs/main.log', async () => {
    const h = home();
    const data = join(h, 'custom');
    put(join(data, 'logs/main.log'), 'x\n');
    expect(await realAppLog('linux', { CLAUDE_USER_DATA_DIR: data }, h).tail()).toMatchObject({ status: 'found', folder: 'user-data-dir' });
  });

  it('a huge log: only the tail is read, the cut first line dropped', async () => {
    const h = home();
    const filler = '2026-11-30 08:00:00 [info] filler line that repeats\n'.repeat(120_000); // ~6 MB
    const file = put(join(h, '.config/Claude-3p/logs/main.log'), filler + readFileSync(join(FIXTURES, 'models-rejected.log'), 'utf8'));
    const tail = await realAppLog('linux', {}, h).tail();
    if (tail.status !== 'found') throw new Error(tail.status);
    expect(tail.truncated).toBe(true);
    expect(tail.path).toBe(file);
    expect(tail.lines.join('\n').length).toBeLessThanOrEqual(APP_LOG_MAX_BYTES);
    expect(tail.lines.at(-1)).toContain('ConfigHealth recomputed');
    expect(tail.lines[0]).toMatch(/^2026-11-30 08:00:00/);
  });

  it('one enormous line: bounded', async () => {
    const h = home();
    put(join(h, '.config/Claude-3p/logs/main.log'), `2026-12-01 09:00:00 [info] ${'x'.repeat(3_000_000)}\n`);
    const tail = await realAppLog('linux', {}, h).tail();
    if (tail.status !== 'found') throw new Error(tail.status);
    for (const l of tail.lines) expect(l.length).toBeLessThanOrEqual(2_000);
  });

  it('binary junk: no control character in any line', async () => {
    const h = home();
    put(join(h, '.config/Claude-3p/logs/main.log'), readFileSync(join(FIXTURES, 'binary.log')));
    const tail = await realAppLog('linux', {}, h).tail();
    if (tail.status !== 'found') throw new Error(tail.status);
    for (const l of tail.lines) expect(l).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    const session = lastSession(parseLogEntries(tail.lines));
    expect(session.appVersion).toBe('1.52386.6');
  });

  it.skipIf(process.platform === 'win32')('a FIFO named main.log is never opened (reading it would hang)', async () => {
    const h = home();
    mkdirSync(join(h, '.config/Claude-3p/logs'), { recursive: true });
    execFileSync('mkfifo', [join(h, '.config/Claude-3p/logs/main.log')]);
    const tail = await realAppLog('linux', {}, h).tail();
    expect(tail.status).toBe('missing');
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('a log that cannot be read: unreadable, with the reason', async () => {
    const h = home();
    const file = put(join(h, '.config/Claude-3p/logs/main.log'), 'x\n');
    execFileSync('chmod', ['000', file]);
    expect(await realAppLog('linux', {}, h).tail()).toMatchObject({ status: 'unreadable', path: file, reason: 'EACCES' });
  });
});

describe('untrusted text', () => {
  it('cleanLine removes escapes whole, control and bidi characters; bounded', () => {
    expect(cleanLine('a\u001b[31mred\u001b[0m\u001b]0;title\u0007b\u202e\u0000c\td')).toBe('aredbc d');
    expect(cleanLine('y'.repeat(10_000)).length).toBe(2_000);
  });

  it('quoteLogText removes credential shapes but keeps paths, model ids and hosts', () => {
    const q = quoteLogText(
      "helperPath: '/home/alex/Tools2/GetKeyForPortkey9', model claude-opus-4-1-20250805, https://bob:pw@gw.example.test, x-api-key: abc, ghp_abcdefghijklmnopqrstuvwx1234",
    );
    expect(q).toContain('/home/alex/Tools2/GetKeyForPortkey9');
    expect(q).toContain('claude-opus-4-1-20250805');
    // The URL's user-info is dropped whole (issue 12 #3), not only masked.
    expect(q).toContain('https://gw.example.test');
    expect(q).not.toMatch(/bob|pw@|abc,|ghp_/);
  });
});
