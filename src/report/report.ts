/**
 * The Report: one self-contained document per run, the single input of every reporter.
 * Its JSON form is described by schema/report.schema.json (bump SCHEMA_VERSION with it).
 */
import { release } from 'node:os';
import { GROUPS, type CheckResult, type Group, type Status } from '../contract/check.js';
import type { Discovery } from '../config/settings.js';
import type { Target } from '../config/target.js';
import { Secret } from '../core/secret.js';
import { renderUrl } from '../core/url-render.js';

/** Version of the report's JSON shape (semver: minor = compatible additions). */
export const SCHEMA_VERSION = '1.5.0';

export interface Report {
  schemaVersion: string;
  tool: { name: 'portkey-doctor'; version: string };
  generatedAt: string;
  durationMs: number;
  /** One plain-language paragraph for a ticket: the root cause first. (1.1.0) */
  summary?: string;
  environment: {
    os: NodeJS.Platform;
    osRelease: string;
    arch: string;
    node: string;
    /** Proxy variables by name, as scheme://host:port — never credentials. (1.1.0) */
    proxy?: { variable: string; value: string }[];
    /** Where extra trusted CAs come from. (1.1.0) */
    ca?: { nodeExtraCaCerts: string | null; policyCaFile: string | null; insecure: boolean };
  };
  /**
   * Claude Desktop as the app checks found it (1.1.0). `version` is the version in use: the running
   * app's, from its log, else the one on disk (1.5.0: before, always the one on disk); `versionFrom`,
   * `onDisk` and `running` say which (1.5.0).
   */
  app?: { version: string | null; path: string | null; versionFrom?: 'running' | 'disk'; onDisk?: string | null; running?: string };
  /**
   * The road the app takes to the gateway, decided once per run by the network-path check: its
   * source (app setting, PAC, OS setting, environment, direct), the proxy (`scheme://host:port`, never
   * credentials, or `direct`), and what HTTPS_PROXY/NO_PROXY would choose. (1.5.0)
   */
  networkPath?: { source: string; proxy: string; environment: string };
  /** Portkey trace ids of the probes, to look up in Portkey's logs. (1.1.0) */
  traceIds?: string[];
  /** What the report command masked (absent when nothing was, or for --json). (1.1.0) */
  redactions?: { kind: string; count: number; replacement: string }[];
  settings: {
    inForce: { kind: string; location: string; profile?: { id: string; name?: string } } | null;
    sources: { kind: string; location: string; inForce: boolean; problem?: string }[];
    searched: { kind: string; location: string; exists: boolean }[];
  };
  target: {
    baseUrl: { value: string | null; origin: string } | null;
    authScheme: { value: string | null; origin: string } | null;
    /** Only a fingerprint of the key, never its value. */
    apiKey: { fingerprint: string; length: number; origin: string } | { present: false } | { invalidType: string; origin: string };
    headerNames: string[];
    managed: boolean;
  };
  policy: { source: string } | null;
  /** `offline` and `only` (1.4.0): a limited run says so. */
  options: { timeoutMs: number; insecure: boolean; live: boolean; offline?: boolean; only?: string[] };
  /**
   * Groups of checks this run did not examine, and why (1.4.0): an offline report must never
   * read as a healthy one. Absent when every group ran.
   */
  notChecked?: NotChecked[];
  checks: CheckResult[];
  totals: Record<Status, number> & { total: number };
  /** 0 nothing failed, 1 a check failed or errored (2 is never in a report: no report then). */
  exitCode: 0 | 1;
}

export interface NotChecked {
  group: Group;
  /** `offline`: --offline (nothing goes on the network); `only`: not selected by --only. */
  reason: 'offline' | 'only';
  /** One plain sentence: what was not examined and how to examine it. */
  detail: string;
}

export interface ReportInput {
  version: string;
  startedAt: Date;
  durationMs: number;
  discovery: Discovery;
  target: Target;
  headerNames: string[];
  policySource: string | undefined;
  options: Report['options'];
  checks: CheckResult[];
  env?: NodeJS.ProcessEnv;
  policyCaFile?: string | undefined;
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : v === undefined ? null : (JSON.stringify(v) ?? null));
/** A URL field as it may be shown (./../core/url-render.ts): no user-info, no query. */
const urlOrNull = (v: unknown): string | null => (typeof v === 'string' ? renderUrl(v) : textOrNull(v));

