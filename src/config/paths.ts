/**
 * Where Claude Desktop and the doctor keep things, per OS (docs/claude-desktop.md, "Folders" and
 * "Managed sources"). Pure functions: the OS, environment, home folder and user name are
 * parameters, so tests compute Windows and macOS paths on Linux and nothing here touches the disk.
 * Every location is a constant or one table here, to be corrected in one place.
 */
import * as path from 'node:path';

/** What the path functions need to know about the machine. */
export interface PathContext {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  username: string;
}

/** Folder Claude Desktop uses in third-party mode, beside its normal `Claude` folder. */
export const CLAUDE_3P_DIR_NAME = 'Claude-3p';
/** The normal data folder, which holds `developer_settings.json`. */
export const CLAUDE_DIR_NAME = 'Claude';
/** Developer-mode switch file in the `Claude` folder (whether the current toggle writes it is unconfirmed). */
export const DEVELOPER_SETTINGS_FILE = 'developer_settings.json';
/** Current layout: `Claude-3p/configLibrary/_meta.json` names the applied `<id>.json`. */
export const CONFIG_LIBRARY_DIR = 'configLibrary';
export const CONFIG_META_FILE = '_meta.json';
/** Older layout: keys under `enterpriseConfig` in this file; also holds `deploymentMode`. */
export const LEGACY_CONFIG_FILE = 'claude_desktop_config.json';
/**
 * Store (MSIX) installs live in `%LOCALAPPDATA%\Packages\<package family>`. The families seen;
 * they are always tried, and any other folder starting with one of {@link MSIX_PACKAGE_PREFIXES}.
 */
export const MSIX_PACKAGE_FAMILIES = ['Claude_pzs8sxrjxfjjc', 'AnthropicPBC.Claude_fnn82j28hfe8t'] as const;
export const MSIX_PACKAGE_PREFIXES = ['Claude_', 'AnthropicPBC.Claude_'] as const;
/** Inside an MSIX package folder, where writes to `%LOCALAPPDATA%` (newer builds) are redirected. */
const MSIX_LOCAL = ['LocalCache', 'Local'] as const;
/** Inside an MSIX package folder, where writes to `%APPDATA%` (older builds) are redirected. */
const MSIX_ROAMING = ['LocalCache', 'Roaming'] as const;

/**
 * When set (to an absolute path), the app uses this folder as is — no `-3p` suffix — and reads
 * `configLibrary/` inside it.
 */
export const USER_DATA_DIR_ENV_VAR = 'CLAUDE_USER_DATA_DIR';

/** The Linux managed-settings file and its folder (both must be root-owned, not group/world-writable). */
export const LINUX_MANAGED_DIR = '/etc/claude-desktop';
export const LINUX_MANAGED_FILE = '/etc/claude-desktop/managed-settings.json';

/** macOS managed-preferences domain (the app's bundle id). */
export const MANAGED_PLIST_DOMAIN = 'com.anthropic.claudefordesktop';
const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';

/**
 * Windows policy keys, machine first: the hives are not merged — any value directly under the
 * HKLM key makes the app ignore the HKCU key entirely. Change the order here and nowhere else.
 */
export const MANAGED_REGISTRY_KEYS = [
  { key: 'HKLM\\SOFTWARE\\Policies\\Claude', scope: 'machine' },
  { key: 'HKCU\\SOFTWARE\\Policies\\Claude', scope: 'user' },
] as const satisfies readonly { key: string; scope: 'user' | 'machine' }[];

/** The environment variable that points at the IT policy file. */
export const POLICY_ENV_VAR = 'PORTKEY_DOCTOR_POLICY';

/** The path flavour of the target OS, so Windows paths get backslashes even when computed on Linux. */
export function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Reads an environment variable. Windows variable names are case-insensitive (`process.env`
 * mimics that, a plain object in a test does not), so on win32 any casing matches.
 * Empty values count as unset.
 */
export function envVar(env: Readonly<Record<string, string | undefined>>, name: string, platform: NodeJS.Platform): string | undefined {
  let value = env[name];
  if (value === undefined && platform === 'win32') {
    const upper = name.toUpperCase();
    for (const [k, v] of Object.entries(env)) {
      if (k.toUpperCase() === upper) {
        value = v;
        break;
      }
    }
  }
  return value === undefined || value === '' ? undefined : value;
}

