import { cpSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { discoverSettings, type DiscoverOptions } from '../../src/config/discover.js';
import { parseRegQuery, type RegistryQueryResult } from '../../src/config/registry.js';
import type { Discovery, SettingsSource } from '../../src/config/settings.js';
import { Secret } from '../../src/core/secret.js';

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const PID = '3f9c2a1e-5b7d-4c8e-9a6f-1d2e3f4a5b6c';
const METADATA = '{"tenant":"acme","user":"dev@acme.com","team":"engineering","env":"prod"}';
const layout = (name: string): string => fileURLToPath(new URL(`../fixtures/claude-3p/${name}`, import.meta.url));
const managed = (name: string): string => fileURLToPath(new URL(`../fixtures/managed/${name}`, import.meta.url));
const regFixture = (name: string): string => readFileSync(new URL(`../fixtures/registry/${name}`, import.meta.url), 'utf8');

/** A home folder with nothing in it, so no real settings on this machine leak into a test. */
function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), 'pd-home-'));
}

function opts(extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return { platform: 'linux', env: {}, homedir: emptyHome(), username: 'tester', ...extra };
}

/** The key is wrapped, and its value appears nowhere in what discovery returns. */
function expectNoKeyLeak(d: Discovery): void {
  for (const text of [JSON.stringify(d), inspect(d, { depth: null })]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('Zq9Xw7Vr4Ty2');
  }
}

function keyOf(source: SettingsSource | undefined): Secret {
  const key = source?.values?.inferenceGatewayApiKey;
  expect(key).toBeInstanceOf(Secret);
  return key as Secret;
}

