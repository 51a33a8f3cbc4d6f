/**
 * Where Claude Desktop is installed, as facts (FIELD-NOTES §2, "App version"), and what the
 * doctor knows about one install. Finding installs on disk is src/platform/app-locate.ts.
 */
import { MANAGED_PLIST_DOMAIN } from '../config/paths.js';

/**
 * Install locations. The macOS ones and the Squirrel/per-user/MSIX Windows ones are from
 * FIELD-NOTES §2; the uninstall key name is Squirrel's convention (the install folder's name)
 * and is unconfirmed for Claude.
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
  /** The install exists but something about it is off. */
  problem?: { kind: 'bundle-unreadable' | 'bundle-id-mismatch'; message: string };
}

/** What a search of the OS's usual places found. */
export interface LocateResult {
  /** Installs found, the one the user most likely runs first. */
  installs: AppInstall[];
  /** Every place looked at. */
  searched: string[];
  /** What went wrong on the way (a query that failed), for details. */
  notes: string[];
}
