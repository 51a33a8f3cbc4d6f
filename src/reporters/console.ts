/**
 * The human report, in the manner of `flutter doctor`: one line per check with a symbol,
 * grouped by layer, the fix under each problem, details only with -v.
 */
import { GROUPS, type CheckResult, type Group, type Status } from '../contract/check.js';
import type { Report } from '../report/report.js';
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

  const titleWidth = Math.min(34, Math.max(...report.checks.map((c) => line(c.title).length), 10));
  for (const group of GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    if (checks.length === 0) continue;
    lines.push('', color.bold(GROUP_TITLE[group]));
    for (const check of checks) lines.push(...renderCheck(check, titleWidth, verbose, paint, color));
  }

  const t = report.totals;
  const parts = [
    t.fail && color.red(`${t.fail} failed`),
    t.error && color.red(`${t.error} errored`),
    t.warn && color.yellow(`${t.warn} warning${t.warn === 1 ? '' : 's'}`),
    t.ok && color.green(`${t.ok} ok`),
    t.skip && color.dim(`${t.skip} skipped`),
  ].filter(Boolean);
  lines.push('', `${parts.join(', ')} · ${(report.durationMs / 1000).toFixed(1)} s`);
  if (t.fail + t.error === 0 && t.warn === 0) lines.push(color.green('No problems found.'));
  else if (!verbose) lines.push(color.dim('Run with -v for details, or --json for a report to attach to a ticket.'));
  return lines.join('\n') + '\n';
}

function renderCheck(check: CheckResult, width: number, verbose: boolean, paint: Record<Status, (s: string) => string>, color: Palette): string[] {
  const mark = paint[check.status](`[${SYMBOL[check.status]}]`);
  const code = check.status === 'ok' || check.status === 'skip' || !check.code ? '' : color.dim(`  ${line(check.code)}`);
  const out = [`  ${mark} ${line(check.title).padEnd(width)}  ${line(check.summary)}${code}`];
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
        out.push(color.dim(`      ${line(key)}: ${line(formatValue(value))}`));
      }
    }
    out.push(color.dim(`      (${check.durationMs} ms)`));
  }
  return out;
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
