/** The claude-settings check alone: which source is in force, and every reason the app could not read it. */
import { expect } from 'vitest';

import claudeSettings from '../../src/checks/claude-settings.js';
import type { ReadProblem, SettingsSource } from '../../src/config/settings.js';
import { testCheck } from './check-tester.js';

const META = '/fake/Claude-3p/configLibrary/_meta.json';
const PLIST = '/Library/Managed Preferences/com.anthropic.claudefordesktop.plist';
const GOOD = { inferenceProvider: 'gateway', inferenceGatewayBaseUrl: 'https://api.portkey.ai' };

const problem = (kind: ReadProblem['kind'], extra: Partial<ReadProblem> = {}): { problem: ReadProblem; values: undefined } => ({
  problem: { kind, file: META, message: `${kind} (test)`, ...extra },
  values: undefined,
});

/** A local profile that managed settings shadow. */
const local = (values: Record<string, unknown>): SettingsSource => ({
  kind: 'profile',
  location: '/fake/Claude-3p/configLibrary/local.json',
  managed: false,
  bom: false,
  values,
  files: [],
});
const managed: Partial<SettingsSource> = { kind: 'managed-plist', location: PLIST, managed: true, profile: undefined };

const HKLM = 'HKLM\\SOFTWARE\\Policies\\Claude';
const HKCU = 'HKCU\\SOFTWARE\\Policies\\Claude';
const LINUX = '/etc/claude-desktop/managed-settings.json';
/** A registry source (values the app can see, and those it cannot). */
const registry = (scope: 'machine' | 'user', extra: Partial<SettingsSource> = {}): SettingsSource => ({
  kind: 'managed-registry',
  location: scope === 'machine' ? HKLM : HKCU,
  scope,
  managed: true,
  bom: false,
  files: [],
  values: {},
  keys: [],
  ...extra,
});
/** HKCU with a gateway configuration, ignored because HKLM has a value. */
const hkcuIgnored = registry('user', { ignoredBy: HKLM, values: GOOD, keys: Object.keys(GOOD) });
const linuxFile = (extra: Partial<SettingsSource> = {}): Partial<SettingsSource> => ({
  kind: 'managed-file',
  location: LINUX,
  managed: true,
  profile: undefined,
  keys: Object.keys(GOOD),
  ...extra,
});
const firstParty = { dir: '/home/ana/.config/Claude/configLibrary', file: '/home/ana/.config/Claude/configLibrary/_meta.json', reason: 'first-party' as const };
const roaming = {
  dir: 'C:\\Users\\ana\\AppData\\Roaming\\Claude-3p',
  file: 'C:\\Users\\ana\\AppData\\Roaming\\Claude-3p\\configLibrary\\_meta.json',
  reason: 'stale-roaming' as const,
};

