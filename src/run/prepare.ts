/**
 * Preparing a run: flags, environment, policy and the discovered settings gathered into one
 * target, the key read, the checks chosen. Shared by the doctor, report and daemon commands
 * (the daemon prepares again when a watched file changes and on SIGHUP).
 */
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { withAppFlags } from '../app/options.js';
import { CHECKS } from '../checks/index.js';
import { claudeDirMistake, discoverSettings } from '../config/discover.js';
import type { DoctorFlags } from '../config/flags.js';
import { envVar } from '../config/paths.js';
import type { Policy } from '../config/policy.js';
import { loadPolicy, resolvePolicyPath } from '../config/policy-load.js';
import { resolveTarget } from '../config/resolve-target.js';
import type { Discovery } from '../config/settings.js';
import type { CredentialHelperRun, Target } from '../config/target.js';
import type { AnyCheck } from '../contract/check.js';
import { readRegularText } from '../core/safe-fs.js';
import { Secret } from '../core/secret.js';
import { safeArg, UsageError } from '../core/usage-error.js';
import { loadPlugins } from '../engine/plugins.js';
import { validateRegistry } from '../engine/runner.js';
import { helperTimeoutMs, runCredentialHelper } from '../platform/credential-helper.js';
import { readProbeKey } from '../platform/probe-key.js';
import { selectChecks } from './select.js';

/** Everything one run needs, resolved from flags, environment, policy and discovery. */
export interface Prepared {
  flags: DoctorFlags;
  policy: Policy | undefined;
  discovery: Discovery;
  target: Target;
  /** Built-in checks plus any loaded with --plugin, limited by --only. */
  checks: readonly AnyCheck[];
  /** The environment the checks see: the process's, plus app flags as their variables. */
  env: NodeJS.ProcessEnv;
}

/** Throws UsageError (exit 2) for anything the person must fix: a missing path, a bad policy, an unreadable key file. */
export async function prepare(flags: DoctorFlags, processEnv: NodeJS.ProcessEnv): Promise<Prepared> {
  // App flags reach the app checks as their environment variables (one way in for both).
  const env = withAppFlags(processEnv, flags);
  for (const [flag, path] of [
    ['--managed', flags.managedFile],
    ['--claude-dir', flags.claudeDir],
  ] as const) {
    if (path !== undefined && !existsSync(path)) {
      throw new UsageError(`${flag} ${path}: no such file or folder.`, "Check the path; omit the flag to read the app's own location.");
    }
  }
  // The configLibrary folder or a file in it, given where its parent was meant: say so.
  const mistake = flags.claudeDir === undefined ? undefined : claudeDirMistake(flags.claudeDir);
  if (mistake) throw new UsageError(mistake.message, mistake.hint);
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
  // The configured credential helper, only on request: its key is what the app would send.
  const helper = flags.useCredentialHelper ? await runHelper(discovery, env) : undefined;
  // The doctor's own probe key from the OS keychain, only when nothing else gives a key (as the app
  // falls back on its keychain only then).
  let probeKey: Secret | undefined;
  if (
    !apiKey &&
    !helper?.key &&
    envVar(env, 'PORTKEY_DOCTOR_API_KEY', process.platform) === undefined &&
    discovery.inForce?.values?.inferenceGatewayApiKey === undefined
  ) {
    const read = await readProbeKey(env, { timeoutMs: 5_000 });
    if (read.status === 'found') probeKey = read.secret;
  }
  const target = resolveTarget(
    discovery,
    {
      ...(flags.baseUrl !== undefined ? { baseUrl: flags.baseUrl } : {}),
      ...(flags.authScheme !== undefined ? { authScheme: flags.authScheme } : {}),
      ...(apiKey
        ? { apiKey: apiKey.secret, apiKeyOrigin: apiKey.origin }
        : helper?.key
          ? { apiKey: helper.key, apiKeyOrigin: 'credential-helper' as const }
          : probeKey
            ? { apiKey: probeKey, apiKeyOrigin: 'keychain' as const }
            : {}),
      ...(helper ? { credentialHelper: helper.run } : {}),
      headers: flags.headers,
    },
    env,
  );
  const all = [...CHECKS, ...(await loadPlugins(flags.plugins))];
  const checks = flags.only ? selectChecks(all, flags.only, { offline: flags.offline }) : all;
  try {
    validateRegistry(checks);
  } catch (err) {
    throw new UsageError(
      `the checks cannot run together: ${(err as Error).message}.`,
      'Fix the --plugin module (ids must be unique; needs must name checks registered before it).',
    );
  }
  return { flags, policy, discovery, target, checks, env };
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

/** A key file holds one key and a newline; anything this big is not one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

async function readKeyOverride(flags: DoctorFlags, env: NodeJS.ProcessEnv): Promise<{ secret: Secret; origin: 'flag' | 'env' } | undefined> {
  if (flags.apiKeyFile !== undefined) {
    let text: string;
    try {
      // A regular file only, and small: a FIFO or a device never blocks the run.
      text = await readRegularText(flags.apiKeyFile, MAX_KEY_FILE_BYTES);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const why = code === 'ENOTREG' ? 'not a regular file' : code === 'EFBIG' ? 'far too large for a key file' : code;
      throw new UsageError(`cannot read --api-key-file ${safeArg(flags.apiKeyFile)} (${why}).`, 'Check the path and that this user may read it.');
    }
    // A key file ends with a newline by convention; take the first line as it is otherwise.
    const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
    if (first === '') throw new UsageError(`--api-key-file ${safeArg(flags.apiKeyFile)} is empty.`, 'Put the Portkey API key on its first line.');
    return { secret: new Secret(first), origin: 'flag' };
  }
  if (flags.apiKeyEnv !== undefined) {
    const value = env[flags.apiKeyEnv];
    if (value === undefined || value === '') {
      throw new UsageError(
        `--api-key-env ${safeArg(flags.apiKeyEnv)}: that environment variable is not set or empty.`,
        'Export that variable before running (the flag takes its name, not the key).',
      );
    }
    return { secret: new Secret(value), origin: 'env' };
  }
  return undefined;
}

/**
 * Runs the credential helper the settings in force name (`--use-credential-helper`), bounded by
 * its own timeout setting (or the app's default). Its key is a Secret from the moment it is read;
 * what is reported is only how the run went. No helper configured: a run that says so.
 */
async function runHelper(discovery: Discovery, env: NodeJS.ProcessEnv): Promise<{ key?: Secret; run: CredentialHelperRun }> {
  const values = discovery.inForce?.values;
  const path = values?.inferenceCredentialHelper;
  const timeoutMs = helperTimeoutMs(values?.inferenceCredentialHelperTimeoutSec);
  if (typeof path !== 'string' || path.trim() === '') {
    return {
      run: { path: '', ok: false, reason: 'not-configured', message: 'the settings in force name no credential helper', timeoutMs, durationMs: 0 },
    };
  }
  const result = await runCredentialHelper(path, { timeoutMs, env });
  if (!result.ok) {
    return {
      run: {
        path,
        ok: false,
        reason: result.reason,
        message: result.message,
        ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
        timeoutMs,
        durationMs: result.durationMs,
      },
    };
  }
  return {
    key: result.key,
    run: { path, ok: true, format: result.format, headerNames: result.headers.map((h) => h.name), timeoutMs, durationMs: result.durationMs },
  };
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}
