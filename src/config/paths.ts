/**
 * Where Claude Desktop and the doctor keep things, per OS (FIELD-NOTES §2). Pure functions:
 * the OS, environment, home folder and user name are parameters, so tests compute Windows and
 * macOS paths on Linux and nothing here touches the disk. Every uncertain location is a
 * constant or one table here, to be corrected in one place.
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
/** Store (MSIX) installs live in `%LOCALAPPDATA%\Packages\Claude_<publisher hash>`. */
export const MSIX_PACKAGE_PREFIX = 'Claude_';
/** Inside an MSIX package folder, where writes to `%APPDATA%` are redirected. */
const MSIX_ROAMING = ['LocalCache', 'Roaming'] as const;

/** macOS managed-preferences domain (the app's bundle id). */
export const MANAGED_PLIST_DOMAIN = 'com.anthropic.claudefordesktop';
const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';

/**
 * Windows policy keys, in precedence order: the machine-wide key (HKLM) wins over the user's
 * (HKCU), as for every Group Policy setting. Change the order here and nowhere else.
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
 * Linux config roots, `$XDG_CONFIG_HOME` first: Electron's `appData` is `$XDG_CONFIG_HOME`
 * when set, else `~/.config`; both are listed because community builds differ.
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
  return name.toLowerCase().startsWith(MSIX_PACKAGE_PREFIX.toLowerCase());
}

/** The data folders for one folder name (`Claude-3p` or `Claude`), in the order to try them. */
function dataDirCandidates(ctx: PathContext, dirName: string, msixPackages: readonly string[]): string[] {
  switch (ctx.platform) {
    case 'darwin':
      return [path.posix.join(ctx.homedir, 'Library', 'Application Support', dirName)];
    case 'win32': {
      const packages = msixPackagesDir(ctx) ?? '';
      const msix = msixPackages
        .filter(isClaudeMsixPackage)
        .sort()
        .map((p) => path.win32.join(packages, p, ...MSIX_ROAMING, dirName));
      return dedupe([path.win32.join(localAppData(ctx), dirName), path.win32.join(roamingAppData(ctx), dirName), ...msix], 'win32');
    }
    default:
      return dedupe(
        linuxConfigRoots(ctx).map((r) => path.posix.join(r, dirName)),
        ctx.platform,
      );
  }
}

/**
 * Candidate `Claude-3p` folders, in the order to try them. On Windows pass the names found in
 * {@link msixPackagesDir} (the caller lists the folder; this stays pure); `Claude_*` ones are
 * turned into `…\LocalCache\Roaming\Claude-3p`.
 */
export function claude3pCandidates(ctx: PathContext, msixPackages: readonly string[] = []): string[] {
  return dataDirCandidates(ctx, CLAUDE_3P_DIR_NAME, msixPackages);
}

/** Candidate normal `Claude` data folders (they hold `developer_settings.json`). */
export function claudeDataDirCandidates(ctx: PathContext, msixPackages: readonly string[] = []): string[] {
  // Electron's userData is under the roaming AppData on Windows; keep that first.
  if (ctx.platform === 'win32') {
    const all = dataDirCandidates(ctx, CLAUDE_DIR_NAME, msixPackages);
    const roaming = path.win32.join(roamingAppData(ctx), CLAUDE_DIR_NAME);
    return dedupe([roaming, ...all], 'win32');
  }
  return dataDirCandidates(ctx, CLAUDE_DIR_NAME, msixPackages);
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
