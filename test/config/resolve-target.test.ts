import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverSettings } from '../../src/config/discover.js';
import { resolveTarget } from '../../src/config/resolve-target.js';
import type { Discovery } from '../../src/config/settings.js';
import { Secret } from '../../src/core/secret.js';

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const layout = (name: string): string => fileURLToPath(new URL(`../fixtures/claude-3p/${name}`, import.meta.url));
const managed = (name: string): string => fileURLToPath(new URL(`../fixtures/managed/${name}`, import.meta.url));

async function discover(extra: { claudeDir?: string; managedFile?: string }): Promise<Discovery> {
  return discoverSettings({ platform: 'linux', env: {}, homedir: mkdtempSync(join(tmpdir(), 'pd-home-')), username: 't', ...extra });
}

const NONE: Discovery = { searched: [], sources: [], shadowed: [] };

describe('resolveTarget', () => {
  it('takes every field from the settings in force, with that source as origin', async () => {
    const t = resolveTarget(await discover({ claudeDir: layout('profile-ok') }), {}, {});
    expect(t.provider).toEqual({ value: 'gateway', origin: 'profile' });
    expect(t.baseUrl).toEqual({ value: 'https://api.portkey.ai', origin: 'profile' });
    expect(t.authScheme).toEqual({ value: 'bearer', origin: 'profile' });
    expect(t.customHeaders?.origin).toBe('profile');
    expect(t.gatewayHeaders).toBeUndefined();
    expect(t.models?.value).toEqual(['claude-sonnet-4-5', { name: 'claude-opus-4-1', supports1m: false }]);
    expect(t.apiKey?.origin).toBe('profile');
    expect((t.apiKey?.value as Secret).reveal()).toBe(KEY);
    expect(t.flagHeaders).toEqual([]);
    expect(t.managed).toBe(false);
  });

  it('managed settings: origin is the managed kind and managed is true', async () => {
    const t = resolveTarget(await discover({ claudeDir: layout('profile-ok'), managedFile: managed('managed-strings.plist') }), {}, {});
    expect(t.managed).toBe(true);
    expect(t.baseUrl?.origin).toBe('managed-plist');
    expect(t.models).toEqual({ value: '["claude-sonnet-4-5","claude-opus-4-1"]', origin: 'managed-plist' });
  });

  it('env beats settings; flags beat env', async () => {
    const d = await discover({ claudeDir: layout('profile-ok') });
    const env = {
      PORTKEY_DOCTOR_BASE_URL: 'https://env.example.com',
      PORTKEY_DOCTOR_AUTH_SCHEME: 'x-api-key',
      PORTKEY_DOCTOR_API_KEY: 'pk-env-key',
    };
    const fromEnv = resolveTarget(d, {}, env);
    expect(fromEnv.baseUrl).toEqual({ value: 'https://env.example.com', origin: 'env' });
    expect(fromEnv.authScheme).toEqual({ value: 'x-api-key', origin: 'env' });
    expect(fromEnv.apiKey?.origin).toBe('env');
    expect(fromEnv.apiKey?.value).toBeInstanceOf(Secret);
    expect((fromEnv.apiKey?.value as Secret).reveal()).toBe('pk-env-key');
    // Untouched fields still come from the settings.
    expect(fromEnv.provider?.origin).toBe('profile');

    const flagKey = new Secret('pk-flag-key');
    const fromFlags = resolveTarget(
      d,
      {
        baseUrl: 'https://flag.example.com',
        authScheme: 'bearer',
        apiKey: flagKey,
        provider: 'gateway',
        models: ['m1'],
        headers: [{ name: 'x-portkey-metadata', value: '{"env":"dev"}' }],
      },
      env,
    );
    expect(fromFlags.baseUrl).toEqual({ value: 'https://flag.example.com', origin: 'flag' });
    expect(fromFlags.authScheme).toEqual({ value: 'bearer', origin: 'flag' });
    expect(fromFlags.apiKey).toEqual({ value: flagKey, origin: 'flag' });
    expect(fromFlags.provider).toEqual({ value: 'gateway', origin: 'flag' });
    expect(fromFlags.models).toEqual({ value: ['m1'], origin: 'flag' });
    expect(fromFlags.flagHeaders).toEqual([{ name: 'x-portkey-metadata', value: '{"env":"dev"}' }]);
  });

  it('an empty env var counts as unset', async () => {
    const t = resolveTarget(await discover({ claudeDir: layout('profile-ok') }), {}, { PORTKEY_DOCTOR_BASE_URL: '' });
    expect(t.baseUrl?.origin).toBe('profile');
  });

  it('a key the CLI read from an env var has origin env and beats PORTKEY_DOCTOR_API_KEY', async () => {
    const k = new Secret('pk-named-env');
    const t = resolveTarget(NONE, { apiKey: k, apiKeyOrigin: 'env' }, { PORTKEY_DOCTOR_API_KEY: 'pk-other' });
    expect(t.apiKey).toEqual({ value: k, origin: 'env' });
  });

  it('a keychain key only fills in when neither env nor settings hold one', async () => {
    const k = new Secret('pk-keychain');
    const withSettings = resolveTarget(await discover({ claudeDir: layout('profile-ok') }), { apiKey: k, apiKeyOrigin: 'keychain' }, {});
    expect(withSettings.apiKey?.origin).toBe('profile');
    const withEnv = resolveTarget(NONE, { apiKey: k, apiKeyOrigin: 'keychain' }, { PORTKEY_DOCTOR_API_KEY: 'pk-env' });
    expect(withEnv.apiKey?.origin).toBe('env');
    const alone = resolveTarget(NONE, { apiKey: k, apiKeyOrigin: 'keychain' }, {});
    expect(alone.apiKey).toEqual({ value: k, origin: 'keychain' });
  });

  it('no settings at all: only what the flags and env give', () => {
    const t = resolveTarget(NONE, {}, {});
    expect(t).toEqual({ flagHeaders: [], managed: false });
  });

  it('settings with a problem contribute nothing', async () => {
    const d = await discover({ claudeDir: layout('invalid-json') });
    const t = resolveTarget(d, {}, {});
    expect(t.baseUrl).toBeUndefined();
    expect(t.apiKey).toBeUndefined();
  });

  it('the legacy header array goes to gatewayHeaders', async () => {
    const t = resolveTarget(await discover({ claudeDir: layout('legacy-ok') }), {}, {});
    expect(t.gatewayHeaders?.origin).toBe('legacy');
    expect(t.customHeaders).toBeUndefined();
  });
});
