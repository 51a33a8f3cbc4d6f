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
]);
