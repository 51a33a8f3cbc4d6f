/**
 * Which processes are Claude Desktop, and which of them is the main process (docs/claude-desktop.md,
 * "Installs and processes"). Electron starts helpers (renderer, GPU, utility, crashpad) with `--type=…`; on
 * macOS they are separate `Claude Helper …` executables inside the bundle. The main process is
 * an app process that is not a helper; the one that counts is the earliest whose parent is not
 * itself an app process. The app is told by its executable's path (on Windows Claude Code is
 * `claude.exe` too); what only looks like it is listed as evidence, and what cannot be looked at
 * is said, never guessed (issue 16). Pure: tested on real processes here and on listings captured
 * on real machines (test/fixtures/platform).
 */
import { nameFromCmd, type ProcessInfo } from './process-info.js';

/** Decides whether a process belongs to the app. */
export interface AppProcessRule {
  /** For messages: what was looked for. */
  describe: string;
  matches(p: ProcessInfo): boolean;
  /**
   * Why a process that looks like the app (same name, same folder) is not it: Claude Code, a
   * service the app starts… Evidence for the details; undefined for any other process.
   */
  notApp?(p: ProcessInfo): string | undefined;
  /**
   * A process that may be the app but whose executable cannot be seen (Windows: another
   * session's or a protected process, whose path and command line are hidden): not counted,
   * reported as not seen.
   */
  unseen?(p: ProcessInfo): boolean;
  /** Which build an app process belongs to (official, a community build…), for the details. */
  build?(p: ProcessInfo): string | undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

// ---------------------------------------------------------------------------------------------
// macOS

/**
 * The executable of a macOS command line is the bundle's own, or a helper bundle's inside it. The
 * path before `Claude.app` may hold spaces but not ` /` (that would be a later argument, as in
 * `codesign -v /Applications/Claude.app/…`). Case-sensitive: Claude Code's per-session
 * `claude-code/<ver>/claude.app/Contents/MacOS/claude` is the same shape in lower case.
 */
const DARWIN_EXE = /^(?:(?! \/).)*?Claude\.app\/Contents\/(?:MacOS\/Claude(?:\s|$)|Frameworks\/Claude Helper[^/]*\.app\/Contents\/MacOS\/)/;

/** macOS processes that look like the app and are not it (docs/claude-desktop.md, "Installs and processes"). */
const DARWIN_NOT_APP: readonly [RegExp, string][] = [
  [/^(?:(?! \/).)*?\/claude-code\/[^/]+\/claude\.app\/Contents\/MacOS\/claude(?:\s|$)/, 'Claude Code (a session the app started), not the app'],
  [/^(?:(?! \/).)*?\.app\/Contents\/Helpers\/disclaimer(?:\s|$)/, 'the app’s disclaimer helper (it starts MCP servers and Claude Code), not the app'],
  [/^(?:(?! \/).)*?\/chrome-native-host(?:\s|$)/, 'the browser extension’s native messaging host, not the app'],
  [/^\S*\/claude(?:\s|$)/, 'a claude CLI (Claude Code), not the app'],
];

/** macOS: the bundle's own executable, or a helper inside the bundle. */
export const DARWIN_RULE: AppProcessRule = {
  describe: 'Claude.app/Contents/MacOS/Claude and its Claude Helper processes',
  matches: (p) => DARWIN_EXE.test(p.cmd ?? '') || DARWIN_EXE.test(p.path ?? ''),
  notApp: (p) => {
    const exe = p.cmd ?? p.path ?? '';
    return DARWIN_NOT_APP.find(([re]) => re.test(exe))?.[1];
  },
};

// ---------------------------------------------------------------------------------------------
// Windows

/**
 * A Windows process's executable: its path, else the first word of its command line (quoted, or
 * up to `.exe`). Undefined when neither is visible (another session's process without elevation).
 */
export function win32Exe(p: ProcessInfo): string | undefined {
  if (p.path) return p.path;
  const cmd = (p.cmd ?? '').trim();
  if (cmd === '') return undefined;
  const quoted = /^"([^"]+)"/.exec(cmd);
  if (quoted) return quoted[1];
  return /^(.*?\.exe)(?=\s|$)/i.exec(cmd)?.[1] ?? cmd.split(/\s+/, 1)[0];
}

/**
 * Where the app's `Claude.exe` lives (docs/claude-desktop.md, "Installs and processes"), matched
 * case-insensitively on either separator: the MSIX package
 * (`…\WindowsApps\Claude_<ver>_<arch>__pzs8sxrjxfjjc\app\Claude.exe`), the legacy Squirrel
 * install (`…\AnthropicClaude\app-<ver>\claude.exe`), the per-user installer
 * (`…\Programs\Claude\Claude.exe`).
 */
