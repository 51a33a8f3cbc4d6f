/**
 * `portkey-doctor fix`: run the settings and app checks, show every change the fixers would make
 * as a diff (the key as its fingerprint) with the code it cures, ask (on a terminal), back up,
 * write atomically, re-run the checks and say what is left (docs/fix.md). `--undo` restores the
 * newest backups. Managed settings are never written: their correction goes to a file for IT.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { parseDoctorFlags } from '../config/flags.js';
import type { CheckResult } from '../contract/check.js';
import { cleanText } from '../core/clean-text.js';
import { OUTPUT_SCRUB } from '../core/output-scrub.js';
import { redactQuotedArgs, safeArg, UsageError } from '../core/usage-error.js';
import { VERSION } from '../core/version.js';
import { type DiffLine, maskedDiff } from '../fix/display.js';
import { changedSincePlan, filesOf, type Gathered, gather, plan as makePlan, type Written, writePlan } from '../fix/engine.js';
import { FIXERS } from '../fix/fixers/index.js';
import { type ItPolicy, itPolicy, writeItFile } from '../fix/it-policy.js';
import type { Plan, PlannedChange } from '../fix/plan.js';
import { backupStamp, latestBackups, restore } from '../fix/write.js';
import type { Report } from '../report/report.js';
import { type Prepared, prepare, runOnce } from '../run/index.js';

/** The version of the JSON plan (schema/fix-plan.schema.json). */
export const FIX_PLAN_SCHEMA_VERSION = '1.0.0';

export const FIX_HELP = `portkey-doctor fix — repair the Claude Desktop settings files, safely

Usage:
  portkey-doctor fix [options]        show each change as a diff of the file, ask, then write
  portkey-doctor fix --undo           restore the files from the newest backups

Options:
  -y, --yes        apply without asking (a change marked "asks" still asks, unless --force)
  --dry-run        only show what would change; write nothing
  --json           print the plan as JSON (schema/fix-plan.schema.json); writes only with --yes
  --force          write even while Claude Desktop runs, and apply "asks" changes without asking
  --it-dir DIR     where the corrected policy for IT goes when the settings are managed
                   (default: the current folder, like reports)
  --undo           restore every file from the newest fix's backups
  --claude-dir DIR, --managed FILE, --claude-data-dir DIR, --app-process NAME, --no-policy
                   as for the doctor (portkey-doctor --help)

Every file is backed up first beside itself (<name>.bak-<time>, mode 0600) and replaced
atomically; its mode, owner, other keys, their order and the indentation are kept. Managed
settings (MDM plist, registry policy, /etc/claude-desktop) are never written: the corrected
policy is written to a file for IT instead. Fix refuses while Claude Desktop runs (quit it fully
first). The key is only ever shown as its fingerprint.

Exit codes: 0 fixed, or nothing to fix; 1 findings remain that no fixer cures;
            2 nothing written (refused, declined, or bad input).
`;

const OWN = {
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  undo: { type: 'boolean' },
  'it-dir': { type: 'string' },
} as const;

/** Doctor options that change what the checks judge rather than the files: fix repairs files only. */
const TARGET_FLAGS = [
  '--base-url',
  '--auth-scheme',
  '--api-key-env',
  '--api-key-file',
  '--header',
  '--use-credential-helper',
  '--only',
  '--offline',
  '--live',
  '--plugin',
];

interface FixFlags {
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  force: boolean;
  undo: boolean;
  itDir: string;
}

