/**
 * The "nothing changed after I fixed my settings" scenario with real processes and real file
 * modification times: a stand-in app started before a settings change → RELAUNCH_NEEDED with both
 * times; restarted after it → ok. Also with the macOS process rules (main + Claude Helper
 * processes) on a stand-in named like the real bundle — the only test file that starts one.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import appRunning from '../../src/checks/app-running.js';
import relaunchNeeded from '../../src/checks/relaunch-needed.js';
import { GOOD_PROFILE, writeProfile } from '../cli/run-cli.js';
import { runAppChecks, verdict } from './harness.js';
import { sleep, startStandIn, uniqueAppPath, type StandIn } from './stand-in.js';

const PROFILE_ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});
const start = async (...args: Parameters<typeof startStandIn>) => {
  const s = await startStandIn(...args);
  started.push(s);
  return s;
};
/** `ps` start times are whole seconds (and procps rounds the boot time): wait past that. */
const PAST_START_UNCERTAINTY_MS = 2_500;

async function run(claudeDir: string | undefined, env: Record<string, string>, platform: NodeJS.Platform = 'linux') {
  const r = await runAppChecks([appRunning, relaunchNeeded], { ...(claudeDir ? { claudeDir } : {}), env, platform });
  return { running: r['app-running']!, relaunch: r['relaunch-needed']! };
}

describe.skipIf(process.platform === 'win32')('relaunch-needed', () => {
  it('settings changed after the app started → RELAUNCH_NEEDED; after a restart → ok', async () => {
    const dir = writeProfile(GOOD_PROFILE);
    const app = uniqueAppPath('claude-desktop');
    const env = { PORTKEY_DOCTOR_APP_PROCESS: app };
    let s = await start(app, { helpers: 1 });

    let r = await run(dir, env);
    expect(verdict(r.relaunch)).toEqual({ status: 'ok', code: undefined });

    await sleep(PAST_START_UNCERTAINTY_MS);
    writeFileSync(join(dir, 'configLibrary', `${PROFILE_ID}.json`), JSON.stringify({ ...GOOD_PROFILE, inferenceGatewayBaseUrl: 'https://gw.example.com' }));
    r = await run(dir, env);
    expect(verdict(r.relaunch)).toEqual({ status: 'warn', code: 'RELAUNCH_NEEDED' });
    const d = r.relaunch.details!;
    expect(d['pid']).toBe(s.pid);
    expect(d['newestFile']).toBe(join(dir, 'configLibrary', `${PROFILE_ID}.json`));
    expect(Date.parse(d['settingsChangedAt'] as string)).toBeGreaterThan(Date.parse(d['startedAt'] as string));
    expect(r.relaunch.fix).toMatch(/Quit/);

    await s.stop();
    started.splice(0);
    s = await start(app, { helpers: 1 });
    r = await run(dir, env);
    expect(verdict(r.running)).toEqual({ status: 'ok', code: undefined });
    expect(r.running.details).toMatchObject({ main: { pid: s.pid } });
    expect(verdict(r.relaunch)).toEqual({ status: 'ok', code: undefined });
  });

  it('_meta.json (a different profile applied) and the legacy file count as settings changes', async () => {
    const dir = writeProfile(GOOD_PROFILE);
    const app = uniqueAppPath('claude-desktop');
    await start(app);
    const later = Date.now() / 1000 + 30;
    utimesSync(join(dir, 'configLibrary', '_meta.json'), later, later);
    let r = await run(dir, { PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(verdict(r.relaunch)).toEqual({ status: 'warn', code: 'RELAUNCH_NEEDED' });
    expect(r.relaunch.details?.['newestFile']).toBe(join(dir, 'configLibrary', '_meta.json'));

    const dir2 = writeProfile(GOOD_PROFILE);
    writeFileSync(join(dir2, 'claude_desktop_config.json'), JSON.stringify({ deploymentMode: '3p' }));
    utimesSync(join(dir2, 'claude_desktop_config.json'), later, later);
    r = await run(dir2, { PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(verdict(r.relaunch)).toEqual({ status: 'warn', code: 'RELAUNCH_NEEDED' });
    expect(r.relaunch.details?.['newestFile']).toBe(join(dir2, 'claude_desktop_config.json'));
  });

  it('app not running → ok; no settings files (gateway from the environment) → ok; no settings → blocked', async () => {
    const none = uniqueAppPath('claude-desktop');
    expect(verdict((await run(writeProfile(GOOD_PROFILE), { PORTKEY_DOCTOR_APP_PROCESS: none })).relaunch)).toEqual({ status: 'ok', code: undefined });
    const app = uniqueAppPath('claude-desktop');
    await start(app);
    const flags = await run(undefined, { PORTKEY_DOCTOR_APP_PROCESS: app, PORTKEY_DOCTOR_BASE_URL: 'https://api.portkey.ai' });
    expect(verdict(flags.relaunch)).toEqual({ status: 'ok', code: undefined });
    const nothing = await run(undefined, { PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(verdict(nothing.relaunch)).toEqual({ status: 'skip', code: 'BLOCKED' });
  });

  it('macOS rules: a stand-in named like Claude.app/Contents/MacOS/Claude with Claude Helper children', async () => {
    const bundle = uniqueAppPath('Claude.app');
    const main = `${bundle}/Contents/MacOS/Claude`;
    const helper = `${bundle}/Contents/Frameworks/Claude Helper (Renderer).app/Contents/MacOS/Claude Helper (Renderer)`;
    const dir = writeProfile(GOOD_PROFILE);
    const s = await start(main, { helpers: 2, helperArgv0: helper });
    let r = await run(dir, {}, 'darwin');
    expect(verdict(r.running)).toEqual({ status: 'ok', code: undefined });
    expect(r.running.details).toMatchObject({ main: { pid: s.pid }, helpers: 2 });
    expect(verdict(r.relaunch)).toEqual({ status: 'ok', code: undefined });
    await sleep(PAST_START_UNCERTAINTY_MS);
    writeFileSync(join(dir, 'configLibrary', `${PROFILE_ID}.json`), JSON.stringify(GOOD_PROFILE));
    r = await run(dir, {}, 'darwin');
    expect(verdict(r.relaunch)).toEqual({ status: 'warn', code: 'RELAUNCH_NEEDED' });
    expect(r.relaunch.fix).toContain('⌘Q');
  });
});
