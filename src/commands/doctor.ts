/**
 * `portkey-doctor [doctor]`: gather settings, policy and flags into one target, run every
 * check once, print the console or JSON report, and return the exit code.
 */
import { homedir, userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CHECKS } from '../checks/index.js';
import { GROUPS, type Check, type CheckResult } from '../contract/check.js';
import { loadPlugins } from '../engine/plugins.js';
import { validateRegistry } from '../engine/runner.js';
import { discoverSettings } from '../config/discover.js';
import { loadPolicy, resolvePolicyPath } from '../config/policy-load.js';
import type { Policy } from '../config/policy.js';
import { resolveTarget } from '../config/resolve-target.js';
import type { Discovery } from '../config/settings.js';
import type { Target } from '../config/target.js';
import { envVar } from '../config/paths.js';
import { parseDoctorFlags, type DoctorFlags } from '../config/flags.js';
import { withAppFlags } from '../app/options.js';
import { readProbeKey } from './key.js';
import { resolveHeaders } from '../inference/headers.js';
import { buildReport, type Report } from '../report/report.js';
import { colorEnabled, palette } from '../reporters/color.js';
import { renderConsole } from '../reporters/console.js';
import { renderJson } from '../reporters/json.js';
import { createProgress } from '../reporters/progress.js';
import { runChecks } from '../engine/runner.js';
import { realIO } from '../io/real.js';
import { knownSecrets, scrub, Secret } from '../core/secret.js';
import { safeArg, UsageError } from '../core/usage-error.js';
import { VERSION } from '../core/version.js';

/** Everything one run needs, resolved from flags, environment, policy and discovery. */
export interface Prepared {
  flags: DoctorFlags;
  policy: Policy | undefined;
  discovery: Discovery;
  target: Target;
  secrets: Secret[];
  /** Built-in checks plus any loaded with --plugin. */
  checks: readonly Check[];
  /** The environment the checks see: the process's, plus app flags as their variables. */
  env: NodeJS.ProcessEnv;
}

export async function prepare(flags: DoctorFlags, processEnv: NodeJS.ProcessEnv): Promise<Prepared> {
  // App flags reach the app checks as their environment variables (one way in for both).
  const env = withAppFlags(processEnv, flags);
  for (const [flag, path] of [['--managed', flags.managedFile], ['--claude-dir', flags.claudeDir]] as const) {
    if (path !== undefined && !existsSync(path)) {
      throw new UsageError(`${flag} ${path}: no such file or folder.`, 'Check the path; omit the flag to read the app\'s own location.');
    }
  }
  const policy = await readPolicy(flags, env);
  const apiKey = await readKeyOverride(flags, env);
  const discovery = await discoverSettings({
    platform: process.platform,
    env,
    homedir: homedir(),
    username: safeUsername(),
    ...(flags.claudeDir !== undefined ? { claudeDir: flags.claudeDir } : {}),
    ...(flags.managedFile !== undefined ? { managedFile: flags.managedFile } : {}),
  });
  // The doctor's own probe key from the OS keychain, only when nothing else gives a key (as the app
  // falls back on its keychain only then).
  let probeKey: Secret | undefined;
  if (!apiKey && envVar(env, 'PORTKEY_DOCTOR_API_KEY', process.platform) === undefined && discovery.inForce?.values?.inferenceGatewayApiKey === undefined) {
    const read = await readProbeKey(env, { timeoutMs: 5_000 });
    if (read.status === 'found') probeKey = read.secret;
  }
  const target = resolveTarget(
    discovery,
    {
      ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
      ...(flags.authScheme !== undefined ? { authScheme: flags.authScheme } : {}),
      ...(apiKey ? { apiKey: apiKey.secret, apiKeyOrigin: apiKey.origin } : probeKey ? { apiKey: probeKey, apiKeyOrigin: 'keychain' as const } : {}),
      headers: flags.headers,
    },
    env,
  );
  const secrets = [target.apiKey?.value, apiKey?.secret, probeKey].filter((s): s is Secret => s instanceof Secret);
  const all = [...CHECKS, ...(await loadPlugins(flags.plugins))];
  const checks = flags.only ? selectChecks(all, flags.only) : all;
  try {
    validateRegistry(checks);
  } catch (err) {
    throw new UsageError(`the checks cannot run together: ${(err as Error).message}.`, 'Fix the --plugin module (ids must be unique; needs must name checks registered before it).');
  }
  return { flags, policy, discovery, target, secrets, checks, env };
}