export const WIN32_APP_PATHS: readonly { re: RegExp; build: string }[] = [
  { re: /[\\/]WindowsApps[\\/](?:AnthropicPBC\.)?Claude_\d+(?:\.\d+){1,3}_[a-z0-9]+__[a-z0-9]+[\\/]app[\\/]claude\.exe$/i, build: 'MSIX package' },
  { re: /[\\/]AnthropicClaude[\\/]app-\d+(?:\.\d+)+[\\/]claude\.exe$/i, build: 'Squirrel install (legacy)' },
  { re: /[\\/]Programs[\\/]Claude[\\/]claude\.exe$/i, build: 'per-user install' },
];

const isClaudeExeName = (name: string) => name.toLowerCase() === 'claude.exe';

/** Windows processes that look like the app and are not it. */
function win32NotApp(p: ProcessInfo): string | undefined {
  const exe = win32Exe(p);
  const name = (exe ? baseName(exe) : p.name).toLowerCase();
  if (name === 'cowork-svc.exe') return 'the app’s cowork service, not the app';
  if (name === 'chrome-native-host.exe') return 'the browser extension’s native messaging host, not the app';
  if (name !== 'claude.exe' || exe === undefined) return undefined;
  if (WIN32_APP_PATHS.some((a) => a.re.test(exe))) return undefined;
  if (/[\\/]claude-code[\\/][^\\/]+[\\/]claude\.exe$/i.test(exe)) return 'Claude Code (a session the app started), not the app';
  return 'a claude.exe outside the app’s install folders (Claude Code’s CLI, or another program), not the app';
}

/**
 * Windows: every Electron process of the app is `Claude.exe` — and so is Claude Code — so the app
 * is told by its executable's path, case-insensitively ({@link WIN32_APP_PATHS}). A `Claude.exe`
 * whose path and command line are both hidden is not seen, never guessed.
 */
export const WIN32_RULE: AppProcessRule = {
  describe: 'Claude.exe of the MSIX package (…\\WindowsApps\\Claude_…\\app), the Squirrel install (…\\AnthropicClaude\\app-…) or the per-user install',
  matches: (p) => {
    const exe = win32Exe(p);
    return exe !== undefined && WIN32_APP_PATHS.some((a) => a.re.test(exe));
  },
  notApp: win32NotApp,
  unseen: (p) => isClaudeExeName(p.name) && win32Exe(p) === undefined,
  build: (p) => {
    const exe = win32Exe(p);
    return exe === undefined ? undefined : WIN32_APP_PATHS.find((a) => a.re.test(exe))?.build;
  },
};

// ---------------------------------------------------------------------------------------------
// Linux

/** The first word of a command line. */
const argv0Of = (cmd: string | undefined) => (cmd ?? '').split(/\s+/, 1)[0] ?? '';
const isElectron = (p: ProcessInfo) => /electron/i.test(p.name) || /electron/i.test(baseName(argv0Of(p.cmd)));
/** An AppImage's mount point (`/tmp/.mount_claude…`), where the community AppImage runs from. */
const APPIMAGE_MOUNT = /\/\.mount_claude[^/\s]*\//i;
/** A folder of the community builds: `claude-desktop`, `claude-desktop-bin`, `claude-desktop-unofficial`, … */
const CLAUDE_DESKTOP_DIR = /(?:^|[\s/])(claude-desktop(?:-[\w-]+)?)(?:[\s/]|$)/i;
/** Electron run as Node on a script beside the app (`…/app.asar.unpacked/cowork-vm-service.js`): a service, not the app. */
const ELECTRON_SCRIPT = /\.asar\.unpacked\/[^\s]*\.js(?:\s|$)/;

/** A shell running a launcher script (`bash /usr/bin/claude-desktop`, community packages): it starts the app, it is not the app. */
const SHELL = /^(?:ba|da|k|z)?sh$/;
/** The executable's path as the process shows it: its command line's first word when absolute, and its real executable. */
const exePaths = (p: ProcessInfo) => [argv0Of(p.cmd), p.path ?? ''].filter((x) => x !== '');

