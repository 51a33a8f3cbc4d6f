/**
 * `portkey-doctor fix` through the built CLI (npm run build first), on real files in temp
 * folders: --dry-run writes nothing, --yes repairs (backup byte for byte, mode, order, unknown
 * keys and indentation kept; the settings checks pass after; a second fix changes nothing),
 * --undo restores, the running app (a real stand-in process) is refused, the managed case
 * writes only the file for IT, and the key never shows.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as plist from 'plist';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyHome, parseReport, runCli, TEST_KEY } from '../cli/run-cli.js';
import { startStandIn, uniqueAppPath, type StandIn } from '../app/stand-in.js';

const ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const SCHEMA = JSON.parse(readFileSync(new URL('../../schema/fix-plan.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(SCHEMA);

/** A profile with two curable problems, an unknown key, a comment-free tab-indented layout, mode 0640. */
const BROKEN = `{\n\t"inferenceProvider": "gateway",\n\t"zzTeamNote": "kept as is",\n\t"inferenceGatewayBaseUrl": "https://api.portkey.ai/v1",\n\t"inferenceGatewayApiKey": "Bearer ${TEST_KEY}",\n\t"inferenceModels": ["claude-sonnet-4-5"]\n}\n`;

interface Folder {
  dir: string;
  file: string;
  dataDir: string;
}

function folder(text = BROKEN, mode = 0o640): Folder {
  const dir = mkdtempSync(join(tmpdir(), 'pkd-fix-'));
  mkdirSync(join(dir, 'configLibrary'));
  writeFileSync(join(dir, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: ID, entries: [{ id: ID, name: 'Default' }] }));
  const file = join(dir, 'configLibrary', `${ID}.json`);
  writeFileSync(file, text);
  chmodSync(file, mode);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'pkd-fix-data-')), 'Claude');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'developer_settings.json'), '{"allowDevTools": true}\n');
  return { dir, file, dataDir };
}

