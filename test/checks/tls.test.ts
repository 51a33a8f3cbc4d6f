/** The tls check alone, with fake I/O: the chain, its root (public, private, intercepted), expiry, and every failure kind. */
import { describe, expect, it } from 'vitest';

import dns from '../../src/checks/dns.js';
import tls from '../../src/checks/tls.js';
import { NET_FAILURE_CODES, PROXY_TUNNEL_KINDS, TCP_KINDS, TLS_KINDS } from '../../src/gateway/failure-codes.js';
import { nodeRootCert, osStore, peerCert, privateChain, publicChain, selfSignedChain, tlsFail, tlsOk, tunnelFail, tunnelOk } from '../../src/io/fakes.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const HOST = 'gateway.example.test';
const SETTINGS = { inferenceGatewayBaseUrl: `https://${HOST}` };
const SAAS = { inferenceGatewayBaseUrl: 'https://api.portkey.ai' };
const resolvedTo = given(dns, { addresses: [{ address: '192.0.2.10', family: 4 }], chosen: '192.0.2.10' });
const INSPECTING_PROXY = { HTTPS_PROXY: 'http://127.0.0.1:3128' };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const EXTRA_CA = { NODE_EXTRA_CA_CERTS: '/fake/corp-root.pem' };
const EXTRA_CA_FILE = { files: { '/fake/corp-root.pem': PEM } };
const CORP_ROOT = 'Corp Inspection Root';
/** An OS store that holds the corporate root (a PEM the fake handshake recognises). */
const CORP_ROOT_PEM = '-----BEGIN CERTIFICATE-----\nQ09SUA==\n-----END CERTIFICATE-----\n';
const OS_TRUSTS_CORP = { systemCertificates: osStore([CORP_ROOT_PEM], 'the fake OS store') };
/** An OS store that holds nothing useful here. */
const OS_TRUSTS_OTHERS = { systemCertificates: osStore(['-----BEGIN CERTIFICATE-----\nT1RIRVI=\n-----END CERTIFICATE-----\n']) };
const withCorpRoot = (opts: { ca?: string[] }) => opts.ca?.includes(CORP_ROOT_PEM) === true;

