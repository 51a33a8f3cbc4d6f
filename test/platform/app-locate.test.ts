/** Finding the app and its version: fixture bundles and install folders, captured Windows outputs. */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRegQuery } from '../../src/config/registry.js';
import { inspectAppPath, locateDarwin, locateWin32, parseAppxPackages, squirrelVersion, uninstallRecord } from '../../src/platform/app-locate.js';
import { readAsarPackageJson } from '../../src/platform/asar.js';

const APP = fileURLToPath(new URL('../fixtures/app/', import.meta.url));
const platformFixture = (name: string) => readFileSync(new URL(`../fixtures/platform/${name}`, import.meta.url), 'utf8');

describe('macOS bundles', () => {
  it('reads version and bundle id from an XML Info.plist', async () => {
    expect(await inspectAppPath(join(APP, 'current/Claude.app'), 'darwin')).toMatchObject({
      kind: 'mac-bundle',
      version: '1.8089.0',
      bundleId: 'com.anthropic.claudefordesktop',
    });
  });

  it('reads a binary Info.plist', async () => {
    const i = await inspectAppPath(join(APP, 'binary/Claude.app'), 'darwin');
    expect(i).toMatchObject({ version: '1.8089.0', bundleId: 'com.anthropic.claudefordesktop' });
    expect(i?.problem).toBeUndefined();
  });

  it('flags another bundle id and a damaged Info.plist', async () => {
    expect((await inspectAppPath(join(APP, 'other/Claude.app'), 'darwin'))?.problem?.kind).toBe('bundle-id-mismatch');
    expect((await inspectAppPath(join(APP, 'broken/Claude.app'), 'darwin'))?.problem?.kind).toBe('bundle-unreadable');
    const empty = join(mkdtempSync(join(tmpdir(), 'pkd-bundle-')), 'Claude.app');
    mkdirSync(empty);
    expect((await inspectAppPath(empty, 'darwin'))?.problem?.kind).toBe('bundle-unreadable');
  });

  it('finds ~/Applications/Claude.app (and says where it looked)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pkd-home-'));
    cpSync(join(APP, 'mid/Claude.app'), join(home, 'Applications/Claude.app'), { recursive: true });
    const found = await locateDarwin({ platform: 'darwin', env: {}, homedir: home, username: 'u' });
    expect(found.searched).toEqual(['/Applications/Claude.app', join(home, 'Applications/Claude.app')]);
    expect(found.installs.map((i) => i.version)).toEqual(['1.5000.0']);
  });

  it('returns nothing for a path that does not exist', async () => {
    expect(await inspectAppPath(join(APP, 'nope/Claude.app'), 'darwin')).toBeUndefined();
  });
});

describe('Windows installs', () => {
  it('takes the highest app-<version> folder of a Squirrel root', async () => {
    expect(await inspectAppPath(join(APP, 'AnthropicClaude'), 'linux')).toMatchObject({
      kind: 'squirrel',
      version: '1.8089.0',
      path: join(APP, 'AnthropicClaude/app-1.8089.0/Claude.exe'),
    });
    expect(await inspectAppPath(join(APP, 'AnthropicClaude/app-1.3036.0/Claude.exe'), 'linux')).toMatchObject({ kind: 'squirrel', version: '1.3036.0' });
    expect(squirrelVersion('app-1.8089.0')).toBe('1.8089.0');
    expect(squirrelVersion('packages')).toBeUndefined();
  });

  it('reads a per-user install’s version from resources/app.asar', async () => {
    expect(await inspectAppPath(join(APP, 'per-user/Programs/Claude/Claude.exe'), 'linux')).toMatchObject({ kind: 'per-user', version: '1.8089.0' });
  });

  it('reads the uninstall record from reg query output', () => {
    expect(
      uninstallRecord(
        parseRegQuery(platformFixture('reg-uninstall-anthropicclaude.txt'), 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\AnthropicClaude'),
      ),
    ).toEqual({
      version: '1.8089.0',
      location: 'C:\\Users\\alex\\AppData\\Local\\AnthropicClaude',
    });
    expect(uninstallRecord({ status: 'missing' })).toBeUndefined();
  });

  it('reads Get-AppxPackage JSON, keeping only Claude itself', () => {
    expect(parseAppxPackages(platformFixture('appx-claude.json'))).toEqual([
      expect.objectContaining({
        name: 'Claude',
        version: '1.8089.0.0',
        installLocation: 'C:\\Program Files\\WindowsApps\\Claude_1.8089.0.0_x64__pzs8sxrjxfjjc',
      }),
    ]);
    expect(parseAppxPackages(platformFixture('appx-several.json')).map((p) => p.name)).toEqual(['Claude']);
    expect(parseAppxPackages('')).toEqual([]);
  });

  it('locates the MSIX package, then the uninstall record (folders are Windows paths, absent here)', async () => {
    const found = await locateWin32(
      { platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\alex\\AppData\\Local' }, homedir: 'C:\\Users\\alex', username: 'alex' },
      {
        readRegistry: async (key) => parseRegQuery(platformFixture('reg-uninstall-anthropicclaude.txt'), key),
        appxJson: async () => ({ ok: true, stdout: platformFixture('appx-claude.json') }),
      },
    );
    // The MSIX package first (the default install), its four-part version as the app's three-part one.
    expect(found.installs.map((i) => [i.kind, i.version])).toEqual([
      ['msix', '1.8089.0'],
      ['squirrel', '1.8089.0'],
    ]);
    expect(found.searched).toContain('C:\\Users\\alex\\AppData\\Local\\AnthropicClaude');
  });

  it('finds nothing when neither record nor package exists', async () => {
    const found = await locateWin32(
      { platform: 'win32', env: {}, homedir: 'C:\\Users\\alex', username: 'alex' },
      { readRegistry: async () => ({ status: 'missing' }), appxJson: async () => ({ ok: true, stdout: '' }) },
    );
    expect(found.installs).toEqual([]);
  });
});

describe('Electron folders and app.asar', () => {
  it('reads a community Linux build’s version from its app.asar', async () => {
    expect(await inspectAppPath(join(APP, 'linux-community/claude-desktop'), 'linux')).toMatchObject({ kind: 'electron', version: '0.14.10' });
    expect(await inspectAppPath(join(APP, 'linux-community/claude-desktop/resources/app.asar'), 'linux')).toMatchObject({ version: '0.14.10' });
  });

  it('an unknown folder is installed with an unknown version', async () => {
    const i = await inspectAppPath(join(APP, 'claude-data'), 'linux');
    expect(i).toMatchObject({ kind: 'unknown' });
    expect(i?.version).toBeUndefined();
  });

  it('reports what is wrong with a file that is not an asar archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-asar-'));
    writeFileSync(join(dir, 'short.asar'), 'abc');
    writeFileSync(join(dir, 'json.asar'), Buffer.concat([Buffer.from([4, 0, 0, 0, 16, 0, 0, 0, 12, 0, 0, 0, 8, 0, 0, 0]), Buffer.from('{"files"}   ')]));
    expect(await readAsarPackageJson(join(dir, 'short.asar'))).toEqual({ ok: false, reason: 'not an asar archive' });
    expect(await readAsarPackageJson(join(dir, 'json.asar'))).toEqual({ ok: false, reason: 'asar header is not JSON' });
    expect((await readAsarPackageJson(join(dir, 'missing.asar'))).ok).toBe(false);
    const noPkg = await readAsarPackageJson(join(APP, 'per-user/Programs/Claude/resources/app.asar'));
    expect(noPkg).toMatchObject({ ok: true, packageJson: { version: '1.8089.0' } });
  });
});