function dedupe(paths: string[], platform: NodeJS.Platform): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of paths) {
    // Windows paths are case-insensitive; compare them folded.
    const k = platform === 'win32' ? p.toLowerCase() : p;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

function localAppData(ctx: PathContext): string {
  return envVar(ctx.env, 'LOCALAPPDATA', 'win32') ?? path.win32.join(ctx.homedir, 'AppData', 'Local');
}

function roamingAppData(ctx: PathContext): string {
  return envVar(ctx.env, 'APPDATA', 'win32') ?? path.win32.join(ctx.homedir, 'AppData', 'Roaming');
}

/**
 * Linux config roots, `$XDG_CONFIG_HOME` first: Electron's `appData` (so the official build's
 * folder) is `$XDG_CONFIG_HOME` when set, else `~/.config`. Both are listed because the doctor's
 * environment may differ from the desktop session's the app starts in.
 */
function linuxConfigRoots(ctx: PathContext): string[] {
  const xdg = envVar(ctx.env, 'XDG_CONFIG_HOME', ctx.platform);
  const roots = [path.posix.join(ctx.homedir, '.config')];
  // A relative XDG_CONFIG_HOME is invalid per the spec and ignored, as Electron does.
  if (xdg && path.posix.isAbsolute(xdg)) roots.unshift(xdg);
  return roots;
}

/** `%LOCALAPPDATA%\Packages` (Windows only), whose `Claude_*` entries are MSIX installs. */
export function msixPackagesDir(ctx: PathContext): string | undefined {
  return ctx.platform === 'win32' ? path.win32.join(localAppData(ctx), 'Packages') : undefined;
}

/** True for a folder name in `Packages` that belongs to Claude Desktop. */
export function isClaudeMsixPackage(name: string): boolean {
  const lower = name.toLowerCase();
  return MSIX_PACKAGE_PREFIXES.some((p) => lower.startsWith(p.toLowerCase()));
}

/** One candidate data folder. */
export interface DataDirCandidate {
  dir: string;
  /** A Windows Roaming location (`%APPDATA%`, or an MSIX package's `LocalCache\Roaming`). */
  roaming: boolean;
}

/**
 * The data folders for one folder name (`Claude-3p` or `Claude`), in the order to try them.
 * Windows: `%LOCALAPPDATA%` (current builds), `%APPDATA%` (older builds), then each MSIX package
 * (the known families first, then any other found), its `LocalCache\Local` before its
 * `LocalCache\Roaming`.
 */
function dataDirCandidates(ctx: PathContext, dirName: string, msixPackages: readonly string[]): DataDirCandidate[] {
  switch (ctx.platform) {
    case 'darwin':
      return [{ dir: path.posix.join(ctx.homedir, 'Library', 'Application Support', dirName), roaming: false }];
    case 'win32': {
      const packages = msixPackagesDir(ctx) ?? '';
      const known = MSIX_PACKAGE_FAMILIES.map((f) => f.toLowerCase());
      const found = msixPackages.filter((p) => isClaudeMsixPackage(p) && !known.includes(p.toLowerCase())).sort();
      const msix = [...MSIX_PACKAGE_FAMILIES, ...found].flatMap((p) => [
        { dir: path.win32.join(packages, p, ...MSIX_LOCAL, dirName), roaming: false },
        { dir: path.win32.join(packages, p, ...MSIX_ROAMING, dirName), roaming: true },
      ]);
      return dedupeCandidates(
        [{ dir: path.win32.join(localAppData(ctx), dirName), roaming: false }, { dir: path.win32.join(roamingAppData(ctx), dirName), roaming: true }, ...msix],
        'win32',
      );
    }
    default:
      return dedupeCandidates(
        linuxConfigRoots(ctx).map((r) => ({ dir: path.posix.join(r, dirName), roaming: false })),
        ctx.platform,
      );
  }
}

function dedupeCandidates(candidates: DataDirCandidate[], platform: NodeJS.Platform): DataDirCandidate[] {
  const keep = new Set(
    dedupe(
      candidates.map((c) => c.dir),
      platform,
    ),
  );
  return candidates.filter((c) => keep.delete(c.dir));
}

/**
 * `CLAUDE_USER_DATA_DIR` when set to an absolute path: the app then uses that folder as is for its
 * library. A relative value is not used (what the app does with one is not established).
 */
export function userDataDirOverride(ctx: PathContext): string | undefined {
  const value = envVar(ctx.env, USER_DATA_DIR_ENV_VAR, ctx.platform);
  return value !== undefined && pathApi(ctx.platform).isAbsolute(value) ? value : undefined;
}

/**
 * Candidate `Claude-3p` folders, in the order to try them, each marked when it is a Windows
 * Roaming location. On Windows pass the names found in {@link msixPackagesDir} (the caller lists
 * the folder; this stays pure); the known package families are always included.
 */
export function claude3pCandidateDirs(ctx: PathContext, msixPackages: readonly string[] = []): DataDirCandidate[] {
  return dataDirCandidates(ctx, CLAUDE_3P_DIR_NAME, msixPackages);
}

/** {@link claude3pCandidateDirs}, the folders only. */
export function claude3pCandidates(ctx: PathContext, msixPackages: readonly string[] = []): string[] {
  return claude3pCandidateDirs(ctx, msixPackages).map((c) => c.dir);
}

/** Candidate normal (first-party) `Claude` data folders (they hold `developer_settings.json`). */
export function claudeDataDirCandidates(ctx: PathContext, msixPackages: readonly string[] = []): string[] {
  const all = dataDirCandidates(ctx, CLAUDE_DIR_NAME, msixPackages).map((c) => c.dir);
  // Electron's userData is under the roaming AppData on Windows; keep that first.
  if (ctx.platform === 'win32') return dedupe([path.win32.join(roamingAppData(ctx), CLAUDE_DIR_NAME), ...all], 'win32');
  return all;
}

/** `configLibrary` in a data folder (a library in a `Claude` folder is one the app does not read). */
export function configLibraryDir(dataDir: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(dataDir, CONFIG_LIBRARY_DIR);
}

/** `developer_settings.json` in a `Claude` folder. */
export function developerSettingsPath(claudeDataDir: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(claudeDataDir, DEVELOPER_SETTINGS_FILE);
}

/** `configLibrary/_meta.json` in a `Claude-3p` folder. */
export function profileMetaPath(claude3pDir: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(claude3pDir, CONFIG_LIBRARY_DIR, CONFIG_META_FILE);
}

/** `configLibrary/<id>.json` in a `Claude-3p` folder. */
export function profilePath(claude3pDir: string, id: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(claude3pDir, CONFIG_LIBRARY_DIR, `${id}.json`);
}

/** `claude_desktop_config.json` in a `Claude-3p` folder. */
export function legacyConfigPath(claude3pDir: string, platform: NodeJS.Platform): string {
  return pathApi(platform).join(claude3pDir, LEGACY_CONFIG_FILE);
}

/**
 * macOS managed plists, in precedence order: the user's own (`/Library/Managed Preferences/<user>/`)
 * then the machine-wide one, as CFPreferences reads them. Empty on other systems.
 */
export function managedPlistPaths(ctx: PathContext): { path: string; scope: 'user' | 'machine' }[] {
  if (ctx.platform !== 'darwin') return [];
  const file = `${MANAGED_PLIST_DOMAIN}.plist`;
  const out: { path: string; scope: 'user' | 'machine' }[] = [];
  // A user name with a slash would escape the folder; no real account has one.
  if (ctx.username && !ctx.username.includes('/')) {
    out.push({ path: path.posix.join(MANAGED_PREFERENCES_DIR, ctx.username, file), scope: 'user' });
  }
  out.push({ path: path.posix.join(MANAGED_PREFERENCES_DIR, file), scope: 'machine' });
  return out;
}

/** Windows policy keys in precedence order ({@link MANAGED_REGISTRY_KEYS}); empty elsewhere. */
export function managedRegistryKeys(platform: NodeJS.Platform): readonly { key: string; scope: 'user' | 'machine' }[] {
  return platform === 'win32' ? MANAGED_REGISTRY_KEYS : [];
}

/** The Linux managed-settings file ({@link LINUX_MANAGED_FILE}); undefined elsewhere. */
export function managedSettingsFile(platform: NodeJS.Platform): string | undefined {
  return platform === 'linux' ? LINUX_MANAGED_FILE : undefined;
}

/**
 * Where IT puts the organisation's policy file for every user of the machine:
 * Linux `/etc/portkey-doctor/policy.json`, macOS `/Library/Application Support/portkey-doctor/policy.json`,
 * Windows `%ProgramData%\portkey-doctor\policy.json`.
 */
export function defaultPolicyPath(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string {
  switch (platform) {
    case 'darwin':
      return '/Library/Application Support/portkey-doctor/policy.json';
    case 'win32': {
      const programData = envVar(env, 'ProgramData', 'win32') ?? 'C:\\ProgramData';
      return path.win32.join(programData, 'portkey-doctor', 'policy.json');
    }
    default:
      return '/etc/portkey-doctor/policy.json';
  }
}
