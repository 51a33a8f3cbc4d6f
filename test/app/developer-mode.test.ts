/** developer-mode as a unit, on fixture Claude data folders. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import developerMode from '../../src/checks/developer-mode.js';
import { GOOD_PROFILE, writeProfile } from '../cli/run-cli.js';
import { emptyHome, runAppChecks, verdict } from './harness.js';

const DATA = fileURLToPath(new URL('../fixtures/app/claude-data/', import.meta.url));

async function run(dataCase: string | undefined, withSettings = true, env: Record<string, string> = {}) {
  const r = await runAppChecks([developerMode], {
    ...(withSettings ? { claudeDir: writeProfile(GOOD_PROFILE) } : {}),
    env: { ...env, ...(dataCase ? { PORTKEY_DOCTOR_CLAUDE_DATA_DIR: join(DATA, dataCase, 'Claude') } : {}) },
  });
  return r['developer-mode']!;
}

describe('developer-mode', () => {
  it('allowDevTools true: ok', async () => {
    expect(verdict(await run('on'))).toEqual({ status: 'ok', code: undefined });
  });

  it.each([
    ['empty', 'DEVELOPER_SETTINGS_EMPTY'],
    ['whitespace', 'DEVELOPER_SETTINGS_EMPTY'],
    ['corrupt', 'DEVELOPER_SETTINGS_INVALID_JSON'],
    ['bom', 'DEVELOPER_SETTINGS_BOM'],
    ['array', 'DEVELOPER_SETTINGS_NOT_OBJECT'],
  ])('%s developer_settings.json: fail %s, the fix names the file', async (dataCase, code) => {
    const r = await run(dataCase);
    expect(verdict(r)).toEqual({ status: 'fail', code });
    expect(r.fix ?? '').toContain(join(DATA, dataCase, 'Claude', 'developer_settings.json'));
  });

  it('a folder where the file should be: fail DEVELOPER_SETTINGS_UNREADABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-claude-data-'));
    mkdirSync(join(dir, 'developer_settings.json'));
    const r = await runAppChecks([developerMode], { claudeDir: writeProfile(GOOD_PROFILE), env: { PORTKEY_DOCTOR_CLAUDE_DATA_DIR: dir } });
    expect(verdict(r['developer-mode'])).toEqual({ status: 'fail', code: 'DEVELOPER_SETTINGS_UNREADABLE' });
  });

  it('off or absent: ok while settings exist, warn DEVELOPER_MODE_OFF when the user still has to configure', async () => {
    expect(verdict(await run('off'))).toEqual({ status: 'ok', code: undefined });
    expect(verdict(await run('absent'))).toEqual({ status: 'ok', code: undefined });
    expect(verdict(await run('off', false))).toEqual({ status: 'warn', code: 'DEVELOPER_MODE_OFF' });
    expect(verdict(await run('absent', false))).toEqual({ status: 'warn', code: 'DEVELOPER_MODE_OFF' });
  });

  it('no Claude data folder: skip DEVELOPER_DATA_DIR_NOT_FOUND', async () => {
    expect(verdict(await run(undefined))).toEqual({ status: 'skip', code: 'DEVELOPER_DATA_DIR_NOT_FOUND' });
    expect(verdict(await run('nope'))).toEqual({ status: 'skip', code: 'DEVELOPER_DATA_DIR_NOT_FOUND' });
  });

  it('finds the OS’s own Claude folder (Linux: $XDG_CONFIG_HOME/Claude)', async () => {
    const home = emptyHome();
    mkdirSync(join(home, '.config', 'Claude'), { recursive: true });
    writeFileSync(join(home, '.config', 'Claude', 'developer_settings.json'), '');
    const r = await runAppChecks([developerMode], { claudeDir: writeProfile(GOOD_PROFILE), env: { HOME: home } });
    expect(verdict(r['developer-mode'])).toEqual({ status: 'fail', code: 'DEVELOPER_SETTINGS_EMPTY' });
  });
});