describe('discoverSettings: local layouts', () => {
  it('profile-ok: the applied profile is in force with its values', async () => {
    const dir = layout('profile-ok');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.claudeDir).toBe(dir);
    expect(d.inForce?.kind).toBe('profile');
    expect(d.inForce?.location).toBe(join(dir, 'configLibrary', `${PID}.json`));
    expect(d.inForce?.profile).toEqual({ id: PID, name: 'Portkey' });
    expect(d.inForce?.problem).toBeUndefined();
    expect(d.inForce?.managed).toBe(false);
    expect(d.inForce?.bom).toBe(false);
    const { inferenceGatewayApiKey: _key, ...rest } = d.inForce?.values ?? {};
    expect(rest).toEqual({
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: 'https://api.portkey.ai',
      inferenceGatewayAuthScheme: 'bearer',
      inferenceCustomHeaders: { 'x-portkey-metadata': METADATA },
      inferenceModels: ['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: false }],
    });
    // Keys that are not inference keys are not kept.
    expect(Object.keys(d.inForce?.values ?? {})).not.toContain('someOtherAppSetting');
    expect(keyOf(d.inForce).reveal()).toBe(KEY);
    expect(d.shadowed).toEqual([]);
    expect(d.sources.map((s) => s.kind)).toEqual(['profile']);
    expect(d.searched).toEqual([
      { kind: 'profile', location: join(dir, 'configLibrary', '_meta.json'), exists: true },
      { kind: 'profile', location: join(dir, 'configLibrary', `${PID}.json`), exists: true },
      { kind: 'legacy', location: join(dir, 'claude_desktop_config.json'), exists: false },
    ]);
    // Both files that make the profile, with their real modification times.
    expect(d.inForce?.files).toEqual([
      { path: join(dir, 'configLibrary', '_meta.json'), mtimeMs: statSync(join(dir, 'configLibrary', '_meta.json')).mtimeMs },
      { path: join(dir, 'configLibrary', `${PID}.json`), mtimeMs: statSync(join(dir, 'configLibrary', `${PID}.json`)).mtimeMs },
    ]);
    expectNoKeyLeak(d);
  });

  it('legacy-ok: enterpriseConfig is in force, deploymentMode is reported', async () => {
    const dir = layout('legacy-ok');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.kind).toBe('legacy');
    expect(d.inForce?.location).toBe(join(dir, 'claude_desktop_config.json'));
    expect(d.inForce?.values?.inferenceGatewayBaseUrl).toBe('https://portkey.internal.example.com');
    expect(d.inForce?.values?.inferenceGatewayHeaders).toEqual([`x-portkey-metadata: ${METADATA}`]);
    expect(d.inForce?.deploymentMode).toBe('3p');
    expect(d.deploymentMode).toBe('3p');
    expect(keyOf(d.inForce).reveal()).toBe(KEY);
    expect(d.searched.map((s) => [s.kind, s.exists])).toEqual([
      ['profile', false],
      ['legacy', true],
    ]);
    expectNoKeyLeak(d);
  });

  it('both-layouts: the profile is in force and shadows the legacy file', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('both-layouts') }));
    expect(d.inForce?.kind).toBe('profile');
    expect(d.inForce?.values?.inferenceGatewayBaseUrl).toBe('https://api.portkey.ai');
    expect(d.shadowed.map((s) => s.kind)).toEqual(['legacy']);
    expect(d.shadowed[0]?.values?.inferenceGatewayBaseUrl).toBe('https://portkey.internal.example.com');
    expect(d.sources.map((s) => s.kind)).toEqual(['profile', 'legacy']);
    expect(d.deploymentMode).toBe('3p');
  });

  it('headers-array: the older header key is kept as an array of strings', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('headers-array') }));
    expect(d.inForce?.values?.inferenceGatewayHeaders).toEqual([`x-portkey-metadata: ${METADATA}`]);
    expect(d.inForce?.values).not.toHaveProperty('inferenceCustomHeaders');
  });

  it('bom: parsed after stripping, flagged on the source and on the file', async () => {
    const dir = layout('bom');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.kind).toBe('profile');
    expect(d.inForce?.problem).toBeUndefined();
    expect(d.inForce?.bom).toBe(true);
    expect(d.inForce?.values?.inferenceProvider).toBe('gateway');
    expect(d.inForce?.files.map((f) => [f.path, f.bom === true])).toEqual([
      [join(dir, 'configLibrary', '_meta.json'), false],
      [join(dir, 'configLibrary', `${PID}.json`), true],
    ]);
  });

  it('invalid-json: in force with the problem, exact line and column, hint, no values', async () => {
    const dir = layout('invalid-json');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.kind).toBe('profile');
    expect(d.inForce?.values).toBeUndefined();
    expect(d.inForce?.problem).toMatchObject({
      kind: 'invalid-json',
      file: join(dir, 'configLibrary', `${PID}.json`),
      // The closing brace after the trailing comma (line 5, column 41), where JSON.parse fails.
      line: 6,
      column: 1,
      hintCode: 'trailing-comma',
    });
    expect(d.inForce?.problem?.hint).toEqual(expect.any(String));
    expectNoKeyLeak(d);
  });

  it('empty-profile', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('empty-profile') }));
    expect(d.inForce?.problem).toMatchObject({ kind: 'empty', file: join(layout('empty-profile'), 'configLibrary', `${PID}.json`) });
  });

  it('meta-missing-profile: the applied profile file does not exist', async () => {
    const dir = layout('meta-missing-profile');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.kind).toBe('profile');
    expect(d.inForce?.problem).toMatchObject({ kind: 'profile-missing', file: join(dir, 'configLibrary', `${PID}.json`) });
    expect(d.inForce?.files.map((f) => f.path)).toEqual([join(dir, 'configLibrary', '_meta.json')]);
    expect(d.searched.find((s) => s.location.endsWith(`${PID}.json`))?.exists).toBe(false);
  });

  it('not-object: the profile holds an array', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('not-object') }));
    expect(d.inForce?.problem?.kind).toBe('not-object');
  });

  it('meta-invalid and enterpriseConfig of the wrong type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-3p-'));
    mkdirSync(join(dir, 'configLibrary'));
    writeFileSync(join(dir, 'configLibrary', '_meta.json'), '{"appliedId": "../../etc/passwd", "entries": []}');
    writeFileSync(join(dir, 'claude_desktop_config.json'), '{"deploymentMode": "1p", "enterpriseConfig": "gateway"}');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.kind).toBe('profile');
    expect(d.inForce?.problem).toMatchObject({ kind: 'meta-invalid', file: join(dir, 'configLibrary', '_meta.json') });
    const legacy = d.sources.find((s) => s.kind === 'legacy');
    expect(legacy?.problem?.kind).toBe('not-object');
    expect(d.deploymentMode).toBe('1p');
    expect(d.shadowed).toEqual([]);
  });

  it('an unreadable profile (a folder where the file should be)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-3p-'));
    mkdirSync(join(dir, 'configLibrary', 'abc.json'), { recursive: true });
    writeFileSync(join(dir, 'configLibrary', '_meta.json'), '{"appliedId": "abc"}');
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.problem?.kind).toBe('unreadable');
  });

  it('finds the Claude-3p folder in the home folder and reports other existing candidates', async () => {
    const home = emptyHome();
    const xdg = join(home, 'xdg');
    cpSync(layout('legacy-ok'), join(xdg, 'Claude-3p'), { recursive: true });
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude-3p'), { recursive: true });
    const d = await discoverSettings({ platform: 'linux', env: { XDG_CONFIG_HOME: xdg }, homedir: home, username: 'tester' });
    expect(d.claudeDir).toBe(join(xdg, 'Claude-3p'));
    expect(d.inForce?.kind).toBe('legacy');
    expect(d.otherClaudeDirs).toEqual([join(home, '.config', 'Claude-3p')]);
  });

  it('nothing anywhere: no source, every candidate listed as searched', async () => {
    const home = emptyHome();
    const d = await discoverSettings({ platform: 'linux', env: {}, homedir: home, username: 'tester' });
    expect(d.inForce).toBeUndefined();
    expect(d.claudeDir).toBeUndefined();
    expect(d.sources).toEqual([]);
    expect(d.searched).toEqual([
      { kind: 'profile', location: join(home, '.config', 'Claude-3p', 'configLibrary', '_meta.json'), exists: false },
      { kind: 'legacy', location: join(home, '.config', 'Claude-3p', 'claude_desktop_config.json'), exists: false },
    ]);
  });
});

