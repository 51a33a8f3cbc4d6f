/**
 * What the app itself said: Claude Desktop's own log (`main.log`) since it last started, read
 * for the lines it writes about third-party settings (docs/claude-desktop.md, "The app's log").
 * Each known line is a finding that quotes it (secrets removed, bounded) with its time. Lines
 * older than the app's start do not count: the start is the log's last `Starting app` (not a
 * second copy that quit at once) and, when the app runs, its main process's start time from
 * app-running. When the settings changed after that start, what the app said is about the old
 * settings: failures become warnings, and relaunch-needed says what to do.
 */
import { localTime } from '../app/format.js';
import { hostOf, type KnownLine, type KnownLineKind, knownLines, lastSession, parseLogEntries } from '../app/app-log.js';
import type { Discovery } from '../config/settings.js';
import { defineCheck, type Finding, findings, ok, problem, skip } from '../contract/check.js';
import appRunning from './app-running.js';

const codes = {
  APP_LOG_NOT_FOUND: {
    title: 'The app’s own log (main.log) was not found, so what the app did with the settings is not known',
    fix: 'Nothing to do if Claude Desktop has never run on this machine (or for this user); otherwise open it once and run the doctor again.',
  },
  APP_LOG_UNREADABLE: {
    title: 'The app’s own log exists but could not be read',
    fix: 'Run the doctor as the user who runs Claude Desktop.',
  },
  APP_LOG_OUTDATED: {
    title: 'The app’s log has nothing written since the running app started (it may write its log elsewhere)',
    fix: 'If CLAUDE_USER_DATA_DIR is set for the app, set it for the doctor too; otherwise quit and reopen Claude and run the doctor again.',
  },
  APP_LOG_CONFIG_PARSE_FAILED: {
    title: 'The app reported that it could not parse its third-party configuration',
    fix: 'Correct the value the log line names (the settings checks above show the file and key), then quit and reopen Claude.',
  },
  APP_LOG_MODELS_REJECTED: {
    title: 'The app rejected the whole configuration because a model in inferenceModels is not an Anthropic model',
    fix: 'Keep only Claude models in inferenceModels (route prefixes such as anthropic/claude-… are fine), then quit and reopen Claude.',
  },
  APP_LOG_CONFIG_INVALID: {
    title: 'The app rejected its third-party configuration as invalid',
    fix: 'Correct the setting the log line names, then quit and reopen Claude.',
  },
  APP_LOG_MANAGED_KEY_UNRECOGNIZED: {
    title: 'The app reported an unrecognised key in the managed settings; it discards the whole managed file',
    fix: 'Remove or correct the key the log line names in the managed settings, then quit and reopen Claude.',
  },
  APP_LOG_CREDENTIALS_READ_FAILED: {
    title: 'The app could not read the gateway credentials from the configuration (a required setting is missing)',
    fix: 'Set the setting the log line names (for "baseUrl: Required": inferenceGatewayBaseUrl), then quit and reopen Claude.',
  },
  APP_LOG_NO_CREDENTIAL: {
    title: 'The app found no credential for the gateway (no key, credential helper or SSO)',
    fix: 'Set inferenceGatewayApiKey, or inferenceCredentialHelper, or SSO (inferenceCredentialKind), then quit and reopen Claude.',
  },
  APP_LOG_HELPER_FAILED: {
    title: 'The credential helper the app runs exited with an error, so the app has no key',
    fix: 'Run the inferenceCredentialHelper command yourself as this user and fix what it reports.',
  },
  APP_LOG_SSO_DISCOVERY_FAILED: {
    title: 'The app could not start gateway SSO: the server does not advertise the endpoint it needs',
    fix: 'Check the SSO (inferenceGatewayOidc) issuer with your identity provider’s administrator, or use a key or credential helper instead.',
  },
  APP_LOG_DEGRADED: {
    title: 'The app reported third-party mode as degraded: it has no valid credentials',
    fix: 'Give the gateway a credential (key, credential helper or SSO) and fix the other lines the app logged, then quit and reopen Claude.',
  },
  APP_LOG_CONFIG_HEALTH_ERROR: {
    title: 'The app’s own health state of the third-party configuration is an error (e.g. provider_error)',
    fix: 'Fix what the app’s other lines and the checks above report (a credential helper that fails, a key or URL the gateway refuses), then quit and reopen Claude.',
  },
  APP_LOG_MODEL_PICKER_EMPTY: {
    title: 'The app’s model picker is empty: inferenceModels is set, so the app does not ask the gateway, and it offered none of its entries',
    fix: 'List the Claude models to offer in inferenceModels (the models check shows what the gateway serves), or remove it to let the app ask the gateway; then quit and reopen Claude.',
  },
  APP_LOG_KEY_IGNORED: {
    title: 'The app ignored a key of the local configuration (unknown to it: misspelt, or not a top-level key)',
    fix: 'Correct or remove the key the log line names (the settings checks suggest the right name), then quit and reopen Claude.',
  },
} as const;