export function parseFixArgs(args: string[]): { flags: FixFlags; rest: string[] } {
  const own: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.replace(/=.*$/, '');
    if (name === '--it-dir') {
      own.push(a);
      if (!a.includes('=') && i + 1 < args.length) own.push(args[++i]!);
    } else if (['--yes', '-y', '--dry-run', '--json', '--force', '--undo'].includes(a)) own.push(a);
    else if (TARGET_FLAGS.includes(name)) {
      throw new UsageError(`fix does not take ${safeArg(name)}: it repairs the settings files as the app reads them.`, 'Run portkey-doctor fix --help.');
    } else rest.push(a);
  }
  let values: { yes?: boolean; 'dry-run'?: boolean; json?: boolean; force?: boolean; undo?: boolean; 'it-dir'?: string };
  try {
    ({ values } = parseArgs({ args: own, options: OWN, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${redactQuotedArgs((err as Error).message.split('. To specify')[0]!.replace(/\.$/, ''))}.`, 'Run portkey-doctor fix --help.');
  }
  if (values['dry-run'] && values.yes) throw new UsageError('--dry-run and --yes contradict each other.', 'Give one of them.');
  if (values.undo && values['dry-run']) throw new UsageError('--undo and --dry-run contradict each other.', 'Give one of them.');
  return {
    flags: {
      yes: values.yes ?? false,
      dryRun: values['dry-run'] ?? false,
      json: values.json ?? false,
      force: values.force ?? false,
      undo: values.undo ?? false,
      itDir: values['it-dir'] ?? '.',
    },
    rest,
  };
}

/** The settings and app checks, offline: all a fix needs, nothing sent anywhere. */
async function check(rest: string[], env: NodeJS.ProcessEnv): Promise<{ prepared: Prepared; report: Report }> {
  const flags = parseDoctorFlags([...rest, '--offline', '--only', 'settings,app']);
  const prepared = await prepare(flags, env);
  return { prepared, report: await runOnce(prepared) };
}

/** Whether the app is known not to run (app-running passed and saw no main process). */
function appState(report: Report): 'not-running' | 'running' | 'unknown' {
  const c = report.checks.find((x) => x.id === 'app-running');
  if (!c) return 'unknown';
  if (c.status === 'ok') return c.details?.['running'] === false ? 'not-running' : 'running';
  return c.code === 'APP_HELPERS_ONLY' || c.code === 'APP_MULTIPLE_MAIN' ? 'running' : 'unknown';
}

const QUIT_FIRST = 'quit the app fully, then run fix again';

/** One line of what a person reads: no control characters, no secret. */
const line = (t: string) => cleanText(OUTPUT_SCRUB.text(t));

export async function fixCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { flags, rest } = parseFixArgs(args);
  const out = (t: string) => process.stdout.write(flags.json ? '' : `${t}\n`);
  const { prepared, report } = await check(rest, env);
  const app = appState(report);
  const mayWrite = app === 'not-running' || flags.force;
  const refusal = () =>
    app === 'running'
      ? `Claude Desktop is running: ${QUIT_FIRST} (or add --force).`
      : `cannot tell whether Claude Desktop is running (app-running: ${report.checks.find((c) => c.id === 'app-running')?.code ?? 'not run'}): ${QUIT_FIRST} (or add --force).`;

  if (flags.undo) return undo(prepared, report, flags, mayWrite, refusal);

  const gathered = await gather(report, prepared.discovery);
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !flags.json;
  const full = makePlan(gathered, FIXERS);

  // Changes that ask even with --yes: kept only when --force, or answered yes on a terminal.
  // The whole plan first: a person answers about a change they have seen.
  if (!flags.json) showPlan(full, gathered, out);
  const held = new Set<PlannedChange>();
  const asked: string[] = [];
  if (!flags.force && !flags.dryRun) {
    for (const c of full.changes.filter((x) => x.confirm)) {
      if (interactive && (await ask(`${line(c.says)} (cures ${c.code}) — this one always asks. Apply it? [y/N] `))) continue;
      held.add(c);
      asked.push(c.code);
    }
  }
  const p = held.size === 0 ? full : makePlan(gathered, FIXERS, (c) => ![...held].some((h) => h.fixer === c.fixer && h.code === c.code && h.says === c.says));
  const managed = gathered.managed;
  const local: Plan = managed ? { ...p, files: p.files.filter((f) => f.role !== 'settings') } : p;
  const it: ItPolicy | undefined = managed ? itPolicy(managed, p) : undefined;

  if (!flags.json && asked.length > 0) out(`Held back (each asks first: answer yes on a terminal, or add --force): ${asked.join(', ')}.`);

  const nothing = local.files.length === 0 && !it;
  let mode: 'nothing-to-fix' | 'dry-run' | 'applied' | 'refused' | 'declined' | 'changed-meanwhile' = 'dry-run';
  let written: Written[] = [];
  let itPath: string | undefined;
  if (nothing) mode = 'nothing-to-fix';
  else if (flags.dryRun || (flags.json && !flags.yes)) mode = 'dry-run';
  else if (!flags.yes && !interactive) {
    mode = 'dry-run';
    out('Nothing written: not on a terminal. Add --yes to apply these changes, or --dry-run to only show them.');
  } else if (local.files.length > 0 && !mayWrite) {
    mode = 'refused';
    if (!flags.json) process.stderr.write(`portkey-doctor: nothing written: ${refusal()}\n`);
  } else if (!flags.yes && !(await ask(`Apply ${p.changes.length} change(s)? [y/N] `))) {
    mode = 'declined';
    out('Nothing written.');
  } else {
    const changed = await changedSincePlan(local).catch((err: unknown) => {
      throw writeError(err, local);
    });
    if (changed.length > 0) {
      mode = 'changed-meanwhile';
      if (!flags.json) process.stderr.write(`portkey-doctor: nothing written: ${changed.join(', ')} changed while fix ran; run fix again.\n`);
    } else {
      try {
        written = await writePlan(local, backupStamp(new Date()));
      } catch (err) {
        throw writeError(err, local);
      }
      if (it)
        itPath = await writeItFile(flags.itDir, it, new Date()).catch((err: unknown) => {
          throw new UsageError(
            `cannot write the policy file for IT in ${safeArg(flags.itDir)} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
            'Choose a folder with --it-dir DIR.',
          );
        });
      mode = 'applied';
    }
  }

  // After writing: the checks again, before → after, and what is left.
  const after = mode === 'applied' ? (await check(rest, env)).report : undefined;
  const final = after ?? report;
  const cured = new Set(mode === 'applied' ? p.changes.map((c) => c.code) : []);
  // Before writing, and for managed settings (cured only once IT deploys the file), what the plan cures is not "left".
  const planned = new Set(p.changes.flatMap((c) => [c.code, ...(c.alsoCures ?? [])]));
  const remaining = findingsLeft(final.checks, mode === 'applied' && !managed ? new Set() : planned);
  const transitions = after ? beforeAfter(report.checks, after.checks) : [];
  const relaunch = written.length > 0;

  if (!flags.json) {
    for (const w of written) out(`Wrote ${w.renamedTo ?? w.path} (backup: ${w.backup}).`);
    if (it && itPath) {
      out(`Managed settings are never written by fix. The corrected policy for IT is in ${itPath}: ${it.deployer}.`);
      if (it.keyLeftOut) out('  The API key is left out of that file: keep the key deployed now.');
      if (it.delta.credentialChanged.length) out('  The API key itself needs a change (see above); IT holds it, so the file does not.');
    } else if (it) out(`Managed settings are never written by fix: ${it.deployer} (without --dry-run, fix writes the corrected policy to a file for them).`);
    if (transitions.length) {
      out('Checks, before → after:');
      for (const t of transitions) out(`  ${t.check}: ${t.before} → ${t.after}`);
    }
    if (remaining.length) {
      out(mode === 'applied' ? 'Still to do by hand (no fixer cures these):' : 'Not fixed by this plan (no fixer cures these):');
      for (const r of remaining) out(`  ${r.check}: ${r.code} — ${line(r.summary)}${r.fix ? `\n    ${line(r.fix)}` : ''}`);
    }
    if (relaunch) out('Relaunch Claude Desktop: it reads its settings only when it starts.');
    if (mode === 'nothing-to-fix' && remaining.length === 0) out('Nothing to fix.');
  } else {
    const doc = {
      schemaVersion: FIX_PLAN_SCHEMA_VERSION,
      tool: { name: 'portkey-doctor', version: VERSION },
      mode,
      appRunning: app === 'running' ? true : app === 'not-running' ? false : null,
      source: report.settings.inForce ? { kind: report.settings.inForce.kind, location: report.settings.inForce.location, managed: Boolean(managed) } : null,
      changes: p.changes.map((c) => ({
        fixer: c.fixer,
        code: c.code,
        says: c.says,
        ...(c.alsoCures?.length ? { alsoCures: c.alsoCures } : {}),
        ...(c.confirm ? { confirm: true } : {}),
        files: [...new Set(c.edits.map((e) => e.file))],
      })),
      held: asked,
      files: p.files.map((f) => ({
        role: f.role,
        path: f.path,
        managed: Boolean(managed) && f.role === 'settings',
        ...(f.renameTo !== undefined ? { renameTo: f.renameTo } : {}),
        diff: maskedDiff(f.before, f.after),
      })),
      explanations: p.explanations,
      ...(it
        ? {
            itFile: {
              path: itPath ?? null,
              format: it.format,
              deployer: it.deployer,
              set: Object.keys(it.delta.set),
              remove: it.delta.remove,
              keyLeftOut: it.keyLeftOut,
            },
          }
        : {}),
      written,
      after: transitions,
      remaining,
      relaunch,
      exitCode: 0,
    };
    doc.exitCode = exitCode(mode, remaining.length, cured);
    process.stdout.write(`${JSON.stringify(OUTPUT_SCRUB.json(doc), null, 2)}\n`);
  }
  return exitCode(mode, remaining.length, cured);
}

