/**
 * Where Claude Desktop is installed and which version it is (docs/claude-desktop.md, "Installs
 * and processes"). Every location is one entry of {@link APP_LOCATIONS}; the readers (Info.plist,
 * `app-<version>` folders, the uninstall record via `reg query`, `Get-AppxPackage` JSON, app.asar,
 * `dpkg-query`) are pure or read files, so every branch is tested on fixture bundles and captured
 * outputs. Linux has no documented install location: the app is found by its running process,
 * and at the one location seen on real machines.
 */
import { readdir, readlink, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { APP_LOCATIONS, type AppInstall, type InstallKind, type LocateHints, type LocateResult } from '../app/install.js';
import { errorText, type ProcessListing } from '../app/process-info.js';
import { findAppProcesses, LINUX_RULE } from '../app/process-rules.js';
import { highestVersion, msixAppVersion, parseVersion } from '../app/versions.js';
import { envVar, pathApi, type PathContext } from '../config/paths.js';
import { readPlistFile } from '../config/plist.js';
import { queryRegistryKey, type RegistryQueryResult } from '../config/registry.js';
import { readAsarPackageJson } from './asar.js';
import { runPowerShell } from './powershell.js';
import { listPosixProcesses } from './processes.js';
import { runTool } from './run-tool.js';

async function statOf(p: string) {
  try {
    return await stat(p);
  } catch {
    return undefined;
  }
}

/** Reads a macOS bundle's Info.plist: version, bundle id, or why not. */
export async function inspectMacBundle(bundle: string): Promise<AppInstall> {
  const plist = path.join(bundle, 'Contents', 'Info.plist');
  const install: AppInstall = { path: bundle, kind: 'mac-bundle' };
  const read = await readPlistFile(plist);
  if (!read.exists) {
    install.problem = { kind: 'bundle-unreadable', message: `${plist} does not exist` };
    return install;
  }
  if (read.problem) {
    install.problem = { kind: 'bundle-unreadable', message: `${plist}: ${read.problem.message}` };
    return install;
  }
  const dict = read.dict;
  const short = dict['CFBundleShortVersionString'];
  const long = dict['CFBundleVersion'];
  const version = typeof short === 'string' && short.trim() !== '' ? short.trim() : typeof long === 'string' && long.trim() !== '' ? long.trim() : undefined;
  if (version !== undefined) {
    install.version = version;
    install.versionSource = `${plist} (${typeof short === 'string' && short.trim() !== '' ? 'CFBundleShortVersionString' : 'CFBundleVersion'})`;
  }
  const id = dict['CFBundleIdentifier'];
  if (typeof id === 'string') install.bundleId = id;
  if (id !== APP_LOCATIONS.macBundleId) {
    install.problem = {
      kind: 'bundle-id-mismatch',
      message: `the bundle id is ${typeof id === 'string' ? `"${id}"` : 'missing'}, not ${APP_LOCATIONS.macBundleId}`,
    };
  }
  return install;
}

/** `app-1.8089.0` → `1.8089.0`. */
export function squirrelVersion(folderName: string): string | undefined {
  const m = /^app-(\d+(?:\.\d+)+)$/i.exec(folderName);
  return m?.[1];
}

async function asarVersion(dir: string, p: path.PlatformPath): Promise<{ version: string; source: string } | undefined> {
  for (const parts of APP_LOCATIONS.asarCandidates) {
    const file = p.join(dir, ...parts);
    if (!(await statOf(file))?.isFile()) continue;
    const read = await readAsarPackageJson(file);
    if (read.ok && typeof read.packageJson['version'] === 'string') return { version: read.packageJson['version'], source: `${file} (package.json)` };
  }
  return undefined;
}

/**
 * Inspects a path given with `--app` / `PORTKEY_DOCTOR_APP` (or found by the OS search): a macOS
 * bundle, a `Claude.exe` or its folder, the Squirrel root with `app-<version>` folders, or an
 * Electron folder/`app.asar`. Returns undefined when nothing is there.
 */
export async function inspectAppPath(target: string, platform: NodeJS.Platform): Promise<AppInstall | undefined> {
  const p = pathApi(platform);
  const st = await statOf(target);
  if (!st) return undefined;
  if (st.isDirectory() && ((await statOf(p.join(target, 'Contents', 'Info.plist'))) || /\.app$/i.test(target))) {
    return inspectMacBundle(target);
  }
  if (st.isFile() && /\.asar$/i.test(target)) {
    const read = await readAsarPackageJson(target);
    const install: AppInstall = { path: target, kind: 'electron' };
    if (read.ok && typeof read.packageJson['version'] === 'string') {
      install.version = read.packageJson['version'];
      install.versionSource = `${target} (package.json)`;
    }
    return install;
  }
  const dir = st.isDirectory() ? target : p.dirname(target);
  const kindFor = (exe: boolean): InstallKind => (exe ? 'per-user' : 'electron');
  const isExe = /\.exe$/i.test(target) || (await statOf(p.join(dir, APP_LOCATIONS.winExe)))?.isFile() === true;

  // …\app-1.8089.0\Claude.exe or the app-1.8089.0 folder itself.
  const own = squirrelVersion(p.basename(dir));
  if (own) return { path: target, kind: 'squirrel', version: own, versionSource: `folder name ${p.basename(dir)}` };

  // The Squirrel root: the highest app-<version> folder is the one its launcher starts.
  if (st.isDirectory()) {
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      names = [];
    }
    const versions = names.map(squirrelVersion).filter((v): v is string => v !== undefined);
    const top = highestVersion(versions);
    if (top) return { path: p.join(dir, `app-${top}`, APP_LOCATIONS.winExe), kind: 'squirrel', version: top, versionSource: `folder name app-${top}` };
  }
  const asar = await asarVersion(dir, p);
  if (asar) return { path: target, kind: kindFor(isExe), version: asar.version, versionSource: asar.source };
  return { path: target, kind: isExe ? 'per-user' : 'unknown' };
}

