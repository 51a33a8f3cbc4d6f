/**
 * Settings discovery: looks in every place Claude Desktop reads third-party inference settings
 * from (docs/claude-desktop.md, "Folders", "The library" and "Managed sources"), in precedence
 * order, and says what it saw. It never judges a value and never throws for a bad file: a file
 * that cannot be used is a source with a `problem`.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { Secret } from '../core/secret.js';
import {
  EGRESS_KEYS,
  INFERENCE_KEYS,
  type EgressValues,
  type Discovery,
  type InferenceKey,
  type InferenceValues,
  type NativeForm,
  type ReadProblem,
  type SettingsSource,
  type SourceKind,
  type UnreadLibrary,
} from './settings.js';
import {
  claude3pCandidateDirs,
  claudeDataDirCandidates,
  configLibraryDir,
  legacyConfigPath,
  managedPlistPaths,
  managedRegistryKeys,
  managedSettingsFile,
  msixPackagesDir,
  profileMetaPath,
  profilePath,
  userDataDirOverride,
  type DataDirCandidate,
  type PathContext,
} from './paths.js';
import { isPlainObject, NODE_FILES, readBytes, readJsonFile, typeName, type DiscoveryFiles, type JsonFileRead } from './read-file.js';
import { readPlistFile } from './plist.js';
import { queryRegistryKey, type RegistryQueryResult, type RegistryValue } from './registry.js';
import { managedFileRejection, nodeOwnerLstat, type OwnerLstat } from './linux-managed.js';
import { stripBom } from './json.js';

/** What discovery needs; everything about the machine is a parameter so tests can stand in for it. */
export interface DiscoverOptions extends PathContext {
  /** Read this Claude-3p folder instead of looking for one. */
  claudeDir?: string;
  /**
   * Examine this file as the managed source (`--managed FILE`: a plist, or a JSON file as the
   * Linux managed file), instead of the OS managed locations, which are then not read at all.
   */
  managedFile?: string;
  /** Reads one registry key (Windows). Defaults to `reg query`; tests pass a stand-in. */
  readRegistry?: (key: string) => Promise<RegistryQueryResult>;
  /** The Linux managed-settings file (default `/etc/claude-desktop/managed-settings.json`); tests point elsewhere. */
  linuxManagedFile?: string;
  /** `lstat` for the Linux managed file's owner rules; tests fake owners and modes. */
  ownerLstat?: OwnerLstat;
  /** The disk (Node's by default); tests of Windows layouts give a stand-in holding Windows paths. */
  files?: DiscoveryFiles;
}

/**
 * Copies the inference keys out of a settings object, and nothing else. The API key is wrapped in
 * a {@link Secret} here, before anything else can see it; a non-string key keeps its shape (so
 * checks can say "must be a string") but every string inside it is wrapped too, and bytes are
 * reduced to their length.
 *
 * @param caseInsensitive registry value names are case-insensitive to Windows, so to the app.
 */
export function pickInferenceValues(obj: Record<string, unknown>, caseInsensitive = false): InferenceValues {
  const out: InferenceValues = {};
  const byLower = caseInsensitive ? new Map(Object.keys(obj).map((k) => [k.toLowerCase(), k])) : undefined;
  for (const key of INFERENCE_KEYS) {
    const actual = byLower ? byLower.get(key.toLowerCase()) : key;
    if (actual === undefined || !Object.hasOwn(obj, actual)) continue;
    const value = obj[actual];
    if (value === undefined) continue;
    const bounded = boundDepth(value);
    out[key as InferenceKey] = key === 'inferenceGatewayApiKey' ? protectKey(bounded) : bounded;
  }
  return out;
}

/**
 * Copies the app's proxy keys ({@link EGRESS_KEYS}) out of a settings object. A URL's user-info
 * password is registered as a Secret here, before anything else can see it (docs/network-path.md).
 */
