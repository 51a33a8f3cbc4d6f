/**
 * `agent install` from the single executable: the service runs the executable itself (no node, no
 * script), on every kind of service, and `agent status` reads its arguments back.
 */
import { describe, expect, it } from 'vitest';
import { installedDaemonArgs, planService, type ServiceContext } from '../../src/daemon/service.js';

const ctx = (over: Partial<ServiceContext>): ServiceContext => ({
  platform: 'linux',
  scope: 'user',
  home: '/home/ann',
  uid: 1000,
  username: 'ann',
  env: {},
  node: '/opt/portkey-doctor/portkey-doctor',
  cli: null,
  daemonArgs: ['--raise-after', '3', '--json-file', '/var/tmp/a b.json'],
  ...over,
});

describe('the service of the single executable', () => {
  it.each([
    ['linux', 'user'],
    ['linux', 'system'],
  ] as const)('%s %s unit: ExecStart is the executable, then daemon', (platform, scope) => {
    const plan = planService(ctx({ platform, scope }));
    const exec = plan.content.split('\n').find((l) => l.startsWith('ExecStart='))!;
    expect(exec.startsWith('ExecStart=/opt/portkey-doctor/portkey-doctor daemon ')).toBe(true);
    expect(plan.content).not.toContain('@CLI@');
    expect(installedDaemonArgs(plan.kind, plan.content)).toEqual(expect.arrayContaining(['--raise-after', '3']));
  });

  it('macOS LaunchAgent: ProgramArguments start with the executable, then daemon', () => {
    const plan = planService(ctx({ platform: 'darwin', home: '/Users/ann' }));
    const args = [.../<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(plan.content)![1]!.matchAll(/<string>([\s\S]*?)<\/string>/g)].map(
      (m) => m[1],
    );
    expect(args.slice(0, 2)).toEqual(['/opt/portkey-doctor/portkey-doctor', 'daemon']);
    expect(plan.content).not.toContain('@CLI@');
    expect(installedDaemonArgs(plan.kind, plan.content)).toEqual(['--raise-after', '3', '--json-file', '/var/tmp/a b.json']);
  });

  it('with a script (npm install), node then the script, as before', () => {
    const plan = planService(ctx({ node: '/usr/bin/node', cli: '/usr/lib/node_modules/portkey-doctor/dist/cli.js' }));
    expect(plan.content).toMatch(/^ExecStart=\/usr\/bin\/node \/usr\/lib\/node_modules\/portkey-doctor\/dist\/cli\.js daemon /m);
    expect(installedDaemonArgs(plan.kind, plan.content)).toEqual(['--raise-after', '3', '--json-file', '/var/tmp/a b.json']);
  });
});
