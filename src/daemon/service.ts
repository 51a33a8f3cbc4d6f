/**
 * Service files for the daemon, rendered from the templates shipped in `launchd/` and
 * `systemd/` (one source of truth: the files in the package are the ones installed) with the
 * paths of this machine, and the commands that load and unload them. Pure: the platform,
 * home folder, uid and paths are parameters, so tests plan macOS installs on Linux.
 */
import * as path from 'node:path';
import { readAsset } from '../core/assets.js';

export const LAUNCHD_LABEL = 'com.portkey-doctor.agent';
export const LAUNCHD_TEMPLATE = `launchd/${LAUNCHD_LABEL}.plist`;
export const SYSTEMD_USER_UNIT = 'portkey-doctor.service';
export const SYSTEMD_SYSTEM_UNIT = 'portkey-doctor-gateway.service';

/**
 * A template as shipped (`launchd/`, `systemd/`): embedded in the bundle and the executable, read
 * from the package root by unbuilt sources, or from `root` when one is given.
 */
export function readTemplate(relative: string, root?: URL): string {
  return readAsset(relative, root);
}

export type Scope = 'user' | 'system';

export interface ServiceContext {
  platform: NodeJS.Platform;
  scope: Scope;
  home: string;
  uid: number;
  username: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Absolute path of the node binary. */
  node: string;
  /**
   * Absolute path of dist/cli.js; null when `node` is the single executable, which is the
   * doctor itself (the service runs it with no script argument).
   */
  cli: string | null;
  /** Extra daemon arguments (already validated, paths absolute). */
  daemonArgs: string[];
}

/** A command to run; `mayFail` ones are clean-ups whose failure means "nothing to undo". */
export interface PlannedCommand {
  argv: string[];
  mayFail?: boolean;
}

export interface ServicePlan {
  kind: 'launchd' | 'systemd-user' | 'systemd-system';
  /** The service file, its content and mode. */
  file: string;
  content: string;
  mode: number;
  /** Folders to create first (mode 0755 unless noted). */
  dirs: { path: string; mode: number }[];
  install: PlannedCommand[];
  uninstall: PlannedCommand[];
  status: PlannedCommand;
  /** What the person should know (linger, key file, …). */
  notes: string[];
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * One ExecStart= word: `%` escaped (specifiers), quoted when it holds anything but plain
 * characters, and in an argument `$` escaped as `$$` (systemd expands `$VAR` in arguments; the
 * executable, the first word, is taken literally: `$$` there would stay two dollars).
 */
export function systemdQuote(arg: string, word: 'argument' | 'executable' = 'argument'): string {
  const percent = arg.replace(/%/g, '%%');
  const escaped = word === 'executable' ? percent : percent.replace(/\$/g, () => '$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function renderLaunchdPlist(template: string, vars: { node: string; cli: string | null; home: string; logDir: string; args: string[] }): string {
  const args = vars.args.map((a) => `    <string>${xmlEscape(a)}</string>\n`).join('');
  const cli = vars.cli;
  // Replacer functions throughout: a replacement string would read `$$`, `$&`, `$1`… as patterns.
  return (cli === null ? template.replace(/^[ \t]*<string>@CLI@<\/string>\n/m, () => '') : template)
    .replace(/^[ \t]*<!-- @ARGS@ -->\n/m, () => args)
    .replaceAll('@NODE@', () => xmlEscape(vars.node))
    .replaceAll('@CLI@', () => xmlEscape(cli ?? ''))
    .replaceAll('@HOME@', () => xmlEscape(vars.home))
    .replaceAll('@LOG_DIR@', () => xmlEscape(vars.logDir));
}

export function renderSystemdUnit(template: string, vars: { node: string; cli: string | null; args: string[] }): string {
  const args = vars.args.map((a) => systemdQuote(a)).join(' ');
  const cli = vars.cli;
  // Replacer functions: a replacement string would collapse the `$$` systemdQuote writes back to `$`.
  return (cli === null ? template.replace(/ @CLI@/g, () => '') : template)
    .replace(/ ?@ARGS@/, () => (args === '' ? '' : ` ${args}`))
    .replaceAll('@NODE@', () => systemdQuote(vars.node, 'executable'))
    .replaceAll('@CLI@', () => systemdQuote(cli ?? ''));
}

/** The words of an ExecStart= line as {@link systemdQuote} writes them: the inverse of the quoting. */
export function systemdUnquote(line: string): string[] {
  const words: string[] = [];
  // The first word (the executable) has no `$$` escaping.
  const unescapeWord = (w: string) => (words.length === 0 ? w.replace(/%%/g, '%') : w.replace(/%%/g, '%').replace(/\$\$/g, () => '$'));
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i += 1;
      continue;
    }
    if (line[i] === '"') {
      let word = '';
      i += 1;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) {
          const next = line[i + 1]!;
          word += next === 'n' ? '\n' : next;
          i += 2;
        } else word += line[i++];
      }
      i += 1;
      words.push(unescapeWord(word));
    } else {
      const end = line.slice(i).search(/[ \t]/);
      const word = end === -1 ? line.slice(i) : line.slice(i, i + end);
      i += word.length;
      words.push(unescapeWord(word));
    }
  }
  return words;
}

function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}

/**
 * The daemon arguments an installed service file starts the daemon with (what followed `--` at
 * `agent install`): the inverse of {@link renderSystemdUnit} / {@link renderLaunchdPlist}.
 * `undefined` when the file does not have the shape they write (edited by hand).
 */