export function pickEgressValues(obj: Record<string, unknown>, caseInsensitive = false): EgressValues | undefined {
  const out: EgressValues = {};
  const byLower = caseInsensitive ? new Map(Object.keys(obj).map((k) => [k.toLowerCase(), k])) : undefined;
  for (const key of EGRESS_KEYS) {
    const actual = byLower ? byLower.get(key.toLowerCase()) : key;
    if (actual === undefined || !Object.hasOwn(obj, actual)) continue;
    const value = boundDepth(obj[actual]);
    if (value === undefined) continue;
    out[key] = value;
    const password = typeof value === 'string' ? /^[a-z][a-z0-9+.-]*:\/\/[^/@?#]*:([^/@?#]*)@/i.exec(value.trim())?.[1] : undefined;
    if (password) {
      let decoded = password;
      try {
        decoded = decodeURIComponent(password);
      } catch {
        // kept as written
      }
      out.secrets = [...(out.secrets ?? []), new Secret(password), ...(decoded !== password ? [new Secret(decoded)] : [])];
    }
  }
  return out.egressProxyUrl !== undefined || out.egressProxyPacUrl !== undefined ? out : undefined;
}

/**
 * Containers nested deeper than this are cut (replaced by an empty one of the same kind). No
 * setting is nested more than three levels, but `JSON.parse` is iterative and accepts a 5 MB
 * file of `[[[[…`: passed on as is, such a value overflows the stack of every recursive consumer
 * (protectKey, `JSON.stringify` in the checks and the reports) and crashes the doctor.
 */
export const MAX_VALUE_DEPTH = 64;

/**
 * A copy of a value with nesting deeper than {@link MAX_VALUE_DEPTH} cut, bytes (a plist
 * `<data>` or a REG_BINARY value: never a valid setting) reduced to their length, as for the key
 * (a 3 MB `<data>` otherwise became a 34 MB JSON report and millions of per-byte header
 * findings), and a plist `<date>` turned into its JSON equivalent, an ISO string. Other plist
 * natives already are their JSON equivalents (array, object, boolean, number).
 */
export function boundDepth(value: unknown, depth = 0): unknown {
  if (value instanceof Uint8Array) return { binary: true, length: value.length };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return depth >= MAX_VALUE_DEPTH ? [] : value.map((v: unknown) => boundDepth(v, depth + 1));
  if (isPlainObject(value)) {
    return depth >= MAX_VALUE_DEPTH ? {} : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, boundDepth(v, depth + 1)]));
  }
  return value;
}

function protectKey(value: unknown): unknown {
  if (typeof value === 'string') return new Secret(value);
  if (Array.isArray(value)) return value.map(protectKey);
  if (value instanceof Uint8Array) return { binary: true, length: value.length };
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, protectKey(v)]));
  return value;
}

/** At most this many key names are kept per object (a settings object has a few dozen). */
export const MAX_KEY_NAMES = 500;
/** A key name is cut to this many characters (real keys are under 50). */
export const MAX_KEY_NAME_LENGTH = 200;

/** A key name fit for a report: control characters written as `\uXXXX` (so two names stay distinct), length bounded. */
export function safeKeyName(name: string): string {
  const escaped = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > MAX_KEY_NAME_LENGTH ? `${escaped.slice(0, MAX_KEY_NAME_LENGTH - 1)}…` : escaped;
}

/** The key names of an object and of the objects directly inside it ({@link SettingsSource.keys}). */
export function keyNames(obj: Record<string, unknown>): Pick<SettingsSource, 'keys' | 'nestedKeys'> {
  const names = Object.keys(obj).slice(0, MAX_KEY_NAMES);
  const nestedKeys: Record<string, string[]> = {};
  for (const name of names) {
    const value = obj[name];
    if (isPlainObject(value)) nestedKeys[safeKeyName(name)] = Object.keys(value).slice(0, MAX_KEY_NAMES).map(safeKeyName);
  }
  return { keys: names.map(safeKeyName), nestedKeys };
}

/** What a native (non-string) plist value is; undefined for a string. */
function nativeForm(value: unknown): NativeForm | undefined {
  if (typeof value === 'string') return undefined;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'data';
  if (value instanceof Date) return 'date';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  if (typeof value === 'bigint') return 'integer';
  return 'dict';
}

function withEgress(source: SettingsSource, egress: EgressValues | undefined): void {
  if (egress) source.egress = egress;
}

/** True when the source holds at least one inference key (a managed source without one holds only app-behaviour keys). */
function holdsSettings(source: SettingsSource): boolean {
  return source.values !== undefined && Object.keys(source.values).length > 0;
}

async function isDirectory(p: string, files: DiscoveryFiles): Promise<boolean> {
  try {
    return (await files.stat(p)).isDirectory;
  } catch {
    return false;
  }
}

