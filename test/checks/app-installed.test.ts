/** The app-installed check alone, with fake installs: what it reports and the install it hands to app-version. */
import type { AppInstall, LocateResult } from '../../src/app/install.js';
import appInstalled from '../../src/checks/app-installed.js';
import { testCheck } from './check-tester.js';

const MAC = '/Applications/Claude.app';
const USER_MAC = '/Users/alex/Applications/Claude.app';
const bundle = (path: string, version: string, extra: Partial<AppInstall> = {}): AppInstall => ({
  path,
  kind: 'mac-bundle',
  version,
  versionSource: `${path}/Contents/Info.plist (CFBundleShortVersionString)`,
  bundleId: 'com.anthropic.claudefordesktop',
  ...extra,
});
const found = (...installs: AppInstall[]): LocateResult => ({ installs, searched: [MAC, USER_MAC], notes: [] });
const APP = { PORTKEY_DOCTOR_APP: '/opt/claude-desktop' };
const DEB = '/usr/lib/claude-desktop/claude-desktop';
const LINUX_SEARCHED = ['running processes (claude-desktop …)', DEB];

testCheck(appInstalled, [
  {
    name: 'macOS, one install: ok with its version, handed on',
    os: { platform: 'darwin', installs: found(bundle(MAC, '1.8089.0')) },
    expect: {
      status: 'ok',
      details: { path: MAC, kind: 'mac-bundle', version: '1.8089.0', searched: [MAC, USER_MAC] },
      data: { install: { path: MAC, version: '1.8089.0' } },
    },
  },
  {
    name: 'macOS, nothing installed: APP_NOT_FOUND with where it looked, nothing handed on',
    os: { platform: 'darwin', installs: found() },
    expect: { status: 'warn', code: 'APP_NOT_FOUND', more: [], details: { searched: [MAC, USER_MAC], notes: [] }, data: null },
  },
  {
    name: 'two copies with different versions: APP_MULTIPLE_INSTALLS, the first one is handed on',
    os: { platform: 'darwin', installs: found(bundle(MAC, '1.8089.0'), bundle(USER_MAC, '1.5000.0')) },
    expect: {
      status: 'warn',
      code: 'APP_MULTIPLE_INSTALLS',
      details: { version: '1.8089.0', otherInstalls: [{ path: USER_MAC, version: '1.5000.0' }] },
      data: { install: { path: MAC, version: '1.8089.0' } },
    },
  },
  {
    name: 'two copies of the same version: ok, the other listed',
    os: { platform: 'darwin', installs: found(bundle(MAC, '1.8089.0'), bundle(USER_MAC, '1.8089.0')) },
    expect: { status: 'ok', details: { otherInstalls: [{ path: USER_MAC }] } },
  },
  {
    name: 'a bundle without a readable Info.plist: APP_BUNDLE_UNREADABLE',
    os: { platform: 'darwin', installs: found({ path: MAC, kind: 'mac-bundle', problem: { kind: 'bundle-unreadable', message: 'no Info.plist' } }) },
    expect: { status: 'fail', code: 'APP_BUNDLE_UNREADABLE', details: { path: MAC }, data: null },
  },
  {
    name: 'a bundle of another app: APP_NOT_CLAUDE, still handed on',
    os: {
      platform: 'darwin',
      installs: found(
        bundle(MAC, '3.1.0', { bundleId: 'com.example.other', problem: { kind: 'bundle-id-mismatch', message: 'the bundle id is "com.example.other"' } }),
      ),
    },
    expect: { status: 'warn', code: 'APP_NOT_CLAUDE', details: { bundleId: 'com.example.other' }, data: { install: { version: '3.1.0' } } },
  },
  {
    name: 'Windows: the Squirrel install, with the notes of queries that failed',
    os: {
      platform: 'win32',
      installs: {
        installs: [
          {
            path: 'C:\\Users\\alex\\AppData\\Local\\AnthropicClaude\\app-1.8089.0\\Claude.exe',
            kind: 'squirrel',
            version: '1.8089.0',
            versionSource: 'folder name app-1.8089.0',
          },
        ],
        searched: ['HKCU\\…\\AnthropicClaude'],
        notes: ['Get-AppxPackage: timed out after 15000 ms'],
      },
    },
    expect: {
      status: 'ok',
      details: { kind: 'squirrel', version: '1.8089.0', notes: ['Get-AppxPackage: timed out after 15000 ms'] },
      data: { install: { kind: 'squirrel' } },
    },
  },
  {
    name: 'Linux (official build): found by its running process, ok with its version, handed on',
    os: {
      platform: 'linux',
      installs: {
        installs: [{ path: DEB, kind: 'electron', version: '1.26832.0', versionSource: 'dpkg-query -W claude-desktop' }],
        searched: LINUX_SEARCHED,
        notes: ['found by its running process (pid 500)'],
      },
    },
    expect: {
      status: 'ok',
      details: { path: DEB, version: '1.26832.0', notes: ['found by its running process (pid 500)'] },
      data: { install: { path: DEB, version: '1.26832.0' } },
    },
  },
  {
    name: 'Linux, not running and not at the .deb’s place: APP_NOT_LOCATED, a skip saying what could not be established',
    os: {
      platform: 'linux',
      installs: { installs: [], searched: LINUX_SEARCHED, notes: [], undetermined: 'not running, and not at /usr/lib/claude-desktop/claude-desktop' },
    },
    expect: { status: 'skip', code: 'APP_NOT_LOCATED', details: { searched: LINUX_SEARCHED }, data: null },
  },
  {
    name: 'FreeBSD (no build) without --app: APP_UNSUPPORTED_OS, and nothing is looked for (locateApp unscripted)',
    os: { platform: 'freebsd' },
    expect: { status: 'skip', code: 'APP_UNSUPPORTED_OS', details: { platform: 'freebsd' }, data: null },
  },
  {
    name: 'Linux, --app names a community build: ok with its version',
    env: APP,
    os: {
      platform: 'linux',
      appPaths: { '/opt/claude-desktop': { path: '/opt/claude-desktop', kind: 'electron', version: '0.14.10', versionSource: 'app.asar (package.json)' } },
    },
    expect: { status: 'ok', details: { given: '/opt/claude-desktop', kind: 'electron', version: '0.14.10' }, data: { install: { version: '0.14.10' } } },
  },
  {
    name: 'macOS, --app wins over the usual places (locateApp unscripted)',
    env: { PORTKEY_DOCTOR_APP: '/Volumes/Claude/Claude.app' },
    os: { platform: 'darwin', appPaths: { '/Volumes/Claude/Claude.app': bundle('/Volumes/Claude/Claude.app', '1.9000.0') } },
    expect: { status: 'ok', details: { given: '/Volumes/Claude/Claude.app', version: '1.9000.0' } },
  },
  {
    name: '--app pointing nowhere: APP_PATH_NOT_FOUND',
    env: APP,
    os: { platform: 'linux', appPaths: {} },
    expect: { status: 'fail', code: 'APP_PATH_NOT_FOUND', details: { given: '/opt/claude-desktop' }, data: null },
  },
  {
    name: 'an install whose version is unknown: ok, handed on without a version',
    env: APP,
    os: { platform: 'linux', appPaths: { '/opt/claude-desktop': { path: '/opt/claude-desktop', kind: 'unknown' } } },
    expect: { status: 'ok', details: { kind: 'unknown' }, data: { install: { path: '/opt/claude-desktop' } } },
  },
]);
