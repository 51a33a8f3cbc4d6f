/**
 * Which processes are Claude Desktop, and which of them is the main process (docs/claude-desktop.md,
 * "Installs and processes"). Electron starts helpers (renderer, GPU, utility, crashpad) with `--type=…`; on
 * macOS they are separate `Claude Helper …` executables inside the bundle. The main process is
 * an app process that is not a helper; the one that counts is the earliest whose parent is not
 * itself an app process. Pure: tested on real processes here and on captured listings.
 */
import { nameFromCmd, type ProcessInfo } from './process-info.js';

/** Decides whether a process belongs to the app. */
export interface AppProcessRule {
  /** For messages: what was looked for. */
  describe: string;
  matches(p: ProcessInfo): boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/**
 * The executable of a macOS command line is the bundle's own, or a helper bundle's inside it. The
 * path before `Claude.app` may hold spaces but not ` /` (that would be a later argument, as in
 * `codesign -v /Applications/Claude.app/…`).
 */
const DARWIN_EXE = /^(?:(?! \/).)*?Claude\.app\/Contents\/(?:MacOS\/Claude(?:\s|$)|Frameworks\/Claude Helper[^/]*\.app\/Contents\/MacOS\/)/;

/** macOS: the bundle's own executable, or a helper inside the bundle. */
export const DARWIN_RULE: AppProcessRule = {
  describe: 'Claude.app/Contents/MacOS/Claude and its Claude Helper processes',
  matches: (p) => DARWIN_EXE.test(p.cmd ?? '') || DARWIN_EXE.test(p.path ?? ''),
};

/** Windows: every `Claude.exe` (main and helpers share the image name). */
export const WIN32_RULE: AppProcessRule = {
  describe: 'Claude.exe',
  matches: (p) => p.name.toLowerCase() === 'claude.exe' || baseName(p.path ?? '').toLowerCase() === 'claude.exe',
};

/**
 * Linux (docs/claude-desktop.md, "Installs and processes"): the official .deb runs
 * `/usr/lib/claude-desktop/claude-desktop` (helpers: the same with `--type=…`); community builds run
 * a `claude-desktop` launcher, Electron on an app.asar under a `claude-desktop…` folder
 * (`claude-desktop-bin` on Arch), or a bundled `claude` binary in such a folder. A `claude`
 * elsewhere is Claude Code (`~/.config/Claude/claude-code/<version>/claude`, or a CLI install), not the app.
 */
export const LINUX_RULE: AppProcessRule = {
  describe:
    'claude-desktop (the official /usr/lib/claude-desktop/claude-desktop, or a community build: a claude-desktop launcher, Electron running a claude-desktop app.asar)',
  matches: (p) => {
    if (p.name === 'claude-desktop' || baseName(p.path ?? '') === 'claude-desktop') return true;
    const cmd = p.cmd ?? '';
    const argv0 = cmd.split(/\s+/, 1)[0] ?? '';
    if (baseName(argv0) === 'claude-desktop') return true;
    // A bundled `claude` binary inside a claude-desktop folder (not Claude Code's claude-code folder).
    if (baseName(argv0) === 'claude' && /\/claude-desktop[\w-]*\//.test(argv0)) return true;
    const electron = /electron/i.test(p.name) || /electron/i.test(baseName(argv0));
    return electron && /(?:^|[\s/])claude-desktop(?:-[\w-]+)?(?:[\s/]|$)/i.test(cmd);
  },
};

/**
 * A rule from `--app-process` / `PORTKEY_DOCTOR_APP_PROCESS`. A value with a path separator is a
 * full path: the executable's path, or a command line that starts with it. Otherwise a name: the
 * process name, the executable's basename, or a command-line word ending in `/NAME` or `\NAME`.
 */
export function customRule(value: string): AppProcessRule {
  if (/[\\/]/.test(value)) {
    const starts = new RegExp(`^"?${escapeRe(value)}"?(?:\\s|$)`);
    return { describe: value, matches: (p) => p.path === value || starts.test(p.cmd ?? '') };
  }
  const word = new RegExp(`(?:^|[\\s\\\\/"])${escapeRe(value)}"?(?:\\s|$)`);
  return {
    describe: value,
    matches: (p) => p.name === value || baseName(p.path ?? '') === value || word.test(p.cmd ?? ''),
  };
}

export function defaultRule(platform: NodeJS.Platform): AppProcessRule {
  return platform === 'darwin' ? DARWIN_RULE : platform === 'win32' ? WIN32_RULE : LINUX_RULE;
}

/** An Electron helper (renderer, GPU, utility, crashpad handler…), not the main process. */
export function isHelper(p: ProcessInfo): boolean {
  const cmd = p.cmd ?? '';
  // The executable's own name, not any argument that mentions a helper.
  return /(?:^|\s)--type=/.test(cmd) || /\bHelper\b/.test(p.name) || /\bHelper\b/.test(nameFromCmd(cmd));
}

export interface AppProcesses {
  /** Main processes that are not children of another app process, earliest first. */
  main: ProcessInfo[];
  /** Helpers and nested non-helper app processes. */
  helpers: ProcessInfo[];
  /**
   * App processes left out: another user's (by uid), or, where the listing shows command lines,
   * ones whose command line is hidden (Windows hides other sessions' without elevation).
   */
  ignored: ProcessInfo[];
}

/**
 * Picks out the app's processes. `ownUid` keeps only the current user's (when the listing says
 * who owns what): another user's app does not read this user's settings. `exclude` leaves out
 * pids (the doctor itself).
 */
export function findAppProcesses(
  processes: readonly ProcessInfo[],
  rule: AppProcessRule,
  opts: { ownUid?: number; exclude?: readonly number[] } = {},
): AppProcesses {
  const exclude = new Set(opts.exclude ?? []);
  const matched = processes.filter((p) => !exclude.has(p.pid) && rule.matches(p));
  const cmdVisible = matched.some((p) => p.cmd !== undefined);
  const isMine = (p: ProcessInfo) => (opts.ownUid === undefined || p.uid === undefined || p.uid === opts.ownUid) && (!cmdVisible || p.cmd !== undefined);
  const mine = matched.filter(isMine);
  const ignored = matched.filter((p) => !isMine(p));
  const pids = new Set(mine.map((p) => p.pid));
  const main: ProcessInfo[] = [];
  const helpers: ProcessInfo[] = [];
  for (const p of mine) {
    if (!isHelper(p) && !pids.has(p.ppid)) main.push(p);
    else helpers.push(p);
  }
  main.sort((a, b) => (a.startTime?.getTime() ?? Infinity) - (b.startTime?.getTime() ?? Infinity) || a.pid - b.pid);
  return { main, helpers, ignored };
}

/** How to quit the app fully on each OS (closing the window leaves it running). */
export function quitInstruction(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Quit Claude fully with ⌘Q (or Claude → Quit Claude in the menu bar) — closing the window is not enough — then open it again.';
    case 'win32':
      return 'Quit Claude fully: right-click its icon in the system tray → Quit (closing the window leaves it running in the tray), then open it again.';
    default:
      return 'Quit Claude fully from its tray icon → Quit (closing the window may leave it running), then open it again.';
  }
}