async function isFile(p: string, files: DiscoveryFiles): Promise<boolean> {
  try {
    return !(await files.stat(p)).isDirectory;
  } catch {
    return false;
  }
}

/** Names in the Windows `Packages` folder, for the MSIX candidates; none when it cannot be listed. */
async function listMsixPackages(ctx: PathContext, files: DiscoveryFiles): Promise<string[]> {
  const dir = msixPackagesDir(ctx);
  if (dir === undefined) return [];
  try {
    return await files.readdir(dir);
  } catch {
    return [];
  }
}

/** A file entry for `files`, when its modification time is known. */
function fileEntry(file: string, read: { mtimeMs?: number; bom?: boolean }): SettingsSource['files'] {
  if (read.mtimeMs === undefined) return [];
  return [read.bom ? { path: file, mtimeMs: read.mtimeMs, bom: true } : { path: file, mtimeMs: read.mtimeMs }];
}

async function readManagedPlist(file: string, scope: 'user' | 'machine' | undefined, files: DiscoveryFiles): Promise<SettingsSource | undefined> {
  const read = await readPlistFile(file, files);
  if (!read.exists) return undefined;
  const source: SettingsSource = {
    kind: 'managed-plist',
    location: file,
    managed: true,
    // A BOM is legal in an XML plist and macOS reads it; nothing to flag.
    bom: false,
    files: fileEntry(file, read),
  };
  if (scope) source.scope = scope;
  if (read.problem) {
    source.problem = read.problem;
    return source;
  }
  // Native values are read by current builds as their JSON equivalents: hand those on, and say which.
  const native: NonNullable<SettingsSource['nativeValues']> = [];
  for (const [key, value] of Object.entries(read.dict).slice(0, MAX_KEY_NAMES)) {
    const form = nativeForm(value);
    if (form) native.push({ key: safeKeyName(key), form });
  }
  source.values = pickInferenceValues(read.dict);
  withEgress(source, pickEgressValues(read.dict));
  Object.assign(source, keyNames(read.dict));
  if (native.length > 0) source.nativeValues = native;
  return source;
}

/**
 * The Linux managed file, or a JSON file given with `--managed`: native JSON, flat keys. At the
 * real location the owner rules apply (`enforceOwner`); a file that breaks one is a
 * `managed-rejected` problem (its values are still read, for the report).
 */
async function readManagedJson(file: string, enforceOwner: OwnerLstat | undefined, files: DiscoveryFiles): Promise<SettingsSource | undefined> {
  const read = await readJsonFile(file, files);
  if (!read.exists) return undefined;
  const source: SettingsSource = { kind: 'managed-file', location: file, managed: true, bom: read.bom, files: fileEntry(file, read) };
  const obj = objectOrProblem(file, read, 'The managed settings file');
  if ('problem' in obj) source.problem = obj.problem;
  else {
    source.values = pickInferenceValues(obj.object);
    withEgress(source, pickEgressValues(obj.object));
    Object.assign(source, keyNames(obj.object));
  }
  if (enforceOwner) {
    const reasons = await managedFileRejection(file, enforceOwner);
    if (reasons.length > 0) {
      source.problem = {
        kind: 'managed-rejected',
        file,
        message: `The app rejects this file: ${reasons.join('; ')}`,
        reasons,
      };
    }
  }
  return source;
}

