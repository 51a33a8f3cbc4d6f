import { cpSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { discoverSettings, type DiscoverOptions } from '../../src/config/discover.js';
import { parseRegQuery, type RegistryQueryResult } from '../../src/config/registry.js';
import type { OwnerStat } from '../../src/config/linux-managed.js';
import type { DiscoveryFiles } from '../../src/config/read-file.js';
import type { Discovery, SettingsSource } from '../../src/config/settings.js';
import { Secret } from '../../src/core/secret.js';

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const PID = '3f9c2a1e-5b7d-4c8e-9a6f-1d2e3f4a5b6c';
const METADATA = '{"tenant":"acme","user":"dev@acme.com","team":"engineering","env":"prod"}';
const layout = (name: string): string => fileURLToPath(new URL(`../fixtures/claude-3p/${name}`, import.meta.url));
const managed = (name: string): string => fileURLToPath(new URL(`../fixtures/managed/${name}`, import.meta.url));
const regFixture = (name: string): string => readFileSync(new URL(`../fixtures/registry/${name}`, import.meta.url), 'utf8');

const WIN_LOCAL = 'C:\\Users\\ana\\AppData\\Local';
const WIN_ROAMING = 'C:\\Users\\ana\\AppData\\Roaming';
const META_JSON = JSON.stringify({ appliedId: PID, entries: [{ id: PID, name: 'Portkey' }] });
const PROFILE_JSON = JSON.stringify({ inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai', inferenceGatewayApiKey: KEY });

/**
 * A disk holding only the given files (Windows paths work on any OS): a path is a file when
 * listed, a folder when a listed file is inside it, missing otherwise.
 */
function fakeFiles(entries: Record<string, string>, sep = '\\'): DiscoveryFiles {
  const missing = (p: string) => Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  const isDir = (p: string) => Object.keys(entries).some((f) => f.startsWith(p + sep));
  return {
    async stat(p) {
      const text = entries[p];
      if (text !== undefined) return { isDirectory: false, size: Buffer.byteLength(text), mtimeMs: 1 };
      if (isDir(p)) return { isDirectory: true, size: 0, mtimeMs: 1 };
      throw missing(p);
    },
    async readBytes(p) {
      const text = entries[p];
      if (text === undefined) throw missing(p);
      return Buffer.from(text);
    },
    async readdir(p) {
      if (!isDir(p)) throw missing(p);
      return [
        ...new Set(
          Object.keys(entries)
            .filter((f) => f.startsWith(p + sep))
            .map((f) => f.slice(p.length + 1).split(sep)[0] ?? ''),
        ),
      ];
    },
  };
}

/** A library (`_meta.json` and the applied entry) in a data folder, as fake files. */
function libraryFiles(dir: string, sep = '\\', profile = PROFILE_JSON): Record<string, string> {
  return { [`${dir}${sep}configLibrary${sep}_meta.json`]: META_JSON, [`${dir}${sep}configLibrary${sep}${PID}.json`]: profile };
}

/** A home folder with nothing in it, so no real settings on this machine leak into a test. */
function emptyHome(): string {
  return mkdtempSync(join(tmpdir(), 'pd-home-'));
}

/** Where the Linux managed file would be in a test: inside the temporary home, so /etc is never read. */
const NO_LINUX_MANAGED = '/nonexistent/etc/claude-desktop/managed-settings.json';

function opts(extra: Partial<DiscoverOptions> = {}): DiscoverOptions {
  return { platform: 'linux', env: {}, homedir: emptyHome(), username: 'tester', linuxManagedFile: NO_LINUX_MANAGED, ...extra };
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
      { kind: 'managed-file', location: NO_LINUX_MANAGED, exists: false },
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
      ['managed-file', false],
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
    const d = await discoverSettings({
      platform: 'linux',
      env: { XDG_CONFIG_HOME: xdg },
      homedir: home,
      username: 'tester',
      linuxManagedFile: NO_LINUX_MANAGED,
    });
    expect(d.claudeDir).toBe(join(xdg, 'Claude-3p'));
    expect(d.inForce?.kind).toBe('legacy');
    expect(d.otherClaudeDirs).toEqual([join(home, '.config', 'Claude-3p')]);
  });

  it('nothing anywhere: no source, every candidate listed as searched', async () => {
    const home = emptyHome();
    const d = await discoverSettings({ platform: 'linux', env: {}, homedir: home, username: 'tester', linuxManagedFile: NO_LINUX_MANAGED });
    expect(d.inForce).toBeUndefined();
    expect(d.claudeDir).toBeUndefined();
    expect(d.sources).toEqual([]);
    expect(d.unreadLibraries).toBeUndefined();
    expect(d.searched).toEqual([
      { kind: 'managed-file', location: NO_LINUX_MANAGED, exists: false },
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

  it('native arrays/dicts are handed on as their JSON equivalents and listed', async () => {
    const d = await discoverSettings(opts({ managedFile: managed('managed-native-arrays.plist') }));
    expect(d.inForce?.values?.inferenceModels).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(d.inForce?.values?.inferenceCustomHeaders).toEqual({ 'x-portkey-metadata': METADATA });
    expect(d.inForce?.nativeValues).toEqual([
      { key: 'inferenceCustomHeaders', form: 'dict' },
      { key: 'inferenceModels', form: 'array' },
    ]);
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
    const hive = (file: string, key: string) => parseRegQuery(regFixture(file), key);

    it('HKLM with only an app-behaviour value: HKCU is ignored, and the local library stays in force', async () => {
      const local = fakeFiles({
        [`${WIN_LOCAL}\\Claude-3p\\configLibrary\\_meta.json`]: META_JSON,
        [`${WIN_LOCAL}\\Claude-3p\\configLibrary\\${PID}.json`]: PROFILE_JSON,
      });
      const d = await discoverSettings({
        ...winOpts(registry({ [HKLM]: hive('hklm-app-behaviour-only.txt', HKLM), [HKCU]: hive('hkcu-gateway.txt', HKCU) })),
        env: { LOCALAPPDATA: WIN_LOCAL, APPDATA: WIN_ROAMING },
        files: local,
      });
      expect(d.policyHive).toBe('machine');
      const [hklm, hkcu] = d.sources;
      expect(hklm).toMatchObject({ location: HKLM, keys: ['disableAutoUpdates'], values: {} });
      expect(hkcu).toMatchObject({ location: HKCU, ignoredBy: HKLM });
      expect(hkcu?.values?.inferenceGatewayBaseUrl).toBe('https://api.portkey.ai');
      expect(d.inForce?.kind).toBe('profile');
      expect(d.inForce?.location).toBe(`${WIN_LOCAL}\\Claude-3p\\configLibrary\\${PID}.json`);
      expectNoKeyLeak(d);
    });

    it('HKLM with only an app-behaviour value and no local library: nothing is in force (HKCU is invisible)', async () => {
      const d = await discoverSettings(winOpts(registry({ [HKLM]: hive('hklm-app-behaviour-only.txt', HKLM), [HKCU]: hive('hkcu-gateway.txt', HKCU) })));
      expect(d.inForce).toBeUndefined();
      expect(d.sources.find((s) => s.location === HKCU)?.ignoredBy).toBe(HKLM);
    });

    it('HKLM with only a REG_EXPAND_SZ counts as machine policy; its contents are not read', async () => {
      const d = await discoverSettings(winOpts(registry({ [HKLM]: hive('hklm-expand-sz-only.txt', HKLM), [HKCU]: hive('hkcu-gateway.txt', HKCU) })));
      expect(d.policyHive).toBe('machine');
      expect(d.sources[0]).toMatchObject({
        location: HKLM,
        values: {},
        keys: [],
        invisibleValues: [{ name: 'inferenceGatewayBaseUrl', type: 'REG_EXPAND_SZ' }],
      });
      expect(d.sources[1]?.ignoredBy).toBe(HKLM);
      expect(d.inForce).toBeUndefined();
    });

    it('HKLM with only invisible types is not machine policy: HKCU is in force', async () => {
      const d = await discoverSettings(winOpts(registry({ [HKLM]: hive('hklm-invisible-only.txt', HKLM), [HKCU]: hive('hkcu-gateway.txt', HKCU) })));
      expect(d.policyHive).toBe('user');
      expect(d.inForce?.location).toBe(HKCU);
      expect(d.inForce?.ignoredBy).toBeUndefined();
      expect(d.sources[0]?.invisibleValues?.map((v) => v.type)).toEqual(['REG_MULTI_SZ', 'REG_QWORD', 'REG_BINARY']);
      expect(d.shadowed).toEqual([]);
    });

    // Changed by issue 11: HKCU is ignored entirely while HKLM has a value (not merely shadowed), and
    // REG_MULTI_SZ / REG_QWORD / REG_BINARY values are invisible to the app, so not in `values`.
    it('HKLM in force, HKCU ignored entirely; invisible types dropped; value names match case-insensitively', async () => {
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
      expect(d.policyHive).toBe('machine');
      expect(d.inForce?.invisibleValues).toEqual([{ name: 'Log Folder', type: 'REG_EXPAND_SZ' }]);
      expect(d.shadowed.map((s) => [s.location, s.scope])).toEqual([[HKCU, 'user']]);
      const hkcu = d.shadowed[0];
      expect(hkcu?.ignoredBy).toBe(HKLM);
      expect(hkcu?.values?.inferenceProvider).toBe('gateway'); // from `InferenceProvider`
      expect(hkcu?.values).not.toHaveProperty('inferenceModels'); // REG_MULTI_SZ: the app cannot see it
      expect(hkcu?.invisibleValues).toEqual([
        { name: 'inferenceModels', type: 'REG_MULTI_SZ' },
        { name: 'Max Tokens', type: 'REG_QWORD' },
        { name: 'Blob', type: 'REG_BINARY' },
      ]);
      expect(hkcu?.subkeys).toEqual(['HKEY_CURRENT_USER\\SOFTWARE\\Policies\\Claude\\Extensions']);
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

describe('discoverSettings: where the library is (issue 11)', () => {
  it('CLAUDE_USER_DATA_DIR: the library is read there, as is (no -3p); a default folder with settings is named as not read', async () => {
    const home = emptyHome();
    const data = join(home, 'claude-data');
    cpSync(layout('profile-ok'), data, { recursive: true });
    cpSync(layout('legacy-ok'), join(home, '.config', 'Claude-3p'), { recursive: true });
    const d = await discoverSettings(opts({ homedir: home, env: { CLAUDE_USER_DATA_DIR: data } }));
    expect(d.userDataDir).toBe(data);
    expect(d.claudeDir).toBe(data);
    expect(d.inForce?.location).toBe(join(data, 'configLibrary', `${PID}.json`));
    expect(d.unreadLibraries).toEqual([
      { dir: join(home, '.config', 'Claude-3p'), file: join(home, '.config', 'Claude-3p', 'claude_desktop_config.json'), reason: 'not-read' },
    ]);
  });

  it('CLAUDE_USER_DATA_DIR pointing at an empty place: nothing in force, only that folder searched', async () => {
    const home = emptyHome();
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude-3p'), { recursive: true });
    const d = await discoverSettings(opts({ homedir: home, env: { CLAUDE_USER_DATA_DIR: join(home, 'nowhere') } }));
    expect(d.inForce).toBeUndefined();
    expect(d.claudeDir).toBeUndefined();
    expect(d.searched.filter((s) => s.kind === 'profile').map((s) => s.location)).toEqual([join(home, 'nowhere', 'configLibrary', '_meta.json')]);
    expect(d.unreadLibraries?.map((u) => u.reason)).toEqual(['not-read']);
  });

  it('a relative CLAUDE_USER_DATA_DIR is not used', async () => {
    const home = emptyHome();
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude-3p'), { recursive: true });
    const d = await discoverSettings(opts({ homedir: home, env: { CLAUDE_USER_DATA_DIR: 'claude-data' } }));
    expect(d.userDataDir).toBeUndefined();
    expect(d.claudeDir).toBe(join(home, '.config', 'Claude-3p'));
  });

  it('a library only under the first-party Claude folder: not read, named', async () => {
    const home = emptyHome();
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude'), { recursive: true });
    const d = await discoverSettings(opts({ homedir: home }));
    expect(d.inForce).toBeUndefined();
    expect(d.unreadLibraries).toEqual([
      { dir: join(home, '.config', 'Claude', 'configLibrary'), file: join(home, '.config', 'Claude', 'configLibrary', '_meta.json'), reason: 'first-party' },
    ]);
  });

  it('a library under both folders: the Claude-3p one is in force, the first-party one is named', async () => {
    const home = emptyHome();
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude'), { recursive: true });
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude-3p'), { recursive: true });
    const d = await discoverSettings(opts({ homedir: home }));
    expect(d.inForce?.kind).toBe('profile');
    expect(d.unreadLibraries?.map((u) => u.reason)).toEqual(['first-party']);
  });

  it('--claude-dir: no other folder is looked at', async () => {
    const home = emptyHome();
    cpSync(layout('profile-ok'), join(home, '.config', 'Claude'), { recursive: true });
    const d = await discoverSettings(opts({ homedir: home, claudeDir: layout('legacy-ok'), env: { CLAUDE_USER_DATA_DIR: '/elsewhere' } }));
    expect(d.claudeDir).toBe(layout('legacy-ok'));
    expect(d.userDataDir).toBeUndefined();
    expect(d.unreadLibraries).toBeUndefined();
  });

  describe('Windows folders', () => {
    const win = (files: Record<string, string>): DiscoverOptions => ({
      platform: 'win32',
      env: { LOCALAPPDATA: WIN_LOCAL, APPDATA: WIN_ROAMING },
      homedir: 'C:\\Users\\ana',
      username: 'ana',
      readRegistry: async () => ({ status: 'missing' }),
      files: fakeFiles(files),
    });

    it('%LOCALAPPDATA%\\Claude-3p is read first; a stale Roaming copy beside it is named', async () => {
      const d = await discoverSettings(win({ ...libraryFiles(`${WIN_LOCAL}\\Claude-3p`), ...libraryFiles(`${WIN_ROAMING}\\Claude-3p`) }));
      expect(d.claudeDir).toBe(`${WIN_LOCAL}\\Claude-3p`);
      expect(d.inForce?.location).toBe(`${WIN_LOCAL}\\Claude-3p\\configLibrary\\${PID}.json`);
      expect(d.otherClaudeDirs).toEqual([`${WIN_ROAMING}\\Claude-3p`]);
      expect(d.unreadLibraries).toEqual([
        { dir: `${WIN_ROAMING}\\Claude-3p`, file: `${WIN_ROAMING}\\Claude-3p\\configLibrary\\_meta.json`, reason: 'stale-roaming' },
      ]);
      expectNoKeyLeak(d);
    });

    it('only the Roaming folder (a build before the move): it is read, nothing is stale', async () => {
      const d = await discoverSettings(win(libraryFiles(`${WIN_ROAMING}\\Claude-3p`)));
      expect(d.claudeDir).toBe(`${WIN_ROAMING}\\Claude-3p`);
      expect(d.inForce?.kind).toBe('profile');
      expect(d.unreadLibraries).toBeUndefined();
    });

    it('an empty Local folder beside a Roaming library: nothing in force, the Roaming copy is stale', async () => {
      const d = await discoverSettings(win({ [`${WIN_LOCAL}\\Claude-3p\\logs\\main.log`]: '', ...libraryFiles(`${WIN_ROAMING}\\Claude-3p`) }));
      expect(d.claudeDir).toBe(`${WIN_LOCAL}\\Claude-3p`);
      expect(d.inForce).toBeUndefined();
      expect(d.unreadLibraries?.map((u) => u.reason)).toEqual(['stale-roaming']);
    });

    it('MSIX: LocalCache\\Local of a known package family, found without listing Packages', async () => {
      const dir = `${WIN_LOCAL}\\Packages\\AnthropicPBC.Claude_fnn82j28hfe8t\\LocalCache\\Local\\Claude-3p`;
      const files = fakeFiles(libraryFiles(dir));
      const d = await discoverSettings({ ...win({}), files: { ...files, readdir: async () => Promise.reject(new Error('EACCES')) } });
      expect(d.claudeDir).toBe(dir);
      expect(d.inForce?.kind).toBe('profile');
    });

    it('MSIX: a stale LocalCache\\Roaming copy beside LocalCache\\Local is named', async () => {
      const pkg = `${WIN_LOCAL}\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache`;
      const d = await discoverSettings(win({ ...libraryFiles(`${pkg}\\Local\\Claude-3p`), ...libraryFiles(`${pkg}\\Roaming\\Claude-3p`) }));
      expect(d.claudeDir).toBe(`${pkg}\\Local\\Claude-3p`);
      expect(d.unreadLibraries).toEqual([
        { dir: `${pkg}\\Roaming\\Claude-3p`, file: `${pkg}\\Roaming\\Claude-3p\\configLibrary\\_meta.json`, reason: 'stale-roaming' },
      ]);
    });

    it('a library under %APPDATA%\\Claude (the first-party folder) is named', async () => {
      const d = await discoverSettings(win(libraryFiles(`${WIN_ROAMING}\\Claude`)));
      expect(d.inForce).toBeUndefined();
      expect(d.unreadLibraries).toEqual([
        { dir: `${WIN_ROAMING}\\Claude\\configLibrary`, file: `${WIN_ROAMING}\\Claude\\configLibrary\\_meta.json`, reason: 'first-party' },
      ]);
    });
  });

  it('an upper-case appliedId is read as written (the check warns)', async () => {
    const d = await discoverSettings(opts({ claudeDir: layout('uppercase-applied-id') }));
    expect(d.inForce?.profile?.id).toBe(PID.toUpperCase());
    expect(d.inForce?.values?.inferenceProvider).toBe('gateway');
  });

  it('every top-level key name is listed, and the names inside objects; control characters escaped, sizes bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-3p-'));
    mkdirSync(join(dir, 'configLibrary'));
    writeFileSync(join(dir, 'configLibrary', '_meta.json'), '{"appliedId": "p"}');
    const nested = {
      $schemaVersion: 2,
      inference: { provider: 'gateway', gateway: { baseUrl: 'https://api.portkey.ai' } },
      'bad\u0007name': 1,
      ['x'.repeat(300)]: 1,
    };
    writeFileSync(join(dir, 'configLibrary', 'p.json'), JSON.stringify(nested));
    const d = await discoverSettings(opts({ claudeDir: dir }));
    expect(d.inForce?.values).toEqual({});
    expect(d.inForce?.keys?.slice(0, 3)).toEqual(['$schemaVersion', 'inference', 'bad\\u0007name']);
    expect(d.inForce?.keys?.[3]).toHaveLength(200);
    expect(d.inForce?.nestedKeys).toEqual({ inference: ['provider', 'gateway'] });

    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    writeFileSync(join(dir, 'configLibrary', 'p.json'), JSON.stringify({ keys: many }));
    const big = await discoverSettings(opts({ claudeDir: dir }));
    expect(big.inForce?.keys).toEqual(['keys']);
    expect(big.inForce?.nestedKeys?.['keys']).toHaveLength(500);
  });
});

describe('discoverSettings: managed sources (issue 11)', () => {
  it('a managed plist with only app-behaviour keys leaves the local profile in force', async () => {
    const file = managed('managed-app-behaviour-only.plist');
    const d = await discoverSettings(opts({ claudeDir: layout('profile-ok'), managedFile: file }));
    expect(d.inForce?.kind).toBe('profile');
    const m = d.sources.find((s) => s.kind === 'managed-plist');
    expect(m).toMatchObject({
      values: {},
      keys: ['disableAutoUpdates', 'autoUpdaterEnforcementHours'],
      nativeValues: [{ key: 'disableAutoUpdates', form: 'boolean' }],
    });
    expect(d.shadowed).toEqual([]);
  });

  it('native plist types: array (with a dict entry), dict, boolean, integer — as JSON, and listed', async () => {
    const d = await discoverSettings(opts({ managedFile: managed('managed-native-types.plist') }));
    expect(d.inForce?.values).toMatchObject({
      inferenceModels: ['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: true }],
      inferenceCustomHeaders: { 'x-portkey-metadata': METADATA },
      modelDiscoveryEnabled: false,
      inferenceCredentialHelperTtlSec: 3600,
    });
    expect(d.inForce?.nativeValues).toEqual([
      { key: 'inferenceCustomHeaders', form: 'dict' },
      { key: 'inferenceModels', form: 'array' },
      { key: 'modelDiscoveryEnabled', form: 'boolean' },
      { key: 'inferenceCredentialHelperTtlSec', form: 'integer' },
    ]);
    expectNoKeyLeak(d);
  });

  it('a plist <date>, <real> and <data> become an ISO string, a number and a length', async () => {
    const file = '/fake/managed.plist';
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>' +
      '<key>inferenceProvider</key><date>2026-09-01T12:00:00Z</date>' +
      '<key>inferenceModels</key><real>2.5</real>' +
      '<key>inferenceGatewayHeaders</key><data>3q2+7w==</data>' +
      '</dict></plist>';
    const d = await discoverSettings(opts({ managedFile: file, files: fakeFiles({ [file]: xml }, '/') }));
    expect(d.inForce?.values).toEqual({
      inferenceProvider: '2026-09-01T12:00:00.000Z',
      inferenceModels: 2.5,
      inferenceGatewayHeaders: { binary: true, length: 4 },
    });
    expect(d.inForce?.nativeValues?.map((n) => n.form)).toEqual(['date', 'real', 'data']);
  });

  describe('Linux /etc/claude-desktop/managed-settings.json', () => {
    /** A fake `lstat`: root-owned, 0755 folder and 0644 file unless overridden. */
    const owners =
      (over: { dir?: Partial<OwnerStat>; file?: Partial<OwnerStat> } = {}) =>
      async (p: string): Promise<OwnerStat | undefined> =>
        p.endsWith('.json') ? { type: 'file', uid: 0, mode: 0o644, ...over.file } : { type: 'directory', uid: 0, mode: 0o755, ...over.dir };
    const at = (name: string, extra: Partial<DiscoverOptions> = {}): DiscoverOptions =>
      opts({ linuxManagedFile: managed(name), ownerLstat: owners(), claudeDir: layout('profile-ok'), ...extra });

    it('native JSON, root-owned: in force over the local profile, every key listed', async () => {
      const d = await discoverSettings(at('linux-managed.json'));
      expect(d.inForce).toMatchObject({ kind: 'managed-file', location: managed('linux-managed.json'), managed: true });
      expect(d.inForce?.problem).toBeUndefined();
      expect(d.inForce?.values?.inferenceModels).toEqual(['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: false }]);
      expect(d.inForce?.values?.inferenceCustomHeaders).toEqual({ 'x-portkey-metadata': METADATA });
      expect(d.inForce?.keys).toContain('disableAutoUpdates');
      expect(d.inForce?.nativeValues).toBeUndefined();
      expect(d.shadowed.map((s) => s.kind)).toEqual(['profile']);
      expect(d.searched[0]).toEqual({ kind: 'managed-file', location: managed('linux-managed.json'), exists: true });
      expectNoKeyLeak(d);
    });

    it('string-encoded values are kept as strings (accepted)', async () => {
      const d = await discoverSettings(at('linux-managed-strings.json'));
      expect(d.inForce?.values?.inferenceModels).toBe('["claude-sonnet-4-5","claude-opus-4-1"]');
    });

    it('only app-behaviour keys: the local profile stays in force', async () => {
      const d = await discoverSettings(at('linux-managed-app-behaviour.json'));
      expect(d.inForce?.kind).toBe('profile');
      expect(d.sources[0]).toMatchObject({ kind: 'managed-file', values: {}, keys: ['disableAutoUpdates', 'autoUpdaterEnforcementHours'] });
    });

    it('an unrecognised key is listed as found (the check judges it)', async () => {
      const d = await discoverSettings(at('linux-managed-unknown-key.json'));
      expect(d.inForce?.kind).toBe('managed-file');
      expect(d.inForce?.keys).toContain('inferenceGatewayBaseURL');
    });

    it.each([
      ['not owned by root', { file: { uid: 1000 } }, ['.json is owned by uid 1000, not root']],
      ['group-writable', { file: { mode: 0o664 } }, ['.json is group-writable']],
      ['world-writable', { file: { mode: 0o666 } }, ['.json is group-writable', '.json is world-writable']],
      ['a symlink', { file: { type: 'symlink' as const } }, ['.json is a symbolic link']],
      ['the folder a symlink', { dir: { type: 'symlink' as const } }, ['managed is a symbolic link']],
      [
        'the folder not root-owned and group-writable',
        { dir: { uid: 501, mode: 0o775 } },
        ['managed is owned by uid 501, not root', 'managed is group-writable'],
      ],
    ])('%s: rejected, in force (local settings disabled too), the reasons named', async (_name, over, reasons) => {
      const d = await discoverSettings(at('linux-managed-app-behaviour.json', { ownerLstat: owners(over) }));
      expect(d.inForce?.kind).toBe('managed-file');
      expect(d.inForce?.problem?.kind).toBe('managed-rejected');
      const got = d.inForce?.problem?.reasons ?? [];
      expect(got).toHaveLength(reasons.length);
      reasons.forEach((r, i) => expect(got[i]).toContain(r));
      expect(d.shadowed.map((s) => s.kind)).toEqual(['profile']);
    });

    it('the real lstat: a file in a group-writable folder owned by this user (when not root) is rejected', async () => {
      const root = mkdtempSync(join(tmpdir(), 'pd-etc-'));
      const dir = join(root, 'claude-desktop');
      mkdirSync(dir, { mode: 0o775 });
      const file = join(dir, 'managed-settings.json');
      writeFileSync(file, '{"disableAutoUpdates": true}', { mode: 0o644 });
      symlinkSync(file, join(dir, 'link.json'));
      const d = await discoverSettings(opts({ linuxManagedFile: file }));
      const reasons = d.sources[0]?.problem?.reasons ?? [];
      // The folder was created 0775 (less the umask): group-writable unless the umask removed it.
      if ((statSync(dir).mode & 0o020) !== 0) expect(reasons.some((r) => r.includes('group-writable'))).toBe(true);
      if (process.getuid?.() !== 0) expect(reasons.some((r) => r.includes('not root'))).toBe(true);
      const viaLink = await discoverSettings(opts({ linuxManagedFile: join(dir, 'link.json') }));
      expect(viaLink.sources[0]?.problem?.reasons?.some((r) => r.includes('symbolic link'))).toBe(true);
    });

    it('--managed with a JSON file: read as the Linux file; the owner rules apply only at the real location', async () => {
      const d = await discoverSettings(
        opts({ claudeDir: layout('profile-ok'), managedFile: managed('linux-managed.json'), ownerLstat: owners({ file: { uid: 1000 } }) }),
      );
      expect(d.inForce?.kind).toBe('managed-file');
      expect(d.inForce?.problem).toBeUndefined();
      expect(d.searched[0]).toEqual({ kind: 'managed-file', location: managed('linux-managed.json'), exists: true });
      const real = await discoverSettings(
        opts({ managedFile: managed('linux-managed.json'), linuxManagedFile: managed('linux-managed.json'), ownerLstat: owners({ file: { uid: 1000 } }) }),
      );
      expect(real.inForce?.problem?.kind).toBe('managed-rejected');
    });

    it('--managed: a JSON file without the .json name is recognised by its content', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-m-'));
      const file = join(dir, 'managed-settings');
      writeFileSync(file, '\uFEFF  {"inferenceProvider": "gateway"}');
      const d = await discoverSettings(opts({ managedFile: file }));
      expect(d.inForce?.kind).toBe('managed-file');
      expect(d.inForce?.bom).toBe(true);
    });

    it('invalid JSON in the managed file: in force with the problem', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pd-m-'));
      const file = join(dir, 'managed-settings.json');
      writeFileSync(file, '{"inferenceProvider": "gateway",}');
      const d = await discoverSettings(opts({ claudeDir: layout('profile-ok'), linuxManagedFile: file, ownerLstat: owners() }));
      expect(d.inForce?.kind).toBe('managed-file');
      expect(d.inForce?.problem?.kind).toBe('invalid-json');
    });
  });
});
