/**
 * Settings discovery: looks in every place Claude Desktop reads third-party inference settings
 * from (FIELD-NOTES §2), in precedence order, and says what it saw. It never judges a value and
 * never throws for a bad file: a file that cannot be used is a source with a `problem`.
 */
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Secret } from '../core/secret.js';
import { INFERENCE_KEYS, type Discovery, type InferenceKey, type InferenceValues, type ReadProblem, type SettingsSource, type SourceKind } from './settings.js';
import {
  claude3pCandidates,
  legacyConfigPath,
  managedPlistPaths,
  managedRegistryKeys,
  msixPackagesDir,
  profileMetaPath,
  profilePath,
  type PathContext,
} from './paths.js';
import { isPlainObject, readJsonFile, typeName, type JsonFileRead } from './read-file.js';
import { readPlistFile } from './plist.js';
import { queryRegistryKey, type RegistryQueryResult, type RegistryValue } from './registry.js';

/** What discovery needs; everything about the machine is a parameter so tests can stand in for it. */
export interface DiscoverOptions extends PathContext {
  /** Read this Claude-3p folder instead of looking for one. */
  claudeDir?: string;
  /**
   * Examine this plist as the managed source (`--managed FILE`), instead of the OS managed
   * locations, which are then not read at all.
   */
  managedFile?: string;
  /** Reads one registry key (Windows). Defaults to `reg query`; tests pass a stand-in. */
  readRegistry?: (key: string) => Promise<RegistryQueryResult>;
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
 * Containers nested deeper than this are cut (replaced by an empty one of the same kind). No
 * setting is nested more than three levels, but `JSON.parse` is iterative and accepts a 5 MB
 * file of `[[[[…`: passed on as is, such a value overflows the stack of every recursive consumer
 * (protectKey, `JSON.stringify` in the checks and the reports) and crashes the doctor.
 */
export const MAX_VALUE_DEPTH = 64;

/**
 * A copy of a value with nesting deeper than {@link MAX_VALUE_DEPTH} cut, and bytes (a plist
 * `<data>` or a REG_BINARY value: never a valid setting) reduced to their length, as for the key:
 * a 3 MB `<data>` otherwise became a 34 MB JSON report and millions of per-byte header findings.
 */
export function boundDepth(value: unknown, depth = 0): unknown {
  if (value instanceof Uint8Array) return { binary: true, length: value.length };
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

/** True when the source holds at least one inference key. */
function holdsSettings(source: SettingsSource): boolean {
  return source.values !== undefined && Object.keys(source.values).length > 0;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Names in the Windows `Packages` folder, for the MSIX candidates; none when it cannot be listed. */
async function listMsixPackages(ctx: PathContext): Promise<string[]> {
  const dir = msixPackagesDir(ctx);
  if (dir === undefined) return [];
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** A file entry for `files`, when its modification time is known. */
function fileEntry(file: string, read: { mtimeMs?: number; bom?: boolean }): SettingsSource['files'] {
  if (read.mtimeMs === undefined) return [];
  return [read.bom ? { path: file, mtimeMs: read.mtimeMs, bom: true } : { path: file, mtimeMs: read.mtimeMs }];
}

async function readManagedPlist(file: string, scope: 'user' | 'machine' | undefined): Promise<SettingsSource | undefined> {
  const read = await readPlistFile(file);
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
  if (read.problem) source.problem = read.problem;
  else source.values = pickInferenceValues(read.dict);
  return source;
}

function registrySource(key: string, scope: 'user' | 'machine', result: RegistryQueryResult): SettingsSource | undefined {
  if (result.status === 'missing' || result.status === 'unsupported') return undefined;
  const source: SettingsSource = { kind: 'managed-registry', location: key, scope, managed: true, bom: false, files: [] };
  if (result.status === 'error') {
    source.problem = { kind: 'unreadable', file: key, message: `Cannot read the registry key: ${result.message}` };
    return source;
  }
  const obj: Record<string, RegistryValue['data']> = {};
  for (const v of result.values) obj[v.name] = v.data;
  source.values = pickInferenceValues(obj, true);
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
  return typeof id === 'string' && id.trim() !== '' && !/[\\/\0]/.test(id) && id !== '.' && id !== '..';
}

/** The current layout: `_meta.json` → `<appliedId>.json`. */
async function readProfile(dir: string, platform: NodeJS.Platform, searched: Discovery['searched']): Promise<SettingsSource | undefined> {
  const metaFile = profileMetaPath(dir, platform);
  const meta = await readJsonFile(metaFile);
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
          : `_meta.json's appliedId is not a usable profile id (${typeName(appliedId)})`,
    };
    return source;
  }
  source.profile = { id: appliedId };
  const entries = metaObj.object['entries'];
  if (Array.isArray(entries)) {
    const entry: unknown = entries.find((e: unknown) => isPlainObject(e) && e['id'] === appliedId);
    if (isPlainObject(entry) && typeof entry['name'] === 'string') source.profile.name = entry['name'];
  }

  const file = profilePath(dir, appliedId, platform);
  source.location = file;
  const profile = await readJsonFile(file);
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
  else source.values = pickInferenceValues(obj.object);
  return source;
}

/** The older layout: `claude_desktop_config.json` → `enterpriseConfig`, plus `deploymentMode`. */
async function readLegacy(dir: string, platform: NodeJS.Platform, searched: Discovery['searched']): Promise<SettingsSource | undefined> {
  const file = legacyConfigPath(dir, platform);
  const read = await readJsonFile(file);
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
  }
  return source;
}

/**
 * Finds the third-party inference settings Claude Desktop would use, and every other place that
 * holds some. Precedence: managed sources (`managedFile` alone when given; else the OS's managed
 * plists or policy keys, in the order of {@link managedPlistPaths} / `MANAGED_REGISTRY_KEYS` in paths.ts),
 * then in the Claude-3p folder the applied profile, then the legacy `enterpriseConfig`.
 * See {@link Discovery.inForce} for which source wins.
 */
export async function discoverSettings(opts: DiscoverOptions): Promise<Discovery> {
  const { platform } = opts;
  const ctx: PathContext = { platform, env: opts.env, homedir: opts.homedir, username: opts.username };
  const searched: Discovery['searched'] = [];
  const sources: SettingsSource[] = [];
  const note = (kind: SourceKind, location: string, source: SettingsSource | undefined): void => {
    searched.push({ kind, location, exists: source !== undefined });
    if (source) sources.push(source);
  };

  // 1. Managed sources.
  let explicitManaged: SettingsSource | undefined;
  if (opts.managedFile !== undefined) {
    const file = path.resolve(opts.managedFile);
    explicitManaged = await readManagedPlist(file, undefined);
    note('managed-plist', file, explicitManaged);
  } else {
    for (const { path: file, scope } of managedPlistPaths(ctx)) {
      note('managed-plist', file, await readManagedPlist(file, scope));
    }
    const keys = managedRegistryKeys(platform);
    const readRegistry = opts.readRegistry ?? ((key: string) => queryRegistryKey(key, { platform, env: opts.env }));
    for (const { key, scope } of keys) {
      let result: RegistryQueryResult;
      try {
        result = await readRegistry(key);
      } catch (err) {
        result = { status: 'error', message: err instanceof Error ? err.name : 'failed' };
      }
      // Not on Windows after all: the registry was not looked at.
      if (result.status === 'unsupported') continue;
      note('managed-registry', key, registrySource(key, scope, result));
    }
  }

  // 2. The Claude-3p folder: the one given, else the first candidate that exists.
  // A given folder is a path on this machine: make it absolute so reports show where it is.
  let claudeDir = opts.claudeDir === undefined ? undefined : path.resolve(opts.claudeDir);
  let otherClaudeDirs: string[] = [];
  let candidates: string[] = [];
  if (claudeDir === undefined) {
    candidates = claude3pCandidates(ctx, await listMsixPackages(ctx));
    const existing: string[] = [];
    for (const c of candidates) if (await isDirectory(c)) existing.push(c);
    claudeDir = existing[0];
    otherClaudeDirs = existing.slice(1);
  }
  if (claudeDir !== undefined) {
    const profile = await readProfile(claudeDir, platform, searched);
    if (profile) sources.push(profile);
    const legacy = await readLegacy(claudeDir, platform, searched);
    if (legacy) sources.push(legacy);
  } else {
    // No folder at all: say where we looked.
    for (const c of candidates) {
      searched.push({ kind: 'profile', location: profileMetaPath(c, platform), exists: false });
      searched.push({ kind: 'legacy', location: legacyConfigPath(c, platform), exists: false });
    }
  }

  // 3. Which one the app uses.
  const inForce =
    sources.find((s) => s.managed && (holdsSettings(s) || (s === explicitManaged && s.problem !== undefined))) ??
    sources.find((s) => s.kind === 'profile') ??
    sources.find((s) => s.kind === 'legacy');
  const shadowed = sources.filter((s) => s !== inForce && holdsSettings(s));

  const discovery: Discovery = { searched, sources, shadowed };
  if (inForce) discovery.inForce = inForce;
  if (claudeDir !== undefined) discovery.claudeDir = claudeDir;
  if (otherClaudeDirs.length > 0) discovery.otherClaudeDirs = otherClaudeDirs;
  const legacy = sources.find((s) => s.kind === 'legacy');
  if (legacy && legacy.deploymentMode !== undefined) discovery.deploymentMode = legacy.deploymentMode;
  return discovery;
}