describe('discoverSettings: managed sources', () => {
  it('a managed plist with string values wins over the local profile', async () => {
    const file = managed('managed-strings.plist');
    const d = await discoverSettings(opts({ claudeDir: layout('profile-ok'), managedFile: file }));
    expect(d.inForce?.kind).toBe('managed-plist');
    expect(d.inForce?.managed).toBe(true);
    expect(d.inForce?.location).toBe(file);
    expect(d.inForce?.values?.inferenceModels).toBe('["claude-sonnet-4-5","claude-opus-4-1"]');
    expect(typeof d.inForce?.values?.inferenceCustomHeaders).toBe('string');
    expect(Object.keys(d.inForce?.values ?? {})).not.toContain('disableAutoUpdates');
    expect(keyOf(d.inForce).reveal()).toBe(KEY);
    expect(d.shadowed.map((s) => s.kind)).toEqual(['profile']);
    expect(d.searched[0]).toEqual({ kind: 'managed-plist', location: file, exists: true });
    expect(d.inForce?.files).toEqual([{ path: file, mtimeMs: statSync(file).mtimeMs }]);
    expectNoKeyLeak(d);
  });

  it('native arrays/dicts are kept as read (the checks flag them)', async () => {
    const d = await discoverSettings(opts({ managedFile: managed('managed-native-arrays.plist') }));
    expect(d.inForce?.values?.inferenceModels).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(d.inForce?.values?.inferenceCustomHeaders).toEqual({ 'x-portkey-metadata': METADATA });
  });

  it('a binary plist reads the same as its XML', async () => {
    const bin = await discoverSettings(opts({ managedFile: managed('managed-binary.plist') }));
    const xml = await discoverSettings(opts({ managedFile: managed('managed-strings.plist') }));
    const strip = (s: SettingsSource | undefined) => {
      const { inferenceGatewayApiKey, ...rest } = s?.values ?? {};
      return { rest, fp: (inferenceGatewayApiKey as Secret).fingerprint };
    };
    expect(strip(bin.inForce)).toEqual(strip(xml.inForce));
  });

  it('a broken explicit managed file is in force with its problem; the profile is shadowed', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('profile-ok'), managedFile: managed('managed-broken.plist') }));
    expect(d.inForce?.kind).toBe('managed-plist');
    expect(d.inForce?.problem).toMatchObject({ kind: 'invalid-plist', line: 8 });
    expect(d.shadowed.map((s) => s.kind)).toEqual(['profile']);
  });

  it('an explicit managed file that does not exist: searched, not a source', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('profile-ok'), managedFile: '/nonexistent/x.plist' }));
    expect(d.searched[0]).toEqual({ kind: 'managed-plist', location: '/nonexistent/x.plist', exists: false });
    expect(d.inForce?.kind).toBe('profile');
  });

  it('the API key of another type keeps its shape but every string in it is wrapped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-3p-'));
    mkdirSync(join(dir, 'configLibrary'));
    writeFileSync(join(dir, 'configLibrary', '_meta.json'), '{"appliedId": "p"}');
    writeFileSync(join(dir, 'configLibrary', 'p.json'), JSON.stringify({ inferenceGatewayApiKey: [KEY] }));
    const d = await discoverSettings(opts({ claudeDir: dir }));
    const key = d.inForce?.values?.inferenceGatewayApiKey;
    expect(Array.isArray(key)).toBe(true);
    expect((key as unknown[])[0]).toBeInstanceOf(Secret);
    expectNoKeyLeak(d);
  });

  describe('Windows registry', () => {
    const registry =
      (answers: Record<string, RegistryQueryResult>) =>
      async (key: string): Promise<RegistryQueryResult> =>
        answers[key] ?? { status: 'missing' };
    const HKLM = 'HKLM\\SOFTWARE\\Policies\\Claude';
    const HKCU = 'HKCU\\SOFTWARE\\Policies\\Claude';
    const winOpts = (readRegistry: DiscoverOptions['readRegistry']): DiscoverOptions => ({
      platform: 'win32',
      env: { LOCALAPPDATA: '/nonexistent/Local', APPDATA: '/nonexistent/Roaming' },
      homedir: '/nonexistent',
      username: 'tester',
      readRegistry,
    });

    it('HKLM wins over HKCU; HKCU is shadowed; value names match case-insensitively', async () => {
      const d = await discoverSettings(
        winOpts(
          registry({
            [HKLM]: parseRegQuery(regFixture('hklm-strings.txt'), HKLM),
            [HKCU]: parseRegQuery(regFixture('hkcu-native-multi.txt'), HKCU),
          }),
        ),
      );
      expect(d.searched.slice(0, 2)).toEqual([
        { kind: 'managed-registry', location: HKLM, exists: true },
        { kind: 'managed-registry', location: HKCU, exists: true },
      ]);
      expect(d.inForce).toMatchObject({ kind: 'managed-registry', location: HKLM, scope: 'machine', managed: true });
      expect(d.inForce?.values?.inferenceModels).toBe('["claude-sonnet-4-5", "claude-opus-4-1"]');
      expect(Object.keys(d.inForce?.values ?? {})).not.toContain('Disable Auto Updates');
      expect(d.shadowed.map((s) => [s.location, s.scope])).toEqual([[HKCU, 'user']]);
      const hkcu = d.shadowed[0];
      expect(hkcu?.values?.inferenceProvider).toBe('gateway'); // from `InferenceProvider`
      expect(hkcu?.values?.inferenceModels).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
      expect(keyOf(hkcu).reveal()).toBe('');
      expectNoKeyLeak(d);
    });

    it('only HKCU set: it is in force', async () => {
      const d = await discoverSettings(winOpts(registry({ [HKCU]: parseRegQuery(regFixture('hkcu-native-multi.txt'), HKCU) })));
      expect(d.inForce?.location).toBe(HKCU);
      expect(d.searched[0]).toEqual({ kind: 'managed-registry', location: HKLM, exists: false });
    });

    it('a key with no inference values is a source but not in force', async () => {
      const d = await discoverSettings(winOpts(registry({ [HKLM]: parseRegQuery(regFixture('subkeys-only.txt'), HKLM) })));
      expect(d.sources.map((s) => s.location)).toEqual([HKLM]);
      expect(d.inForce).toBeUndefined();
    });

    it('a registry read that fails is an unreadable problem, not a throw', async () => {
      const d = await discoverSettings(
        winOpts(async (key) => {
          if (key === HKLM) throw new Error('boom');
          return { status: 'error', message: 'access is denied' };
        }),
      );
      expect(d.sources.map((s) => s.problem?.kind)).toEqual(['unreadable', 'unreadable']);
      expect(d.inForce).toBeUndefined();
    });
  });
});