/** Squirrel's uninstall record: DisplayVersion and InstallLocation, from `reg query` output. */
export function uninstallRecord(result: RegistryQueryResult): { version?: string; location?: string } | undefined {
  if (result.status !== 'found') return undefined;
  const get = (name: string) => {
    const v = result.values.find((x) => x.name.toLowerCase() === name.toLowerCase())?.data;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const out: { version?: string; location?: string } = {};
  const version = get('DisplayVersion');
  const location = get('InstallLocation');
  if (version) out.version = version;
  if (location) out.location = location;
  return version || location ? out : undefined;
}

/** The PowerShell script whose output {@link parseAppxPackages} reads. */
export const APPX_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  `Get-AppxPackage -Name '*${APP_LOCATIONS.msixName}*' | Select-Object Name,Version,PackageFullName,InstallLocation,PackageFamilyName,Publisher | ConvertTo-Json -Compress`,
].join('; ');

/** One MSIX package as `Get-AppxPackage` describes it. */
export interface AppxPackage {
  name: string;
  /** The package's four-part version (`1.5354.0.0`). */
  version?: string;
  /** `Claude_1.5354.0.0_x64__pzs8sxrjxfjjc`. */
  fullName?: string;
  installLocation?: string;
  publisher?: string;
}

/** Parses `Get-AppxPackage … | ConvertTo-Json` (nothing, one object, or an array). */
export function parseAppxPackages(json: string): AppxPackage[] {
  const text = json.replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  const parsed: unknown = JSON.parse(text);
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  const out: AppxPackage[] = [];
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 1000) : undefined);
  for (const row of rows) {
    if (!row || typeof row !== 'object') continue;
    const r = row as Record<string, unknown>;
    const name = str(r['Name']);
    if (name === undefined) continue;
    const item: AppxPackage = { name };
    const version = str(r['Version']);
    if (version !== undefined) item.version = version;
    const fullName = str(r['PackageFullName']);
    if (fullName !== undefined) item.fullName = fullName;
    const location = str(r['InstallLocation']);
    if (location !== undefined) item.installLocation = location;
    const publisher = str(r['Publisher']);
    if (publisher !== undefined) item.publisher = publisher;
    out.push(item);
  }
  // Only Claude itself: `*Claude*` also matches unrelated packages that contain the word.
  return out.filter((x) => new RegExp(`(?:^|\\.)${APP_LOCATIONS.msixName}$`, 'i').test(x.name));
}

/** The install an MSIX package is: the app's three-part version from the package's four-part one. */
export function msixInstall(pkg: AppxPackage): AppInstall {
  const install: AppInstall = { path: pkg.installLocation ?? pkg.fullName ?? pkg.name, kind: 'msix' };
  if (pkg.version && parseVersion(pkg.version) !== undefined) {
    install.version = msixAppVersion(pkg.version);
    install.versionSource = `Get-AppxPackage ${pkg.name} (package version ${pkg.version})`;
  }
  return install;
}

