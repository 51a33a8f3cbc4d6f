import { describe, expect, it } from 'vitest';
import {
  claude3pCandidateDirs,
  claude3pCandidates,
  claudeDataDirCandidates,
  defaultPolicyPath,
  developerSettingsPath,
  legacyConfigPath,
  managedPlistPaths,
  managedRegistryKeys,
  MANAGED_REGISTRY_KEYS,
  msixPackagesDir,
  profileMetaPath,
  managedSettingsFile,
  profilePath,
  userDataDirOverride,
  type PathContext,
} from '../../src/config/paths.js';

const win: PathContext = {
  platform: 'win32',
  // Windows env names are case-insensitive: the lookups must not depend on the casing.
  env: { LocalAppData: 'C:\\Users\\ana\\AppData\\Local', APPDATA: 'C:\\Users\\ana\\AppData\\Roaming', PROGRAMDATA: 'D:\\PD' },
  homedir: 'C:\\Users\\ana',
  username: 'ana',
};
const mac: PathContext = { platform: 'darwin', env: {}, homedir: '/Users/ana', username: 'ana' };
const linux: PathContext = { platform: 'linux', env: {}, homedir: '/home/ana', username: 'ana' };

describe('Claude-3p candidates', () => {
  it('macOS: ~/Library/Application Support/Claude-3p', () => {
    expect(claude3pCandidates(mac)).toEqual(['/Users/ana/Library/Application Support/Claude-3p']);
  });

  // Changed by issue 11: Local before Roaming inside each MSIX package, and both known package
  // families are always tried (docs/claude-desktop.md, "Folders").
  it('Windows: LOCALAPPDATA, APPDATA, then each MSIX package (known families first), Local before Roaming', () => {
    const pkg = 'C:\\Users\\ana\\AppData\\Local\\Packages';
    expect(claude3pCandidates(win, ['Microsoft.Something_1', 'Claude_pzs8sxrjxfjjc', 'claude_other', 'AnthropicPBC.Claude_zzz'])).toEqual([
      'C:\\Users\\ana\\AppData\\Local\\Claude-3p',
      'C:\\Users\\ana\\AppData\\Roaming\\Claude-3p',
      `${pkg}\\Claude_pzs8sxrjxfjjc\\LocalCache\\Local\\Claude-3p`,
      `${pkg}\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude-3p`,
      `${pkg}\\AnthropicPBC.Claude_fnn82j28hfe8t\\LocalCache\\Local\\Claude-3p`,
      `${pkg}\\AnthropicPBC.Claude_fnn82j28hfe8t\\LocalCache\\Roaming\\Claude-3p`,
      `${pkg}\\AnthropicPBC.Claude_zzz\\LocalCache\\Local\\Claude-3p`,
      `${pkg}\\AnthropicPBC.Claude_zzz\\LocalCache\\Roaming\\Claude-3p`,
      `${pkg}\\claude_other\\LocalCache\\Local\\Claude-3p`,
      `${pkg}\\claude_other\\LocalCache\\Roaming\\Claude-3p`,
    ]);
    expect(claude3pCandidateDirs(win).map((c) => c.roaming)).toEqual([false, true, false, true, false, true]);
    expect(msixPackagesDir(win)).toBe('C:\\Users\\ana\\AppData\\Local\\Packages');
    expect(msixPackagesDir(mac)).toBeUndefined();
  });

  it('Windows without the variables falls back on the home folder', () => {
    expect(claude3pCandidates({ ...win, env: {} }).slice(0, 3)).toEqual([
      'C:\\Users\\ana\\AppData\\Local\\Claude-3p',
      'C:\\Users\\ana\\AppData\\Roaming\\Claude-3p',
      'C:\\Users\\ana\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Local\\Claude-3p',
    ]);
  });

  it('CLAUDE_USER_DATA_DIR: used as is when absolute, ignored when relative or empty', () => {
    expect(userDataDirOverride({ ...linux, env: { CLAUDE_USER_DATA_DIR: '/data/claude' } })).toBe('/data/claude');
    expect(userDataDirOverride({ ...linux, env: { CLAUDE_USER_DATA_DIR: 'rel/claude' } })).toBeUndefined();
    expect(userDataDirOverride({ ...linux, env: { CLAUDE_USER_DATA_DIR: '' } })).toBeUndefined();
    expect(userDataDirOverride({ ...win, env: { claude_user_data_dir: 'D:\\Claude' } })).toBe('D:\\Claude');
    expect(userDataDirOverride(mac)).toBeUndefined();
  });

  it('Linux: $XDG_CONFIG_HOME first, then ~/.config; duplicates and relative XDG dropped', () => {
    expect(claude3pCandidates(linux)).toEqual(['/home/ana/.config/Claude-3p']);
    expect(claude3pCandidates({ ...linux, env: { XDG_CONFIG_HOME: '/xdg' } })).toEqual(['/xdg/Claude-3p', '/home/ana/.config/Claude-3p']);
    expect(claude3pCandidates({ ...linux, env: { XDG_CONFIG_HOME: '/home/ana/.config' } })).toEqual(['/home/ana/.config/Claude-3p']);
    expect(claude3pCandidates({ ...linux, env: { XDG_CONFIG_HOME: 'rel' } })).toEqual(['/home/ana/.config/Claude-3p']);
  });
});

