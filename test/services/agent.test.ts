/**
 * `portkey-doctor agent install | uninstall | status`: the dry run prints without touching
 * anything; a real install writes the unit and runs systemctl (a recording stand-in here);
 * bad usage exits 2.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { absolutizePathArgs } from '../../src/commands/agent.js';
import { commandPrefix, tmp } from '../daemon/support/daemon.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function agent(args: string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...commandPrefix('agent'), ...args], { env: { LANG: 'C.UTF-8', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A PATH whose `systemctl` records its arguments and answers `show` like systemd does. */
function fakeSystemctl(state: 'active' | 'inactive' = 'active'): { path: string; calls: () => string[] } {
  const bin = tmp('pkd-bin-');
  const log = join(bin, 'calls.log');
  writeFileSync(
    join(bin, 'systemctl'),
    `#!/bin/sh
echo "$*" >> '${log}'
case "$*" in
  *" show "*) printf 'LoadState=loaded\\nActiveState=${state}\\nSubState=running\\nMainPID=4242\\nUnitFileState=enabled\\nExecMainStatus=0\\n' ;;
esac
exit 0
`,
  );
  chmodSync(join(bin, 'systemctl'), 0o755);
  return { path: `${bin}:${process.env.PATH}`, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []) };
}

/** An XDG_RUNTIME_DIR where a user bus socket is (a stand-in file: only its presence is checked). */
function userBus(): string {
  const dir = tmp('pkd-run-');
  writeFileSync(join(dir, 'bus'), '');
  return dir;
}

describe.runIf(process.platform === 'linux')('agent: an unreachable systemd user manager is detected (issue 13, point 7)', () => {
  it('--dry-run without a user bus plans the steps and says what to do instead; with one, no problem', async () => {
    const home = tmp('pkd-home-');
    const without = await agent(['install', '--dry-run'], { HOME: home, PATH: fakeSystemctl().path });
    expect(without.code).toBe(0);
    const problems = without.stdout.split('\n').filter((l) => l.startsWith('Problem: '));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('--system');
    const withBus = await agent(['install', '--dry-run'], { HOME: home, PATH: fakeSystemctl().path, XDG_RUNTIME_DIR: userBus() });
    expect(withBus.stdout.split('\n').filter((l) => l.startsWith('Problem: '))).toEqual([]);
  });

  it('a real install without a user bus stops before writing anything (exit 2), and runs no systemctl', async () => {
    const home = tmp('pkd-home-');
    const fake = fakeSystemctl();
    const r = await agent(['install'], { HOME: home, PATH: fake.path, XDG_CONFIG_HOME: join(home, 'cfg') });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(home, 'cfg', 'systemd', 'user', 'portkey-doctor.service'))).toBe(false);
    expect(fake.calls()).toEqual([]);
  });
});

