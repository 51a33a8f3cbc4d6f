/**
 * The support report as Markdown, for pasting into a ticket: the summary first, then the facts
 * support asks for, a table of every check, and each problem with its fix and details.
 */
import type { CheckResult, Status } from '../contract/check.js';
import type { Report } from '../report/report.js';
import { describeSource } from '../config/describe-source.js';
import { cleanText } from '../core/clean-text.js';

const MARK: Record<Status, string> = { ok: '✅ ok', warn: '⚠️ warn', fail: '❌ fail', skip: '⏭️ skip', error: '💥 error' };

export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(`# portkey-doctor report`, '');
  out.push(`> ${cleanText(report.summary ?? '')}`.trim(), '');
  out.push(`${t.fail} failed · ${t.error} errored · ${t.warn} warnings · ${t.ok} ok · ${t.skip} skipped — ${report.generatedAt}`, '');
  // A limited run (--offline, --only) must not read as a healthy one.
  if (report.notChecked?.length) {
    out.push('**Not checked in this run:**', '');
    for (const n of report.notChecked) out.push(`- ${cleanText(n.detail)}`);
    out.push('');
  }

  out.push('## Environment', '');
  out.push('| | |', '| --- | --- |');
  const row = (k: string, v: string | null | undefined) => out.push(`| ${k} | ${cell(v ?? '—')} |`);
  row('portkey-doctor', `${report.tool.version} (report schema ${report.schemaVersion})`);
  row('OS', `${report.environment.os} ${report.environment.osRelease} (${report.environment.arch})`);
  row('Node.js', report.environment.node);
  const app = report.app;
  const running = app?.versionFrom === 'running' && app.onDisk && app.onDisk !== app.version ? ` (running; ${app.onDisk} on disk)` : '';
  row('Claude Desktop', app ? `${app.version ?? 'version unknown'}${running}${app.path ? ` at ${app.path}` : ''}` : 'not examined');
  const road = report.networkPath;
  if (road) row('Network path', `${road.proxy === 'direct' ? 'direct' : `through ${road.proxy}`} (${road.source}); the environment: ${road.environment}`);
  const inForce = report.settings.inForce;
  row(
    'Settings in force',
    inForce ? `${describeSource(inForce.kind)}${inForce.profile?.name ? ` "${inForce.profile.name}"` : ''}: ${inForce.location}` : 'none found',
  );
  const others = report.settings.sources.filter((s) => !s.inForce);
  if (others.length) row('Other settings sources', others.map((s) => `${describeSource(s.kind)}: ${s.location}`).join('; '));
  row('Base URL', report.target.baseUrl ? `${report.target.baseUrl.value ?? '—'} (from ${report.target.baseUrl.origin})` : 'not set');
  row('Auth scheme', report.target.authScheme ? `${report.target.authScheme.value ?? '—'} (from ${report.target.authScheme.origin})` : 'not set (bearer)');
  const key = report.target.apiKey;
  row(
    'API key',
    'fingerprint' in key
      ? `${key.fingerprint}, ${key.length} characters (from ${key.origin})`
      : 'present' in key
        ? 'not in the settings'
        : `wrong type (${key.invalidType})`,
  );
  row('Extra headers', report.target.headerNames.join(', ') || 'none');
  row('Proxy variables', report.environment.proxy?.map((p) => `${p.variable}=${p.value}`).join(', ') || 'none');
  const ca = report.environment.ca;
  row(
    'Extra CAs',
    ca
      ? [
          ca.nodeExtraCaCerts && `NODE_EXTRA_CA_CERTS=${ca.nodeExtraCaCerts}`,
          ca.policyCaFile && `policy caFile=${ca.policyCaFile}`,
          ca.insecure && '--insecure (verification OFF)',
        ]
          .filter(Boolean)
          .join(', ') || 'none'
      : 'none',
  );
  row('Policy', report.policy?.source ?? 'none');
  row('Trace ids', report.traceIds?.join(', ') || 'none');
  out.push('');

  out.push('## Checks', '');
  out.push('| status | check | code | observed | time |', '| --- | --- | --- | --- | ---: |');
  for (const c of report.checks)
    out.push(`| ${MARK[c.status]} | ${cell(c.title)} | ${c.code ? `\`${c.code}\`` : ''} | ${cell(c.summary)} | ${c.durationMs} ms |`);
  out.push('');

  const problems = report.checks.filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn');
  if (problems.length) {
    out.push('## Problems and fixes', '');
    for (const c of problems) out.push(...problem(c));
  }
  if (report.redactions?.length) {
    out.push('## Redacted', '', 'Masked in this report (rerun with `--include-personal` to keep them):', '');
    for (const r of report.redactions) out.push(`- ${r.kind}: ${r.count} × → \`${r.replacement}\``);
    out.push('');
  }
  // Every line of it cleaned once more (a path, a header name, a version): nothing a viewer or terminal acts on.
  return cleanText(out.join('\n'), { multiline: true }) + '\n';
}

function problem(c: CheckResult): string[] {
  const one = (s: string): string => cleanText(s);
  const lines = [`### ${MARK[c.status]} ${one(c.title)} — \`${one(c.code ?? '')}\``, '', one(c.summary), ''];
  if (c.fix) lines.push(`**Fix:** ${cleanText(c.fix, { multiline: true })}`, '');
  for (const more of c.moreFindings ?? []) {
    lines.push(`Also ${MARK[more.status]} \`${one(more.code)}\`: ${one(more.summary)}`, '');
    if (more.fix) lines.push(`**Fix:** ${cleanText(more.fix, { multiline: true })}`, '');
  }
  if (c.details && Object.keys(c.details).length) lines.push('```json', JSON.stringify(c.details, null, 2), '```', '');
  return lines;
}

/** A table cell: one line, no control characters, pipes escaped. */
function cell(s: string): string {
  return cleanText(s).replace(/\|/g, '\\|');
}