describe('files in a folder', () => {
  it('uses the target OS separators', () => {
    const dir = 'C:\\Users\\ana\\AppData\\Local\\Claude-3p';
    expect(profileMetaPath(dir, 'win32')).toBe(`${dir}\\configLibrary\\_meta.json`);
    expect(profilePath(dir, 'abc', 'win32')).toBe(`${dir}\\configLibrary\\abc.json`);
    expect(legacyConfigPath(dir, 'win32')).toBe(`${dir}\\claude_desktop_config.json`);
    expect(profileMetaPath('/x/Claude-3p', 'darwin')).toBe('/x/Claude-3p/configLibrary/_meta.json');
  });

  it('the Claude folder for developer_settings.json', () => {
    expect(claudeDataDirCandidates(mac)).toEqual(['/Users/ana/Library/Application Support/Claude']);
    expect(claudeDataDirCandidates(win)[0]).toBe('C:\\Users\\ana\\AppData\\Roaming\\Claude');
    expect(developerSettingsPath('C:\\Users\\ana\\AppData\\Roaming\\Claude', 'win32')).toBe(
      'C:\\Users\\ana\\AppData\\Roaming\\Claude\\developer_settings.json',
    );
  });
});

describe('managed locations', () => {
  it('macOS plists: the user one, then the machine-wide one', () => {
    expect(managedPlistPaths(mac)).toEqual([
      { path: '/Library/Managed Preferences/ana/com.anthropic.claudefordesktop.plist', scope: 'user' },
      { path: '/Library/Managed Preferences/com.anthropic.claudefordesktop.plist', scope: 'machine' },
    ]);
    expect(managedPlistPaths(win)).toEqual([]);
    expect(managedPlistPaths(linux)).toEqual([]);
  });

  it('Windows policy keys: HKLM before HKCU', () => {
    expect(managedRegistryKeys('win32').map((k) => k.key)).toEqual(['HKLM\\SOFTWARE\\Policies\\Claude', 'HKCU\\SOFTWARE\\Policies\\Claude']);
    expect(MANAGED_REGISTRY_KEYS[0].scope).toBe('machine');
    expect(managedRegistryKeys('darwin')).toEqual([]);
  });

  it('Linux: /etc/claude-desktop/managed-settings.json, only on Linux', () => {
    expect(managedSettingsFile('linux')).toBe('/etc/claude-desktop/managed-settings.json');
    expect(managedSettingsFile('darwin')).toBeUndefined();
    expect(managedSettingsFile('win32')).toBeUndefined();
  });
});

describe('defaultPolicyPath', () => {
  it('per OS', () => {
    expect(defaultPolicyPath('linux', {})).toBe('/etc/portkey-doctor/policy.json');
    expect(defaultPolicyPath('darwin', {})).toBe('/Library/Application Support/portkey-doctor/policy.json');
    expect(defaultPolicyPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe('C:\\ProgramData\\portkey-doctor\\policy.json');
    expect(defaultPolicyPath('win32', win.env)).toBe('D:\\PD\\portkey-doctor\\policy.json');
    expect(defaultPolicyPath('win32', {})).toBe('C:\\ProgramData\\portkey-doctor\\policy.json');
  });
});
