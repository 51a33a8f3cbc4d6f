/**
 * Per-fixer tests on real files: a Claude-3p folder (and a Claude data folder) in a temp dir, the
 * doctor's real settings checks run in-process on it (prepare + runOnce, as the doctor does, with
 * --only settings,developer-mode --offline --no-policy), the findings handed to the fixers through
 * the pure planner, the planned texts written and renames made, then the checks run again.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDoctorFlags } from '../../../src/config/flags.js';
import { readDocument } from '../../../src/fix/apply.js';
import type { FixDocument, FixFileRole, FixFinding, FixInput } from '../../../src/fix/fixer.js';
import { FIXERS } from '../../../src/fix/fixers/index.js';
import { gather, plan as enginePlan, type Written, writePlan } from '../../../src/fix/engine.js';
import type { Plan, planFixes } from '../../../src/fix/plan.js';
import { backupStamp, latestBackups, restore } from '../../../src/fix/write.js';
import type { Discovery } from '../../../src/config/settings.js';
import type { Report } from '../../../src/report/report.js';
import { prepare, runOnce } from '../../../src/run/index.js';

export interface Layout {
  root: string;
  claude3p: string;
  dataDir: string;
}

export interface ProfileSpec {
  /** The profile's text (or an object, written with 2-space indentation). */
  profile?: string | Record<string, unknown>;
  id?: string;
  /** `claude_desktop_config.json` text (deploymentMode lives there). */
  desktopConfig?: string;
  /** `developer_settings.json` text. */
  developer?: string;
  mode?: number;
  /**
   * The older layout: no configLibrary; the settings under `enterpriseConfig` in
   * `claude_desktop_config.json` (`desktopConfig` then gives the file's other top-level keys as JSON).
   */
  legacy?: boolean;
}

export const GOOD_KEY = 'pk-FixerTestKey-Qw8Zx3Vn6Rt';

export function goodProfile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    inferenceProvider: 'gateway',
    inferenceGatewayBaseUrl: 'https://api.portkey.ai',
    inferenceGatewayApiKey: GOOD_KEY,
    ...extra,
  };
}

export function makeLayout(spec: ProfileSpec): Layout {
  const root = mkdtempSync(join(tmpdir(), 'pkd-fixer-'));
  const claude3p = join(root, 'Claude-3p');
  const lib = join(claude3p, 'configLibrary');
  mkdirSync(lib, { recursive: true });
  if (spec.legacy) {
    const others = spec.desktopConfig !== undefined ? (JSON.parse(spec.desktopConfig) as Record<string, unknown>) : {};
    const profile = typeof spec.profile === 'string' ? (JSON.parse(spec.profile) as unknown) : (spec.profile ?? goodProfile());
    writeFileSync(join(claude3p, 'claude_desktop_config.json'), `${JSON.stringify({ ...others, enterpriseConfig: profile }, null, 2)}\n`);
    const dataDir = join(root, 'Claude');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'developer_settings.json'), spec.developer ?? '{"allowDevTools": true}\n');
    return { root, claude3p, dataDir };
  }
  const id = spec.id ?? 'f0e1d2c3-0000-4000-8000-000000000001';
  writeFileSync(join(lib, '_meta.json'), `${JSON.stringify({ appliedId: id, entries: [{ id, name: 'Work' }] }, null, 2)}\n`);
  const text = typeof spec.profile === 'string' ? spec.profile : `${JSON.stringify(spec.profile ?? goodProfile(), null, 2)}\n`;
  const file = join(lib, `${id}.json`);
  writeFileSync(file, text);
  if (spec.mode !== undefined) chmodSync(file, spec.mode);
  if (spec.desktopConfig !== undefined) writeFileSync(join(claude3p, 'claude_desktop_config.json'), spec.desktopConfig);
  const dataDir = join(root, 'Claude');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'developer_settings.json'), spec.developer ?? '{"allowDevTools": true}\n');
  return { root, claude3p, dataDir };
}

/** The settings checks (and developer-mode) on the layout, as the doctor runs them. */
export async function runSettings(layout: Layout): Promise<Report> {
  return (await runWithDiscovery(layout)).report;
}

async function runWithDiscovery(layout: Layout): Promise<{ report: Report; discovery: Discovery }> {
  const flags = parseDoctorFlags([
    '--claude-dir',
    layout.claude3p,
    '--claude-data-dir',
    layout.dataDir,
    '--only',
    'settings,developer-mode',
    '--offline',
    '--no-policy',
  ]);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: layout.root, XDG_CONFIG_HOME: join(layout.root, '.config') };
  const prepared = await prepare(flags, env);
  return { report: await runOnce(prepared), discovery: prepared.discovery };
}

/** Every finding of a report, primary and further ones, as fixers see them. */
export function findingsOf(report: Report): FixFinding[] {
  const out: FixFinding[] = [];
  for (const c of report.checks) {
    if (c.status === 'ok' || c.code === undefined) continue;
    out.push({ check: c.id, code: c.code, status: c.status as FixFinding['status'], ...(c.details ? { details: c.details } : {}) });
    for (const m of c.moreFindings ?? []) out.push({ check: c.id, code: m.code, status: m.status as FixFinding['status'] });
  }
  return out;
}

