/**
 * The network-path check alone, with fake I/O: the one decision of the app's road to the gateway
 * (its own proxy settings, the OS settings, a PAC file, the environment, direct), the data it
 * hands to the probes, and every way it can go wrong.
 */
import { describe, expect, it } from 'vitest';

import networkPath from '../../src/checks/network-path.js';
import type { OsProxySettings } from '../../src/app/os-proxy.js';
import { httpOk, pacFail, pacOk, tunnelFail, tunnelOk } from '../../src/io/fakes.js';
import type { AppLogTail } from '../../src/contract/io.js';
import { runCheck, testCheck, type Scenario } from './check-tester.js';

const SETTINGS = { inferenceGatewayBaseUrl: 'https://gateway.example.test' };
const NONE: OsProxySettings = { source: 'none', bypass: [] };
const ENV_PROXY = { HTTPS_PROXY: 'http://env-proxy.example.test:3128' };
const APP_URL = { egress: { egressProxyUrl: 'http://app-proxy.example.test:8080' } };
const PAC_URL = 'http://pac.example.test/proxy.pac';
const APP_PAC = { egress: { egressProxyPacUrl: PAC_URL } };
const PAC_TEXT = 'function FindProxyForURL(url, host) { return "PROXY a.example.test:1; DIRECT"; }';
const servePac = {
  http: (req: { url: string }) =>
    req.url === PAC_URL ? httpOk(200, PAC_TEXT, { headers: { 'content-type': 'application/x-ns-proxy-autoconfig' } }) : httpOk(404, ''),
};
const LOG = '/fake/logs/main.log';
function log(...lines: string[]): AppLogTail {
  return {
    status: 'found',
    path: LOG,
    folder: 'third-party',
    lines: ['2026-12-01 09:00:00 [info] Starting app { appVersion: "1.46388.4" }', ...lines],
    truncated: false,
    searched: [LOG],
  };
}
const PINNED = '2026-12-01 09:00:01 [info] [egress-proxy] pinned http://app-proxy.example.test:8080; OS proxy settings ignored';

