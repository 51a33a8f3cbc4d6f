/** app-installed and app-version as units, on fixture bundles and install folders (app-running runs too: app-version needs it). */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import appInstalled, { installOutcome } from '../../src/checks/app-installed.js';
import appRunning from '../../src/checks/app-running.js';
import appVersion from '../../src/checks/app-version.js';
import { GOOD_PROFILE, writeProfile } from '../cli/run-cli.js';
import { runAppChecks, verdict } from './harness.js';
import { uniqueAppPath } from './stand-in.js';

const APP = fileURLToPath(new URL('../fixtures/app/', import.meta.url));
// app-version needs app-running (the running app's version is preferred over the one on disk).
const CHECKS = [appInstalled, appRunning, appVersion];

async function run(
  app: string | undefined,
  profile: Record<string, unknown> = GOOD_PROFILE,
  platform: NodeJS.Platform = 'linux',
  env: Record<string, string> = {},
) {
  const r = await runAppChecks(CHECKS, {
    claudeDir: writeProfile(profile),
    platform,
    env: { ...env, ...(app !== undefined ? { PORTKEY_DOCTOR_APP: app } : {}) },
  });
  return { installed: r['app-installed']!, version: r['app-version']! };
}

const without = (key: string, p: Record<string, unknown> = GOOD_PROFILE) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== key));