/** A failed write, said plainly. Backups are made before any file is replaced: whatever was replaced can be put back. */
function writeError(err: unknown, p: Plan): UsageError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ELOOP' ? 'a symbolic link: fix does not write through it' : e.code === 'ENOTREG' ? 'not a regular file' : (e.code ?? 'error');
  return new UsageError(
    `cannot write ${safeArg(e.path ?? p.files[0]?.path ?? 'the settings')} (${why}).`,
    'Nothing after it was written; run portkey-doctor fix --undo to put back any file written before it.',
  );
}

function exitCode(mode: string, remaining: number, _cured: Set<string>): number {
  if (mode === 'refused' || mode === 'declined' || mode === 'changed-meanwhile') return 2;
  return remaining > 0 ? 1 : 0;
}

function showPlan(p: Plan, gathered: Gathered, out: (t: string) => void): void {
  if (p.changes.length === 0) return;
  out(`${p.changes.length} change(s):`);
  for (const c of p.changes) {
    const also = c.alsoCures?.length ? ` (also cures ${c.alsoCures.join(', ')})` : '';
    out(`  ${c.code}: ${line(c.says)}${also}${c.confirm ? ' (asks first)' : ''}`);
  }

  for (const f of p.files) {
    const managed = gathered.managed && f.role === 'settings';
    out('');
    out(`${managed ? 'Managed (not written; for IT) ' : ''}${line(f.path)}${f.renameTo !== undefined ? ` → renamed to ${line(f.renameTo)}` : ''}:`);
    for (const d of maskedDiff(f.before, f.after)) out(render(d));
  }
  if (p.explanations.length) {
    out('');
    out('Left as they are:');
    for (const e of p.explanations) out(`  ${e.code}: ${line(e.says)}`);
  }
  out('');
}