const scenarios: Scenario[] = [
  {
    name: 'plain http on loopback: no TLS, nothing contacted',
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:8787' },
    expect: { status: 'ok', details: { protocol: 'http' } },
  },
  {
    name: 'a public chain: ok, connecting to the address dns chose and naming the host for SNI',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: {
      tls: (host, port, opts) =>
        host === '192.0.2.10' && port === 443 && opts.servername === HOST && !opts.via ? tlsOk(publicChain(HOST)) : tlsFail('tls-failure'),
    },
    expect: {
      status: 'ok',
      details: { host: HOST, protocol: 'TLSv1.3', authorized: true, root: { name: nodeRootCert().subjectCN, inNodeRootStore: true }, extraCaFiles: 0 },
    },
  },
  {
    name: 'no address handed on: handshakes with the host name itself',
    settings: SETTINGS,
    net: { tls: (host) => (host === HOST ? tlsOk(publicChain(HOST)) : tlsFail('tls-failure')) },
    expect: { status: 'ok' },
  },
  {
    name: 'an IPv6 gateway: the host is named without brackets',
    settings: { inferenceGatewayBaseUrl: 'https://[2001:db8::5]:8443' },
    upstream: [given(dns, { addresses: [{ address: '2001:db8::5', family: 6 }], chosen: '2001:db8::5' })],
    net: {
      tls: (host, port, opts) =>
        host === '2001:db8::5' && port === 8443 && opts.servername === '2001:db8::5' ? tlsOk(publicChain('2001:db8::5')) : tlsFail('tls-failure'),
    },
    expect: { status: 'ok', details: { host: '2001:db8::5' } },
  },

  // --- Fault matrix rows: the chain is not trusted
  {
    name: 'self-signed certificate: TLS_SELF_SIGNED',
    settings: SETTINGS,
    upstream: [resolvedTo],
    os: OS_TRUSTS_OTHERS,
    net: { tls: () => tlsFail('tls-self-signed', selfSignedChain(HOST), { rawCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) },
    expect: {
      status: 'fail',
      code: 'TLS_SELF_SIGNED',
      details: { host: HOST, kind: 'tls-self-signed', rawCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', authorized: false },
    },
  },
  {
    name: 'certificate from an unknown CA: TLS_UNKNOWN_CA',
    settings: SETTINGS,
    upstream: [resolvedTo],
    os: OS_TRUSTS_OTHERS,
    net: { tls: () => tlsFail('tls-unknown-ca', [peerCert(HOST, 'Private Issuing CA')]) },
    expect: { status: 'fail', code: 'TLS_UNKNOWN_CA', details: { root: { name: 'Private Issuing CA', inNodeRootStore: false } } },
  },
  {
    name: 'certificate expired (issuer trusted): TLS_EXPIRED',
    settings: SETTINGS,
    env: EXTRA_CA,
    os: EXTRA_CA_FILE,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tls-expired', privateChain(HOST, 'Test CA', { validTo: '2026-06-01T00:00:00.000Z' }), { rawCode: 'CERT_HAS_EXPIRED' }) },
    expect: { status: 'fail', code: 'TLS_EXPIRED', details: { kind: 'tls-expired', extraCaFiles: 1 } },
  },
  {
    name: 'certificate for another host name: TLS_HOSTNAME_MISMATCH',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tls-hostname-mismatch', publicChain('other.example.test'), { rawCode: 'ERR_TLS_CERT_ALTNAME_INVALID' }) },
    expect: { status: 'fail', code: 'TLS_HOSTNAME_MISMATCH' },
  },
  {
    name: 'interception-style chain on a private gateway: TLS_UNKNOWN_CA naming the inspection root',
    settings: SETTINGS,
    upstream: [resolvedTo],
    os: OS_TRUSTS_OTHERS,
    net: { tls: () => tlsFail('tls-unknown-ca', privateChain(HOST, CORP_ROOT), { rawCode: 'SELF_SIGNED_CERT_IN_CHAIN' }) },
    expect: { status: 'fail', code: 'TLS_UNKNOWN_CA', details: { root: { name: CORP_ROOT, inNodeRootStore: false } } },
  },
  {
    name: 'api.portkey.ai through an inspecting proxy: TLS_INTERCEPTED, handshake over the tunnel',
    settings: SAAS,
    env: INSPECTING_PROXY,
    os: { systemCertificates: osStore([]) },
    upstream: [given(dns, { addresses: [{ address: '127.0.0.1', family: 4 }], chosen: '127.0.0.1' })],
    net: {
      proxy: (host, port) => (host === 'api.portkey.ai' && port === 443 ? tunnelOk() : tunnelFail('proxy-connect-refused', { status: 403 })),
      tls: (host, _port, opts) =>
        host === 'api.portkey.ai' && opts.via ? tlsFail('tls-unknown-ca', privateChain('api.portkey.ai', CORP_ROOT)) : tlsFail('tls-failure'),
    },
    expect: { status: 'fail', code: 'TLS_INTERCEPTED', details: { host: 'api.portkey.ai', root: { name: CORP_ROOT } } },
  },
  {
    name: 'api.portkey.ai with a self-signed leaf is not called interception: TLS_SELF_SIGNED',
    settings: SAAS,
    upstream: [resolvedTo],
    os: OS_TRUSTS_OTHERS,
    net: { tls: () => tlsFail('tls-self-signed', selfSignedChain('api.portkey.ai')) },
    expect: { status: 'fail', code: 'TLS_SELF_SIGNED' },
  },

  // --- Trusted, but worth a warning
  {
    name: 'interception trusted through NODE_EXTRA_CA_CERTS: warn TLS_INTERCEPTED',
    settings: SAAS,
    env: { ...INSPECTING_PROXY, ...EXTRA_CA },
    os: EXTRA_CA_FILE,
    upstream: [given(dns, { addresses: [{ address: '127.0.0.1', family: 4 }], chosen: '127.0.0.1' })],
    net: {
      proxy: (_h, _p, _c, opts) => (opts.ca?.length === 1 ? tunnelOk() : tunnelFail('proxy-failure')),
      tls: (_h, _p, opts) => (opts.ca?.length === 1 ? tlsOk(privateChain('api.portkey.ai', CORP_ROOT)) : tlsFail('tls-unknown-ca')),
    },
    expect: { status: 'warn', code: 'TLS_INTERCEPTED', details: { extraCaFiles: 1, root: { name: CORP_ROOT, inNodeRootStore: false } } },
  },
  {
    name: 'a private CA trusted only through NODE_EXTRA_CA_CERTS: warn TLS_PRIVATE_CA',
    settings: SETTINGS,
    env: EXTRA_CA,
    os: EXTRA_CA_FILE,
    upstream: [resolvedTo],
    net: { tls: (_h, _p, opts) => (opts.ca?.[0] === PEM ? tlsOk(privateChain(HOST, 'Test CA')) : tlsFail('tls-unknown-ca')) },
    expect: { status: 'warn', code: 'TLS_PRIVATE_CA', details: { extraCaFiles: 1 } },
  },
  {
    // The check's clock, not the machine's: a clock years away from today.
    name: 'the certificate expires within 14 days of the check’s clock: warn TLS_EXPIRES_SOON',
    settings: SETTINGS,
    os: { now: new Date('2031-06-01T00:00:00Z') },
    upstream: [resolvedTo],
    net: { tls: () => tlsOk(publicChain(HOST, { validTo: '2031-06-10T00:00:00.000Z' })) },
    expect: { status: 'warn', code: 'TLS_EXPIRES_SOON' },
  },
  {
    name: 'the certificate expires in 30 days: ok',
    settings: SETTINGS,
    os: { now: new Date('2031-06-01T00:00:00Z') },
    upstream: [resolvedTo],
    net: { tls: () => tlsOk(publicChain(HOST, { validTo: '2031-07-01T00:00:00.000Z' })) },
    expect: { status: 'ok' },
  },
  {
    name: '--insecure lets an untrusted chain through: warn TLS_VERIFY_DISABLED',
    settings: SETTINGS,
    options: { insecure: true },
    upstream: [resolvedTo],
    net: {
      tls: (_h, _p, opts) =>
        opts.insecure ? tlsOk(selfSignedChain(HOST), { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) : tlsFail('tls-self-signed'),
    },
    expect: { status: 'warn', code: 'TLS_VERIFY_DISABLED', details: { insecure: true, authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' } },
  },

  // --- Trusted by the OS store only (what Claude Desktop trusts), not by Node's bundle
  {
    name: 'a private CA the OS store trusts: warn TLS_OS_STORE_ONLY (fine for the app, NODE_EXTRA_CA_CERTS for Node)',
    settings: SETTINGS,
    os: OS_TRUSTS_CORP,
    upstream: [resolvedTo],
    net: {
      tls: (_h, _p, opts) => (withCorpRoot(opts) ? tlsOk(privateChain(HOST, CORP_ROOT)) : tlsFail('tls-unknown-ca', privateChain(HOST, CORP_ROOT))),
    },
    expect: {
      status: 'warn',
      code: 'TLS_OS_STORE_ONLY',
      details: {
        authorized: false,
        root: { name: CORP_ROOT, inNodeRootStore: false },
        osStore: { store: 'the fake OS store', certificates: 1, trusted: true },
      },
      // Handed on, so the HTTP probes after tls trust the OS store as the app does.
      data: { osStoreCa: [CORP_ROOT_PEM] },
    },
  },
  {
    name: 'a self-signed leaf the OS store trusts: warn TLS_OS_STORE_ONLY',
    settings: SETTINGS,
    os: OS_TRUSTS_CORP,
    upstream: [resolvedTo],
    net: { tls: (_h, _p, opts) => (withCorpRoot(opts) ? tlsOk(selfSignedChain(HOST)) : tlsFail('tls-self-signed', selfSignedChain(HOST))) },
    expect: { status: 'warn', code: 'TLS_OS_STORE_ONLY' },
  },
  {
    name: 'api.portkey.ai intercepted by a root the OS store trusts: warn TLS_INTERCEPTED (the app accepts it)',
    settings: SAAS,
    env: INSPECTING_PROXY,
    os: OS_TRUSTS_CORP,
    upstream: [given(dns, { addresses: [{ address: '127.0.0.1', family: 4 }], chosen: '127.0.0.1' })],
    net: {
      proxy: () => tunnelOk(),
      tls: (_h, _p, opts) =>
        withCorpRoot(opts) ? tlsOk(privateChain('api.portkey.ai', CORP_ROOT)) : tlsFail('tls-unknown-ca', privateChain('api.portkey.ai', CORP_ROOT)),
    },
    expect: { status: 'warn', code: 'TLS_INTERCEPTED', details: { osStore: { trusted: true } }, data: { osStoreCa: [CORP_ROOT_PEM] } },
  },
  {
    name: 'trusted nowhere (the OS store holds other roots): TLS_UNKNOWN_CA, and the details say the OS store was asked',
    settings: SETTINGS,
    os: OS_TRUSTS_OTHERS,
    upstream: [resolvedTo],
    net: { tls: (_h, _p, opts) => (withCorpRoot(opts) ? tlsOk(privateChain(HOST, CORP_ROOT)) : tlsFail('tls-unknown-ca', privateChain(HOST, CORP_ROOT))) },
    expect: { status: 'fail', code: 'TLS_UNKNOWN_CA', details: { osStore: { certificates: 1, trusted: false } } },
  },
  {
    name: 'the OS store cannot be read: TLS_UNKNOWN_CA, saying so',
    settings: SETTINGS,
    os: { systemCertificates: { source: 'none', description: 'the macOS system keychains', pems: [], unreadable: 'security did not answer within 15000 ms' } },
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tls-unknown-ca', privateChain(HOST, CORP_ROOT)) },
    expect: {
      status: 'fail',
      code: 'TLS_UNKNOWN_CA',
      details: { osStore: { certificates: 0, trusted: false, unreadable: 'security did not answer within 15000 ms' } },
    },
  },

  // --- Extra CA files
  {
    name: 'NODE_EXTRA_CA_CERTS names a missing file: TLS_CA_FILE_UNREADABLE, nothing contacted',
    settings: SETTINGS,
    env: { NODE_EXTRA_CA_CERTS: '/fake/missing.pem' },
    upstream: [resolvedTo],
    expect: {
      status: 'fail',
      code: 'TLS_CA_FILE_UNREADABLE',
      details: { problems: [{ path: '/fake/missing.pem', from: 'NODE_EXTRA_CA_CERTS', code: 'ENOENT' }] },
    },
  },
  {
    name: 'the policy’s caFile is not PEM: TLS_CA_FILE_UNREADABLE',
    settings: SETTINGS,
    policy: { gateway: { caFile: '/fake/ca.der' } },
    os: { files: { '/fake/ca.der': 'binary' } },
    upstream: [resolvedTo],
    expect: { status: 'fail', code: 'TLS_CA_FILE_UNREADABLE', details: { problems: [{ path: '/fake/ca.der', code: 'NOT_PEM' }] } },
  },

  // --- The handshake fails
  {
    name: 'TLS spoken to a plain-HTTP port: TLS_PROTOCOL',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tls-protocol', [], { rawCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }) },
    expect: { status: 'fail', code: 'TLS_PROTOCOL' },
  },
  {
    name: 'handshake never answered: TLS_HANDSHAKE_TIMEOUT',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tls-handshake-timeout') },
    expect: { status: 'fail', code: 'TLS_HANDSHAKE_TIMEOUT' },
  },
  {
    name: 'handshake cut by a reset: TLS_RESET',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tls-reset') },
    expect: { status: 'fail', code: 'TLS_RESET' },
  },
  {
    name: 'the gateway stopped listening since the tcp check: TCP_REFUSED',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('tcp-refused') },
    expect: { status: 'fail', code: 'TCP_REFUSED', details: { layer: 'tcp', kind: 'tcp-refused' } },
  },
  {
    name: 'a handshake kind outside its layers is TLS_FAILURE',
    settings: SETTINGS,
    upstream: [resolvedTo],
    net: { tls: () => tlsFail('http-reset') },
    expect: { status: 'fail', code: 'TLS_FAILURE' },
  },

  // --- Through a proxy, the tunnel comes first
  {
    name: 'the proxy wants credentials for the tunnel: PROXY_AUTH_REQUIRED, no handshake',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
    upstream: [resolvedTo],
    net: { proxy: () => tunnelFail('proxy-auth-required', { status: 407 }) },
    expect: { status: 'fail', code: 'PROXY_AUTH_REQUIRED', details: { layer: 'proxy', kind: 'proxy-auth-required', status: 407 } },
  },
  {
    name: 'a tunnel kind outside its layers is PROXY_FAILURE',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
    upstream: [resolvedTo],
    net: { proxy: () => tunnelFail('http-reset') },
    expect: { status: 'fail', code: 'PROXY_FAILURE' },
  },
];

// Every kind keeps its own code, as before the code table was split per layer.
const everyKind: Scenario[] = [
  ...[...TCP_KINDS, ...TLS_KINDS].map(
    (kind): Scenario => ({
      name: `handshake fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
      settings: SETTINGS,
      upstream: [resolvedTo],
      // The two "no trusted root" kinds make the check read the OS store: an empty one here.
      os: { systemCertificates: osStore([]) },
      net: { tls: () => tlsFail(kind) },
      expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { kind } },
    }),
  ),
  ...PROXY_TUNNEL_KINDS.map(
    (kind): Scenario => ({
      name: `tunnel fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
      settings: SETTINGS,
      env: { HTTPS_PROXY: 'https://proxy.example.test:3129' },
      upstream: [resolvedTo],
      net: { proxy: () => tunnelFail(kind) },
      expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { kind } },
    }),
  ),
];

testCheck(tls, [...scenarios, ...everyKind]);

describe('tls: beyond the table', () => {
  it('through a proxy: a tunnel to the gateway, then the handshake over it (not to the address dns resolved, the proxy’s)', async () => {
    const { result, net } = await runCheck(tls, {
      name: 'proxied',
      settings: SETTINGS,
      env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
      upstream: [given(dns, { addresses: [{ address: '192.0.2.20', family: 4 }], chosen: '192.0.2.20' })],
      net: { proxy: () => tunnelOk(), tls: () => tlsOk(publicChain(HOST)) },
      expect: { status: 'ok' },
    });
    expect(result.status).toBe('ok');
    expect(net.calls).toEqual([`proxy ${HOST}:443`, `tls ${HOST}:443`]);
  });

  it('the OS store is asked only when Node does not trust the chain, and the second handshake goes over a new tunnel', async () => {
    const { result, net } = await runCheck(tls, {
      name: 'os store through a proxy',
      settings: SETTINGS,
      env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
      os: OS_TRUSTS_CORP,
      upstream: [resolvedTo],
      net: {
        proxy: () => tunnelOk(),
        tls: (_h, _p, opts) => (withCorpRoot(opts) ? tlsOk(privateChain(HOST, CORP_ROOT)) : tlsFail('tls-unknown-ca', privateChain(HOST, CORP_ROOT))),
      },
      expect: { status: 'warn' },
    });
    expect(result.code).toBe('TLS_OS_STORE_ONLY');
    expect(net.calls).toEqual([`proxy ${HOST}:443`, `tls ${HOST}:443`, `proxy ${HOST}:443`, `tls ${HOST}:443`]);
  });

  it('the report lists the chain without PEM or full names', async () => {
    const { result } = await runCheck(tls, {
      name: 'chain',
      settings: SETTINGS,
      upstream: [resolvedTo],
      net: { tls: () => tlsOk(privateChain(HOST, CORP_ROOT)) },
      expect: { status: 'warn' },
    });
    const chain = result.details?.['chain'] as Record<string, unknown>[];
    expect(chain.map((c) => [c['subject'], c['issuer']])).toEqual([
      [HOST, CORP_ROOT],
      [CORP_ROOT, CORP_ROOT],
    ]);
    expect(Object.keys(chain[0]!).sort()).toEqual(['fingerprint256', 'issuer', 'subject', 'validTo']);
  });
});
