/**
 * One run: every prepared check once, into a Report. The report leaves the run through the output
 * scrub (src/core/output-scrub.ts), so whatever is made from it — console and JSON output, the
 * report command's files, the daemon's files, events and syslog messages — is free of every key
 * this process has read, without each of them scrubbing again.
 */
import type { CheckResult } from '../contract/check.js';
import { OUTPUT_SCRUB } from '../core/output-scrub.js';
import { VERSION } from '../core/version.js';
import { runChecks, type RunnerOptions } from '../engine/runner.js';
import { resolveHeaders } from '../inference/headers.js';
import { realIO } from '../io/real.js';
import { buildReport, type Report } from '../report/report.js';
import type { Prepared } from './prepare.js';

/** Progress of the checks, as the runner reports it (the doctor's spinner). */
export type OnProgress = NonNullable<RunnerOptions['onProgress']>;

/** How --offline and --only limited the run, for the report (a limited run must say so). */
function limits(flags: Prepared['flags']): { offline?: true; only?: string[] } {
  const only = flags.only && !(flags.offline && flags.only.join() === 'settings,app') ? { only: flags.only } : {};
  return { ...(flags.offline ? { offline: true } : {}), ...only };
}

export async function runOnce(prepared: Prepared, onProgress?: OnProgress, signal?: AbortSignal): Promise<Report> {
  const { flags, policy, discovery, target, checks: registry, env } = prepared;
  const startedAt = new Date();
  const t0 = performance.now();
  const options = { live: flags.live, samples: flags.samples, insecure: flags.insecure, ...(flags.dnsServers ? { dnsServers: flags.dnsServers } : {}) };
  const checks: CheckResult[] = await runChecks(
    registry,
    { target, discovery, policy, options, env, ...realIO(env) },
    {
      checkTimeoutMs: Math.min(flags.checkTimeoutMs, flags.timeoutMs),
      runTimeoutMs: flags.timeoutMs,
      // The runner's own text about a crash (an exception's message) is made safe where it is written.
      scrub: OUTPUT_SCRUB.text,
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    },
  );
  const report = buildReport({
    version: VERSION,
    startedAt,
    durationMs: performance.now() - t0,
    discovery,
    target,
    headerNames: resolveHeaders(target).headers.map((h) => h.name),
    policySource: policy?.source,
    options: { timeoutMs: flags.timeoutMs, insecure: options.insecure, live: options.live, ...limits(flags) },
    checks,
    env,
    policyCaFile: policy?.gateway?.caFile,
  });
  return OUTPUT_SCRUB.json(report);
}
