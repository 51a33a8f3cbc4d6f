/**
 * app-running as a unit, with real stand-in processes found by --app-process
 * (PORTKEY_DOCTOR_APP_PROCESS). Every stand-in has a unique path, so parallel tests never see
 * each other's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import appRunning from '../../src/checks/app-running.js';
import { runAppChecks, verdict } from './harness.js';
import { startStandIn, uniqueAppPath, type StandIn } from './stand-in.js';

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});
const start = async (...args: Parameters<typeof startStandIn>) => {
  const s = await startStandIn(...args);
  started.push(s);
  return s;
};
const run = async (env: Record<string, string>) => (await runAppChecks([appRunning], { env }))['app-running']!;

describe.skipIf(process.platform === 'win32')('app-running', () => {
  it('not running: ok, running false', async () => {
    const r = await run({ PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') });
    expect(verdict(r)).toEqual({ status: 'ok', code: undefined });
    expect(r.details?.['running']).toBe(false);
  });

  it('tells the main process from its helpers, with the main process’s start time', async () => {
    const app = uniqueAppPath('claude-desktop');
    const s = await start(app, { helpers: 2 });
    const r = await run({ PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(verdict(r)).toEqual({ status: 'ok', code: undefined });
    expect(r.details).toMatchObject({ running: true, main: { pid: s.pid }, helpers: 2 });
    expect((r.details?.['helperPids'] as number[]).sort()).toEqual([...s.helperPids].sort());
    expect(typeof (r.details?.['main'] as { startTime: unknown }).startTime).toBe('string');
  });

  it('matches by name too (a command-line word ending in /NAME)', async () => {
    const app = uniqueAppPath('claude-desktop');
    const name = app
      .split('/')
      .slice(-2)
      .join('-')
      .replace(/[^a-z0-9-]/gi, '');
    const s = await start(`${app}-${name}`);
    const r = await run({ PORTKEY_DOCTOR_APP_PROCESS: `claude-desktop-${name}` });
    expect(r.details).toMatchObject({ running: true, main: { pid: s.pid } });
  });

  it('helpers without their main process: warn APP_HELPERS_ONLY', async () => {
    const helper = uniqueAppPath('Claude Helper');
    await start(uniqueAppPath('launcher'), { helpers: 1, helperArgv0: helper });
    expect(verdict(await run({ PORTKEY_DOCTOR_APP_PROCESS: helper }))).toEqual({ status: 'warn', code: 'APP_HELPERS_ONLY' });
  });

  it('two copies running: warn APP_MULTIPLE_MAIN, the earliest first', async () => {
    const app = uniqueAppPath('claude-desktop');
    const first = await start(app);
    await start(app);
    const r = await run({ PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(verdict(r)).toEqual({ status: 'warn', code: 'APP_MULTIPLE_MAIN' });
    expect((r.details?.['main'] as { pid: number }).pid).toBe(first.pid);
  });
});