testCheck(claudeSettings, [
  {
    name: 'a local profile in force',
    settings: GOOD,
    expect: {
      status: 'ok',
      details: { source: 'profile', profile: { id: '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10', name: 'Default' }, otherSources: [] },
      data: null,
    },
  },
  {
    name: 'other sources that exist are listed',
    settings: GOOD,
    discovery: { sources: [local({})] },
    expect: { status: 'ok', details: { otherSources: ['profile: /fake/Claude-3p/configLibrary/local.json'] } },
  },
  {
    name: 'no settings, gateway given by --base-url',
    settings: null,
    overrides: { baseUrl: 'https://api.portkey.ai' },
    expect: { status: 'ok', details: { searched: [expect.any(String)] } },
  },
  {
    name: 'no settings, gateway given by the environment',
    settings: null,
    env: { PORTKEY_DOCTOR_BASE_URL: 'https://api.portkey.ai' },
    expect: { status: 'ok' },
  },
  {
    name: 'no settings and no gateway: SETTINGS_NOT_FOUND',
    settings: null,
    expect: { status: 'fail', code: 'SETTINGS_NOT_FOUND', details: { searched: [expect.any(String)] } },
  },
  {
    name: 'unreadable: SETTINGS_UNREADABLE, the file in details',
    settings: GOOD,
    source: problem('unreadable'),
    expect: { status: 'fail', code: 'SETTINGS_UNREADABLE', more: [], details: { source: 'profile', file: META } },
  },
  { name: 'empty: SETTINGS_EMPTY', settings: GOOD, source: problem('empty'), expect: { status: 'fail', code: 'SETTINGS_EMPTY' } },
  {
    name: 'invalid JSON: SETTINGS_INVALID_JSON at its line and column, with the hint',
    settings: GOOD,
    source: problem('invalid-json', { line: 4, column: 1, hint: 'remove the trailing comma' }),
    expect: { status: 'fail', code: 'SETTINGS_INVALID_JSON', details: { file: META, line: 4, column: 1, hint: 'remove the trailing comma' } },
  },
  { name: 'not an object: SETTINGS_NOT_OBJECT', settings: GOOD, source: problem('not-object'), expect: { status: 'fail', code: 'SETTINGS_NOT_OBJECT' } },
  {
    name: 'broken plist: SETTINGS_PLIST_INVALID',
    settings: GOOD,
    source: { ...managed, ...problem('invalid-plist', { file: PLIST }) },
    expect: { status: 'fail', code: 'SETTINGS_PLIST_INVALID' },
  },
  {
    name: '_meta.json names no profile: SETTINGS_META_INVALID',
    settings: GOOD,
    source: problem('meta-invalid'),
    expect: { status: 'fail', code: 'SETTINGS_META_INVALID' },
  },
  {
    name: 'the applied profile is gone: SETTINGS_PROFILE_MISSING',
    settings: GOOD,
    source: problem('profile-missing'),
    expect: { status: 'fail', code: 'SETTINGS_PROFILE_MISSING' },
  },
  {
    name: 'a byte-order mark: SETTINGS_BOM',
    settings: GOOD,
    source: { bom: true },
    expect: { status: 'fail', code: 'SETTINGS_BOM', more: [], details: { source: 'profile' } },
  },
  {
    name: 'invalid JSON behind a BOM: both, the parse error first',
    settings: GOOD,
    source: { bom: true, ...problem('invalid-json', { line: 2, column: 3 }) },
    expect: { status: 'fail', code: 'SETTINGS_INVALID_JSON', more: ['SETTINGS_BOM'], details: { line: 2, column: 3 } },
  },
  {
    name: 'managed settings shadow a local profile with other values: SETTINGS_SHADOWED',
    settings: GOOD,
    source: managed,
    discovery: { shadowed: [local({ inferenceGatewayBaseUrl: 'https://gw.example.com' })] },
    expect: {
      status: 'warn',
      code: 'SETTINGS_SHADOWED',
      more: [],
      details: { source: 'managed-plist', shadowed: ['/fake/Claude-3p/configLibrary/local.json'] },
    },
  },
  {
    name: 'a shadowed local profile with the same values (managed JSON-encoded, local native) is no finding',
    settings: { ...GOOD, inferenceModels: '["claude-sonnet-4-5"]' },
    source: managed,
    discovery: { shadowed: [local({ ...GOOD, inferenceModels: ['claude-sonnet-4-5'] })] },
    expect: { status: 'ok', details: { source: 'managed-plist' } },
  },
  {
    name: 'a local profile shadowing another local one is not the managed case',
    settings: GOOD,
    discovery: { shadowed: [local({ inferenceGatewayBaseUrl: 'https://gw.example.com' })] },
    expect: { status: 'ok' },
  },
  {
    name: 'managed settings that cannot be read: the problem, not the shadowing',
    settings: GOOD,
    source: { ...managed, ...problem('invalid-plist', { file: PLIST }) },
    discovery: { shadowed: [local({ inferenceGatewayBaseUrl: 'https://gw.example.com' })] },
    expect: { status: 'fail', code: 'SETTINGS_PLIST_INVALID', more: [] },
  },

  // Issue 11: where the settings are, and what the app does not read.
  {
    name: 'CLAUDE_USER_DATA_DIR set: ok, and it says so',
    settings: GOOD,
    discovery: { userDataDir: '/data/claude' },
    expect: { status: 'ok', details: { userDataDir: '/data/claude' } },
  },
  {
    name: 'a library only under the first-party folder: SETTINGS_LIBRARY_IN_1P_FOLDER (fail), not "not found"',
    settings: null,
    discovery: { unreadLibraries: [firstParty] },
    expect: { status: 'fail', code: 'SETTINGS_LIBRARY_IN_1P_FOLDER', more: [], details: { unreadLibraries: [firstParty] } },
  },
  {
    name: 'a first-party library while managed settings are in force: a warning',
    settings: GOOD,
    source: managed,
    discovery: { unreadLibraries: [firstParty] },
    expect: { status: 'warn', code: 'SETTINGS_LIBRARY_IN_1P_FOLDER', more: [] },
  },
  {
    name: 'a first-party library beside a real Claude-3p library: listed in the details only',
    settings: GOOD,
    discovery: { unreadLibraries: [firstParty] },
    expect: { status: 'ok', details: { unreadLibraries: [firstParty] } },
  },
  {
    name: 'a first-party library and a gateway from --base-url: a warning (the flags are being tested)',
    settings: null,
    overrides: { baseUrl: 'https://api.portkey.ai' },
    discovery: { unreadLibraries: [firstParty] },
    expect: { status: 'warn', code: 'SETTINGS_LIBRARY_IN_1P_FOLDER' },
  },
  {
    name: 'a stale Roaming copy beside the Local library in force: SETTINGS_STALE_ROAMING (warn)',
    settings: GOOD,
    discovery: { unreadLibraries: [roaming] },
    expect: { status: 'warn', code: 'SETTINGS_STALE_ROAMING', more: [] },
  },
  {
    name: 'settings only in a stale Roaming copy: SETTINGS_STALE_ROAMING (fail)',
    settings: null,
    discovery: { unreadLibraries: [roaming] },
    expect: { status: 'fail', code: 'SETTINGS_STALE_ROAMING', more: [] },
  },
  {
    name: 'HKLM in force, HKCU with other settings invisible: SETTINGS_HKCU_IGNORED (warn), the hive named',
    settings: GOOD,
    source: registry('machine', { values: GOOD, keys: Object.keys(GOOD), profile: undefined }),
    discovery: { sources: [registry('machine', { values: GOOD, keys: Object.keys(GOOD) }), hkcuIgnored], policyHive: 'machine' },
    expect: { status: 'warn', code: 'SETTINGS_HKCU_IGNORED', more: [], details: { policyHive: 'HKLM', ignored: HKCU } },
  },
  {
    name: 'HKLM holds only an app-behaviour value, HKCU the gateway: nothing in force, SETTINGS_HKCU_IGNORED (fail)',
    settings: null,
    discovery: {
      sources: [registry('machine', { keys: ['disableAutoUpdates'] }), hkcuIgnored],
      policyHive: 'machine',
    },
    expect: { status: 'fail', code: 'SETTINGS_HKCU_IGNORED', more: [], details: { policyHive: 'HKLM' } },
  },
  {
    name: 'HKCU with only app-behaviour values ignored, nothing else: not found, and the hidden HKCU as a warning',
    settings: null,
    discovery: {
      sources: [registry('machine', { keys: ['disableAutoUpdates'] }), registry('user', { ignoredBy: HKLM, keys: ['disableNonessentialTelemetry'] })],
    },
    expect: {
      status: 'fail',
      code: 'SETTINGS_NOT_FOUND',
      more: ['SETTINGS_HKCU_IGNORED'],
      details: { managedWithoutInference: [{ location: HKLM, keys: ['disableAutoUpdates'] }] },
    },
  },
  {
    name: 'a REG_MULTI_SZ model list in the policy in force: SETTINGS_REGISTRY_VALUE_INVISIBLE (warn)',
    settings: GOOD,
    source: registry('user', {
      values: GOOD,
      keys: Object.keys(GOOD),
      invisibleValues: [{ name: 'inferenceModels', type: 'REG_MULTI_SZ' }],
      profile: undefined,
    }),
    expect: { status: 'warn', code: 'SETTINGS_REGISTRY_VALUE_INVISIBLE', details: { invisibleValues: [{ name: 'inferenceModels', type: 'REG_MULTI_SZ' }] } },
  },
  {
    name: 'the base URL as REG_EXPAND_SZ in the policy in force: SETTINGS_REGISTRY_VALUE_INVISIBLE (fail: a required setting is unset)',
    settings: { inferenceProvider: 'gateway' },
    source: registry('machine', {
      values: { inferenceProvider: 'gateway' },
      keys: ['inferenceProvider'],
      invisibleValues: [{ name: 'InferenceGatewayBaseUrl', type: 'REG_EXPAND_SZ' }],
      subkeys: [`${HKLM}\\Gateway`],
      profile: undefined,
    }),
    expect: { status: 'fail', code: 'SETTINGS_REGISTRY_VALUE_INVISIBLE', details: { subkeysNeverRead: [`${HKLM}\\Gateway`] } },
  },
  {
    name: 'the Linux managed file rejected for its owner: SETTINGS_MANAGED_REJECTED, the reasons listed',
    settings: GOOD,
    source: linuxFile({
      problem: { kind: 'managed-rejected', file: LINUX, message: 'rejected', reasons: [`${LINUX} is owned by uid 1000, not root`] },
      values: undefined,
    }),
    discovery: { shadowed: [local({ inferenceGatewayBaseUrl: 'https://gw.example.com' })] },
    expect: { status: 'fail', code: 'SETTINGS_MANAGED_REJECTED', more: [], details: { file: LINUX, reasons: [`${LINUX} is owned by uid 1000, not root`] } },
  },
  {
    name: 'an unrecognised key in the managed file in force: SETTINGS_MANAGED_UNKNOWN_KEY (fail), with "did you mean"',
    settings: { inferenceProvider: 'gateway' },
    source: linuxFile({ keys: ['inferenceProvider', 'inferenceGatewayBaseURL', 'ccds_managed'] }),
    expect: {
      status: 'fail',
      code: 'SETTINGS_MANAGED_UNKNOWN_KEY',
      more: [],
      details: { unknownKeys: ['inferenceGatewayBaseURL', 'ccds_managed'], didYouMean: { inferenceGatewayBaseURL: 'inferenceGatewayBaseUrl' } },
    },
  },
  {
    name: 'an unrecognised key in a managed file holding only app-behaviour keys: a warning (the local profile is in force)',
    settings: GOOD,
    discovery: {
      sources: [{ kind: 'managed-file', location: LINUX, managed: true, bom: false, files: [], values: {}, keys: ['disableAutoUpdates', 'autoUpdate'] }],
    },
    expect: { status: 'warn', code: 'SETTINGS_MANAGED_UNKNOWN_KEY', details: { unknownKeys: ['autoUpdate'] } },
  },
  {
    name: 'a managed source with only app-behaviour keys: the local profile in force, and said so',
    settings: GOOD,
    discovery: { sources: [{ kind: 'managed-plist', location: PLIST, managed: true, bom: false, files: [], values: {}, keys: ['disableAutoUpdates'] }] },
    expect: { status: 'ok', details: { source: 'profile', managedWithoutInference: [{ location: PLIST, keys: ['disableAutoUpdates'] }] } },
  },
  {
    name: 'an upper-case appliedId: SETTINGS_APPLIED_ID_UPPERCASE (warn, medium confidence)',
    settings: GOOD,
    source: { profile: { id: '3F9C2A1E-5B7D-4C8E-9A6F-1D2E3F4A5B6C', name: 'Portkey' } },
    expect: { status: 'warn', code: 'SETTINGS_APPLIED_ID_UPPERCASE', more: [], details: { confidence: 'medium' } },
  },
]);