/** True when the file holds JSON rather than a plist (a `.json` name, or an object or array at the start). */
async function looksLikeJson(file: string, files: DiscoveryFiles): Promise<boolean> {
  if (file.toLowerCase().endsWith('.json')) return true;
  if (file.toLowerCase().endsWith('.plist')) return false;
  const read = await readBytes(file, files);
  if (!read.exists || 'problem' in read) return false;
  return /^\s*[{[]/.test(stripBom(read.bytes.subarray(0, 64).toString('utf8')));
}

/** Registry types the app reads: `REG_SZ` as a string, `REG_DWORD` as its decimal value. */
const VISIBLE_REGISTRY_TYPES: ReadonlySet<string> = new Set(['REG_SZ', 'REG_DWORD']);
/** A type the app cannot read but that still counts toward machine policy being present. */
const PRESENCE_ONLY_REGISTRY_TYPES: ReadonlySet<string> = new Set(['REG_EXPAND_SZ']);

/** The unnamed default value as `reg query` prints it when it is not set: not a value. */
function isUnsetDefault(v: RegistryValue): boolean {
  return v.name === '(Default)' && v.data === '(value not set)';
}

/** True when a key holds a value that makes the app treat its hive as present. */
function registryValuesPresent(result: RegistryQueryResult): boolean {
  return (
    result.status === 'found' &&
    result.values.some((v) => !isUnsetDefault(v) && (VISIBLE_REGISTRY_TYPES.has(v.type) || PRESENCE_ONLY_REGISTRY_TYPES.has(v.type)))
  );
}

function registrySource(key: string, scope: 'user' | 'machine', result: RegistryQueryResult): SettingsSource | undefined {
  if (result.status === 'missing' || result.status === 'unsupported') return undefined;
  const source: SettingsSource = { kind: 'managed-registry', location: key, scope, managed: true, bom: false, files: [] };
  if (result.status === 'error') {
    source.problem = { kind: 'unreadable', file: key, message: `Cannot read the registry key: ${result.message}` };
    return source;
  }
  const obj: Record<string, RegistryValue['data']> = {};
  const invisible: { name: string; type: string }[] = [];
  for (const v of result.values.slice(0, MAX_KEY_NAMES)) {
    if (isUnsetDefault(v)) continue;
    if (VISIBLE_REGISTRY_TYPES.has(v.type)) obj[v.name] = v.data;
    else invisible.push({ name: safeKeyName(v.name), type: safeKeyName(v.type) });
  }
  source.values = pickInferenceValues(obj, true);
  withEgress(source, pickEgressValues(obj, true));
  source.keys = Object.keys(obj).map(safeKeyName);
  if (invisible.length > 0) source.invisibleValues = invisible;
  if (result.subkeys.length > 0) source.subkeys = result.subkeys.slice(0, MAX_KEY_NAMES).map(safeKeyName);
  return source;
}

/** Reads a JSON file that must hold an object; a non-object is a `not-object` problem. */
function objectOrProblem(
  file: string,
  read: Extract<JsonFileRead, { exists: true }>,
  what: string,
): { object: Record<string, unknown> } | { problem: ReadProblem } {
  if (read.problem) return { problem: read.problem };
  if (!isPlainObject(read.value)) {
    return { problem: { kind: 'not-object', file, message: `${what} holds ${typeName(read.value)}, not a JSON object` } };
  }
  return { object: read.value };
}

/**
 * An applied id is used as a file name: refuse anything that could leave `configLibrary`
 * (the app writes UUIDs).
 */
function usableId(id: unknown): id is string {
  return typeof id === 'string' && id.trim() !== '' && id.length <= MAX_ID_CHARS && !/[\\/\x00-\x1f\x7f]/.test(id) && id !== '.' && id !== '..';
}

/**
 * The app writes UUIDs (36 characters); a file name cannot be longer than 255 bytes anyway. An id
 * longer than this is never used as a path nor echoed whole (it comes from a file: anything goes).
 */
const MAX_ID_CHARS = 200;

/** A profile name from `_meta.json`, as shown: bounded, without control characters. */
function shownName(name: string): string {
  const clean = name.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
  return clean.length > MAX_ID_CHARS ? `${clean.slice(0, MAX_ID_CHARS)}…` : clean;
}

/** The current layout: `_meta.json` → `<appliedId>.json`. */
async function readProfile(
  dir: string,
  platform: NodeJS.Platform,
  searched: Discovery['searched'],
  files: DiscoveryFiles,
): Promise<SettingsSource | undefined> {
  const metaFile = profileMetaPath(dir, platform);
  const meta = await readJsonFile(metaFile, files);
  searched.push({ kind: 'profile', location: metaFile, exists: meta.exists });
  if (!meta.exists) return undefined;
  const source: SettingsSource = {
    kind: 'profile',
    location: metaFile,
    managed: false,
    bom: meta.bom,
    files: fileEntry(metaFile, meta),
  };
  const metaObj = objectOrProblem(metaFile, meta, '_meta.json');
  if ('problem' in metaObj) {
    source.problem = metaObj.problem;
    return source;
  }
  const appliedId = metaObj.object['appliedId'];
  if (!usableId(appliedId)) {
    source.problem = {
      kind: 'meta-invalid',
      file: metaFile,
      message:
        appliedId === undefined
          ? '_meta.json has no appliedId: no profile is applied'
          : typeof appliedId === 'string' && appliedId.length > MAX_ID_CHARS
            ? `_meta.json's appliedId is not a usable profile id (${appliedId.length} characters long)`
            : `_meta.json's appliedId is not a usable profile id (${typeName(appliedId)})`,
    };
    return source;
  }
  source.profile = { id: appliedId };
  const entries = metaObj.object['entries'];
  if (Array.isArray(entries)) {
    const entry: unknown = entries.find((e: unknown) => isPlainObject(e) && e['id'] === appliedId);
    if (isPlainObject(entry) && typeof entry['name'] === 'string') source.profile.name = shownName(entry['name']);
  }

  const file = profilePath(dir, appliedId, platform);
  source.location = file;
  const profile = await readJsonFile(file, files);
  searched.push({ kind: 'profile', location: file, exists: profile.exists });
  if (!profile.exists) {
    source.problem = {
      kind: 'profile-missing',
      file,
      message: `_meta.json applies profile ${appliedId}, but its file does not exist`,
    };
    return source;
  }
  source.bom = source.bom || profile.bom;
  source.files.push(...fileEntry(file, profile));
  const obj = objectOrProblem(file, profile, 'The profile');
  if ('problem' in obj) source.problem = obj.problem;
  else {
    source.values = pickInferenceValues(obj.object);
    withEgress(source, pickEgressValues(obj.object));
    Object.assign(source, keyNames(obj.object));
  }
  return source;
}

/** The older layout: `claude_desktop_config.json` → `enterpriseConfig`, plus `deploymentMode`. */
async function readLegacy(dir: string, platform: NodeJS.Platform, searched: Discovery['searched'], files: DiscoveryFiles): Promise<SettingsSource | undefined> {
  const file = legacyConfigPath(dir, platform);
  const read = await readJsonFile(file, files);
  searched.push({ kind: 'legacy', location: file, exists: read.exists });
  if (!read.exists) return undefined;
  const source: SettingsSource = { kind: 'legacy', location: file, managed: false, bom: read.bom, files: fileEntry(file, read) };
  const obj = objectOrProblem(file, read, 'claude_desktop_config.json');
  if ('problem' in obj) {
    source.problem = obj.problem;
    return source;
  }
  if (Object.hasOwn(obj.object, 'deploymentMode')) source.deploymentMode = boundDepth(obj.object['deploymentMode']);
  const enterprise = obj.object['enterpriseConfig'];
  if (enterprise === undefined) {
    // The file exists (it also holds other app settings) but carries no inference settings.
    source.values = {};
  } else if (!isPlainObject(enterprise)) {
    source.problem = {
      kind: 'not-object',
      file,
      message: `enterpriseConfig holds ${typeName(enterprise)}, not a JSON object`,
    };
  } else {
    source.values = pickInferenceValues(enterprise);
    withEgress(source, pickEgressValues(enterprise));
    Object.assign(source, keyNames(enterprise));
  }
  return source;
}

/** The file that shows a folder holds a library (`configLibrary/_meta.json`), or undefined. */
async function libraryIn(dir: string, platform: NodeJS.Platform, files: DiscoveryFiles): Promise<string | undefined> {
  const meta = profileMetaPath(dir, platform);
  return (await isFile(meta, files)) ? meta : undefined;
}

/** The file that shows a `Claude-3p` folder holds settings: its library, else a legacy file with `enterpriseConfig`. */
async function settingsIn(dir: string, platform: NodeJS.Platform, files: DiscoveryFiles): Promise<string | undefined> {
  const meta = await libraryIn(dir, platform, files);
  if (meta) return meta;
  const legacy = legacyConfigPath(dir, platform);
  const read = await readJsonFile(legacy, files);
  return read.exists && isPlainObject(read.value) && read.value['enterpriseConfig'] !== undefined ? legacy : undefined;
}

/** Managed sources from the OS locations: macOS plists, Windows policy keys (the hive rule), the Linux file. */
async function readOsManaged(
  opts: DiscoverOptions,
  ctx: PathContext,
  note: (kind: SourceKind, location: string, source: SettingsSource | undefined) => void,
): Promise<{ policyHive?: 'machine' | 'user' }> {
  const { platform } = opts;
  const files = opts.files ?? NODE_FILES;
  for (const { path: file, scope } of managedPlistPaths(ctx)) {
    note('managed-plist', file, await readManagedPlist(file, scope, files));
  }

  const keys = managedRegistryKeys(platform);
  const readRegistry = opts.readRegistry ?? ((key: string) => queryRegistryKey(key, { platform, env: opts.env }));
  const read: { key: string; scope: 'user' | 'machine'; result: RegistryQueryResult }[] = [];
  for (const { key, scope } of keys) {
    let result: RegistryQueryResult;
    try {
      result = await readRegistry(key);
    } catch (err) {
      result = { status: 'error', message: err instanceof Error ? err.name : 'failed' };
    }
    // Not on Windows after all: the registry was not looked at.
    if (result.status === 'unsupported') continue;
    read.push({ key, scope, result });
  }
  // The hives are not merged: a value directly under the machine key hides the user key entirely.
  const machine = read.find((r) => r.scope === 'machine' && registryValuesPresent(r.result));
  let policyHive: 'machine' | 'user' | undefined = machine ? 'machine' : undefined;
  for (const { key, scope, result } of read) {
    const source = registrySource(key, scope, result);
    if (source && machine && scope === 'user' && result.status === 'found') source.ignoredBy = machine.key;
    if (!machine && scope === 'user' && registryValuesPresent(result)) policyHive = 'user';
    note('managed-registry', key, source);
  }

  const linuxFile = opts.linuxManagedFile ?? managedSettingsFile(platform);
  if (linuxFile !== undefined) {
    note('managed-file', linuxFile, await readManagedJson(linuxFile, opts.ownerLstat ?? nodeOwnerLstat, files));
  }
  return policyHive ? { policyHive } : {};
}

/**
 * Finds the third-party inference settings Claude Desktop would use, and every other place that
 * holds some. Precedence: managed sources (`managedFile` alone when given; else the OS's managed
 * plists, policy keys — HKCU ignored while HKLM has a value — or the Linux managed file), then in
 * the Claude-3p folder the applied profile, then the legacy `enterpriseConfig`. A managed source
 * that sets no inference key leaves the local settings in force. See {@link Discovery.inForce}.
 */
export async function discoverSettings(opts: DiscoverOptions): Promise<Discovery> {
  const { platform } = opts;
  const files = opts.files ?? NODE_FILES;
  const ctx: PathContext = { platform, env: opts.env, homedir: opts.homedir, username: opts.username };
  const searched: Discovery['searched'] = [];
  const sources: SettingsSource[] = [];
  const note = (kind: SourceKind, location: string, source: SettingsSource | undefined): void => {
    searched.push({ kind, location, exists: source !== undefined });
    if (source) sources.push(source);
  };

  // 1. Managed sources.
  let explicitManaged: SettingsSource | undefined;
  let policyHive: Discovery['policyHive'];
  if (opts.managedFile !== undefined) {
    const file = path.resolve(opts.managedFile);
    if (await looksLikeJson(file, files)) {
      // The owner rules are the app's for its own location only; a copy examined elsewhere is judged on content.
      const osFile = opts.linuxManagedFile ?? managedSettingsFile(platform);
      const enforce = osFile !== undefined && path.resolve(osFile) === file ? (opts.ownerLstat ?? nodeOwnerLstat) : undefined;
      explicitManaged = await readManagedJson(file, enforce, files);
      note('managed-file', file, explicitManaged);
    } else {
      explicitManaged = await readManagedPlist(file, undefined, files);
      note('managed-plist', file, explicitManaged);
    }
  } else {
    ({ policyHive } = await readOsManaged(opts, ctx, note));
  }

  // 2. The Claude-3p folder: the one given, else CLAUDE_USER_DATA_DIR (as is), else the first candidate that exists.
  // A given folder is a path on this machine: make it absolute so reports show where it is.
  let claudeDir = opts.claudeDir === undefined ? undefined : path.resolve(opts.claudeDir);
  const userDataDir = opts.claudeDir === undefined ? userDataDirOverride(ctx) : undefined;
  let otherClaudeDirs: string[] = [];
  let candidates: DataDirCandidate[] = [];
  const unread: UnreadLibrary[] = [];
  const msixPackages = claudeDir === undefined ? await listMsixPackages(ctx, files) : [];
  if (claudeDir === undefined) {
    const defaults = claude3pCandidateDirs(ctx, msixPackages);
    candidates = userDataDir !== undefined ? [{ dir: userDataDir, roaming: false }, ...defaults.filter((c) => c.dir !== userDataDir)] : defaults;
    const existing: DataDirCandidate[] = [];
    for (const c of candidates) if (await isDirectory(c.dir, files)) existing.push(c);
    const chosen = userDataDir !== undefined ? existing.find((c) => c.dir === userDataDir) : existing[0];
    claudeDir = chosen?.dir;
    otherClaudeDirs = existing.filter((c) => c !== chosen).map((c) => c.dir);
    // Settings in a folder the app does not read.
    for (const c of existing) {
      if (c === chosen) continue;
      const file = await settingsIn(c.dir, platform, files);
      if (file === undefined) continue;
      unread.push({ dir: c.dir, file, reason: c.roaming && chosen !== undefined && !chosen.roaming ? 'stale-roaming' : 'not-read' });
    }
  }
  if (claudeDir !== undefined) {
    const profile = await readProfile(claudeDir, platform, searched, files);
    if (profile) sources.push(profile);
    const legacy = await readLegacy(claudeDir, platform, searched, files);
    if (legacy) sources.push(legacy);
  } else {
    // No folder at all: say where we looked.
    const looked = userDataDir !== undefined ? [userDataDir] : candidates.map((c) => c.dir);
    for (const c of looked) {
      searched.push({ kind: 'profile', location: profileMetaPath(c, platform), exists: false });
      searched.push({ kind: 'legacy', location: legacyConfigPath(c, platform), exists: false });
    }
  }
  // A library written under the first-party `Claude` folder: the app never reads it.
  if (opts.claudeDir === undefined) {
    for (const dir of claudeDataDirCandidates(ctx, msixPackages)) {
      const file = await libraryIn(dir, platform, files);
      if (file !== undefined) unread.push({ dir: configLibraryDir(dir, platform), file, reason: 'first-party' });
    }
  }

  // 3. Which one the app uses.
  const inForce =
    sources.find(
      (s) => s.managed && s.ignoredBy === undefined && (holdsSettings(s) || (s.problem !== undefined && (s === explicitManaged || s.kind === 'managed-file'))),
    ) ??
    sources.find((s) => s.kind === 'profile') ??
    sources.find((s) => s.kind === 'legacy');
  const shadowed = sources.filter((s) => s !== inForce && holdsSettings(s));

  const discovery: Discovery = { searched, sources, shadowed };
  if (inForce) discovery.inForce = inForce;
  if (claudeDir !== undefined) discovery.claudeDir = claudeDir;
  if (otherClaudeDirs.length > 0) discovery.otherClaudeDirs = otherClaudeDirs;
  if (unread.length > 0) discovery.unreadLibraries = unread;
  if (userDataDir !== undefined) discovery.userDataDir = userDataDir;
  if (policyHive !== undefined) discovery.policyHive = policyHive;
  const legacy = sources.find((s) => s.kind === 'legacy');
  if (legacy && legacy.deploymentMode !== undefined) discovery.deploymentMode = legacy.deploymentMode;
  return discovery;
}

/**
 * A `--claude-dir` that is not a Claude-3p folder but a thing inside one — the configLibrary
 * folder, `_meta.json`, a profile, `claude_desktop_config.json` — or any file: what was meant,
 * and the path to pass instead. Undefined when the folder looks right (or does not exist).
 */
export function claudeDirMistake(
  dir: string,
  stat: (p: string) => { isDirectory(): boolean } | undefined = safeStat,
): { message: string; hint: string } | undefined {
  const abs = path.resolve(dir);
  const st = stat(abs);
  if (!st) return undefined;
  const parent = path.dirname(abs);
  if (!st.isDirectory()) {
    const insideLibrary = path.basename(parent) === 'configLibrary';
    const meant = insideLibrary ? path.dirname(parent) : parent;
    return {
      message: `--claude-dir ${abs}: that is a file, not a folder.`,
      hint: `Pass the Claude-3p folder that holds ${insideLibrary ? 'configLibrary' : 'it'}: --claude-dir ${meant}`,
    };
  }
  const isLibrary =
    path.basename(abs) === 'configLibrary' || (stat(path.join(abs, '_meta.json')) !== undefined && stat(path.join(abs, 'configLibrary')) === undefined);
  if (isLibrary) {
    return {
      message: `--claude-dir ${abs}: that is the configLibrary folder, not the Claude-3p folder that holds it.`,
      hint: `Pass its parent: --claude-dir ${parent}`,
    };
  }
  return undefined;
}

function safeStat(p: string): { isDirectory(): boolean } | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
