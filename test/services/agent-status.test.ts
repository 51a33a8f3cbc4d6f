/**
 * `agent status` reads the daemon's state through the state module, in the state folder the
 * installed service runs with: a `--state-dir` given at `agent install` (read back from the
 * service file), else the default. In-process, with a recording stand-in for systemctl.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCommand, type AgentIo } from '../../src/commands/agent.js';
import { installedDaemonArgs, planService, type ServiceContext } from '../../src/daemon/service.js';
import { STATE_FILE } from '../../src/daemon/state.js';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Captures what the command prints; systemctl answers `show` as systemd does for a running unit. */
function recorder(): AgentIo & { text: () => string; calls: string[][] } {
  let text = '';
  const calls: string[][] = [];
  return {
    out: (t) => {
      text += t;
    },
    run: async (argv) => {
      calls.push(argv);
      const show = argv.includes('show');
      return { code: 0, stdout: show ? 'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=4242\nUnitFileState=enabled\n' : '', stderr: '' };
    },
    text: () => text,
    calls,
  };
}

function writeState(dir: string, code: string): void {
  mkdirSync(dir, { recursive: true });
  const since = '2025-01-01T00:00:00.000Z';
  const state = {
    version: 1,
    runs: 12,
    lastRunAt: since,
    checks: { 'base-url': { status: 'fail', bad: 3, sameCode: 3, good: 0, code, raised: { code, status: 'fail', since } } },
  };
  writeFileSync(join(dir, STATE_FILE), JSON.stringify(state));
}

describe.runIf(process.platform === 'linux')('agent status and the state folder', () => {
  it('reads the state folder given with --state-dir at install, not the default one', async () => {
    const root = tmp('pkd-agent-');
    const env = { XDG_CONFIG_HOME: join(root, 'cfg'), XDG_STATE_HOME: join(root, 'xdg-state') };
    const custom = join(root, 'custom state');
    const install = recorder();
    expect(await agentCommand(['install', '--', '--state-dir', custom, '--schedule', '*/10 * * * *'], env, install)).toBe(0);

    // A decoy in the default folder: status must not read it.
    writeState(join(env.XDG_STATE_HOME, 'portkey-doctor'), 'DECOY_CODE');
    writeState(custom, 'BASE_URL_ENDS_V1');
    const status = recorder();
    expect(await agentCommand(['status'], env, status)).toBe(0);
    expect(status.text()).toContain(`12 runs recorded in ${custom}`);
    expect(status.text()).toContain('raised: base-url BASE_URL_ENDS_V1 since 2025-01-01T00:00:00.000Z');
    expect(status.text()).not.toContain('DECOY_CODE');
  });

  it('the --state-dir=DIR form, relative at install, is the absolute folder', async () => {
    const root = tmp('pkd-agent-');
    const env = { XDG_CONFIG_HOME: join(root, 'cfg'), XDG_STATE_HOME: join(root, 'xdg-state') };
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await agentCommand(['install', '--', '--state-dir=rel/state'], env, recorder())).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    writeState(join(root, 'rel', 'state'), 'MODELS_EMPTY');
    const status = recorder();
    await agentCommand(['status'], env, status);
    expect(status.text()).toContain('raised: base-url MODELS_EMPTY');
  });

  it('without --state-dir: the default folder; nothing recorded yet, or a corrupt state, is said so', async () => {
    const root = tmp('pkd-agent-');
    const env = { XDG_CONFIG_HOME: join(root, 'cfg'), XDG_STATE_HOME: join(root, 'xdg-state') };
    expect(await agentCommand(['install'], env, recorder())).toBe(0);
    const dir = join(env.XDG_STATE_HOME, 'portkey-doctor');
    const empty = recorder();
    await agentCommand(['status'], env, empty);
    expect(empty.text()).toContain(`last run: none recorded in ${dir}`);

    writeState(dir, 'TLS_EXPIRED');
    const found = recorder();
    await agentCommand(['status'], env, found);
    expect(found.text()).toContain('raised: base-url TLS_EXPIRED');

    writeFileSync(join(dir, STATE_FILE), '{ not json');
    const corrupt = recorder();
    await agentCommand(['status'], env, corrupt);
    expect(corrupt.text()).toMatch(/last run: unknown \(.*is not valid JSON/);
  });
});

describe('installed daemon arguments are read back from the service file', () => {
  const ctx = (over: Partial<ServiceContext>): ServiceContext => ({
    platform: 'linux',
    scope: 'user',
    home: '/home/alice',
    uid: 501,
    username: 'alice',
    env: {},
    node: '/usr/bin/node',
    cli: '/opt/pkd/dist/cli.js',
    daemonArgs: [],
    ...over,
  });
  const args = ['--state-dir', '/var/tmp/my state %h $HOME "q" \\ back', '--json-file=/tmp/a&b<c>.json', '--schedule', '*/5 * * * *', "it's"];

  it.each([
    ['systemd user unit', ctx({})],
    ['launchd plist', ctx({ platform: 'darwin', home: '/Users/alice' })],
  ])('%s: exactly the arguments rendered', (_name, c) => {
    const plan = planService({ ...c, daemonArgs: args });
    expect(installedDaemonArgs(plan.kind, plan.content)).toEqual(args);
    expect(installedDaemonArgs(plan.kind, planService(c).content)).toEqual([]);
  });

  it('a file of another shape gives nothing', () => {
    expect(installedDaemonArgs('systemd-user', '[Service]\nExecStart=/usr/bin/true\n')).toBeUndefined();
    expect(installedDaemonArgs('launchd', '<plist><dict></dict></plist>')).toBeUndefined();
  });
});