/** A process name no test runs: the app is "not running" whatever else runs on the machine. */
const notRunning = () => ({ PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') });

const fix = (f: Folder, extra: string[], env: Record<string, string> = notRunning()) =>
  runCli(['fix', '--no-policy', '--claude-dir', f.dir, '--claude-data-dir', f.dataDir, ...extra], { HOME: emptyHome(), ...env });

/** Every file under a folder: content hash, mode and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[p] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${(st.mode & 0o777).toString(8)} ${st.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

function noKey(run: { stdout: string; stderr: string }): void {
  expect(run.stdout + run.stderr).not.toContain(TEST_KEY);
  expect(run.stdout + run.stderr).not.toContain(TEST_KEY.slice(3, 15));
}

const started: StandIn[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe.skipIf(process.platform === 'win32')('portkey-doctor fix through the CLI', () => {
  it('--dry-run writes nothing (hashes, modes and mtimes unchanged), shows the diff with the key as its fingerprint', async () => {
    const f = folder();
    const before = { ...snapshot(f.dir), ...snapshot(f.dataDir) };
    const run = await fix(f, ['--dry-run']);
    expect(run.code).toBe(1); // zzTeamNote: no fixer cures an unknown key it cannot name
    expect(run.stdout).toContain('BASE_URL_ENDS_V1');
    expect(run.stdout).toMatch(/<key sha256:[0-9a-f]{12}>/);
    noKey(run);
    expect({ ...snapshot(f.dir), ...snapshot(f.dataDir) }).toEqual(before);
  });

  it('--json alone is a dry run: the plan validates against the published schema, the key only as its fingerprint', async () => {
    const f = folder();
    const before = snapshot(f.dir);
    const run = await fix(f, ['--json']);
    noKey(run);
    const plan = JSON.parse(run.stdout);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.mode).toBe('dry-run');
    expect(plan.appRunning).toBe(false);
    expect(plan.changes.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['BASE_URL_ENDS_V1', 'API_KEY_BEARER_PREFIX']));
    expect(plan.remaining.map((r: { code: string }) => r.code)).toContain('KEYS_UNKNOWN');
    expect(snapshot(f.dir)).toEqual(before);

    // One value with several repairs: one change naming every code it cures; none listed as not fixed.
    const g = folder(BROKEN.replace('"https://api.portkey.ai/v1"', '" https://api.portkey.ai/v1"'));
    const several = JSON.parse((await fix(g, ['--json'])).stdout);
    expect(validate(several), JSON.stringify(validate.errors)).toBe(true);
    expect(several.changes).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'BASE_URL_WHITESPACE', alsoCures: ['BASE_URL_ENDS_V1'] })]));
    expect(several.remaining.map((r: { code: string }) => r.code)).not.toContain('BASE_URL_ENDS_V1');
  });

  it('not on a terminal and without --yes: nothing is written', async () => {
    const f = folder();
    const before = snapshot(f.dir);
    const run = await fix(f, []);
    expect(run.stdout).toContain('--yes');
    expect(snapshot(f.dir)).toEqual(before);
  });

  it('--yes repairs: backup byte for byte (0600), mode/order/unknown keys/tabs kept, checks pass after, a second fix changes nothing, --undo restores', async () => {
    const f = folder();
    const original = readFileSync(f.file);
    const run = await fix(f, ['--yes', '--json']);
    noKey(run);
    const plan = JSON.parse(run.stdout);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.mode).toBe('applied');
    expect(plan.relaunch).toBe(true);
    expect(plan.after).toEqual(
      expect.arrayContaining([{ check: 'base-url', before: 'fail BASE_URL_ENDS_V1', after: 'ok' }, expect.objectContaining({ check: 'api-key', after: 'ok' })]),
    );
    expect(plan.remaining.map((r: { code: string }) => r.code)).toEqual(['KEYS_UNKNOWN']);
    expect(run.code).toBe(1);

    // The file: only the two values changed; the rest as it was.
    const fixed = readFileSync(f.file, 'utf8');
    expect(fixed).toBe(BROKEN.replace('/v1"', '"').replace(`Bearer ${TEST_KEY}`, TEST_KEY));
    expect(statSync(f.file).mode & 0o777).toBe(0o640);
    // The backup: beside it, 0600, byte for byte.
    const [backup] = plan.written.map((w: { backup: string }) => w.backup);
    expect(backup).toMatch(new RegExp(`${ID}\\.json\\.bak-\\d{8}T\\d{9}Z$`));
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(readFileSync(backup).equals(original)).toBe(true);
    // No temporary file left behind.
    expect(readdirSync(join(f.dir, 'configLibrary')).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    // The doctor's settings checks pass on the fixed file.
    const report = parseReport(await runCli(['--json', '--offline', '--only', 'settings', '--no-policy', '--claude-dir', f.dir], { HOME: emptyHome() }));
    for (const id of ['base-url', 'api-key', 'claude-settings', 'auth-scheme']) expect(report.checks.find((c) => c.id === id)?.status, id).toBe('ok');

    // Idempotent: a second fix has nothing to change and writes nothing.
    const snap = snapshot(f.dir);
    const again = JSON.parse((await fix(f, ['--yes', '--json'])).stdout);
    expect(again.mode).toBe('nothing-to-fix');
    expect(again.changes).toEqual([]);
    expect(snapshot(f.dir)).toEqual(snap);

    // --undo: the original, byte for byte.
    const undo = await fix(f, ['--undo', '--json']);
    const undone = JSON.parse(undo.stdout);
    expect(validate(undone), JSON.stringify(validate.errors)).toBe(true);
    expect(undone.mode).toBe('undo');
    expect(undone.restored).toEqual([{ path: f.file, backup }]);
    expect(readFileSync(f.file).equals(original)).toBe(true);
    expect(statSync(f.file).mode & 0o777).toBe(0o640);
  });

  it('refuses while the app runs (a real stand-in process); --force writes anyway', async () => {
    const f = folder();
    const app = uniqueAppPath('claude-desktop');
    started.push(await startStandIn(app));
    const before = snapshot(f.dir);
    const refused = await fix(f, ['--yes'], { PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('quit the app fully, then run fix again');
    noKey(refused);
    expect(snapshot(f.dir)).toEqual(before);

    const json = JSON.parse((await fix(f, ['--yes', '--json'], { PORTKEY_DOCTOR_APP_PROCESS: app })).stdout);
    expect(json).toMatchObject({ mode: 'refused', appRunning: true, exitCode: 2 });
    expect(snapshot(f.dir)).toEqual(before);

    // --undo is refused too.
    const undo = await fix(f, ['--undo'], { PORTKEY_DOCTOR_APP_PROCESS: app });
    expect(undo.code).not.toBe(0);

    const forced = JSON.parse((await fix(f, ['--yes', '--force', '--json'], { PORTKEY_DOCTOR_APP_PROCESS: app })).stdout);
    expect(forced.mode).toBe('applied');
    expect(readFileSync(f.file, 'utf8')).not.toContain('/v1');
  });

  it('a symbolic link as the settings file is not written through', async () => {
    const f = folder();
    const real = join(mkdtempSync(join(tmpdir(), 'pkd-fix-elsewhere-')), 'real.json');
    writeFileSync(real, BROKEN);
    const { rmSync, symlinkSync } = await import('node:fs');
    rmSync(f.file);
    symlinkSync(real, f.file);
    const run = await fix(f, ['--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('symbolic link');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(real, 'utf8')).toBe(BROKEN);
    noKey(run);
  });

  it('managed settings: never written; only the policy file for IT, in --it-dir, without the key', async () => {
    const f = folder(`${JSON.stringify({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' }, null, 2)}\n`);
    const managedDir = mkdtempSync(join(tmpdir(), 'pkd-fix-managed-'));
    const managed = join(managedDir, 'managed-settings.json');
    writeFileSync(
      managed,
      `${JSON.stringify({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai/v1', inferenceGatewayApiKey: TEST_KEY, inferenceModels: ['claude-sonnet-4-5'] }, null, 2)}\n`,
    );
    const itDir = mkdtempSync(join(tmpdir(), 'pkd-fix-it-'));
    const before = { ...snapshot(f.dir), ...snapshot(managedDir) };

    const dry = JSON.parse((await fix(f, ['--managed', managed, '--it-dir', itDir, '--dry-run', '--json'])).stdout);
    expect(validate(dry), JSON.stringify(validate.errors)).toBe(true);
    expect(dry.source.managed).toBe(true);
    expect(dry.itFile).toMatchObject({ path: null, format: 'managed-settings.json', set: ['inferenceGatewayBaseUrl'] });
    expect(readdirSync(itDir)).toEqual([]);

    const applied = JSON.parse((await fix(f, ['--managed', managed, '--it-dir', itDir, '--yes', '--json'])).stdout);
    expect(applied).toMatchObject({ mode: 'applied', written: [], relaunch: false });
    // What the IT file cures is not listed as left to do by hand.
    expect(applied.remaining.map((r: { code: string }) => r.code)).not.toContain('BASE_URL_ENDS_V1');
    const { rmSync } = await import('node:fs');
    for (const n of readdirSync(itDir)) rmSync(join(itDir, n));
    const run = await fix(f, ['--managed', managed, '--it-dir', itDir, '--yes']);
    noKey(run);
    expect(run.stdout).toContain('root');
    expect({ ...snapshot(f.dir), ...snapshot(managedDir) }).toEqual(before);
    const written = readdirSync(itDir);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^portkey-doctor-policy-.*-managed-settings\.json$/);
    const itFile = join(itDir, written[0]!);
    expect(statSync(itFile).mode & 0o777).toBe(0o600);
    const text = readFileSync(itFile, 'utf8');
    expect(text).not.toContain(TEST_KEY);
    expect(JSON.parse(text)).toEqual({
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: 'https://api.portkey.ai',
      inferenceModels: ['claude-sonnet-4-5'],
    });
    expect(existsSync(join(f.dir, 'configLibrary', `${ID}.json.bak`))).toBe(false);
  });

  it('a managed plist: the IT file is a plist fragment holding only the corrected keys', async () => {
    const f = folder(`${JSON.stringify({ inferenceProvider: 'gateway' }, null, 2)}\n`);
    const managedDir = mkdtempSync(join(tmpdir(), 'pkd-fix-plist-'));
    const managed = join(managedDir, 'com.anthropic.claudefordesktop.plist');
    writeFileSync(
      managed,
      plist.build({
        inferenceProvider: 'gateway',
        inferenceGatewayBaseUrl: 'https://gw.example.test/v1',
        inferenceGatewayApiKey: TEST_KEY,
        inferenceModels: '["claude-sonnet-4-5"]',
      }),
    );
    const itDir = mkdtempSync(join(tmpdir(), 'pkd-fix-it-'));
    const before = snapshot(managedDir);
    const run = await fix(f, ['--managed', managed, '--it-dir', itDir, '--yes', '--json']);
    noKey(run);
    const plan = JSON.parse(run.stdout);
    expect(plan.itFile).toMatchObject({ format: 'plist', set: ['inferenceGatewayBaseUrl'], remove: [] });
    expect(snapshot(managedDir)).toEqual(before);
    const text = readFileSync(plan.itFile.path, 'utf8');
    expect(text).not.toContain(TEST_KEY);
    expect(plist.parse(text)).toEqual({ inferenceGatewayBaseUrl: 'https://gw.example.test' });
  });

  it('fix --help is short and names its options; a doctor target flag is refused', async () => {
    const help = await runCli(['fix', '--help']);
    expect(help.code).toBe(0);
    for (const o of ['--yes', '--dry-run', '--json', '--force', '--undo', '--it-dir']) expect(help.stdout).toContain(o);
    const bad = await runCli(['fix', '--base-url', 'https://x.example.test']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