const scenarios: Scenario[] = [
  // --- No proxy anywhere, and the environment on Linux
  {
    name: 'nothing configured: direct',
    settings: SETTINGS,
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'ok', details: { source: 'direct', proxy: 'direct', environment: 'direct' }, data: { source: 'direct' } },
  },
  {
    name: 'Linux without desktop proxy settings: the environment is the app’s road too',
    settings: SETTINGS,
    env: ENV_PROXY,
    os: { platform: 'linux', proxySettings: NONE },
    expect: {
      status: 'ok',
      details: { source: 'environment', proxy: 'http://env-proxy.example.test:3128' },
      data: { source: 'environment', proxy: { display: 'http://env-proxy.example.test:3128' } },
    },
  },
  {
    name: 'Linux desktop settings with no proxy: direct, whatever the environment says (NETWORK_PATH_ENV_DIFFERS)',
    settings: SETTINGS,
    env: ENV_PROXY,
    os: { platform: 'linux', proxySettings: { source: 'linux-desktop', bypass: [] } },
    expect: { status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS', data: { source: 'direct' } },
  },
  {
    name: 'macOS ignores HTTPS_PROXY: direct, and the environment differs',
    settings: SETTINGS,
    env: ENV_PROXY,
    os: { platform: 'darwin', proxySettings: NONE },
    expect: {
      status: 'warn',
      code: 'NETWORK_PATH_ENV_DIFFERS',
      details: { app: 'direct', environment: 'http://env-proxy.example.test:3128' },
      data: { source: 'direct' },
    },
  },

  // --- The app's own settings
  {
    name: 'egressProxyUrl wins over HTTPS_PROXY: both said (NETWORK_PATH_ENV_DIFFERS)',
    settings: SETTINGS,
    source: APP_URL,
    env: ENV_PROXY,
    os: { platform: 'linux', proxySettings: NONE },
    expect: {
      status: 'warn',
      code: 'NETWORK_PATH_ENV_DIFFERS',
      details: { source: 'app-url', proxy: 'http://app-proxy.example.test:8080', environment: 'http://env-proxy.example.test:3128' },
      data: { source: 'app-url', proxy: { display: 'http://app-proxy.example.test:8080' }, osAuthenticates: true },
    },
  },
  {
    name: 'egressProxyUrl wins over the OS settings',
    settings: SETTINGS,
    source: APP_URL,
    os: { platform: 'darwin', proxySettings: { source: 'macos', httpsProxy: 'os-proxy.example.test:8080', bypass: [] } },
    expect: { status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS', data: { source: 'app-url', proxy: { display: 'http://app-proxy.example.test:8080' } } },
  },
  {
    name: 'a managed egressProxyUrl applies although the local library is in force',
    settings: SETTINGS,
    discovery: {
      sources: [
        {
          kind: 'managed-file',
          location: '/etc/claude-desktop/managed-settings.json',
          managed: true,
          bom: false,
          files: [],
          values: {},
          egress: { egressProxyUrl: 'http://managed-proxy.example.test:3128' },
        },
      ],
    },
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS', data: { source: 'app-url', proxy: { display: 'http://managed-proxy.example.test:3128' } } },
  },
  {
    name: 'a loopback gateway bypasses the app’s proxy',
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:8787' },
    source: APP_URL,
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'ok', details: { source: 'app-url', proxy: 'direct', bypass: 'loopback' }, data: { source: 'app-url', bypass: 'loopback' } },
  },
  {
    name: 'a *.local gateway bypasses the app’s proxy',
    settings: { inferenceGatewayBaseUrl: 'https://gateway.local' },
    source: APP_URL,
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'ok', details: { bypass: '*.local' } },
  },
  {
    name: 'a SOCKS egressProxyUrl: APP_PROXY_SOCKS, no road handed on',
    settings: SETTINGS,
    source: { egress: { egressProxyUrl: 'socks5://app-proxy.example.test:1080' } },
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'fail', code: 'APP_PROXY_SOCKS', data: null },
  },
  {
    name: 'credentials in egressProxyUrl: APP_PROXY_CREDENTIALS',
    settings: SETTINGS,
    source: { egress: { egressProxyUrl: 'http://alice:s3cret-Pa55@app-proxy.example.test:8080' } },
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'fail', code: 'APP_PROXY_CREDENTIALS' },
  },
  {
    name: 'an egressProxyUrl without a scheme: APP_PROXY_INVALID',
    settings: SETTINGS,
    source: { egress: { egressProxyUrl: 'app-proxy.example.test:8080' } },
    os: { platform: 'linux', proxySettings: NONE },
    expect: { status: 'fail', code: 'APP_PROXY_INVALID' },
  },

  // --- PAC files
  {
    name: 'the app’s PAC file picks a proxy that answers',
    settings: SETTINGS,
    source: { egress: { egressProxyPacUrl: PAC_URL, egressProxyUrl: 'http://ignored.example.test:1' } },
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacOk('PROXY a.example.test:1; PROXY b.example.test:2; DIRECT'), proxy: () => tunnelOk() },
    expect: {
      status: 'warn',
      code: 'NETWORK_PATH_ENV_DIFFERS',
      details: { source: 'app-pac', proxy: 'http://a.example.test:1', pacList: ['PROXY a.example.test:1', 'PROXY b.example.test:2', 'DIRECT'] },
      data: { source: 'app-pac', proxy: { display: 'http://a.example.test:1' } },
    },
  },
  {
    name: 'PAC list: the first proxy does not answer, the second does (as the app moves on)',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: {
      ...servePac,
      pac: () => pacOk('PROXY a.example.test:1; PROXY b.example.test:2'),
      proxy: (_h, _p, via) => (typeof via !== 'string' && via.host === 'b.example.test' ? tunnelOk() : tunnelFail('proxy-refused')),
    },
    expect: { status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS', data: { proxy: { display: 'http://b.example.test:2' } } },
  },
  {
    name: 'PAC list: no proxy answers, DIRECT last: direct',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacOk('PROXY a.example.test:1; DIRECT'), proxy: () => tunnelFail('proxy-refused') },
    expect: {
      status: 'ok',
      details: { proxy: 'direct', pacTried: [{ proxy: 'PROXY a.example.test:1', result: 'proxy-refused' }] },
      data: { source: 'app-pac' },
    },
  },
  {
    name: 'PAC answers with a 407 from the first proxy: it answers, so it is the road',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: {
      ...servePac,
      pac: () => pacOk('PROXY a.example.test:1; DIRECT'),
      proxy: () => tunnelFail('proxy-auth-required', { status: 407, proxyAuthenticate: ['Negotiate'] }),
    },
    expect: { status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS', data: { proxy: { display: 'http://a.example.test:1' }, osAuthenticates: true } },
  },
  {
    name: 'a PAC file that cannot be fetched: PAC_FETCH_FAILED',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { http: () => httpOk(404, 'not found') },
    expect: { status: 'fail', code: 'PAC_FETCH_FAILED', details: { pacStatus: 404 } },
  },
  {
    name: 'a PAC file given as file:// is read from disk',
    settings: SETTINGS,
    source: { egress: { egressProxyPacUrl: 'file:///etc/proxy.pac' } },
    os: { platform: 'linux', proxySettings: NONE, files: { '/etc/proxy.pac': PAC_TEXT } },
    net: { pac: (text) => (text === PAC_TEXT ? pacOk('DIRECT') : pacFail('pac-invalid')) },
    expect: { status: 'ok', details: { source: 'app-pac', proxy: 'direct' } },
  },
  {
    name: 'a PAC file that never returns: PAC_TIMEOUT',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacFail('pac-timeout') },
    expect: { status: 'fail', code: 'PAC_TIMEOUT', data: null },
  },
  {
    name: 'a PAC file that throws: PAC_THROWS',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacFail('pac-throws', 'Error: boom') },
    expect: { status: 'fail', code: 'PAC_THROWS', details: { pacError: 'Error: boom' } },
  },
  {
    name: 'a PAC file that is not JavaScript: PAC_INVALID',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacFail('pac-invalid') },
    expect: { status: 'fail', code: 'PAC_INVALID' },
  },
  {
    name: 'a PAC file that eats memory: PAC_TOO_MUCH_MEMORY',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacFail('pac-memory') },
    expect: { status: 'fail', code: 'PAC_TOO_MUCH_MEMORY' },
  },
  {
    name: 'a PAC file that returns a number: PAC_BAD_RESULT',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacFail('pac-bad-result') },
    expect: { status: 'fail', code: 'PAC_BAD_RESULT' },
  },
  {
    name: 'a PAC file that returns garbage text: PAC_BAD_RESULT',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacOk('use the corporate proxy please') },
    expect: { status: 'fail', code: 'PAC_BAD_RESULT' },
  },
  {
    name: 'a PAC file that picks a SOCKS proxy: NETWORK_PATH_SOCKS (not probed)',
    settings: SETTINGS,
    source: APP_PAC,
    os: { platform: 'linux', proxySettings: NONE },
    net: { ...servePac, pac: () => pacOk('SOCKS5 s.example.test:1080') },
    expect: { status: 'skip', code: 'NETWORK_PATH_SOCKS' },
  },

  // --- The OS settings
  {
    name: 'macOS manual HTTPS proxy',
    settings: SETTINGS,
    os: { platform: 'darwin', proxySettings: { source: 'macos', httpsProxy: 'os-proxy.example.test:8080', bypass: ['*.internal.example'] } },
    expect: {
      status: 'warn',
      code: 'NETWORK_PATH_ENV_DIFFERS',
      details: { source: 'os-manual', proxy: 'http://os-proxy.example.test:8080' },
      data: { source: 'os-manual', osAuthenticates: true },
    },
  },
  {
    name: 'the OS bypass list names the gateway: direct',
    settings: SETTINGS,
    os: { platform: 'win32', proxySettings: { source: 'windows', httpsProxy: 'os-proxy.example.test:8080', bypass: ['*.example.test'] } },
    expect: { status: 'ok', details: { source: 'os-manual', proxy: 'direct' } },
  },
  {
    name: 'Windows automatic configuration URL: the OS PAC file decides',
    settings: SETTINGS,
    os: { platform: 'win32', proxySettings: { source: 'windows', pacUrl: PAC_URL, httpsProxy: 'manual.example.test:1', bypass: [] } },
    net: { ...servePac, pac: () => pacOk('PROXY pac-proxy.example.test:3128') },
    expect: { status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS', details: { source: 'os-pac', proxy: 'http://pac-proxy.example.test:3128' } },
  },
  {
    name: 'auto-detect (WPAD) only: OS_PROXY_AUTODETECT, probed direct',
    settings: SETTINGS,
    os: { platform: 'win32', proxySettings: { source: 'windows', autoDetect: true, bypass: [] } },
    expect: { status: 'warn', code: 'OS_PROXY_AUTODETECT', data: { source: 'os-autodetect' } },
  },
  {
    name: 'OS settings that cannot be read: OS_PROXY_UNREADABLE',
    settings: SETTINGS,
    os: { platform: 'darwin', proxySettings: { source: 'none', bypass: [], unreadable: 'scutil timed out' } },
    expect: { status: 'warn', code: 'OS_PROXY_UNREADABLE', data: { source: 'direct' } },
  },

  // --- The app's log as a witness
  {
    name: 'the app logged that it pinned its proxy: confirmed',
    settings: SETTINGS,
    source: APP_URL,
    env: { HTTPS_PROXY: 'http://app-proxy.example.test:8080' },
    os: { platform: 'linux', proxySettings: NONE },
    appLog: log(PINNED),
    expect: { status: 'ok', details: { source: 'app-url' }, data: { source: 'app-url' } },
  },
  {
    name: 'the settings set the app’s proxy, the running app never pinned it: NETWORK_PATH_APP_LOG_DIFFERS',
    settings: SETTINGS,
    source: APP_URL,
    env: { HTTPS_PROXY: 'http://app-proxy.example.test:8080' },
    os: { platform: 'linux', proxySettings: NONE },
    appLog: log('2026-12-01 09:00:02 [info] 3P mode active { provider: "gateway" }'),
    expect: { status: 'warn', code: 'NETWORK_PATH_APP_LOG_DIFFERS' },
  },
  {
    name: 'the running app pinned a proxy the settings no longer set: NETWORK_PATH_APP_LOG_DIFFERS',
    settings: SETTINGS,
    os: { platform: 'linux', proxySettings: NONE },
    appLog: log(PINNED),
    expect: { status: 'warn', code: 'NETWORK_PATH_APP_LOG_DIFFERS', data: { source: 'direct' } },
  },
];

testCheck(networkPath, scenarios);

describe('network-path never shows a proxy password', () => {
  it('credentials in egressProxyUrl appear in no summary, details or finding', async () => {
    const { result } = await runCheck(networkPath, scenarios.find((s) => s.expect.code === 'APP_PROXY_CREDENTIALS')!);
    expect(JSON.stringify(result)).not.toContain('s3cret-Pa55');
    expect(JSON.stringify(result)).not.toContain('alice:');
  });
});