/** Which Linux build an app process is (docs/claude-desktop.md, "Installs and processes"). */
function linuxBuild(p: ProcessInfo): string | undefined {
  const cmd = p.cmd ?? '';
  const argv0 = argv0Of(cmd);
  if (SHELL.test(baseName(argv0))) return undefined;
  const paths = exePaths(p);
  if (p.name === 'claude-desktop' || paths.some((x) => baseName(x) === 'claude-desktop')) {
    return paths.some((x) => /^\/usr\/(?:lib\/claude-desktop\/|bin\/)claude-desktop$/.test(x))
      ? 'official build (.deb: /usr/lib/claude-desktop/claude-desktop)'
      : 'a claude-desktop executable (the official build’s name, outside /usr/lib/claude-desktop)';
  }
  if (baseName(argv0) === 'claude' && /\/claude-desktop[\w-]*\//.test(argv0)) {
    return 'community build (a bundled claude binary in a claude-desktop folder, e.g. AUR claude-desktop-bin)';
  }
  if (!isElectron(p)) return undefined;
  if (APPIMAGE_MOUNT.test(cmd)) return 'community build (AppImage, running from /tmp/.mount_…)';
  const dir = CLAUDE_DESKTOP_DIR.exec(cmd)?.[1]?.toLowerCase();
  if (dir === undefined) return undefined;
  if (dir.startsWith('claude-desktop-bin') || dir === 'claude-desktop-extra') return `community build (AUR ${dir}: Electron running app.asar)`;
  return `community build (${dir === 'claude-desktop' ? 'claude-desktop-unofficial or an older community package' : dir}: Electron running app.asar)`;
}

/** Linux processes that look like the app and are not it. */
function linuxNotApp(p: ProcessInfo): string | undefined {
  const cmd = p.cmd ?? '';
  const argv0 = argv0Of(cmd);
  if (SHELL.test(baseName(argv0)) && /^\S+\s+\S*\/claude-desktop(?:\s|$)/.test(cmd)) {
    return 'a community package’s launcher script (it starts the app’s Electron), not the app';
  }
  if (isElectron(p) && ELECTRON_SCRIPT.test(cmd) && (APPIMAGE_MOUNT.test(cmd) || CLAUDE_DESKTOP_DIR.test(cmd))) {
    return 'a service the app runs with its Electron (e.g. cowork-vm-service.js), not the app';
  }
  const paths = exePaths(p);
  if (p.name !== 'claude' && !paths.some((x) => baseName(x) === 'claude')) return undefined;
  if (linuxBuild(p) !== undefined) return undefined;
  if (paths.some((x) => /\/claude-code\/[^/]+\/claude$/.test(x))) return 'Claude Code (a session the app started), not the app';
  return 'a claude CLI (Claude Code), not the app';
}

/**
 * Linux (docs/claude-desktop.md, "Installs and processes"): the official .deb runs
 * `/usr/lib/claude-desktop/claude-desktop` (helpers: the same with `--type=…`); community builds run
 * Electron on an app.asar under a `claude-desktop…` folder (`claude-desktop-bin` on Arch) or an
 * AppImage mount (`/tmp/.mount_claude…`), or a bundled `claude` binary in such a folder. A
 * `claude` elsewhere is Claude Code (`~/.config/Claude/claude-code/<version>/claude`, or a CLI
 * install), not the app; Electron running a script beside the app (the cowork VM service) is not
 * the app either.
 */
export const LINUX_RULE: AppProcessRule = {
  describe:
    'claude-desktop (the official /usr/lib/claude-desktop/claude-desktop, or a community build: Electron running a claude-desktop app.asar or an AppImage)',
  matches: (p) => linuxBuild(p) !== undefined && !(isElectron(p) && ELECTRON_SCRIPT.test(p.cmd ?? '')),
  notApp: linuxNotApp,
  build: linuxBuild,
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
  /** Processes that may be the app but whose executable could not be read: not counted, never guessed. */
  unseen: ProcessInfo[];
  /** Processes that look like the app and are not it (Claude Code, the app's services…), with why. */
  notApp: { process: ProcessInfo; why: string }[];
}

/** How many look-alikes are kept as evidence, at most. */
export const MAX_NOT_APP = 20;

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
  const considered = processes.filter((p) => !exclude.has(p.pid));
  // Evidence about this user's processes only (another user's Claude Code is none of ours).
  const ownOrUnknown = (p: ProcessInfo) => opts.ownUid === undefined || p.uid === undefined || p.uid === opts.ownUid;
  const matched = considered.filter((p) => rule.matches(p));
  const unseen = considered.filter((p) => ownOrUnknown(p) && !rule.matches(p) && rule.unseen?.(p) === true);
  const notApp: { process: ProcessInfo; why: string }[] = [];
  for (const p of considered) {
    if (notApp.length >= MAX_NOT_APP) break;
    const why = !ownOrUnknown(p) || rule.matches(p) ? undefined : rule.notApp?.(p);
    if (why !== undefined) notApp.push({ process: p, why });
  }
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
  return { main, helpers, ignored, unseen, notApp };
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