export async function locateDarwin(ctx: PathContext): Promise<LocateResult> {
  const candidates = [path.posix.join('/Applications', APP_LOCATIONS.macBundleName), path.posix.join(ctx.homedir, 'Applications', APP_LOCATIONS.macBundleName)];
  const installs: AppInstall[] = [];
  for (const c of candidates) {
    if ((await statOf(c))?.isDirectory()) installs.push(await inspectMacBundle(c));
  }
  return { installs, searched: candidates, notes: [] };
}

export interface Win32LocateDeps {
  readRegistry?: (key: string) => Promise<RegistryQueryResult>;
  appxJson?: () => Promise<{ ok: true; stdout: string } | { ok: false; reason: string }>;
}

/**
 * Windows (docs/claude-desktop.md, "Installs and processes"): the MSIX package first (the default
 * install since ~April 2026; `Get-AppxPackage`, its four-part version mapped to the app's
 * three-part one), then the legacy Squirrel folder (and its uninstall record), then the per-user
 * install.
 */
export async function locateWin32(ctx: PathContext, deps: Win32LocateDeps = {}): Promise<LocateResult> {
  const w = path.win32;
  const local = envVar(ctx.env, 'LOCALAPPDATA', 'win32') ?? w.join(ctx.homedir, 'AppData', 'Local');
  const squirrelRoot = w.join(local, APP_LOCATIONS.winSquirrelDir);
  const perUser = w.join(local, ...APP_LOCATIONS.winPerUserDir, APP_LOCATIONS.winExe);
  const installs: AppInstall[] = [];
  const notes: string[] = [];
  const searched = [`Get-AppxPackage ${APP_LOCATIONS.msixName}`, squirrelRoot, APP_LOCATIONS.winUninstallKey, perUser];

  const appx = await (deps.appxJson ?? (() => runPowerShell(APPX_SCRIPT, { env: ctx.env as NodeJS.ProcessEnv })))();
  if (appx.ok) {
    try {
      for (const pkg of parseAppxPackages(appx.stdout)) installs.push(msixInstall(pkg));
    } catch {
      notes.push('Get-AppxPackage output is not JSON');
    }
  } else if (process.platform === 'win32') {
    notes.push(`Get-AppxPackage: ${appx.reason}`);
  }

  const readRegistry = deps.readRegistry ?? ((key: string) => queryRegistryKey(key, { platform: 'win32', env: ctx.env as NodeJS.ProcessEnv }));
  const reg = await readRegistry(APP_LOCATIONS.winUninstallKey);
  if (reg.status === 'error') notes.push(`reg query ${APP_LOCATIONS.winUninstallKey}: ${reg.message}`);
  const record = uninstallRecord(reg);

  const fromFolder = (await statOf(squirrelRoot))?.isDirectory() ? await inspectAppPath(squirrelRoot, 'win32') : undefined;
  if (record?.version || fromFolder?.version) {
    // The uninstall record names the version Squirrel installed; the folder is what runs.
    const install: AppInstall = fromFolder ?? { path: record?.location ?? squirrelRoot, kind: 'squirrel' };
    if (!install.version && record?.version) {
      install.version = record.version;
      install.versionSource = `registry ${APP_LOCATIONS.winUninstallKey} DisplayVersion`;
    }
    installs.push(install);
  }
  if ((await statOf(perUser))?.isFile()) {
    const install = await inspectAppPath(perUser, 'win32');
    if (install) installs.push(install);
  }
  return { installs, searched, notes };
}

/** Whether a version string is usable for comparisons. */
export function isComparableVersion(v: string | undefined): v is string {
  return v !== undefined && parseVersion(v) !== undefined;
}

export interface LinuxLocateDeps {
  listProcesses?: () => Promise<ProcessListing>;
  /** The executable of a running process (`/proc/<pid>/exe`); undefined when not readable. */
  exeOf?: (pid: number) => Promise<string | undefined>;
  /** The installed version of a Debian package; undefined when dpkg does not know it. */
  debVersion?: (pkg: string) => Promise<string | undefined>;
  /** The official build's path (tests point it into a fixture folder). */
  debExe?: string;
}

