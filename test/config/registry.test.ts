import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyRegFailure, parseRegQuery, queryRegistryKey, type RegistryQueryResult } from '../../src/config/registry.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/registry/${name}`, import.meta.url), 'utf8');

function found(r: RegistryQueryResult) {
  if (r.status !== 'found') throw new Error(`expected found, got ${r.status}`);
  return r;
}

describe('parseRegQuery', () => {
  it('reads REG_SZ values, names with spaces, a JSON value with spaces and quotes, DWORD and EXPAND_SZ', () => {
    const r = found(parseRegQuery(fixture('hklm-strings.txt'), 'HKLM\\SOFTWARE\\Policies\\Claude'));
    expect(r.key).toBe('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Claude');
    expect(r.subkeys).toEqual([]);
    const byName = Object.fromEntries(r.values.map((v) => [v.name, v]));
    expect(Object.keys(byName)).toEqual([
      'inferenceProvider',
      'inferenceGatewayBaseUrl',
      'inferenceGatewayApiKey',
      'inferenceGatewayAuthScheme',
      'inferenceCustomHeaders',
      'inferenceModels',
      'Disable Auto Updates',
      'Log Folder',
    ]);
    expect(byName['inferenceProvider']).toEqual({ name: 'inferenceProvider', type: 'REG_SZ', data: 'gateway' });
    const headers = byName['inferenceCustomHeaders']?.data;
    expect(typeof headers).toBe('string');
    // The value survives intact and is still valid JSON (the parser split nothing inside it).
    expect(JSON.parse(headers as string)).toEqual({ 'x-portkey-metadata': '{"tenant": "acme", "team": "platform eng"}' });
    expect(JSON.parse(byName['inferenceModels']?.data as string)).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(byName['Disable Auto Updates']).toEqual({ name: 'Disable Auto Updates', type: 'REG_DWORD', data: 1 });
    expect(byName['Log Folder']).toEqual({ name: 'Log Folder', type: 'REG_EXPAND_SZ', data: '%LOCALAPPDATA%\\Claude\\logs' });
  });

  it('reads REG_MULTI_SZ as a list, an empty value, QWORD, BINARY, and lists subkeys', () => {
    const r = found(parseRegQuery(fixture('hkcu-native-multi.txt'), 'HKCU\\SOFTWARE\\Policies\\Claude'));
    const byName = Object.fromEntries(r.values.map((v) => [v.name, v.data]));
    expect(byName['inferenceModels']).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(byName['inferenceGatewayApiKey']).toBe('');
    expect(byName['InferenceProvider']).toBe('gateway');
    expect(byName['Max Tokens']).toBe(0x100000000);
    expect(byName['Blob']).toEqual(Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    expect(r.subkeys).toEqual(['HKEY_CURRENT_USER\\SOFTWARE\\Policies\\Claude\\Extensions']);
  });

  it('works with LF line ends too', () => {
    const r = found(parseRegQuery(fixture('hklm-strings.txt').replace(/\r\n/g, '\n'), 'HKLM\\SOFTWARE\\Policies\\Claude'));
    expect(r.values.find((v) => v.name === 'inferenceGatewayBaseUrl')?.data).toBe('https://api.portkey.ai');
  });

  it('a key with only subkeys has no values (reg omits its own name then)', () => {
    const withKey = found(parseRegQuery(fixture('subkeys-only.txt'), 'HKLM\\SOFTWARE\\Policies\\Claude'));
    expect(withKey.values).toEqual([]);
    expect(withKey.subkeys).toHaveLength(2);
    const withoutKey = found(parseRegQuery(fixture('subkeys-only.txt')));
    expect(withoutKey.values).toEqual([]);
    expect(withoutKey.subkeys).toHaveLength(2);
  });

  it('a missing key', () => {
    expect(parseRegQuery(fixture('missing-key.stderr.txt'))).toEqual({ status: 'missing' });
    expect(parseRegQuery('')).toEqual({ status: 'missing' });
    expect(classifyRegFailure('', fixture('missing-key.stderr.txt'))).toEqual({ status: 'missing' });
    expect(classifyRegFailure('', 'ERROR: Access is denied.\r\n').status).toBe('error');
  });
});

describe('queryRegistryKey', () => {
  it('does not run anything off Windows', async () => {
    if (process.platform === 'win32') return;
    expect(await queryRegistryKey('HKLM\\SOFTWARE\\Policies\\Claude', { platform: 'win32' })).toEqual({ status: 'unsupported' });
  });
});

describe('parseRegQuery: captures for the hive rule (issue 11)', () => {
  it('reads each hand-made capture with its types', () => {
    const types = (file: string, key: string) => found(parseRegQuery(fixture(file), key)).values.map((v) => [v.name, v.type]);
    expect(types('hklm-app-behaviour-only.txt', 'HKLM\\SOFTWARE\\Policies\\Claude')).toEqual([['disableAutoUpdates', 'REG_DWORD']]);
    expect(types('hklm-expand-sz-only.txt', 'HKLM\\SOFTWARE\\Policies\\Claude')).toEqual([['inferenceGatewayBaseUrl', 'REG_EXPAND_SZ']]);
    expect(types('hklm-invisible-only.txt', 'HKLM\\SOFTWARE\\Policies\\Claude')).toEqual([
      ['inferenceModels', 'REG_MULTI_SZ'],
      ['autoUpdaterEnforcementHours', 'REG_QWORD'],
      ['Blob', 'REG_BINARY'],
    ]);
    expect(types('hkcu-gateway.txt', 'HKCU\\SOFTWARE\\Policies\\Claude').map(([, t]) => t)).toEqual(Array(5).fill('REG_SZ'));
  });
});
