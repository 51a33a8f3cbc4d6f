/** Which processes are the app and which one is its main process, on captured listings. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../src/app/process-info.js';
import { customRule, DARWIN_RULE, findAppProcesses, isHelper, LINUX_RULE, quitInstruction, WIN32_RULE } from '../../src/app/process-rules.js';
import { parsePsOutput, parseWin32Processes } from '../../src/platform/processes.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/platform/${name}`, import.meta.url), 'utf8');
const pids = (ps: ProcessInfo[]) => ps.map((p) => p.pid);

describe('macOS', () => {
  const list = parsePsOutput(fixture('ps-macos.txt'));

  it('tells the main process from its helpers, and leaves out other users and editors', () => {
    const found = findAppProcesses(list, DARWIN_RULE, { ownUid: 501 });
    expect(pids(found.main)).toEqual([733]);
    expect(pids(found.helpers).sort()).toEqual([744, 745, 752]);
    expect(pids(found.ignored).sort()).toEqual([1204, 1210]);
  });

  it('only the executable counts: a path in the arguments is not the app', () => {
    const m = (cmd: string) => DARWIN_RULE.matches({ pid: 1, ppid: 0, name: 'x', cmd });
    expect(m('/usr/bin/codesign -v /Applications/Claude.app/Contents/MacOS/Claude')).toBe(false);
    expect(m('/Users/alex/My Apps/Claude.app/Contents/MacOS/Claude')).toBe(true);
    expect(m('/Applications/Claude.app/Contents/MacOS/Claude --inspect')).toBe(true);
    expect(m('/Applications/Claude.app/Contents/MacOS/Claude2')).toBe(false);
    expect(isHelper({ pid: 1, ppid: 0, name: 'node', cmd: '/Applications/Claude.app/Contents/MacOS/Claude --x /tmp/Claude Helper (GPU)' })).toBe(false);
  });

  it('without an owner filter sees both users’ apps as two main processes', () => {
    const found = findAppProcesses(list, DARWIN_RULE);
    expect(pids(found.main)).toEqual([733, 1204]);
  });
});

describe('Windows', () => {
  it('tells claude.exe’s main process from its helpers; a Claude.exe whose path is hidden (another session’s) is not seen, not guessed', () => {
    const found = findAppProcesses(parseWin32Processes(fixture('win32-processes.json')), WIN32_RULE);
    expect(pids(found.main)).toEqual([5120]);
    expect(pids(found.helpers).sort()).toEqual([5188, 5260, 5344]);
    expect(pids(found.unseen)).toEqual([9001]);
    expect(pids(found.ignored)).toEqual([]);
  });

  it('without paths or command lines (ps-list fallback) nothing is taken for the app by name: every claude.exe is unseen', () => {
    const bare = parseWin32Processes(fixture('win32-processes.json')).map(({ pid, ppid, name }) => ({ pid, ppid, name }));
    const found = findAppProcesses(bare, WIN32_RULE);
    expect(pids(found.main)).toEqual([]);
    expect(pids(found.helpers)).toEqual([]);
    expect(pids(found.unseen).sort()).toEqual([5120, 5188, 5260, 5344, 9001]);
  });
});

describe('Linux community builds', () => {
  it('matches Electron running a claude-desktop app.asar, helpers by --type', () => {
    const found = findAppProcesses(parsePsOutput(fixture('ps-linux-community.txt')), LINUX_RULE);
    expect(pids(found.main)).toEqual([24420]);
    expect(pids(found.helpers).sort()).toEqual([24421, 24422, 24423]);
  });

  it('matches a claude-desktop launcher and ignores unrelated mentions', () => {
    const m = (cmd: string, name = cmd.split(' ')[0]!.split('/').pop()!) => LINUX_RULE.matches({ pid: 1, ppid: 0, name, cmd });
    expect(m('/usr/bin/claude-desktop --no-sandbox')).toBe(true);
    expect(m('/usr/bin/electron /home/u/.local/share/claude-desktop/app.asar')).toBe(true);
    expect(m('vim /home/u/notes/claude-desktop/todo.txt')).toBe(false);
    expect(m('/usr/bin/electron /opt/other-app/app.asar')).toBe(false);
  });
});

describe('custom rule (--app-process)', () => {
  const p = (name: string, cmd: string, path?: string): ProcessInfo => ({ pid: 1, ppid: 0, name, cmd, ...(path ? { path } : {}) });

  it('a name matches the process name, the executable or a command-line word, not a substring', () => {
    const rule = customRule('claude-desktop');
    expect(rule.matches(p('claude-desktop', 'claude-desktop'))).toBe(true);
    expect(rule.matches(p('node', '/tmp/x/claude-desktop --flag'))).toBe(true);
    expect(rule.matches(p('node', 'node /opt/claude-desktop'))).toBe(true);
    expect(rule.matches(p('node', 'node /opt/claude-desktop-helper'))).toBe(false);
    expect(rule.matches(p('node', 'node /opt/claude-desktop/app.asar'))).toBe(false);
  });

  it('a path matches the executable path or a command line that starts with it', () => {
    const rule = customRule('/tmp/a b/Claude');
    expect(rule.matches(p('node', '/tmp/a b/Claude --x'))).toBe(true);
    expect(rule.matches(p('node', '/tmp/a b/Claude'))).toBe(true);
    expect(rule.matches(p('Claude', 'Claude', '/tmp/a b/Claude'))).toBe(true);
    expect(rule.matches(p('node', '/tmp/a b/Claude2'))).toBe(false);
    expect(rule.matches(p('node', 'x /tmp/a b/Claude'))).toBe(false);
  });
});

describe('helpers and quitting', () => {
  it('recognises Electron helpers', () => {
    expect(isHelper({ pid: 1, ppid: 0, name: 'claude.exe', cmd: 'claude.exe --type=renderer' })).toBe(true);
    expect(isHelper({ pid: 1, ppid: 0, name: 'Claude Helper (GPU)' })).toBe(true);
    expect(isHelper({ pid: 1, ppid: 0, name: 'claude.exe', cmd: 'claude.exe' })).toBe(false);
  });

  it('names the full quit for each OS', () => {
    expect(quitInstruction('darwin')).toContain('⌘Q');
    expect(quitInstruction('win32')).toContain('tray');
    expect(quitInstruction('linux')).toContain('Quit');
  });
});