/** `/proc/<pid>/exe`, without the ` (deleted)` the kernel appends after an upgrade replaced the file. */
async function procExe(pid: number): Promise<string | undefined> {
  try {
    return (await readlink(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/** `dpkg-query -W -f '${Version}' <pkg>`, bounded in time. */
async function dpkgVersion(pkg: string): Promise<string | undefined> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
  const out = await runTool('dpkg-query', ['-W', '-f', '${Version}', pkg], { timeoutMs: 5_000, maxBuffer: 64 * 1024 });
  return out.ok ? debianUpstreamVersion(out.stdout) : undefined;
}

/** A Debian version's upstream part: `1:1.26832.0-1` → `1.26832.0`; undefined for nothing usable. */
export function debianUpstreamVersion(text: string): string | undefined {
  const v = text
    .trim()
    .replace(/^\d+:/, '')
    .replace(/-[0-9A-Za-z.+~]+$/, '');
  return /^\d+(?:\.\d+){1,3}$/.test(v) ? v : undefined;
}

/**
 * What a running app process was started from: its executable, or for Electron running an app
 * (`electron /usr/lib/claude-desktop-bin/app.asar`) the app argument.
 */
export function launchedFrom(exe: string | undefined, cmd: string | undefined): string | undefined {
  const words = (cmd ?? '').split(/\s+/).filter(Boolean);
  const argv0 = words[0];
  const program = exe ?? (argv0 && path.posix.isAbsolute(argv0) ? argv0 : undefined);
  if (program && !/electron/i.test(path.posix.basename(program))) return program;
  const app = words.slice(1).find((w) => !w.startsWith('-') && path.posix.isAbsolute(w));
  return app ?? program;
}

/**
 * Linux: the app's running main process (its executable, from `/proc/<pid>/exe`), then the place
 * the official .deb installs it on machines seen ({@link APP_LOCATIONS}.linuxDebExe). The version
 * comes from the app.asar beside the executable, else from dpkg for the .deb's folder.
 */
export async function locateLinux(_ctx: PathContext, hints: LocateHints = {}, deps: LinuxLocateDeps = {}): Promise<LocateResult> {
  const debExe = deps.debExe ?? APP_LOCATIONS.linuxDebExe;
  const rule = hints.processRule ?? LINUX_RULE;
  const installs: AppInstall[] = [];
  const notes: string[] = [];
  const searched = [`running processes (${rule.describe})`, debExe];
  const debDir = path.posix.dirname(debExe);

  const inspect = async (target: string): Promise<AppInstall> => {
    const install = (await inspectAppPath(target, 'linux')) ?? { path: target, kind: 'unknown' as const };
    if (install.version === undefined && (target === debDir || target.startsWith(`${debDir}/`))) {
      const version = await (deps.debVersion ?? dpkgVersion)(APP_LOCATIONS.linuxDebPackage);
      if (version) {
        install.version = version;
        install.versionSource = `dpkg-query -W ${APP_LOCATIONS.linuxDebPackage}`;
      }
    }
    return install;
  };

  try {
    const listing = await (deps.listProcesses ?? (() => listPosixProcesses()))();
    const self = hints.self;
    const found = findAppProcesses(listing.processes, rule, {
      ...(self?.uid !== undefined ? { ownUid: self.uid } : {}),
      ...(self ? { exclude: [self.pid] } : {}),
    });
    const main = found.main[0];
    if (main) {
      const from = launchedFrom(await (deps.exeOf ?? procExe)(main.pid), main.cmd);
      if (from) {
        const install = await inspect(from);
        const build = rule.build?.(main);
        if (build !== undefined) install.build = build;
        installs.push(install);
        notes.push(`found by its running process (pid ${main.pid})`);
      } else {
        notes.push(`the app runs (pid ${main.pid}) but where it was started from is not visible`);
      }
    }
  } catch (err) {
    notes.push(`cannot list processes (${errorText(err)})`);
  }
  if (!installs.some((i) => i.path === debExe) && (await statOf(debExe))?.isFile()) {
    installs.push({ ...(await inspect(debExe)), build: 'official build (.deb)' });
  }
  if (installs.length > 0) return { installs, searched, notes };
  return {
    installs,
    searched,
    notes,
    undetermined: `not running, and not at ${debExe} (where the official .deb installs it); Anthropic documents no other install location for Linux, so whether it is installed elsewhere could not be established`,
  };
}
