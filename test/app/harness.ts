/**
 * Runs app checks as units: real discovery of a fixture Claude-3p folder, the real target
 * resolution, the real engine (so `needs` and upstream data behave as in the CLI) and the real
 * I/O services (with the OS rules of `platform`), with an environment whose HOME is an empty
 * folder so the machine's own settings never leak in.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyCheck, CheckResult } from '../../src/contract/check.js';
import claudeSettings from '../../src/checks/claude-settings.js';
import { discoverSettings } from '../../src/config/discover.js';
import { resolveTarget } from '../../src/config/resolve-target.js';
import { runChecks } from '../../src/engine/runner.js';
import { realIO } from '../../src/io/real.js';

export function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), 'pkd-home-'));
}

export interface RunOptions {
  claudeDir?: string;
  env?: Record<string, string>;
  platform?: NodeJS.Platform;
}

/** Runs `checks` (claude-settings is added first) and returns results by id. */
export async function runAppChecks(checks: AnyCheck[], opts: RunOptions = {}): Promise<Record<string, CheckResult>> {
  const home = opts.env?.HOME ?? emptyHome();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...opts.env };
  const platform = opts.platform ?? 'linux';
  const discovery = await discoverSettings({
    platform,
    env,
    homedir: home,
    username: 'tester',
    ...(opts.claudeDir ? { claudeDir: opts.claudeDir } : {}),
    readRegistry: async () => ({ status: 'missing' }),
  });
  const target = resolveTarget(discovery, {}, env);
  const all = [claudeSettings, ...checks];
  const results = await runChecks(
    all,
    { target, discovery, policy: undefined, options: { live: false, samples: 1, insecure: false }, env, ...realIO(env, platform) },
    { checkTimeoutMs: 30_000, runTimeoutMs: 60_000 },
  );
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

/** Status and code only: what tests assert on. */
export const verdict = (r: CheckResult | undefined) => ({ status: r?.status, code: r?.code });
