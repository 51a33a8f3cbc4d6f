/**
 * The engine of `portkey-doctor fix` (docs/fix.md): from a run of the settings and app checks to
 * the documents involved, every fixer's proposal, and the plan — then, on request, the writes.
 * The command (src/commands/fix.ts) decides whether to write (terminal question, --yes,
 * --dry-run, the running app); this module never asks anything.
 */
import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Discovery, SettingsSource } from '../config/settings.js';
import type { CheckResult } from '../contract/check.js';
import { FileError, readRegularText } from '../core/safe-fs.js';
import { Secret } from '../core/secret.js';
import type { Report } from '../report/report.js';
import { readDocument } from './apply.js';
import type { FixDocument, Fixer, FixFileRole, FixFinding, FixInput } from './fixer.js';
import { type Plan, type PlannedChange, planFixes } from './plan.js';
import { atomicReplace, backup, renameNoReplace, unchangedSince } from './write.js';

/** A settings, meta or developer file larger than this is not fixed (no settings file is anywhere near it). */
const MAX_FIX_BYTES = 1024 * 1024;

/** The findings of a run, as fixers see them (the primary finding keeps its details). */
export function findingsOf(checks: readonly CheckResult[]): FixFinding[] {
  const out: FixFinding[] = [];
  for (const c of checks) {
    if (c.status === 'ok' || c.code === undefined) continue;
    out.push({ check: c.id, code: c.code, status: c.status, ...(c.details ? { details: c.details } : {}) });
    for (const m of c.moreFindings ?? []) out.push({ check: c.id, code: m.code, status: m.status });
  }
  return out;
}

/** What the engine gathered: the fixers' input, and the managed source in force (never written). */
export interface Gathered {
  input: FixInput;
  /** The managed source in force: its corrected policy goes to a file for IT. */
  managed?: SettingsSource;
  /** Folders where this run's backups go (and `--undo` looks). */
  folders: string[];
}

async function readDoc(path: string | undefined): Promise<FixDocument | undefined> {
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    return readDocument(path, await readRegularText(path, MAX_FIX_BYTES));
  } catch {
    return undefined; // unreadable, a folder, a FIFO, too large: not fixed (the checks say why)
  }
}

/** The files a fix of this machine may touch, by role. */
export function filesOf(discovery: Discovery, checks: readonly CheckResult[]): Partial<Record<FixFileRole, string>> {
  const out: Partial<Record<FixFileRole, string>> = {};
  const inForce = discovery.inForce;
  if (inForce && !inForce.managed) {
    if (inForce.kind === 'profile') {
      const dir = dirname(inForce.location);
      out.meta = join(dir, '_meta.json');
      if (basename(inForce.location) !== '_meta.json') out.settings = inForce.location;
    } else if (inForce.kind === 'legacy') out.settings = inForce.location;
  }
  // claude_desktop_config.json in the 3P folder (deploymentMode), when it is not the settings document.
  if (discovery.claudeDir !== undefined) {
    const desktop = discovery.sources.find((s) => s.kind === 'legacy')?.location ?? join(discovery.claudeDir, 'claude_desktop_config.json');
    if (desktop !== out.settings) out['desktop-config'] = desktop;
  }
  const devFile = checks.find((c) => c.id === 'developer-mode')?.details?.['file'];
  if (typeof devFile === 'string') out['developer-settings'] = devFile;
  return out;
}

/** Reads the documents and builds the fixers' input from a run. */
export async function gather(report: Report, discovery: Discovery): Promise<Gathered> {
  const paths = filesOf(discovery, report.checks);
  const files: FixInput['files'] = {};
  for (const [role, path] of Object.entries(paths) as [FixFileRole, string][]) {
    const doc = await readDoc(path);
    if (doc) files[role] = doc;
  }
  const inForce = discovery.inForce;
  let managed: SettingsSource | undefined;
  if (inForce?.managed) {
    managed = inForce;
    files.settings = managedDocument(inForce);
  }
  const input: FixInput = {
    files,
    root: inForce?.kind === 'legacy' ? ['enterpriseConfig'] : [],
    ...(inForce ? { sourceKind: inForce.kind } : {}),
    findings: findingsOf(report.checks),
    ...(report.app?.version ? { appVersion: report.app.version } : {}),
    ...(discovery.deploymentMode !== undefined ? { deploymentMode: discovery.deploymentMode } : {}),
  };
  const folders = [...new Set(Object.values(paths).map((p) => dirname(p)))];
  return { input, ...(managed ? { managed } : {}), folders };
}

/**
 * A managed source's values as a JSON document, so the same fixers apply to it (the key revealed
 * in memory only: the IT file never holds it, see it-policy.ts). Plist and registry values are
 * the strings they are in the source.
 */
function managedDocument(source: SettingsSource): FixDocument {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source.values ?? {})) values[k] = v instanceof Secret ? v.reveal() : v;
  for (const [k, v] of Object.entries(source.egress ?? {})) if (k !== 'secrets') values[k] = v;
  const text = `${JSON.stringify(values, null, 2)}\n`;
  return { path: source.location, text, value: values, strictJson: true };
}

/** The plan for a run: every fixer asked. */
export function plan(gathered: Gathered, fixers: readonly Fixer[], accept?: (c: PlannedChange) => boolean): Plan {
  return planFixes(gathered.input, fixers, accept);
}

/** What writing did, per file. */
export interface Written {
  role: FixFileRole;
  path: string;
  backup: string;
  renamedTo?: string;
}

/** The files changed since the plan was made: nothing is written then. */
export async function changedSincePlan(p: Plan): Promise<string[]> {
  const changed: string[] = [];
  for (const f of p.files) {
    // A symbolic link or a special file at the path: refused by name, not as "changed".
    const st = await lstat(f.path).catch(() => undefined);
    if (st?.isSymbolicLink()) throw Object.assign(new FileError('ELOOP', `${f.path} is a symbolic link`), { path: f.path });
    if (st && !st.isFile()) throw Object.assign(new FileError('ENOTREG', `${f.path} is not a regular file`), { path: f.path });
    if (!(await unchangedSince(f.path, f.before))) changed.push(f.path);
  }
  return changed;
}

/**
 * Writes a plan: every file backed up first (all with one stamp), then each replaced atomically,
 * then renamed when a change renames it. Local files only: a managed plan is never written here.
 */
export async function writePlan(p: Plan, stamp: string): Promise<Written[]> {
  // An error names the file it happened to (`path`), for the message.
  const at = async <T>(path: string, step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (err) {
      if (err && typeof err === 'object') (err as { path?: string }).path = path;
      throw err;
    }
  };
  const backups = new Map<string, string>();
  for (const f of p.files) backups.set(f.path, await at(f.path, () => backup(f.path, stamp)));
  const written: Written[] = [];
  for (const f of p.files) {
    if (f.after !== f.before) await at(f.path, () => atomicReplace(f.path, f.after));
    let renamedTo: string | undefined;
    if (f.renameTo !== undefined && f.renameTo !== basename(f.path)) {
      const to = join(dirname(f.path), f.renameTo);
      renamedTo = to;
      await at(f.path, () => renameNoReplace(f.path, to));
    }
    written.push({ role: f.role, path: f.path, backup: backups.get(f.path)!, ...(renamedTo ? { renamedTo } : {}) });
  }
  return written;
}
