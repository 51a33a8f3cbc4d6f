/**
 * The Report: one self-contained document per run, the single input of every reporter.
 * Its JSON form is described by schema/report.schema.json (bump SCHEMA_VERSION with it).
 */
import { release } from 'node:os';
import type { CheckResult, Status } from './check.js';
import type { Discovery } from './config/settings.js';
import type { Target } from './config/target.js';
import { Secret } from './secret.js';

/** Version of the report's JSON shape (semver: minor = compatible additions). */
export const SCHEMA_VERSION = '1.0.0';

export interface Report {
  schemaVersion: string;
  tool: { name: 'portkey-doctor'; version: string };
  generatedAt: string;
  durationMs: number;
  environment: { os: NodeJS.Platform; osRelease: string; arch: string; node: string };
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
  options: { timeoutMs: number; insecure: boolean; live: boolean };
  checks: CheckResult[];
  totals: Record<Status, number> & { total: number };
  /** 0 nothing failed, 1 a check failed or errored (2 is never in a report: no report then). */
  exitCode: 0 | 1;
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
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : v === undefined ? null : JSON.stringify(v) ?? null);

export function buildReport(input: ReportInput): Report {
  const { discovery, target } = input;
  const totals = { ok: 0, warn: 0, fail: 0, skip: 0, error: 0, total: input.checks.length };
  for (const c of input.checks) totals[c.status] += 1;
  const key = target.apiKey;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'portkey-doctor', version: input.version },
    generatedAt: input.startedAt.toISOString(),
    durationMs: Math.round(input.durationMs),
    environment: { os: process.platform, osRelease: release(), arch: process.arch, node: process.version },
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
      baseUrl: target.baseUrl ? { value: textOrNull(target.baseUrl.value), origin: target.baseUrl.origin } : null,
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
    checks: input.checks,
    totals,
    exitCode: totals.fail + totals.error > 0 ? 1 : 0,
  };
}
