/** The proxy check alone, with fake I/O: which variable decides, and what the proxy answers to CONNECT. */
import { describe, expect, it } from 'vitest';

import proxy from '../../src/checks/proxy.js';
import { NET_FAILURE_CODES, PROXY_TUNNEL_KINDS } from '../../src/gateway/failure-codes.js';
import { tunnelFail, tunnelOk } from '../../src/io/fakes.js';
import networkPath from '../../src/checks/network-path.js';
import type { NetworkPath } from '../../src/gateway/network-path.js';
import { parseProxyUrl } from '../../src/net/index.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const SETTINGS = { inferenceGatewayBaseUrl: 'https://gateway.example.test' };
const VIA_PROXY = { HTTPS_PROXY: 'http://proxy.example.test:3128' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

const APP_PROXY = parseProxyUrl('http://app-proxy.example.test:8080', 'egressProxyUrl');
/** The road the network-path check decided: the app's own proxy, while HTTPS_PROXY names another. */
const APP_PATH: NetworkPath = {
  source: 'app-url',
  proxy: APP_PROXY,
  env: { proxied: true, proxy: parseProxyUrl('http://proxy.example.test:3128', 'HTTPS_PROXY') },
  osAuthenticates: true,
};
const ENV_PATH: NetworkPath = {
  ...APP_PATH,
  source: 'environment',
  proxy: parseProxyUrl('http://proxy.example.test:3128', 'HTTPS_PROXY'),
  osAuthenticates: false,
};

const scenarios: Scenario[] = [
  // --- The decided road, not the environment
  {
    name: 'the app’s proxy is asked for the tunnel, not HTTPS_PROXY',
    settings: SETTINGS,
    env: VIA_PROXY,
    upstream: [given(networkPath, APP_PATH)],
    net: {
      proxy: (_h, _p, via) =>
        typeof via !== 'string' && via.display === 'http://app-proxy.example.test:8080' ? tunnelOk() : tunnelFail('proxy-connect-refused', { status: 403 }),
    },
    expect: { status: 'ok', details: { proxied: true, proxy: 'http://app-proxy.example.test:8080', path: 'app-url' } },
  },
  {
    name: 'the decided road is direct although HTTPS_PROXY is set: nothing contacted',
    settings: SETTINGS,
    env: VIA_PROXY,
    upstream: [given(networkPath, { source: 'direct', env: APP_PATH.env, osAuthenticates: false })],
    expect: { status: 'ok', details: { proxied: false, path: 'direct' } },
  },
  {
    name: 'the app’s proxy asks for the OS login (Negotiate, NTLM): PROXY_AUTH_BY_OS, not a failure of the app’s road',
    settings: SETTINGS,
    upstream: [given(networkPath, APP_PATH)],
    net: { proxy: () => tunnelFail('proxy-auth-required', { status: 407, proxyAuthenticate: ['Negotiate', 'NTLM'] }) },
    expect: { status: 'skip', code: 'PROXY_AUTH_BY_OS', details: { proxyAuthenticate: ['Negotiate', 'NTLM'] } },
  },
  {
    name: 'a proxy from the environment asks for NTLM: the doctor’s failure is the environment tools’ too (PROXY_AUTH_REQUIRED)',
    settings: SETTINGS,
    env: VIA_PROXY,
    upstream: [given(networkPath, ENV_PATH)],
    net: { proxy: () => tunnelFail('proxy-auth-required', { status: 407, proxyAuthenticate: ['NTLM'] }) },
    expect: { status: 'fail', code: 'PROXY_AUTH_REQUIRED' },
  },
  {
    name: 'the app’s proxy asks for Basic credentials: PROXY_AUTH_REQUIRED (the app has none to give)',
    settings: SETTINGS,
    upstream: [given(networkPath, APP_PATH)],
    net: { proxy: () => tunnelFail('proxy-auth-required', { status: 407, proxyAuthenticate: ['Basic realm="corp"'] }) },
    expect: { status: 'fail', code: 'PROXY_AUTH_REQUIRED' },
  },

  // --- Direct: nothing is contacted (the net is not scripted: a call would crash the check)
  {
    name: 'no proxy variable: direct, nothing contacted',
    settings: SETTINGS,
    expect: { status: 'ok', details: { proxied: false, reason: 'no-proxy-configured' } },
  },
  {
    name: 'NO_PROXY lists the gateway’s domain: direct',
    settings: SETTINGS,
    env: { ...VIA_PROXY, NO_PROXY: 'localhost,.example.test' },
    expect: { status: 'ok', details: { proxied: false, reason: 'no-proxy-match' } },
  },
  {
    name: 'NO_PROXY=*: direct',
    settings: SETTINGS,
    env: { ...VIA_PROXY, no_proxy: '*' },
    expect: { status: 'ok', details: { proxied: false, reason: 'no-proxy-wildcard' } },
  },
  {
    name: 'an empty HTTPS_PROXY means no proxy',
    settings: SETTINGS,
    env: { HTTPS_PROXY: '' },
    expect: { status: 'ok', details: { proxied: false, reason: 'no-proxy-configured' } },
  },

  // --- Through a proxy
  {
    name: 'the proxy opens a tunnel to the gateway',
    settings: SETTINGS,
    env: VIA_PROXY,
    net: { proxy: (host, port) => (host === 'gateway.example.test' && port === 443 ? tunnelOk() : tunnelFail('proxy-connect-refused', { status: 403 })) },
    expect: { status: 'ok', details: { proxied: true, proxy: 'http://proxy.example.test:3128', source: 'HTTPS_PROXY', authenticated: false } },
  },
  {
    name: 'an http:// gateway goes through HTTP_PROXY',
    settings: { inferenceGatewayBaseUrl: 'http://gateway.example.test:8080' },
    env: { HTTP_PROXY: 'http://proxy.example.test:3128', HTTPS_PROXY: 'http://other.example.test:3128' },
    net: { proxy: (host, port) => (host === 'gateway.example.test' && port === 8080 ? tunnelOk() : tunnelFail('proxy-failure')) },
    expect: { status: 'ok', details: { proxied: true, source: 'HTTP_PROXY', proxy: 'http://proxy.example.test:3128' } },
  },
  {
    name: 'an IPv6 gateway is asked for without brackets',
    settings: { inferenceGatewayBaseUrl: 'https://[2001:db8::5]:8443' },
    env: VIA_PROXY,
    net: { proxy: (host, port) => (host === '2001:db8::5' && port === 8443 ? tunnelOk() : tunnelFail('proxy-failure')) },
    expect: { status: 'ok', details: { proxied: true } },
  },
  {
    name: 'credentials in the proxy URL: authenticated, never shown',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://alice:s3cret-pw@proxy.example.test:3128' },
    net: {
      proxy: (_h, _p, choice) =>
        typeof choice !== 'string' && choice.credentials?.password.reveal() === 's3cret-pw' ? tunnelOk() : tunnelFail('proxy-auth-required', { status: 407 }),
    },
    expect: { status: 'ok', details: { proxied: true, authenticated: true, proxy: 'http://proxy.example.test:3128' } },
  },
  {
    name: 'extra CAs are given to the proxy connection (an https:// proxy is verified with them)',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'https://proxy.example.test:3129', NODE_EXTRA_CA_CERTS: '/fake/corp-ca.pem' },
    os: { files: { '/fake/corp-ca.pem': PEM } },
    net: { proxy: (_h, _p, _c, opts) => (opts.ca?.length === 1 ? tunnelOk() : tunnelFail('tls-unknown-ca')) },
    expect: { status: 'ok', details: { proxied: true, proxy: 'https://proxy.example.test:3129' } },
  },

  // --- Fault matrix rows
  {
    name: 'proxy demands authentication (407): PROXY_AUTH_REQUIRED with the challenges',
    settings: SETTINGS,
    env: VIA_PROXY,
    net: { proxy: () => tunnelFail('proxy-auth-required', { status: 407, proxyAuthenticate: ['Basic realm="corp"'] }) },
    expect: {
      status: 'fail',
      code: 'PROXY_AUTH_REQUIRED',
      details: { proxied: true, status: 407, proxyAuthenticate: ['Basic realm="corp"'], layer: 'proxy', kind: 'proxy-auth-required' },
    },
  },
  {
    name: 'proxy refuses the CONNECT (403): PROXY_CONNECT_REFUSED',
    settings: SETTINGS,
    env: VIA_PROXY,
    net: { proxy: () => tunnelFail('proxy-connect-refused', { status: 403 }) },
    expect: { status: 'fail', code: 'PROXY_CONNECT_REFUSED', details: { status: 403, kind: 'proxy-connect-refused' } },
  },
  {
    name: 'proxy accepts, never answers CONNECT: PROXY_TIMEOUT',
    settings: SETTINGS,
    env: VIA_PROXY,
    net: { proxy: () => tunnelFail('proxy-timeout') },
    expect: { status: 'fail', code: 'PROXY_TIMEOUT' },
  },
  {
    name: 'invalid proxy URL (no scheme): PROXY_INVALID_URL, the proxy is not contacted',
    settings: SETTINGS,
    env: { HTTP_PROXY: 'proxy.corp.invalid:8080' },
    expect: { status: 'fail', code: 'PROXY_INVALID_URL', details: { source: 'HTTP_PROXY' } },
  },
  {
    name: 'a SOCKS proxy: PROXY_UNSUPPORTED, not contacted',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'socks5://proxy.example.test:1080' },
    expect: { status: 'fail', code: 'PROXY_UNSUPPORTED', details: { source: 'HTTPS_PROXY' } },
  },
  {
    name: 'an https:// proxy with a self-signed certificate: its TLS code, TLS_SELF_SIGNED',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'https://proxy.example.test:3129' },
    net: { proxy: () => tunnelFail('tls-self-signed') },
    expect: { status: 'fail', code: 'TLS_SELF_SIGNED', details: { proxy: 'https://proxy.example.test:3129', kind: 'tls-self-signed' } },
  },
  {
    name: 'a kind outside the layer is the proxy’s other failure: PROXY_FAILURE',
    settings: SETTINGS,
    env: VIA_PROXY,
    net: { proxy: () => tunnelFail('http-reset') },
    expect: { status: 'fail', code: 'PROXY_FAILURE' },
  },
];

// Every kind a tunnel can end with keeps its own code (as every kind did before the table was split).
const everyKind: Scenario[] = PROXY_TUNNEL_KINDS.map((kind) => ({
  name: `tunnel fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
  settings: SETTINGS,
  env: VIA_PROXY,
  net: { proxy: () => tunnelFail(kind) },
  expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { proxied: true, kind } },
}));

testCheck(proxy, [...scenarios, ...everyKind]);

describe('proxy: beyond the table', () => {
  it('the proxy password never reaches the report', async () => {
    const { result } = await runCheck(proxy, {
      name: '407 with credentials',
      settings: SETTINGS,
      env: { HTTPS_PROXY: 'http://alice:s3cret-pw@proxy.example.test:3128' },
      net: { proxy: () => tunnelFail('proxy-auth-required', { status: 407 }) },
      expect: { status: 'fail' },
    });
    expect(result.code).toBe('PROXY_AUTH_REQUIRED');
    expect(JSON.stringify(result)).not.toContain('s3cret-pw');
  });

  it('a direct connection asks nothing of the network', async () => {
    const { net } = await runCheck(proxy, { name: 'direct', settings: SETTINGS, expect: { status: 'ok' } });
    expect(net.calls).toEqual([]);
  });
});
