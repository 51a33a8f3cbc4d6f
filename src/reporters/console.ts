/**
 * The human report, in the manner of `flutter doctor`: one line per check with a symbol,
 * grouped by layer, the fix under each problem, details only with -v.
 */
import { GROUPS, type CheckResult, type Group, type Status } from '../contract/check.js';
import { rootsOf, type Report } from '../report/report.js';
import type { Palette } from './color.js';
import { describeSource } from '../config/describe-source.js';
import { cleanText } from '../core/clean-text.js';

/** One line of text from the report (a gateway's words, a file's, a path): nothing a terminal acts on. */
const line = (s: string): string => cleanText(s);

const SYMBOL: Record<Status, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-', error: 'E' };
const GROUP_TITLE: Record<Group, string> = {
  settings: 'Claude Desktop settings',
  app: 'Claude Desktop app',
  network: 'Network path to the gateway',
  gateway: 'Gateway',
};

export interface ConsoleOptions {
  verbose: boolean;
  color: Palette;
}

export function renderConsole(report: Report, { verbose, color }: ConsoleOptions): string {
  const paint: Record<Status, (s: string) => string> = {
    ok: color.green,
    warn: color.yellow,
    fail: color.red,
    skip: color.dim,
    error: color.red,
  };
  const lines: string[] = [];
  const inForce = report.settings.inForce;
  const where = inForce
    ? line(`${describeSource(inForce.kind)}${inForce.profile?.name ? ` "${inForce.profile.name}"` : ''} (${inForce.location})`)
    : 'no Claude Desktop settings found';
  lines.push(`${color.bold('portkey-doctor')} ${line(report.tool.version)} · settings: ${where}`);
  if (report.options.insecure) {
    lines.push(color.red('  ! certificate verification is OFF (--insecure): TLS results below prove nothing'));
  }

  // Without -v: what a person can act on. Checks blocked by another fold into one line per group,
  // rows with nothing to say here vanish; -v and --json keep every check.
  const hidden = verbose ? new Set<CheckResult>() : irrelevant(report.checks);
  const shown = report.checks.filter((c) => !hidden.has(c) && (verbose || c.code !== 'BLOCKED'));
  const titleWidth = Math.min(TITLE_MAX, Math.max(...shown.map((c) => line(c.title).length), 10));
  const notChecked = new Map((report.notChecked ?? []).map((n) => [n.group, n]));
  let folded = 0;
  for (const group of GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    const skipped = notChecked.get(group);
    if (skipped) {
      lines.push('', color.bold(GROUP_TITLE[group]));
      lines.push(
        `  ${color.yellow('[ ]')} ${color.yellow(`not checked: ${skipped.reason === 'offline' ? '--offline (nothing was sent on the network)' : 'not selected by --only'}`)}`,
      );
      continue;
    }
    if (checks.length === 0) continue;
    lines.push('', color.bold(GROUP_TITLE[group]));
    for (const check of checks) if (shown.includes(check)) lines.push(...renderCheck(check, titleWidth, verbose, paint, color));
    if (verbose) continue;
    const blocked = checks.filter((c) => c.code === 'BLOCKED' && !hidden.has(c));
    if (blocked.length > 0) {
      folded += blocked.length;
      lines.push(`  ${paint.skip(`[${SYMBOL.skip}]`)} ${line(foldLine(group, blocked, report.checks))}`);
    }
  }
  folded += hidden.size;

  const t = report.totals;
  const parts = [
    t.fail && color.red(`${t.fail} failed`),
    t.error && color.red(`${t.error} errored`),
    t.warn && color.yellow(`${t.warn} warning${t.warn === 1 ? '' : 's'}`),
    t.ok && color.green(`${t.ok} ok`),
    t.skip && color.dim(`${t.skip} skipped`),
  ].filter(Boolean);
  lines.push('', `${parts.join(', ')} · ${(report.durationMs / 1000).toFixed(1)} s`);
  const limited = report.notChecked ?? [];
  if (t.fail + t.error === 0 && t.warn === 0) {
    lines.push(
      limited.length === 0
        ? color.green('No problems found.')
        : color.yellow(
            `No problems in what was checked, but ${limited.map((n) => n.group).join(' and ')} ${limited.length === 1 ? 'was' : 'were'} not checked${limited.some((n) => n.reason === 'offline') ? ' (--offline)' : ' (--only)'}: this is not a clean bill of health.`,
          ),
    );
  } else if (limited.length > 0) {
    lines.push(
      color.yellow(`Not checked: ${limited.map((n) => n.group).join(', ')}${limited.some((n) => n.reason === 'offline') ? ' (--offline)' : ' (--only)'}.`),
    );
  }
  if (!verbose && (folded > 0 || t.fail + t.error + t.warn > 0)) {
    lines.push(
      color.dim(`Run with -v for every check${folded > 0 ? ` (${folded} not shown)` : ''} and details, or --json for a report to attach to a ticket.`),
    );
  }
  return lines.join('\n') + '\n';
}

