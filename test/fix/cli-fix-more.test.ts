/**
 * More of `portkey-doctor fix` through the built CLI: a change that asks even with --yes
 * (deploymentMode "1p"), the uppercase appliedId (a file renamed and _meta.json changed in one
 * fix, and --undo), a corrupt developer_settings.json, and the question on a real terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueAppPath } from '../app/stand-in.js';
import { CLI, emptyHome, runCli, TEST_KEY } from '../cli/run-cli.js';
import { hasScript } from '../cli/tty.js';

const ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const GOOD = `${JSON.stringify({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceGatewayApiKey: TEST_KEY, inferenceModels: ['claude-sonnet-4-5'] }, null, 2)}\n`;

function layout(opts: { id?: string; profile?: string; desktop?: string; developer?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pkd-fix2-'));
  const id = opts.id ?? ID;
  mkdirSync(join(dir, 'configLibrary'));
  const meta = join(dir, 'configLibrary', '_meta.json');
  writeFileSync(meta, `${JSON.stringify({ appliedId: id, entries: [{ id, name: 'Default' }] }, null, 2)}\n`);
  const file = join(dir, 'configLibrary', `${id}.json`);
  writeFileSync(file, opts.profile ?? GOOD);
  if (opts.desktop !== undefined) writeFileSync(join(dir, 'claude_desktop_config.json'), opts.desktop);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'pkd-fix2-data-')), 'Claude');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'developer_settings.json'), opts.developer ?? '{"allowDevTools": true}\n');
  return { dir, file, meta, dataDir };
}

const args = (l: ReturnType<typeof layout>, extra: string[]) => ['fix', '--no-policy', '--claude-dir', l.dir, '--claude-data-dir', l.dataDir, ...extra];
const env = () => ({ HOME: emptyHome(), PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') });
const fixJson = async (l: ReturnType<typeof layout>, extra: string[]) => {
  const run = await runCli(args(l, [...extra, '--json']), env());
  expect(run.stdout + run.stderr).not.toContain(TEST_KEY);
  return JSON.parse(run.stdout);
};

describe.skipIf(process.platform === 'win32')('fix: asking, renames, developer settings', () => {
  it('deploymentMode "1p" asks even with --yes: held without a terminal, applied with --force', async () => {
    const desktop = `{\n  "deploymentMode": "1p",\n  "other": true\n}\n`;
    const l = layout({ desktop });
    const held = await fixJson(l, ['--yes']);
    expect(held.held).toEqual(['MODE_NOT_3P']);
    expect(held.changes.map((c: { code: string }) => c.code)).not.toContain('MODE_NOT_3P');
    expect(readFileSync(join(l.dir, 'claude_desktop_config.json'), 'utf8')).toBe(desktop);

    const forced = await fixJson(l, ['--yes', '--force']);
    expect(forced.mode).toBe('applied');
    expect(forced.changes).toEqual([expect.objectContaining({ code: 'MODE_NOT_3P', confirm: true, files: ['desktop-config'] })]);
    expect(JSON.parse(readFileSync(join(l.dir, 'claude_desktop_config.json'), 'utf8'))).toEqual({ other: true });
    expect(forced.after).toEqual(expect.arrayContaining([expect.objectContaining({ check: 'inference-mode', after: 'ok' })]));
  });

  it('an uppercase appliedId: _meta.json and the file name lower-cased in one fix; --undo restores both originals', async () => {
    const upper = ID.toUpperCase();
    const l = layout({ id: upper });
    const metaBefore = readFileSync(l.meta);
    const plan = await fixJson(l, ['--yes']);
    expect(plan.mode).toBe('applied');
    expect(plan.changes.map((c: { code: string }) => c.code)).toEqual(['SETTINGS_APPLIED_ID_UPPERCASE']);
    expect(JSON.parse(readFileSync(l.meta, 'utf8')).appliedId).toBe(ID);
    expect(existsSync(join(l.dir, 'configLibrary', `${ID}.json`))).toBe(true);
    expect(readFileSync(join(l.dir, 'configLibrary', `${ID}.json`), 'utf8')).toBe(GOOD);
    expect(plan.remaining).toEqual([]);
    expect(plan.exitCode).toBe(0);

    const undo = await fixJson(l, ['--undo']);
    expect(undo.mode).toBe('undo');
    expect(readFileSync(l.meta).equals(metaBefore)).toBe(true);
    expect(readFileSync(join(l.dir, 'configLibrary', `${upper}.json`), 'utf8')).toBe(GOOD);
  });

  it('a corrupt developer_settings.json becomes {} (backed up)', async () => {
    const l = layout({ developer: '{"allowDevTools": tru' });
    const plan = await fixJson(l, ['--yes']);
    expect(plan.mode).toBe('applied');
    expect(plan.written).toEqual([expect.objectContaining({ role: 'developer-settings' })]);
    expect(JSON.parse(readFileSync(join(l.dataDir, 'developer_settings.json'), 'utf8'))).toEqual({});
    expect(readdirSync(l.dataDir).some((n) => /^developer_settings\.json\.bak-/.test(n))).toBe(true);
  });

  /** Runs fix on a pseudo-terminal (util-linux `script`), typing `answer` when asked. */
  function onTerminal(l: ReturnType<typeof layout>, answer: string, extra: string[] = []): Promise<string> {
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, CLI, ...args(l, extra)].map(quote).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: process.env.PATH, TERM: 'xterm', LANG: 'C.UTF-8', ...env() } });
      let out = '';
      let typed = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no answer on the terminal; saw: ${out.slice(-500)}`));
      }, 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!typed && out.includes('[y/N]')) {
          typed = true;
          child.stdin.write(`${answer}\n`);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(out.replace(/\r/g, ''));
      });
    });
  }

  it.skipIf(!hasScript)('on a terminal it asks: "n" writes nothing, "y" writes', async () => {
    const profile = GOOD.replace('https://api.portkey.ai', 'https://api.portkey.ai/v1');
    const l = layout({ profile });
    const no = await onTerminal(l, 'n');
    expect(no).toContain('Apply 1 change(s)? [y/N]');
    expect(no).toContain('Nothing written.');
    expect(readFileSync(l.file, 'utf8')).toBe(profile);
    const yes = await onTerminal(l, 'y');
    expect(yes).toContain('Relaunch Claude Desktop');
    expect(yes).not.toContain(TEST_KEY);
    expect(readFileSync(l.file, 'utf8')).toBe(GOOD);
  });

  it.skipIf(!hasScript)('on a terminal, --yes still asks about deploymentMode "1p", after showing the diff: "n" keeps it, "y" removes it', async () => {
    const desktop = `{\n  "deploymentMode": "1p"\n}\n`;
    const l = layout({ desktop });
    const file = join(l.dir, 'claude_desktop_config.json');
    const no = await onTerminal(l, 'n', ['--yes']);
    expect(no.indexOf('- ')).toBeGreaterThan(-1);
    expect(no.indexOf('"deploymentMode"')).toBeLessThan(no.indexOf('[y/N]'));
    expect(no).toContain('Held back');
    expect(readFileSync(file, 'utf8')).toBe(desktop);
    const yes = await onTerminal(l, 'y', ['--yes']);
    expect(yes).toContain('Relaunch Claude Desktop');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({});
  });
});