type Code = keyof typeof codes;

/** Lines that are evidence, shown with `-v`, never a finding (docs/claude-desktop.md, "The app's log"). */
// `egress-proxy-pinned` is the network-path check's evidence (which road the app took), not this check's.
type EvidenceKind = 'healthy' | 'credentials-loaded' | 'helper-running' | 'api-host' | 'egress-proxy-pinned';
const EVIDENCE: ReadonlySet<KnownLineKind> = new Set<EvidenceKind>(['healthy', 'credentials-loaded', 'helper-running', 'api-host', 'egress-proxy-pinned']);

/** How an evidence line is named in a summary. */
const EVIDENCE_WORDS: Partial<Record<KnownLineKind, string>> = {
  'credentials-loaded': 'credentials loaded',
  'helper-running': 'credential helper run',
  'api-host': 'inference address logged',
  'config-health': 'configuration health logged',
  'model-discovery': 'model picker filled',
};

/** A ConfigHealth state that is an error: `provider_error` as captured, and words of failure. */
const ERROR_STATE = /error|fail|invalid|missing|degraded|unconfigured|unavailable/i;

/**
 * Whether a known line is a finding: the kinds in `BY_KIND` always, except that ConfigHealth is
 * one only in an error state and model discovery only with an empty picker (an unknown state or
 * a non-empty picker is evidence: the doctor does not guess what it does not know).
 */
function isFinding(line: KnownLine): line is KnownLine & { kind: Exclude<KnownLineKind, EvidenceKind> } {
  if (EVIDENCE.has(line.kind)) return false;
  if (line.kind === 'config-health') return line.subject !== undefined && ERROR_STATE.test(line.subject);
  if (line.kind === 'model-discovery') return line.subject === '0';
  return true;
}

/** Each known line's code and whether it fails (evidence lines have none). */
const BY_KIND: Record<Exclude<KnownLineKind, EvidenceKind>, { code: Code; status: 'fail' | 'warn'; what: (subject?: string) => string }> = {
  'config-parse-failed': { code: 'APP_LOG_CONFIG_PARSE_FAILED', status: 'fail', what: () => 'could not parse its configuration' },
  'models-rejected': {
    code: 'APP_LOG_MODELS_REJECTED',
    status: 'fail',
    what: (s) => `rejected the whole configuration: ${s ? `model "${s}"` : 'a model'} is not an Anthropic model`,
  },
  'config-invalid': { code: 'APP_LOG_CONFIG_INVALID', status: 'fail', what: (s) => `rejected the configuration as invalid${s ? ` (${s})` : ''}` },
  'managed-key-unrecognized': {
    code: 'APP_LOG_MANAGED_KEY_UNRECOGNIZED',
    status: 'fail',
    what: (s) => `discarded the managed settings: unrecognised key${s ? ` "${s}"` : ''}`,
  },
  'credentials-read-failed': {
    code: 'APP_LOG_CREDENTIALS_READ_FAILED',
    status: 'fail',
    what: (s) => `could not read the credentials${s ? ` (${s} is required)` : ''}`,
  },
  'no-credential': { code: 'APP_LOG_NO_CREDENTIAL', status: 'fail', what: (s) => `has no credential for the provider${s ? ` "${s}"` : ''}` },
  'helper-failed': {
    code: 'APP_LOG_HELPER_FAILED',
    status: 'fail',
    what: (s) =>
      s && /^E[A-Z]+$/.test(s) ? `could not start the credential helper (${s})` : `ran the credential helper, which failed${s ? ` (exit code ${s})` : ''}`,
  },
  'sso-discovery': { code: 'APP_LOG_SSO_DISCOVERY_FAILED', status: 'fail', what: (s) => `could not start SSO${s ? `: no ${s}` : ''}` },
  degraded: { code: 'APP_LOG_DEGRADED', status: 'fail', what: () => 'runs third-party mode degraded (no valid credentials)' },
  'config-health': {
    code: 'APP_LOG_CONFIG_HEALTH_ERROR',
    status: 'fail',
    what: (s) => `computed the health of its third-party configuration as ${s ? `"${s}"` : 'an error'}`,
  },
  'model-discovery': {
    code: 'APP_LOG_MODEL_PICKER_EMPTY',
    status: 'warn',
    what: () => 'offered no model in its picker (inferenceModels set, so it did not ask the gateway)',
  },
  'key-ignored': { code: 'APP_LOG_KEY_IGNORED', status: 'warn', what: (s) => `ignored the local configuration key${s ? ` "${s}"` : ''}` },
};