/** A title longer than this puts its summary on the next line, so the column stays aligned. */
const TITLE_MAX = 36;

/** One line for a group's blocked checks: how many, and the one check they wait on. */
function foldLine(group: Group, blocked: CheckResult[], all: readonly CheckResult[]): string {
  const roots = new Map<string, number>();
  for (const c of blocked) {
    const root = rootsOf(c, all)[0];
    const title = root ? root.title : (c.blockedBy?.[0] ?? '?');
    roots.set(title, (roots.get(title) ?? 0) + 1);
  }
  const [first, ...others] = [...roots.keys()];
  const n = blocked.length;
  const what = n === 1 ? `1 ${GROUP_NOUN[group]} check (${blocked[0]!.title}) needs` : `${n} ${GROUP_NOUN[group]} checks need`;
  return `${what} "${first}" first${others.length ? ` (and ${others.map((o) => `"${o}"`).join(', ')})` : ''}`;
}

const GROUP_NOUN: Record<Group, string> = { settings: 'settings', app: 'app', network: 'network', gateway: 'gateway' };

/**
 * Rows with nothing to act on, left out without -v: "App running: not running", "no data
 * folder", "no log" (every passing or skipped app row) when no app was found at all; the keychain's store being unavailable when
 * the doctor needs no key from it.
 */
function irrelevant(checks: readonly CheckResult[]): Set<CheckResult> {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const out = new Set<CheckResult>();
  const installed = byId.get('app-installed');
  if (installed && installed.status !== 'ok') {
    // No app found: its other rows (not running, no data folder, no log) only repeat that.
    for (const c of checks) {
      if (c.group !== 'app' || c === installed || c.code === 'BLOCKED') continue;
      if (c.status === 'skip' || c.status === 'ok') out.add(c);
    }
  }
  const keychain = byId.get('keychain');
  const apiKey = byId.get('api-key');
  const keyWanted = apiKey !== undefined && (apiKey.status === 'warn' || apiKey.status === 'fail');
  if (keychain && keychain.status === 'skip' && !keyWanted) out.add(keychain);
  // Blocked by a check that is itself left out: nothing to act on either.
  for (const c of checks) if (c.code === 'BLOCKED' && rootsOf(c, checks).every((r) => out.has(r))) out.add(c);
  return out;
}

function renderCheck(check: CheckResult, width: number, verbose: boolean, paint: Record<Status, (s: string) => string>, color: Palette): string[] {
  const mark = paint[check.status](`[${SYMBOL[check.status]}]`);
  const code = check.status === 'ok' || check.status === 'skip' || !check.code ? '' : color.dim(`  ${line(check.code)}`);
  const title = line(check.title);
  const out =
    title.length > width
      ? [`  ${mark} ${title}`, `${' '.repeat(width + 8)}${line(check.summary)}${code}`]
      : [`  ${mark} ${title.padEnd(width)}  ${line(check.summary)}${code}`];
  const showFix = check.fix && (check.status === 'warn' || check.status === 'fail' || check.status === 'error');
  if (showFix) out.push(...indent(`→ ${check.fix}`, 6));
  // Further findings of the same check: each with its fix, so one rerun fixes them all.
  for (const more of check.moreFindings ?? []) {
    const moreCode = more.status === 'skip' ? '' : color.dim(`  ${line(more.code)}`);
    out.push(`      ${paint[more.status](`[${SYMBOL[more.status]}]`)} also: ${line(more.summary)}${moreCode}`);
    if (more.fix && more.status !== 'skip') out.push(...indent(`→ ${more.fix}`, 10));
  }
  if (verbose) {
    if (check.status === 'skip' && check.fix && !showFix) out.push(...indent(`→ ${check.fix}`, 6).map((l) => color.dim(l)));
    if (check.details && Object.keys(check.details).length > 0) {
      for (const [key, value] of Object.entries(check.details)) {
        // An absent value says nothing: no "traceId: undefined".
        if (value === undefined || value === null) continue;
        out.push(color.dim(`      ${line(key)}: ${line(formatValue(roundTimes(value, key)))}`));
      }
    }
    out.push(color.dim(`      (${formatMs(check.durationMs)} ms)`));
  }
  return out;
}

/** A time for a person: 0.1 ms below 10 ms, whole ms above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return ms < 10 ? String(Math.round(ms * 10) / 10) : String(Math.round(ms));
}

/** Times (keys ending in Ms, or durationMs…) rounded wherever they sit in a value; absent values dropped. */
function roundTimes(value: unknown, key = '', depth = 0): unknown {
  if (typeof value === 'number') return /ms$/i.test(key) ? Number(formatMs(value)) : value;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => roundTimes(v, key, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, roundTimes(v, k, depth + 1)]),
  );
}

/** A text on its own indented lines: its own line breaks kept, nothing else a terminal acts on. */
function indent(text: string, n: number): string[] {
  return cleanText(text, { multiline: true })
    .split('\n')
    .map((l) => ' '.repeat(n) + l);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