export function buildReport(raw: ReportInput): Report {
  // A blocked check names the one check it waits on in the end (the first failing one), not
  // every direct blocker ("blocked by dns, proxy" when the base URL failed). blockedBy keeps them all.
  // TLS on a plain-http base URL is not blocked by anything: it does not apply.
  const plainHttp = typeof raw.target.baseUrl?.value === 'string' && /^http:\/\//i.test(raw.target.baseUrl.value.trim());
  const blockedSummary = (c: CheckResult): string =>
    c.id === 'tls' && plainHttp ? 'not applicable: plain http (no TLS)' : `blocked by ${(rootsOf(c, raw.checks)[0]?.id ?? c.blockedBy?.[0])!}`;
  const input = {
    ...raw,
    checks: raw.checks.map((c): CheckResult => {
      if (c.code !== 'BLOCKED' || !c.blockedBy?.length) return c;
      const summary = blockedSummary(c);
      if (!summary.startsWith('not applicable')) return { ...c, summary };
      const { fix: _none, ...rest } = c; // nothing to fix first
      return { ...rest, summary };
    }),
  };
  const { discovery, target } = input;
  const totals = { ok: 0, warn: 0, fail: 0, skip: 0, error: 0, total: input.checks.length };
  for (const c of input.checks) totals[c.status] += 1;
  const key = target.apiKey;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'portkey-doctor', version: input.version },
    generatedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    summary: summarise(input.checks, target, notCheckedOf(input.checks, input.options).notChecked),
    environment: {
      os: process.platform,
      osRelease: release(),
      arch: process.arch,
      node: process.version,
      proxy: proxyVariables(input.env ?? {}),
      ca: { nodeExtraCaCerts: input.env?.NODE_EXTRA_CA_CERTS ?? null, policyCaFile: input.policyCaFile ?? null, insecure: input.options.insecure },
    },
    ...appFacts(input.checks),
    ...networkPathFacts(input.checks),
    traceIds: [...new Set(input.checks.map((c) => c.details?.traceId).filter((t): t is string => typeof t === 'string'))],
    settings: {
      inForce: discovery.inForce
        ? {
            kind: discovery.inForce.kind,
            location: discovery.inForce.location,
            ...(discovery.inForce.profile ? { profile: discovery.inForce.profile } : {}),
          }
        : null,
      sources: discovery.sources.map((s) => ({
        kind: s.kind,
        location: s.location,
        inForce: s === discovery.inForce,
        ...(s.problem ? { problem: s.problem.kind } : {}),
      })),
      searched: discovery.searched,
    },
    target: {
      baseUrl: target.baseUrl ? { value: urlOrNull(target.baseUrl.value), origin: target.baseUrl.origin } : null,
      authScheme: target.authScheme ? { value: textOrNull(target.authScheme.value), origin: target.authScheme.origin } : null,
      apiKey: !key
        ? { present: false }
        : key.value instanceof Secret
          ? { fingerprint: key.value.fingerprint, length: key.value.length, origin: key.origin }
          : { invalidType: Array.isArray(key.value) ? 'array' : typeof key.value, origin: key.origin },
      headerNames: input.headerNames,
      managed: target.managed,
    },
    policy: input.policySource ? { source: input.policySource } : null,
    options: input.options,
    ...notCheckedOf(input.checks, input.options),
    checks: input.checks,
    totals,
    exitCode: totals.fail + totals.error > 0 ? 1 : 0,
  };
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];

/** Proxy variables that are set: proxies as scheme://host:port (a URL's user-info never printed). */
export function proxyVariables(env: NodeJS.ProcessEnv): { variable: string; value: string }[] {
  return PROXY_VARIABLES.filter((v) => env[v] !== undefined && env[v] !== '').map((variable) => {
    const raw = env[variable]!;
    if (/no_proxy/i.test(variable)) return { variable, value: raw.slice(0, 500) };
    try {
      const url = new URL(raw);
      return { variable, value: `${url.protocol}//${url.host}` };
    } catch {
      return { variable, value: '<not a URL>' };
    }
  });
}

function appFacts(checks: CheckResult[]): Pick<Report, 'app'> {
  const installed = checks.find((c) => c.id === 'app-installed');
  if (!installed) return {};
  const d = installed.details ?? {};
  const path = typeof d.path === 'string' ? d.path : null;
  const onDisk = typeof d.version === 'string' ? d.version : null;
  // The version in use (app-version: the running app's from its log, else the disk's).
  const v = checks.find((c) => c.id === 'app-version')?.details ?? {};
  const running = typeof v.running === 'string' ? v.running : undefined;
  if (running === undefined) return { app: { version: onDisk, path, ...(onDisk !== null ? { versionFrom: 'disk' as const } : {}) } };
  return { app: { version: running, path, versionFrom: 'running', onDisk, running } };
}