/** Known lines listed in the details, at most. */
const MAX_LISTED = 20;

export default defineCheck({
  id: 'app-log',
  title: 'What the app itself logged',
  group: 'app',
  needs: [appRunning],
  timeoutMs: 10_000,
  codes,
  async run(ctx) {
    const tail = await ctx.appLog.tail();
    if (tail.status === 'missing') {
      return skip('APP_LOG_NOT_FOUND', `no main.log; looked in ${tail.searched.join(', ') || 'no known place for this OS'}`, {
        details: { searched: tail.searched },
      });
    }
    if (tail.status === 'unreadable') {
      return skip('APP_LOG_UNREADABLE', `${tail.path} cannot be read (${tail.reason})`, {
        details: { path: tail.path, reason: tail.reason, ...(tail.searched ? { searched: tail.searched } : {}) },
      });
    }
    const running = ctx.upstream(appRunning)?.main;
    const appStartedAt = running?.startTime;
    const session = lastSession(parseLogEntries(tail.lines), appStartedAt);
    const sessionStart = appStartedAt ?? session.start?.time;
    const details: Record<string, unknown> = {
      path: tail.path,
      folder: tail.folder,
      linesRead: tail.lines.length,
      truncated: tail.truncated,
      ...(tail.modifiedAt ? { modifiedAt: tail.modifiedAt.toISOString() } : {}),
      ...(tail.others?.length ? { otherLogs: tail.others.map((o) => ({ path: o.path, folder: o.folder, modifiedAt: o.modifiedAt.toISOString() })) } : {}),
      ...(tail.unreadable?.length ? { unreadableLogs: tail.unreadable } : {}),
      entriesSinceStart: session.entries.length,
      ...(session.start ? { lastStart: session.start.timeText } : {}),
      ...(appStartedAt ? { appStartedAt: appStartedAt.toISOString() } : {}),
      ...(session.appVersion ? { appVersion: session.appVersion } : {}),
      ...(session.beforeStart ? { ignoredBeforeStart: session.beforeStart } : {}),
      ...(session.olderThanApp ? { ignoredOlderThanApp: session.olderThanApp } : {}),
      ...(session.secondInstances ? { secondInstances: session.secondInstances } : {}),
    };
    const where = `${tail.path}${tail.folder === 'first-party' ? ' (the first-party log: the app did not start in third-party mode)' : ''}`;
    const startLogged = session.start !== undefined && (!appStartedAt || session.start.time.getTime() > appStartedAt.getTime() - 1_000);
    if (session.entries.length === 0 && appStartedAt && !startLogged) {
      return skip('APP_LOG_OUTDATED', `${where} has no line written since the app started at ${localTime(appStartedAt)}`, { details });
    }

    const all = knownLines(session.entries);
    const listed = (l: KnownLine) => ({
      time: l.timeText,
      kind: l.kind,
      line: l.quote,
      ...(l.subject ? { subject: l.subject } : {}),
      ...(l.count > 1 ? { count: l.count } : {}),
    });
    // `known`: the lines that are findings, and the healthy line; `evidence`: what else the app
    // said about its third-party settings (shown with -v).
    // An error state of ConfigHealth is the consequence of the failures the app logged: a finding
    // of its own only when no other failing line explains it.
    const explained = all.some((l) => isFinding(l) && l.kind !== 'config-health' && BY_KIND[l.kind].status === 'fail');
    const finding = (l: KnownLine) => isFinding(l) && !(explained && l.kind === 'config-health');
    const lines = all.filter((l) => finding(l) || l.kind === 'healthy');
    details['known'] = lines.slice(0, MAX_LISTED).map(listed);
    const evidence = all.filter((l) => !finding(l) && l.kind !== 'healthy' && l.kind !== 'egress-proxy-pinned');
    if (evidence.length) details['evidence'] = evidence.slice(0, MAX_LISTED).map(listed);
    // Whether the address the app logged is the gateway the settings name (scheme, host and port):
    // evidence only — that apiHost is always the base URL's origin is not established.
    const apiHost = evidence.find((l) => l.kind === 'api-host')?.subject;
    const configured = typeof ctx.target.baseUrl?.value === 'string' ? hostOf(ctx.target.baseUrl.value) : undefined;
    if (apiHost && configured) details['apiHostMatchesSettings'] = apiHost.toLowerCase() === configured.toLowerCase();
    // What the app said before the settings last changed is about settings no longer in force.
    const changedAt = newestSettingsChange(ctx.discovery);
    const stale = sessionStart !== undefined && changedAt !== undefined && changedAt >= sessionStart.getTime() + 1_000;
    if (stale) details['settingsChangedAt'] = new Date(changedAt).toISOString();

    const found: Finding<Code>[] = [];
    for (const l of lines) {
      if (!finding(l) || !isFinding(l)) continue;
      const rule = BY_KIND[l.kind];
      const fix = fixFor(l, codes[rule.code].fix);
      found.push(
        problem(stale ? 'warn' : rule.status, rule.code, summaryOf(l, rule.what(l.subject), stale), {
          details,
          ...(stale
            ? { fix: `${fix} (The app wrote this before the settings last changed: quit and reopen Claude to see whether it still does.)` }
            : fix !== codes[rule.code].fix
              ? { fix }
              : {}),
        }),
      );
    }
    const healthy = lines.find((l) => l.kind === 'healthy');
    const since = session.start
      ? `since the app started at ${session.start.timeText}`
      : appStartedAt
        ? `since ${localTime(appStartedAt)}`
        : 'in the lines read';
    const summary = healthy
      ? `the app itself reported at ${healthy.timeText}: third-party mode active (provider ${healthy.subject ?? 'unknown'})`
      : evidence.length
        ? `no problem the app logged ${since} (${evidence.map((l) => EVIDENCE_WORDS[l.kind] ?? l.kind).join(', ')}; ${session.entries.length} entries in ${tail.path})`
        : `no line the doctor knows ${since} (${session.entries.length} entries in ${tail.path})`;
    return findings(found, ok(summary, details));
  },
});

