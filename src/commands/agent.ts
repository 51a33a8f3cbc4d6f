/**
 * `portkey-doctor agent install | uninstall | status [--system] [--dry-run] [-- DAEMON OPTIONS…]`
 *
 * Writes the service file for this machine (macOS: a per-user LaunchAgent; Linux: a systemd
 * user unit, or with --system the hardened gateway-only system unit), with the paths of the
 * node binary and CLI in use, and loads it. `--dry-run` prints the file and the commands
 * without touching anything. Daemon options after `--` are checked (as the daemon would) and
 * put in the service's command line, relative paths made absolute.
 *
 * Exit codes: 0 done (status: installed and running), 1 a command failed, 2 bad usage,
 * 3 (status only) not installed or not running.
 */
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isSea } from 'node:sea';
import { parseDaemonArgs, PATH_FLAGS, resolveStateDir, stateDirArg } from '../daemon/config.js';
import { hiddenBySystemUnit, installedDaemonArgs, planService, type PlannedCommand, type Scope, type ServicePlan } from '../daemon/service.js';
import { loadState, raisedProblems } from '../daemon/state.js';
import { isCredentialHeaderName } from '../core/key-shape.js';
import { UsageError } from '../core/usage-error.js';

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  system: { type: 'boolean' },
} as const;

/** Makes the values of path flags absolute (a service does not start in this folder). */
export function absolutizePathArgs(args: readonly string[], cwd: string = process.cwd()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!PATH_FLAGS.includes(name)) {
      out.push(arg);
      continue;
    }
    if (eq > 0) out.push(`${name}=${path.resolve(cwd, arg.slice(eq + 1))}`);
    else {
      out.push(arg);
      if (i + 1 < args.length) out.push(path.resolve(cwd, args[++i]!));
    }
  }
  return out;
}

/**
 * A credential header (`--header 'Authorization: …'`, `x-portkey-api-key`, …) is refused in the
 * service's command line: the service file is world-readable (0644) and the command line is seen
 * by every process. The key belongs in a credential store the service reads. Names only are said.
 */
export function refuseCredentialHeaders(args: readonly string[]): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg === '--header' ? args[i + 1] : arg.startsWith('--header=') ? arg.slice('--header='.length) : undefined;
    if (value === undefined) continue;
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon).trim() : '';
    if (!isCredentialHeaderName(name)) continue;
    throw new UsageError(
      `--header ${JSON.stringify(name.slice(0, 40))} carries a credential: it would be written in clear into the service file (mode 0644) and its command line.`,
      process.platform === 'darwin'
        ? 'Keep the key in the keychain (portkey-doctor key set) or in a 0600 file given with --api-key-file, and leave credential headers out of the service.'
        : 'Give the key through systemd LoadCredential= (the system unit reads /etc/portkey-doctor/api-key) or a 0600 file with --api-key-file, or keep it in the keychain (portkey-doctor key set); leave credential headers out of the service.',
    );
  }
}

/**
 * Whether `systemctl --user` can reach this user's systemd manager: through its private socket
 * or the user bus under XDG_RUNTIME_DIR, or a session bus address. Without them (su, sudo -u, a
 * container, a cron job) every systemctl --user step fails with "Failed to connect to bus".
 */
export function userBusReachable(env: NodeJS.ProcessEnv): boolean {
  const bus = env.DBUS_SESSION_BUS_ADDRESS;
  if (bus) {
    const socket = /(?:^|;)unix:path=([^,;]+)/.exec(bus)?.[1];
    if (!socket || existsSync(socket)) return true;
  }
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime) return false;
  return existsSync(path.join(runtime, 'systemd', 'private')) || existsSync(path.join(runtime, 'bus'));
}

/**
 * The CLI file this process runs from: dist/cli.js (the bundle's entry; this code runs from a
 * chunk in dist/chunks/), or null when this process is the single executable, which is the doctor itself.
 */
export function cliPath(): string | null {
  if (isSea()) return null;
  // From dist/chunks/ (the bundle) and src/commands/ alike, one folder up.
  const file = fileURLToPath(new URL('../cli.js', import.meta.url));
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function safeUser(): { name: string; uid: number } {
  try {
    const u = userInfo();
    return { name: u.username, uid: u.uid };
  } catch {
    return { name: process.env.USER ?? '', uid: process.getuid?.() ?? -1 };
  }
}

export interface AgentIo {
  out: (text: string) => void;
  run: (argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  /** Whether systemctl --user can reach the user manager (absent: not asked, e.g. a recording runner). */
  userBus?: (env: NodeJS.ProcessEnv) => boolean;
}

function runCommand(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: 30_000, windowsHide: true }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
    });
  });
}