/** The network-path check's decision, when it ran and decided (1.5.0). */
function networkPathFacts(checks: CheckResult[]): Pick<Report, 'networkPath'> {
  const d = checks.find((c) => c.id === 'network-path')?.details;
  if (!d || typeof d.source !== 'string' || typeof d.proxy !== 'string' || typeof d.environment !== 'string') return {};
  return { networkPath: { source: d.source, proxy: d.proxy, environment: d.environment } };
}

const GROUP_NAMES: Record<Group, string> = {
  settings: 'Claude Desktop settings',
  app: 'Claude Desktop app',
  network: 'network path to the gateway',
  gateway: 'gateway (key, workspace, routing, latency)',
};

/** The groups a limited run (--offline, --only) left out, each with why. */
function notCheckedOf(checks: CheckResult[], options: Report['options']): { notChecked?: NotChecked[] } {
  if (!options.offline && !options.only) return {};
  const ran = new Set(checks.map((c) => c.group));
  const missing = GROUPS.filter((g) => !ran.has(g));
  if (missing.length === 0) return {};
  return {
    notChecked: missing.map((group) =>
      options.offline && (group === 'network' || group === 'gateway')
        ? {
            group,
            reason: 'offline',
            detail: `${GROUP_NAMES[group]}: not checked (--offline: nothing was sent on the network); run without --offline to check it.`,
          }
        : { group, reason: 'only', detail: `${GROUP_NAMES[group]}: not checked (not selected by --only); run without --only to check it.` },
    ),
  };
}

/**
 * The checks a blocked check waits on in the end: its blockers, followed through blockers that
 * are themselves blocked, failing ones first (in report order). "blocked by dns, proxy" really
 * waits on the one check that failed before them.
 */
export function rootsOf(check: CheckResult, checks: readonly CheckResult[]): CheckResult[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const roots = new Set<CheckResult>();
  const seen = new Set<string>();
  const walk = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const c = byId.get(id);
    if (!c) return;
    if (c.blockedBy?.length) for (const b of c.blockedBy) walk(b);
    else roots.add(c);
  };
  for (const b of check.blockedBy ?? []) walk(b);
  const order = (c: CheckResult) => checks.indexOf(c) + (c.status === 'fail' || c.status === 'error' ? 0 : checks.length);
  return [...roots].sort((a, b) => order(a) - order(b));
}

/** Checks that could not run because of this one (directly or through checks it blocked). */
export function downstreamOf(root: CheckResult, checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((c) => c.blockedBy?.length && rootsOf(c, checks).includes(root));
}

/** The ticket's first paragraph: what is wrong first (in layer order), or that nothing is. */
export function summarise(checks: CheckResult[], target: Target, notChecked: NotChecked[] = []): string {
  const base = typeof target.baseUrl?.value === 'string' ? renderUrl(target.baseUrl.value) : 'the gateway';
  const problems = checks.filter((c) => c.status === 'fail' || c.status === 'error');
  const warnings = checks.filter((c) => c.status === 'warn');
  const limited = notChecked.length
    ? ` Not checked: ${notChecked.map((n) => n.group).join(', ')} (${notChecked.some((n) => n.reason === 'offline') ? '--offline' : '--only'}).`
    : '';
  if (problems.length === 0) {
    const ran = checks.filter((c) => c.status === 'ok').length;
    return warnings.length === 0
      ? notChecked.length
        ? `No problems found in the checks that ran (${ran} passed), but this was not a full check.${limited}`
        : `No problems found: ${ran} checks passed for ${base}.`
      : `No failures; ${warnings.length} warning(s), the first: ${warnings[0]!.title} — ${warnings[0]!.summary} (${warnings[0]!.code}).${limited}`;
  }
  const first = problems[0]!;
  // Only what is downstream of the first failure: a check blocked by an unrelated skip is not its doing.
  const blocked = downstreamOf(first, checks).length;
  return [
    `${problems.length} problem(s) found for ${base}.`,
    `The first, and likely the root cause: ${first.title} — ${first.summary} (${first.code}).`,
    first.fix ? `Fix: ${first.fix}` : '',
    blocked ? `${blocked} check(s) behind it could not run.` : '',
    limited.trim(),
  ]
    .filter(Boolean)
    .join(' ');
}