export function installedDaemonArgs(kind: ServicePlan['kind'], content: string): string[] | undefined {
  let words: string[];
  if (kind === 'launchd') {
    const array = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(content)?.[1];
    if (array === undefined) return undefined;
    words = [...array.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => xmlUnescape(m[1]!));
  } else {
    const line = /^ExecStart=(.*)$/m.exec(content)?.[1];
    if (line === undefined) return undefined;
    words = systemdUnquote(line);
  }
  // NODE CLI daemon ARGS…, or EXECUTABLE daemon ARGS… (the single executable)
  if (words[2] === 'daemon') return words.slice(3);
  return words[1] === 'daemon' ? words.slice(2) : undefined;
}

function userUnitDir(ctx: ServiceContext): string {
  const xdg = ctx.env.XDG_CONFIG_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(ctx.home, '.config'), 'systemd', 'user');
}

export function launchdLogDir(home: string): string {
  return path.posix.join(home, 'Library', 'Logs', 'portkey-doctor');
}

/** What installing, removing and inspecting the service means on this platform. */
export function planService(ctx: ServiceContext, root?: URL): ServicePlan {
  if (ctx.platform === 'darwin') {
    if (ctx.scope === 'system') throw new Error('on macOS the agent is per user (a LaunchAgent); --system is for Linux (systemd)');
    const dir = path.posix.join(ctx.home, 'Library', 'LaunchAgents');
    const file = path.posix.join(dir, `${LAUNCHD_LABEL}.plist`);
    const logDir = launchdLogDir(ctx.home);
    const domain = `gui/${ctx.uid}`;
    return {
      kind: 'launchd',
      file,
      content: renderLaunchdPlist(readTemplate(LAUNCHD_TEMPLATE, root), { node: ctx.node, cli: ctx.cli, home: ctx.home, logDir, args: ctx.daemonArgs }),
      mode: 0o644,
      dirs: [
        { path: dir, mode: 0o755 },
        { path: logDir, mode: 0o700 },
      ],
      install: [
        { argv: ['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`], mayFail: true },
        { argv: ['launchctl', 'enable', `${domain}/${LAUNCHD_LABEL}`] },
        { argv: ['launchctl', 'bootstrap', domain, file] },
      ],
      uninstall: [{ argv: ['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`], mayFail: true }],
      status: { argv: ['launchctl', 'print', `${domain}/${LAUNCHD_LABEL}`], mayFail: true },
      notes: [`Logs: ${logDir}/daemon.log (JSON log) and ${logDir}/events.log (events).`],
    };
  }
  if (ctx.platform !== 'linux')
    throw new Error(
      `installing the agent is supported on macOS (launchd) and Linux (systemd), not ${ctx.platform}; run "portkey-doctor daemon" from the system's scheduler instead`,
    );
  if (ctx.scope === 'user') {
    const dir = userUnitDir(ctx);
    const file = path.posix.join(dir, SYSTEMD_USER_UNIT);
    const sc = ['systemctl', '--user'];
    return {
      kind: 'systemd-user',
      file,
      content: renderSystemdUnit(readTemplate(`systemd/${SYSTEMD_USER_UNIT}`, root), { node: ctx.node, cli: ctx.cli, args: ctx.daemonArgs }),
      mode: 0o644,
      dirs: [{ path: dir, mode: 0o755 }],
      install: [{ argv: [...sc, 'daemon-reload'] }, { argv: [...sc, 'enable', SYSTEMD_USER_UNIT] }, { argv: [...sc, 'restart', SYSTEMD_USER_UNIT] }],
      uninstall: [{ argv: [...sc, 'disable', '--now', SYSTEMD_USER_UNIT], mayFail: true }],
      status: { argv: [...sc, 'show', SYSTEMD_USER_UNIT, '--property=LoadState,ActiveState,SubState,MainPID,UnitFileState,ExecMainStatus'], mayFail: true },
      notes: [
        `Logs: journalctl --user -u ${SYSTEMD_USER_UNIT.replace(/\.service$/, '')}`,
        `To keep it running while ${ctx.username || 'the user'} is logged out: loginctl enable-linger ${ctx.username || '$USER'}`,
      ],
    };
  }
  const file = `/etc/systemd/system/${SYSTEMD_SYSTEM_UNIT}`;
  return {
    kind: 'systemd-system',
    file,
    content: renderSystemdUnit(readTemplate(`systemd/${SYSTEMD_SYSTEM_UNIT}`, root), { node: ctx.node, cli: ctx.cli, args: ctx.daemonArgs }),
    mode: 0o644,
    dirs: [{ path: '/etc/portkey-doctor', mode: 0o755 }],
    install: [
      { argv: ['systemctl', 'daemon-reload'] },
      { argv: ['systemctl', 'enable', SYSTEMD_SYSTEM_UNIT] },
      { argv: ['systemctl', 'restart', SYSTEMD_SYSTEM_UNIT] },
    ],
    uninstall: [{ argv: ['systemctl', 'disable', '--now', SYSTEMD_SYSTEM_UNIT], mayFail: true }],
    status: {
      argv: ['systemctl', 'show', SYSTEMD_SYSTEM_UNIT, '--property=LoadState,ActiveState,SubState,MainPID,UnitFileState,ExecMainStatus'],
      mayFail: true,
    },
    notes: [
      'The key: put the Portkey API key on the first line of /etc/portkey-doctor/api-key (mode 0600, owner root); the service does not start without it.',
      'The gateway: PORTKEY_DOCTOR_BASE_URL=https://… in /etc/portkey-doctor/gateway.env (or the policy file /etc/portkey-doctor/policy.json).',
      `Logs: journalctl -u ${SYSTEMD_SYSTEM_UNIT.replace(/\.service$/, '')}; status file /var/log/portkey-doctor/status.json.`,
    ],
  };
}

/** Paths under a home folder are hidden from the hardened system unit (ProtectHome=yes). */
export function hiddenBySystemUnit(p: string): boolean {
  return /^\/(home|root|run\/user)(\/|$)/.test(p);
}