/** The status of each check, by id. */
export function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

/** Every code reported (primary and further findings). */
export function codes(report: Report): string[] {
  return findingsOf(report).map((f) => f.code);
}

/** Paths of the documents of the layout, by role. */
export function documentPaths(layout: Layout): Partial<Record<FixFileRole, string>> {
  const lib = join(layout.claude3p, 'configLibrary');
  if (!existsSync(join(lib, '_meta.json'))) {
    return { settings: join(layout.claude3p, 'claude_desktop_config.json'), 'developer-settings': join(layout.dataDir, 'developer_settings.json') };
  }
  const meta = JSON.parse(readFileSync(join(lib, '_meta.json'), 'utf8')) as { appliedId: string };
  return {
    settings: join(lib, `${meta.appliedId}.json`),
    meta: join(lib, '_meta.json'),
    'desktop-config': join(layout.claude3p, 'claude_desktop_config.json'),
    'developer-settings': join(layout.dataDir, 'developer_settings.json'),
  };
}

export function fixInput(layout: Layout, report: Report, appVersion?: string): FixInput {
  const files: Partial<Record<FixFileRole, FixDocument>> = {};
  for (const [role, path] of Object.entries(documentPaths(layout)) as [FixFileRole, string][]) {
    if (existsSync(path)) files[role] = readDocument(path, readFileSync(path, 'utf8'));
  }
  return { files, root: [], sourceKind: 'profile', findings: findingsOf(report), ...(appVersion ? { appVersion } : {}) };
}

export interface FixRun {
  before: Report;
  after: Report;
  plan: Plan;
  written: Written[];
  /** The folders the engine looks for backups in (fix --undo). */
  folders: string[];
}

/**
 * The real engine (src/fix/engine.ts): checks, gather the documents, plan with every fixer, write
 * (byte-for-byte backup, atomic replace keeping the mode, renames), checks again. `appVersion`
 * stands in for the app checks' version (not run here: no app on this machine).
 */
export async function fixOnce(layout: Layout, appVersion?: string, accept?: Parameters<typeof planFixes>[2]): Promise<FixRun> {
  const { report: before, discovery } = await runWithDiscovery(layout);
  const gathered = await gather(before, discovery);
  if (appVersion !== undefined) gathered.input.appVersion = appVersion;
  const plan = enginePlan(gathered, FIXERS, accept);
  const written = await writePlan(plan, backupStamp(new Date()));
  const after = await runSettings(layout);
  return { before, after, plan, written, folders: gathered.folders };
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Top-level keys of a JSON text, in order. */
export function keysOf(text: string): string[] {
  return Object.keys(JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>);
}

/**
 * The "Shown by" of one fixer: the broken layout is fixed, the named check then passes (status
 * `ok`), no check's status gets worse, the file's mode is kept, and a second fix changes nothing.
 */
export async function expectCured(
  layout: Layout,
  opts: {
    check: string;
    code: string;
    appVersion?: string;
    expectAfter?: string;
    /** The code is the fixer's own, not a check's (the older header key): not among the findings. */
    unflagged?: boolean;
    /** The file whose mode must be kept (default: the settings file). */
    file?: FixFileRole;
  },
): Promise<FixRun> {
  const { expect } = await import('vitest');
  const paths = documentPaths(layout);
  const role = opts.file ?? 'settings';
  const modeBefore = statSync(paths[role]!).mode & 0o777;
  const run = await fixOnce(layout, opts.appVersion);
  if (!opts.unflagged) expect(codes(run.before)).toContain(opts.code);
  expect(run.plan.changes.map((c) => c.code)).toContain(opts.code);
  expect(codes(run.after)).not.toContain(opts.code);
  expect(statuses(run.after)[opts.check]).toBe(opts.expectAfter ?? 'ok');
  const rank: Record<string, number> = { ok: 0, skip: 1, warn: 2, fail: 3, error: 4 };
  for (const [id, status] of Object.entries(statuses(run.after))) {
    expect.soft(rank[status]!, `${id} got worse`).toBeLessThanOrEqual(rank[statuses(run.before)[id] ?? 'ok']!);
  }
  expect(statSync(documentPaths(layout)[role]!).mode & 0o777).toBe(modeBefore);
  const again = await fixOnce(layout, opts.appVersion);
  expect(again.plan.files.filter((f) => f.after !== f.before || f.renameTo)).toEqual([]);
  // The backups of the fix (the second one wrote none) give back every original byte for byte:
  // restored in a copy of the folders, so the fixed layout stays for the caller's assertions.
  const copy = `${layout.root}-undo`;
  cpSync(layout.root, copy, { recursive: true });
  const moved = (p: string) => copy + p.slice(layout.root.length);
  const backups = await latestBackups(run.folders.map(moved));
  expect(backups.map((b) => b.original).sort()).toEqual(run.plan.files.map((f) => moved(f.path)).sort());
  for (const b of backups) {
    expect(statSync(b.path).mode & 0o777).toBe(0o600);
    await restore(b);
    expect(readFileSync(b.original)).toEqual(Buffer.from(run.plan.files.find((f) => moved(f.path) === b.original)!.before, 'utf8'));
  }
  return run;
}