/** A fix more precise than the code's where the line says exactly what is wrong. */
function fixFor(line: KnownLine, fix: string): string {
  if (line.kind === 'config-invalid' && /\bbaseUrl:\s*must use https/i.test(line.quote)) {
    return 'Use an https:// gateway URL in inferenceGatewayBaseUrl (plain http only to this machine: 127.0.0.1, ::1 or localhost), then quit and reopen Claude.';
  }
  if (line.kind === 'helper-failed' && line.subject === 'ENOENT') {
    return 'The app runs inferenceCredentialHelper as one executable path with no arguments: set it to the bare path of an executable that exists (put any arguments in a wrapper script), then quit and reopen Claude.';
  }
  return fix;
}

/** "the app itself reported at <time>: <what> — "<quote>"". */
function summaryOf(line: KnownLine, what: string, stale: boolean): string {
  const times = line.count > 1 ? ` (${line.count} times)` : '';
  return `the app itself reported at ${line.timeText}${times}: it ${what} — "${line.quote}"${stale ? ' (before the settings last changed)' : ''}`;
}

/** When the settings in force last changed (ms), if their files have times. */
function newestSettingsChange(discovery: Discovery): number | undefined {
  const times = (discovery.inForce?.files ?? []).map((f) => f.mtimeMs).filter((t) => Number.isFinite(t));
  return times.length ? Math.max(...times) : undefined;
}