const shellWord = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const showCommand = (c: PlannedCommand): string => c.argv.map(shellWord).join(' ') + (c.mayFail ? '   (may fail: nothing to undo)' : '');

export async function agentCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: AgentIo = { out: (t) => process.stdout.write(t), run: runCommand, userBus: userBusReachable },
): Promise<number> {
  const dashes = args.indexOf('--');
  const own = dashes === -1 ? args : args.slice(0, dashes);
  const daemonArgsRaw = dashes === -1 ? [] : args.slice(dashes + 1);
  let values: { 'dry-run'?: boolean; system?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: own, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(
      message.split('. To specify')[0]!.replace(/\.$/, '') + '.',
      'Usage: portkey-doctor agent install|uninstall|status [--system] [--dry-run] [-- daemon options]',
    );
  }
  const action = positionals[0];
  if (positionals.length !== 1 || (action !== 'install' && action !== 'uninstall' && action !== 'status')) {
    throw new UsageError(
      `expected one of install, uninstall, status${positionals.length ? `, got "${positionals.join(' ')}"` : ''}.`,
      'Usage: portkey-doctor agent install|uninstall|status [--system] [--dry-run] [-- daemon options]',
    );
  }
  if (daemonArgsRaw.length > 0 && action !== 'install') throw new UsageError(`daemon options after -- only go with install.`);
  // Checked exactly as the daemon will check them, so a service never starts on bad flags.
  const daemonArgs = absolutizePathArgs(daemonArgsRaw);
  refuseCredentialHeaders(daemonArgs);
  if (daemonArgs.length > 0) parseDaemonArgs(daemonArgs);
  const scope: Scope = values.system ? 'system' : 'user';
  const dryRun = values['dry-run'] ?? false;
  const user = safeUser();
  const home = homedir();

  let plan: ServicePlan;
  try {
    plan = planService({
      platform: process.platform,
      scope,
      home,
      uid: user.uid,
      username: user.name,
      env,
      node: process.execPath,
      cli: cliPath(),
      daemonArgs,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}.`);
  }

  if (action === 'status') return status(plan, io, env, home);

  const problems: string[] = [];
  if (scope === 'system') {
    for (const p of [process.execPath, cliPath()]) {
      if (p !== null && hiddenBySystemUnit(p))
        problems.push(
          `${p} is under a home folder, which the system unit hides (ProtectHome=yes); install node and portkey-doctor system-wide (e.g. npm install -g as root).`,
        );
    }
    if (!dryRun && process.getuid?.() !== 0) problems.push('installing a system unit needs root: run it with sudo.');
  }

  if (plan.kind === 'systemd-user' && io.userBus && !io.userBus(env)) {
    problems.push(
      'the systemd user manager cannot be reached (no user bus: XDG_RUNTIME_DIR/DBUS_SESSION_BUS_ADDRESS unset, or no socket there), so systemctl --user would fail. ' +
        'Run this from a login session that has a running systemd user manager (a desktop or SSH login, not su or sudo -u; `loginctl enable-linger` keeps it running), ' +
        'or install the hardened system unit instead: sudo portkey-doctor agent install --system.',
    );
  }

  if (dryRun) {
    const lines: string[] = [];
    if (action === 'install') {
      for (const d of plan.dirs) lines.push(`Would create folder ${d.path} (mode ${d.mode.toString(8)})`);
      lines.push(`Would write ${plan.file} (mode ${plan.mode.toString(8)}):`, '----', plan.content.trimEnd(), '----', 'Would run:');
      for (const c of plan.install) lines.push(`  ${showCommand(c)}`);
      for (const n of plan.notes) lines.push(`Note: ${n}`);
    } else {
      lines.push('Would run:');
      for (const c of plan.uninstall) lines.push(`  ${showCommand(c)}`);
      lines.push(`Would remove ${plan.file}`);
      if (plan.kind !== 'launchd') lines.push(`Would run:\n  ${plan.kind === 'systemd-user' ? 'systemctl --user daemon-reload' : 'systemctl daemon-reload'}`);
    }
    for (const p of problems) lines.push(`Problem: ${p}`);
    io.out(lines.join('\n') + '\n');
    return 0;
  }
  if (problems.length > 0) throw new UsageError(problems.join(' '));

  if (action === 'install') {
    for (const d of plan.dirs) await mkdir(d.path, { recursive: true, mode: d.mode });
    await writeFile(plan.file, plan.content, { mode: plan.mode });
    await chmod(plan.file, plan.mode);
    io.out(`Wrote ${plan.file}\n`);
    if (!(await runAll(plan.install, io))) return 1;
    io.out(`Installed and started (${plan.kind}).\n${plan.notes.map((n) => `Note: ${n}\n`).join('')}`);
    return 0;
  }
  // uninstall
  await runAll(plan.uninstall, io);
  await rm(plan.file, { force: true });
  io.out(`Removed ${plan.file}\n`);
  if (plan.kind !== 'launchd') {
    if (!(await runAll([{ argv: plan.kind === 'systemd-user' ? ['systemctl', '--user', 'daemon-reload'] : ['systemctl', 'daemon-reload'] }], io))) return 1;
  }
  io.out('Uninstalled.\n');
  return 0;
}

async function runAll(commands: readonly PlannedCommand[], io: AgentIo): Promise<boolean> {
  for (const c of commands) {
    const r = await io.run(c.argv);
    if (r.code === 0) {
      io.out(`Ran: ${showCommand({ argv: c.argv })}\n`);
      continue;
    }
    if (c.mayFail) {
      io.out(`Ran: ${showCommand({ argv: c.argv })} (exit ${r.code}: nothing to undo)\n`);
      continue;
    }
    io.out(`Failed: ${showCommand({ argv: c.argv })} (exit ${r.code})\n${r.stderr.trim() ? `  ${r.stderr.trim().split('\n').join('\n  ')}\n` : ''}`);
    return false;
  }
  return true;
}

async function status(plan: ServicePlan, io: AgentIo, env: NodeJS.ProcessEnv, home: string): Promise<number> {
  const lines: string[] = [];
  let content: string | undefined;
  try {
    content = await readFile(plan.file, 'utf8');
  } catch {
    // not installed
  }
  lines.push(`service file: ${plan.file} (${content !== undefined ? 'present' : 'absent'})`);
  const r = await io.run(plan.status.argv);
  let running = false;
  if (plan.kind === 'launchd') {
    if (r.code === 0) {
      const state = /^\s*state = (.+)$/m.exec(r.stdout)?.[1]?.trim();
      const pid = /^\s*pid = (\d+)$/m.exec(r.stdout)?.[1];
      const lastExit = /^\s*last exit code = (.+)$/m.exec(r.stdout)?.[1]?.trim();
      running = state === 'running';
      lines.push(`launchd: loaded, state ${state ?? 'unknown'}${pid ? `, pid ${pid}` : ''}${lastExit ? `, last exit ${lastExit}` : ''}`);
    } else lines.push('launchd: not loaded');
  } else if (r.code === 0) {
    const props = Object.fromEntries(
      r.stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
    );
    running = props.ActiveState === 'active';
    lines.push(
      `systemd: ${props.LoadState ?? '?'}, ${props.ActiveState ?? '?'} (${props.SubState ?? '?'}), enabled: ${props.UnitFileState || '?'}${props.MainPID && props.MainPID !== '0' ? `, pid ${props.MainPID}` : ''}`,
    );
  } else lines.push(`systemd: cannot ask (${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`})`);

  // The daemon's own view: last run and what is raised (user scope; the system unit's state is root's).
  if (plan.kind !== 'systemd-system') {
    // The state folder the installed service runs with: a --state-dir given at install, else the default.
    const installedArgs = content !== undefined ? (installedDaemonArgs(plan.kind, content) ?? []) : [];
    const stateDir = resolveStateDir(stateDirArg(installedArgs), process.platform, env, home);
    const { state, problem } = await loadState(stateDir);
    if (problem) lines.push(`last run: unknown (${problem})`);
    else if (state.lastRunAt === null) lines.push(`last run: none recorded in ${stateDir}`);
    else {
      const raised = raisedProblems(state);
      lines.push(`last run: ${state.lastRunAt} (${state.runs} runs recorded in ${stateDir})`);
      lines.push(raised.length === 0 ? 'raised: none' : `raised: ${raised.map((p) => `${p.check} ${p.code} since ${p.since}`).join('; ')}`);
    }
  }
  io.out(lines.join('\n') + '\n');
  return content !== undefined && running ? 0 : 3;
}