describe('app-installed', () => {
  it('Linux without --app, the app neither running nor at the .deb’s place: skip APP_NOT_LOCATED, and app-version is blocked', async () => {
    const { installed, version } = await run(undefined, GOOD_PROFILE, 'linux', { PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') });
    expect(verdict(installed)).toEqual({ status: 'skip', code: 'APP_NOT_LOCATED' });
    expect(installed.details?.['searched']).toContain('/usr/lib/claude-desktop/claude-desktop');
    expect(verdict(version)).toEqual({ status: 'skip', code: 'BLOCKED' });
  });

  it('an OS with no build (FreeBSD) without --app: skip APP_UNSUPPORTED_OS', async () => {
    const { installed } = await run(undefined, GOOD_PROFILE, 'freebsd');
    expect(verdict(installed)).toEqual({ status: 'skip', code: 'APP_UNSUPPORTED_OS' });
  });

  it('--app pointing at a bundle: ok with its version, on any OS', async () => {
    const { installed } = await run(join(APP, 'current/Claude.app'));
    expect(verdict(installed)).toEqual({ status: 'ok', code: undefined });
    expect(installed.details).toMatchObject({ version: '1.8089.0', kind: 'mac-bundle', bundleId: 'com.anthropic.claudefordesktop' });
  });

  it('--app pointing nowhere: fail APP_PATH_NOT_FOUND', async () => {
    const { installed, version } = await run(join(APP, 'nope/Claude.app'));
    expect(verdict(installed)).toEqual({ status: 'fail', code: 'APP_PATH_NOT_FOUND' });
    expect(verdict(version)).toEqual({ status: 'skip', code: 'BLOCKED' });
  });

  it('a bundle of another app: warn APP_NOT_CLAUDE; a damaged one: fail APP_BUNDLE_UNREADABLE', async () => {
    expect(verdict((await run(join(APP, 'other/Claude.app'))).installed)).toEqual({ status: 'warn', code: 'APP_NOT_CLAUDE' });
    expect(verdict((await run(join(APP, 'broken/Claude.app'))).installed)).toEqual({ status: 'fail', code: 'APP_BUNDLE_UNREADABLE' });
  });

  it('macOS: finds ~/Applications/Claude.app, or warns APP_NOT_FOUND with where it looked', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pkd-home-'));
    let r = await runAppChecks(CHECKS, { platform: 'darwin', claudeDir: writeProfile(GOOD_PROFILE), env: { HOME: home } });
    expect(verdict(r['app-installed'])).toEqual({ status: 'warn', code: 'APP_NOT_FOUND' });
    expect(r['app-installed']?.details?.['searched']).toContain(join(home, 'Applications/Claude.app'));
    cpSync(join(APP, 'current/Claude.app'), join(home, 'Applications/Claude.app'), { recursive: true });
    r = await runAppChecks(CHECKS, { platform: 'darwin', claudeDir: writeProfile(GOOD_PROFILE), env: { HOME: home } });
    expect(verdict(r['app-installed'])).toEqual({ status: 'ok', code: undefined });
    expect(verdict(r['app-version'])).toEqual({ status: 'ok', code: undefined });
  });

  it('two copies with different versions: warn APP_MULTIPLE_INSTALLS; same version: ok', () => {
    const a = { path: '/Applications/Claude.app', kind: 'mac-bundle' as const, version: '1.8089.0' };
    const b = { path: '/Users/alex/Applications/Claude.app', kind: 'mac-bundle' as const, version: '1.5000.0' };
    expect(installOutcome(a, [b], {})).toMatchObject({ status: 'warn', code: 'APP_MULTIPLE_INSTALLS' });
    expect(installOutcome(a, [{ ...b, version: '1.8089.0' }], {})).toMatchObject({ status: 'ok' });
    // An MSIX package's four-part version and a folder's three-part one are the same version.
    expect(installOutcome({ ...a, kind: 'msix', version: '1.8089.0.0' }, [{ ...b, version: '1.8089.0' }], {})).toMatchObject({ status: 'ok' });
    expect(installOutcome({ ...a, version: '2.110.0' }, [{ ...b, version: '2.110.0.0' }], {})).toMatchObject({ status: 'ok' });
  });

  it('Windows install folders and community builds given with --app', async () => {
    expect((await run(join(APP, 'AnthropicClaude'))).installed.details).toMatchObject({ kind: 'squirrel', version: '1.8089.0' });
    expect((await run(join(APP, 'linux-community/claude-desktop'))).installed.details).toMatchObject({ kind: 'electron', version: '0.14.10' });
  });
});

describe('app-version', () => {
  it('1.8089.0 supports auth scheme and inferenceCustomHeaders: ok', async () => {
    const { version } = await run(join(APP, 'current/Claude.app'));
    expect(verdict(version)).toEqual({ status: 'ok', code: undefined });
    expect(version.details).toMatchObject({ requirements: { inferenceGatewayAuthScheme: '1.3036.0', inferenceCustomHeaders: '1.8089.0' } });
    expect(version.details?.['noKnownMinimum']).toEqual(expect.arrayContaining(['inferenceProvider', 'inferenceModels']));
  });

  it('older than 1.8089.0 with inferenceCustomHeaders: fail APP_TOO_OLD_CUSTOM_HEADERS (binary plist too)', async () => {
    expect(verdict((await run(join(APP, 'mid/Claude.app'))).version)).toEqual({ status: 'fail', code: 'APP_TOO_OLD_CUSTOM_HEADERS' });
    expect(verdict((await run(join(APP, 'old/Claude.app'))).version)).toEqual({ status: 'fail', code: 'APP_TOO_OLD_CUSTOM_HEADERS' });
  });

  it('old app but the older header list is set too: only a warning', async () => {
    const both = { ...GOOD_PROFILE, inferenceGatewayHeaders: ['x-portkey-metadata: {"team":"eng"}'] };
    expect(verdict((await run(join(APP, 'mid/Claude.app'), both)).version)).toEqual({ status: 'warn', code: 'APP_TOO_OLD_CUSTOM_HEADERS' });
  });

  it('older than 1.3036.0 with a non-default auth scheme: warn APP_TOO_OLD_AUTH_SCHEME; bearer is harmless', async () => {
    const sso = { ...without('inferenceCustomHeaders'), inferenceGatewayAuthScheme: 'sso' };
    expect(verdict((await run(join(APP, 'old/Claude.app'), sso)).version)).toEqual({ status: 'warn', code: 'APP_TOO_OLD_AUTH_SCHEME' });
    expect(verdict((await run(join(APP, 'old/Claude.app'), without('inferenceCustomHeaders'))).version)).toEqual({ status: 'ok', code: undefined });
    expect(verdict((await run(join(APP, 'mid/Claude.app'), sso)).version)).toEqual({ status: 'ok', code: undefined });
  });

  it('settings given by flags/env do not count as settings the app uses', async () => {
    const r = await run(join(APP, 'old/Claude.app'), without('inferenceGatewayAuthScheme', without('inferenceCustomHeaders')), 'linux', {
      PORTKEY_DOCTOR_AUTH_SCHEME: 'sso',
    });
    expect(verdict(r.version)).toEqual({ status: 'ok', code: undefined });
  });

  it('version unknown: warn APP_VERSION_UNKNOWN', async () => {
    const { installed, version } = await run(join(APP, 'claude-data'));
    expect(verdict(installed)).toEqual({ status: 'ok', code: undefined });
    expect(verdict(version)).toEqual({ status: 'warn', code: 'APP_VERSION_UNKNOWN' });
  });
});