describe.runIf(process.platform === 'linux')('agent (Linux, systemd user unit)', () => {
  it('--dry-run prints the unit with this machine’s paths and the commands, and changes nothing', async () => {
    const home = tmp('pkd-home-');
    const fake = fakeSystemctl();
    const r = await agent(
      ['install', '--dry-run', '--', '--syslog', 'udp://127.0.0.1:514', '--json-file', 'rel/status.json'],
      { HOME: home, PATH: fake.path },
      home,
    );
    expect(r.code, r.stderr).toBe(0);
    const unitPath = join(home, '.config', 'systemd', 'user', 'portkey-doctor.service');
    expect(r.stdout).toContain(`Would write ${unitPath}`);
    expect(r.stdout).toMatch(
      new RegExp(
        `^ExecStart=${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\S+/dist/cli\\.js daemon --syslog udp://127\\.0\\.0\\.1:514 --json-file ${join(home, 'rel', 'status.json')}$`,
        'm',
      ),
    );
    expect(r.stdout).toContain('systemctl --user daemon-reload');
    expect(r.stdout).toContain('systemctl --user enable portkey-doctor.service');
    expect(r.stdout).toContain('loginctl enable-linger');
    expect(existsSync(unitPath)).toBe(false);
    expect(fake.calls()).toEqual([]);
  });

  it('install writes the unit (0644) and enables and starts it; status reads it back; uninstall removes it', async () => {
    const home = tmp('pkd-home-');
    const fake = fakeSystemctl();
    const env = { HOME: home, PATH: fake.path, XDG_CONFIG_HOME: join(home, 'cfg'), XDG_RUNTIME_DIR: userBus() };
    const r = await agent(['install', '--', '--schedule', '*/10 * * * *'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const unitPath = join(home, 'cfg', 'systemd', 'user', 'portkey-doctor.service');
    expect(statSync(unitPath).mode & 0o777).toBe(0o644);
    expect(readFileSync(unitPath, 'utf8')).toMatch(/^ExecStart=.* daemon --schedule "\*\/10 \* \* \* \*"$/m);
    expect(fake.calls()).toEqual(['--user daemon-reload', '--user enable portkey-doctor.service', '--user restart portkey-doctor.service']);

    // Status: the unit's state, and the daemon's own record of its last run.
    const stateDir = join(home, '.local', 'state', 'portkey-doctor');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(
      join(stateDir, 'state.json'),
      JSON.stringify({
        version: 1,
        runs: 12,
        lastRunAt: '2025-01-01T00:00:00.000Z',
        checks: {
          'base-url': {
            status: 'fail',
            bad: 3,
            sameCode: 3,
            good: 0,
            code: 'BASE_URL_ENDS_V1',
            raised: { code: 'BASE_URL_ENDS_V1', status: 'fail', since: '2025-01-01T00:00:00.000Z' },
          },
        },
      }),
    );
    const s = await agent(['status'], env);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/systemd: loaded, active \(running\), enabled: enabled, pid 4242/);
    expect(s.stdout).toMatch(/raised: base-url BASE_URL_ENDS_V1/);

    const u = await agent(['uninstall'], env);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(existsSync(unitPath)).toBe(false);
    expect(fake.calls().slice(3)).toEqual([
      '--user show portkey-doctor.service --property=LoadState,ActiveState,SubState,MainPID,UnitFileState,ExecMainStatus',
      '--user disable --now portkey-doctor.service',
      '--user daemon-reload',
    ]);
  });

  it('status of an agent that is not installed or not running exits 3', async () => {
    const home = tmp('pkd-home-');
    const r = await agent(['status'], { HOME: home, PATH: fakeSystemctl('inactive').path });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/\(absent\)/);
  });

  it('--system --dry-run prints the hardened unit and the notes about the key', async () => {
    const home = tmp('pkd-home-');
    const r = await agent(['install', '--system', '--dry-run'], { HOME: home, PATH: fakeSystemctl().path });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Would write /etc/systemd/system/portkey-doctor-gateway.service');
    expect(r.stdout).toContain('DynamicUser=yes');
    expect(r.stdout).toContain('/etc/portkey-doctor/api-key');
    expect(existsSync('/etc/systemd/system/portkey-doctor-gateway.service')).toBe(false);
  });

  it.each([
    [['frobnicate']],
    [[]],
    [['install', 'extra']],
    [['install', '--bogus']],
    [['status', '--', '--console']],
    [['install', '--', '--schedule', 'nope']],
  ])('bad usage %j exits 2 with one line', async (args) => {
    const home = tmp('pkd-home-');
    const fake = fakeSystemctl();
    const r = await agent(args, { HOME: home, PATH: fake.path });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^portkey-doctor: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fake.calls()).toEqual([]);
  });
});

describe('path arguments', () => {
  it('are made absolute for the service', () => {
    expect(absolutizePathArgs(['--json-file', 'a.json', '--state-dir=s', '--syslog', 'udp://x', '--plugin', '/abs/p.mjs'], '/work')).toEqual([
      '--json-file',
      '/work/a.json',
      '--state-dir=/work/s',
      '--syslog',
      'udp://x',
      '--plugin',
      '/abs/p.mjs',
    ]);
  });
});
