/**
 * Service files: the systemd units pass `systemd-analyze verify` with nothing on stderr (as
 * rendered for this machine), the system unit's `systemd-analyze security` exposure is the one
 * recorded in systemd/README.md, and the launchd plist parses strictly (Python's plistlib)
 * with the keys the agent needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  installedDaemonArgs,
  LAUNCHD_LABEL,
  LAUNCHD_TEMPLATE,
  planService,
  readTemplate,
  renderLaunchdPlist,
  renderSystemdUnit,
  systemdQuote,
  SYSTEMD_SYSTEM_UNIT,
  SYSTEMD_USER_UNIT,
  type ServiceContext,
} from '../../src/daemon/service.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'pkd-svc-'));
const has = (cmd: string, args: string[] = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const hasSystemdAnalyze = has('systemd-analyze');
const hasPython = has('python3');
if (!hasSystemdAnalyze) console.warn('systemd-analyze is not installed; unit verification skipped');
if (!hasPython) console.warn('python3 is not installed; plist verification skipped');

const ctx = (over: Partial<ServiceContext>): ServiceContext => ({
  platform: 'linux',
  scope: 'user',
  home: '/home/alice',
  uid: 501,
  username: 'alice',
  env: {},
  node: process.execPath,
  cli: CLI,
  daemonArgs: [],
  ...over,
});

/** Runs systemd-analyze; returns exit code, stdout, stderr. */
function analyze(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat', ...env }, cwd: tmp() });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasSystemdAnalyze)('systemd units', () => {
  const extra = ['--syslog', 'udp://127.0.0.1:514', '--app-name', 'pkd', '--json-file', '/var/tmp/my status %h $HOME.json'];

  it('the system unit (as installed here, with extra arguments) verifies with nothing on stderr', () => {
    const dir = tmp();
    const file = join(dir, SYSTEMD_SYSTEM_UNIT);
    writeFileSync(file, planService(ctx({ scope: 'system', daemonArgs: extra })).content);
    const r = analyze(['verify', '--man=no', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('the user unit verifies in user mode with nothing on stderr', () => {
    const dir = tmp();
    const runtime = join(dir, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    const file = join(dir, SYSTEMD_USER_UNIT);
    writeFileSync(file, planService(ctx({ daemonArgs: extra })).content);
    const r = analyze(['--user', 'verify', '--man=no', file], { XDG_RUNTIME_DIR: runtime });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // And as a plain unit file.
    const plain = analyze(['verify', '--man=no', file]);
    expect(plain.stderr).toBe('');
  });

  it('the system unit’s exposure score is the one recorded in systemd/README.md', () => {
    const dir = tmp();
    const file = join(dir, SYSTEMD_SYSTEM_UNIT);
    writeFileSync(file, planService(ctx({ scope: 'system' })).content);
    const r = analyze(['security', '--offline=true', '--no-pager', file]);
    const score = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(r.stdout);
    expect(score, r.stdout + r.stderr).not.toBeNull();
    const readme = readFileSync(join(ROOT, 'systemd', 'README.md'), 'utf8');
    const recorded = /exposure level \*\*([\d.]+) (\w+)\*\*/.exec(readme);
    expect(recorded, 'systemd/README.md records the score as "exposure level **N.N OK**"').not.toBeNull();
    expect(`${score![1]} ${score![2]}`).toBe(`${recorded![1]} ${recorded![2]}`);
    expect(Number(score![1])).toBeLessThanOrEqual(2);
  });

  it('quotes ExecStart words the way systemd reads them back', () => {
    expect(systemdQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(systemdQuote('a b')).toBe('"a b"');
    expect(systemdQuote('100%')).toBe('100%%');
    expect(systemdQuote('$HOME')).toBe('"$$HOME"');
    expect(systemdQuote('say "hi"')).toBe('"say \\"hi\\""');
    const unit = renderSystemdUnit('ExecStart=@NODE@ @CLI@ daemon @ARGS@\n', { node: '/n', cli: '/c.js', args: ['--app-name', 'x y'] });
    expect(unit).toBe('ExecStart=/n /c.js daemon --app-name "x y"\n');
    expect(renderSystemdUnit('ExecStart=@NODE@ @CLI@ daemon @ARGS@\n', { node: '/n', cli: '/c.js', args: [] })).toBe('ExecStart=/n /c.js daemon\n');
  });

  it('`$` and `%` in any word survive into the unit as literals (issue 12 #13): read back, verified, no lone `$`', () => {
    const args = ['--json-file', '/tmp/$HOME/a$$b', '--app-name', '$5', '--syslog', `udp://h:1/\${X}`, '--x', "$& $1 $' $` %h 100%", '$'];
    // The executable is taken literally (systemd expands no `$` there): a real one, so verify finds it.
    const bin = join(tmp(), 'n$&de');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    for (const scope of ['user', 'system'] as const) {
      const plan = planService(ctx({ scope, node: join(bin, 'node'), cli: '/opt/$1 cli/cli.js', daemonArgs: args }));
      const line = /^ExecStart=(.*)$/m.exec(plan.content)![1]!;
      expect(line.startsWith(`"${join(bin, 'node')}" `)).toBe(true);
      // In the arguments every `$` is doubled, so systemd expands no variable (but the template's own
      // ${…_DIRECTORY}); every `%` too, so no specifier.
      const rest = line.slice(join(bin, 'node').length + 3).replace(/\$\{(STATE|LOGS|CREDENTIALS)_DIRECTORY\}/g, '');
      expect(rest.replace(/\$\$/g, '')).not.toContain('$');
      expect(line.replace(/%%/g, '')).not.toContain('%');
      // (The system unit's template adds its own --state-dir … before them.)
      expect(installedDaemonArgs(plan.kind, plan.content)!.slice(-args.length)).toEqual(args);
      const file = join(tmp(), scope === 'user' ? SYSTEMD_USER_UNIT : SYSTEMD_SYSTEM_UNIT);
      writeFileSync(file, plan.content);
      const r = analyze(['verify', '--man=no', file]);
      expect(r.stderr).toBe('');
    }
    const plist = planService(ctx({ platform: 'darwin', uid: 501, home: '/Users/$&a', node: '/opt/$1/node', cli: "/c$'.js", daemonArgs: args }));
    expect(installedDaemonArgs(plist.kind, plist.content)).toEqual(args);
    expect(plist.content).toContain('<string>/opt/$1/node</string>');
    expect(plist.content).toContain('<string>/c$&apos;.js</string>');
    expect(plist.content).toContain('/Users/$&amp;a/');
  });

  it('neither unit waits for the network', () => {
    for (const name of [SYSTEMD_USER_UNIT, SYSTEMD_SYSTEM_UNIT]) {
      const text = readTemplate(`systemd/${name}`)
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n');
      expect(text).not.toMatch(/network-online|network\.target/);
    }
  });
});

/** plistlib, strict (XML format only), as JSON; plus the DOCTYPE check plistlib skips. */
function plistlib(xml: string): Record<string, unknown> {
  const file = join(tmp(), 'agent.plist');
  writeFileSync(file, xml);
  const out = execFileSync(
    'python3',
    ['-c', 'import json, plistlib, sys\nwith open(sys.argv[1], "rb") as f:\n    d = plistlib.load(f, fmt=plistlib.FMT_XML)\nprint(json.dumps(d))', file],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, unknown>;
}

describe.skipIf(!hasPython)('launchd plist', () => {
  it('the template parses strictly', () => {
    const d = plistlib(readTemplate(LAUNCHD_TEMPLATE));
    expect(d.Label).toBe(LAUNCHD_LABEL);
  });

  it('as installed: the keys for a per-user agent that restarts on crash, throttled, logs to files, not tied to the network', () => {
    const plan = planService(ctx({ platform: 'darwin', home: '/Users/alice & co', daemonArgs: ['--syslog', 'udp://10.0.0.1:514', '--app-name', 'a<b>'] }));
    expect(plan.file).toBe(`/Users/alice & co/Library/LaunchAgents/${LAUNCHD_LABEL}.plist`);
    const d = plistlib(plan.content);
    expect(d).toMatchObject({
      Label: LAUNCHD_LABEL,
      ProgramArguments: [process.execPath, CLI, 'daemon', '--syslog', 'udp://10.0.0.1:514', '--app-name', 'a<b>'],
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false, Crashed: true },
      ThrottleInterval: 30,
      ProcessType: 'Background',
      StandardOutPath: '/Users/alice & co/Library/Logs/portkey-doctor/events.log',
      StandardErrorPath: '/Users/alice & co/Library/Logs/portkey-doctor/daemon.log',
      WorkingDirectory: '/Users/alice & co',
    });
    expect(typeof d.ExitTimeOut).toBe('number');
    expect(d.ExitTimeOut as number).toBeGreaterThan(5);
    // Not tied to network state.
    expect(JSON.stringify(d)).not.toMatch(/NetworkState/);
    expect(Object.keys(d.KeepAlive as object).sort()).toEqual(['Crashed', 'SuccessfulExit']);
    // Loaded per user, in the GUI domain.
    expect(plan.install.map((c) => c.argv.join(' '))).toEqual([
      `launchctl bootout gui/501/${LAUNCHD_LABEL}`,
      `launchctl enable gui/501/${LAUNCHD_LABEL}`,
      `launchctl bootstrap gui/501 ${plan.file}`,
    ]);
  });

  it('renders without extra arguments too', () => {
    const xml = renderLaunchdPlist(readTemplate(LAUNCHD_TEMPLATE), { node: '/n', cli: '/c', home: '/h', logDir: '/h/l', args: [] });
    expect(plistlib(xml).ProgramArguments).toEqual(['/n', '/c', 'daemon']);
  });
});
