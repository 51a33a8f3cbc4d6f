/**
 * Where Claude Desktop is installed, as facts (docs/claude-desktop.md, "Installs and
 * processes"), and what the doctor knows about one install. Finding installs on disk is
 * src/platform/app-locate.ts.
 */
import { MANAGED_PLIST_DOMAIN } from '../config/paths.js';
import type { ProcessListing } from './process-info.js';
import type { AppProcessRule } from './process-rules.js';

/**
 * Install locations (docs/claude-desktop.md, "Installs and processes"). The uninstall key name
 * is Squirrel's convention (the install folder's name) and is unconfirmed for Claude; the Linux
 * location is seen on real machines, not documented by Anthropic.
 */
export const APP_LOCATIONS = {
  /** CFBundleIdentifier of the real app (also the managed-preferences domain). */
  macBundleId: MANAGED_PLIST_DOMAIN,
  macBundleName: 'Claude.app',
  /** `%LOCALAPPDATA%\AnthropicClaude\app-<version>\Claude.exe` (Squirrel installer). */
  winSquirrelDir: 'AnthropicClaude',
  /** `%LOCALAPPDATA%\Programs\Claude\Claude.exe` (per-user installer). */
  winPerUserDir: ['Programs', 'Claude'] as const,
  winExe: 'Claude.exe',
  /** Squirrel's uninstall record (DisplayVersion, InstallLocation). Unconfirmed key name. */
  winUninstallKey: 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\AnthropicClaude',
  /** `Get-AppxPackage` name of the Store/MSIX package. */
  msixName: 'Claude',
  /**
   * Linux: where the official .deb puts the app, as seen on real machines (Anthropic documents
   * no install location for Linux; docs/claude-desktop.md). `/usr/bin/claude-desktop` links to it.
   */
  linuxDebExe: '/usr/lib/claude-desktop/claude-desktop',
  /** Linux: the .deb's package name, for its version (`dpkg-query -W claude-desktop`). */
  linuxDebPackage: 'claude-desktop',
  /** Where an Electron app keeps its code, relative to its folder. */
  asarCandidates: [['resources', 'app.asar'], ['app.asar'], ['node_modules', 'electron', 'dist', 'resources', 'app.asar']] as const,
} as const;

/** How the app was installed: a macOS bundle, one of the Windows installers, or a plain Electron folder. */
export type InstallKind = 'mac-bundle' | 'squirrel' | 'per-user' | 'msix' | 'electron' | 'unknown';

/** One install of the app. */
export interface AppInstall {
  /** The bundle, exe or folder. */
  path: string;
  kind: InstallKind;
  version?: string;
  /** Where the version was read. */
  versionSource?: string;
  bundleId?: string;
  /** Which build it is, when that is known (Linux: the official .deb, or a community build named). */
  build?: string;
  /** The install exists but something about it is off. */
  problem?: { kind: 'bundle-unreadable' | 'bundle-id-mismatch'; message: string };
}

/** What a search of the OS's usual places found. */
export interface LocateResult {
  /** Installs found, the one the user most likely runs first. */
  installs: AppInstall[];
  /** Every place looked at. */
  searched: string[];
  /** What went wrong on the way (a query that failed), and how an install was found, for details. */
  notes: string[];
  /** When nothing was found: what could not be established, in one phrase (Linux: no documented location). */
  undetermined?: string;
}

/** What the search may use besides the OS's places (Linux finds the app by its process). */
export interface LocateHints {
  /** Which processes are the app (`--app-process`, or the OS's rule). */
  processRule?: AppProcessRule;
  /** The doctor's own process, never the app; its user's processes only. */
  self?: { pid: number; uid?: number };
  /** The run's process listing, when the OS finds the app by its processes (Linux): taken once per run. */
  listProcesses?: () => Promise<ProcessListing>;
}