export async function runOnce(prepared: Prepared, onProgress?: Parameters<typeof runChecks>[2]['onProgress'], signal?: AbortSignal): Promise<Report> {
  const { flags, policy, discovery, target, secrets, checks: registry, env } = prepared;
  const startedAt = new Date();
  const t0 = performance.now();
  const options = { live: flags.live, samples: flags.samples, insecure: flags.insecure, ...(flags.dnsServers ? { dnsServers: flags.dnsServers } : {}) };
  const checks: CheckResult[] = await runChecks(
    registry,
    { target, discovery, policy, options, env, ...realIO(env) },
    {
      checkTimeoutMs: Math.min(flags.checkTimeoutMs, flags.timeoutMs),
      runTimeoutMs: flags.timeoutMs,
      scrub: (text) => scrub(text, outputSecrets(secrets)),
      ...(onProgress ? { onProgress } : {}),
      ...(signal ? { signal } : {}),
    },
  );
  return buildReport({
    version: VERSION,
    startedAt,
    durationMs: performance.now() - t0,
    discovery,
    target,
    headerNames: resolveHeaders(target).headers.map((h) => h.name),
    policySource: policy?.source,
    options: { timeoutMs: flags.timeoutMs, insecure: options.insecure, live: options.live },
    checks,
    env,
    policyCaFile: policy?.gateway?.caFile,
  });
}

export async function doctorCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseDoctorFlags(args);
  const prepared = await prepare(flags, env);
  const progress = flags.json ? undefined : createProgress(process.stderr);
  let report: Report;
  try {
    report = await runOnce(prepared, progress ? (e) => progress.update(e) : undefined);
  } finally {
    progress?.stop();
  }
  const text = flags.json
    ? renderJson(report)
    : renderConsole(report, { verbose: flags.verbose, color: palette(!flags.noColor && colorEnabled(process.stdout, env)) });
  // Last line of defence: whatever a lower layer let through, the key's value never leaves.
  process.stdout.write(scrub(text, outputSecrets(prepared.secrets)));
  return report.exitCode;
}

/**
 * What every output is scrubbed of: the run's own keys and every other secret this process has
 * read — a settings key overridden by PORTKEY_DOCTOR_API_KEY or --api-key-* (still pasted, say, into
 * the base URL), a proxy password — as the daemon's reporters already do.
 */
export function outputSecrets(secrets: readonly Secret[]): Secret[] {
  return [...new Set([...secrets, ...knownSecrets()])];
}

async function readPolicy(flags: DoctorFlags, env: NodeJS.ProcessEnv): Promise<Policy | undefined> {
  if (flags.noPolicy) return undefined;
  const { path, explicit } = resolvePolicyPath(flags.policyFile, process.platform, env);
  if (!path) return undefined;
  const loaded = await loadPolicy(path, { required: explicit });
  if ('error' in loaded) {
    const e = loaded.error;
    const where = [e.file, e.line !== undefined ? `line ${e.line}, column ${e.column}` : undefined, e.pointer ? `at ${e.pointer}` : undefined]
      .filter(Boolean)
      .join(', ');
    throw new UsageError(`policy file ${where}: ${e.message}`, 'Fix the policy file (schema: schema/policy.schema.json), or run with --no-policy.');
  }
  return loaded.policy;
}

async function readKeyOverride(flags: DoctorFlags, env: NodeJS.ProcessEnv): Promise<{ secret: Secret; origin: 'flag' | 'env' } | undefined> {
  if (flags.apiKeyFile !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.apiKeyFile, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read --api-key-file ${safeArg(flags.apiKeyFile)} (${code}).`, 'Check the path and that this user may read it.');
    }
    // A key file ends with a newline by convention; take the first line as it is otherwise.
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
    if (first === '') throw new UsageError(`--api-key-file ${safeArg(flags.apiKeyFile)} is empty.`, 'Put the Portkey API key on its first line.');
    return { secret: new Secret(first), origin: 'flag' };
  }
  if (flags.apiKeyEnv !== undefined) {
    const value = env[flags.apiKeyEnv];
    if (value === undefined || value === '') {
      throw new UsageError(`--api-key-env ${safeArg(flags.apiKeyEnv)}: that environment variable is not set or empty.`, 'Export that variable before running (the flag takes its name, not the key).');
    }
    return { secret: new Secret(value), origin: 'env' };
  }
  return undefined;
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

/** The checks named by group or id, plus everything they need (transitively), in registry order. */
export function selectChecks(all: readonly Check[], names: string[]): Check[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const unknown = names.filter((n) => !byId.has(n) && !GROUPS.includes(n as never));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown group or check ${unknown.join(', ')}.`, `Groups: ${GROUPS.join(', ')}; checks: ${all.map((c) => c.id).join(', ')}.`);
  }
  const chosen = new Set<string>();
  const add = (id: string) => {
    if (chosen.has(id)) return;
    chosen.add(id);
    for (const need of byId.get(id)?.needs ?? []) add(need.id);
  };
  for (const c of all) if (names.includes(c.id) || names.includes(c.group)) add(c.id);
  return all.filter((c) => chosen.has(c.id));
}