function render(d: DiffLine): string {
  return `  ${d.op} ${cleanText(d.text)}`;
}

/** Findings of the settings checks not cured by the plan (or, after writing, still there). */
function findingsLeft(
  checks: readonly CheckResult[],
  curedByPlan: Set<string>,
): { check: string; code: string; status: string; summary: string; fix?: string }[] {
  const out: { check: string; code: string; status: string; summary: string; fix?: string }[] = [];
  for (const c of checks) {
    if (c.group !== 'settings' && c.id !== 'developer-mode') continue;
    if (c.status === 'ok' || c.status === 'skip' || c.code === undefined) continue;
    const all = [{ code: c.code, status: c.status, summary: c.summary, fix: c.fix }, ...(c.moreFindings ?? [])];
    for (const f of all) {
      if (f.status === 'skip' || curedByPlan.has(f.code)) continue;
      out.push({ check: c.id, code: f.code, status: f.status, summary: f.summary, ...(f.fix ? { fix: f.fix } : {}) });
    }
  }
  return out;
}

/** The settings and app checks whose status or code changed. */
function beforeAfter(before: readonly CheckResult[], after: readonly CheckResult[]): { check: string; before: string; after: string }[] {
  const label = (c: CheckResult | undefined) => (c ? (c.code ? `${c.status} ${c.code}` : c.status) : 'not run');
  const out: { check: string; before: string; after: string }[] = [];
  for (const b of before) {
    const a = after.find((x) => x.id === b.id);
    if (label(a) !== label(b)) out.push({ check: b.id, before: label(b), after: label(a) });
  }
  return out;
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // End of input (Ctrl-D, a closed terminal) is a no.
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  try {
    const answer = await Promise.race([rl.question(question), closed]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

async function undo(prepared: Prepared, report: Report, flags: FixFlags, mayWrite: boolean, refusal: () => string): Promise<number> {
  const folders = [...new Set(Object.values(filesOf(prepared.discovery, report.checks)).map((p) => p.replace(/[/\\][^/\\]*$/, '')))];
  const backups = await latestBackups(folders);
  const result = {
    schemaVersion: FIX_PLAN_SCHEMA_VERSION,
    tool: { name: 'portkey-doctor', version: VERSION },
    mode: 'undo',
    restored: [] as { path: string; backup: string }[],
  };
  if (backups.length === 0) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...result, mode: 'nothing-to-undo' }, null, 2)}\n`);
    else process.stderr.write(`portkey-doctor: no fix backup (<name>.bak-<time>) found in ${folders.join(', ') || 'the settings folders'}.\n`);
    return 1;
  }
  if (!mayWrite) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...result, mode: 'refused' }, null, 2)}\n`);
    else process.stderr.write(`portkey-doctor: nothing restored: ${refusal()}\n`);
    return 2;
  }
  for (const b of backups) {
    await restore(b);
    result.restored.push({ path: b.original, backup: b.path });
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(OUTPUT_SCRUB.json(result), null, 2)}\n`);
  else {
    for (const r of result.restored) process.stdout.write(`Restored ${r.path} from ${r.backup}.\n`);
    process.stdout.write('Relaunch Claude Desktop: it reads its settings only when it starts.\n');
  }
  return 0;
}
