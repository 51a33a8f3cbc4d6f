/** The tcp check alone, with fake I/O: one attempt per address family, proxy hops named as the proxy's. */
import tcp from '../../src/checks/tcp.js';
import dns from '../../src/checks/dns.js';
import { NET_FAILURE_CODES, PROXY_HOP_KINDS, TCP_KINDS } from '../../src/gateway/failure-codes.js';
import { netFail } from '../../src/io/fakes.js';
import type { TcpResult } from '../../src/net/tcp.js';
import { given, type Scenario, testCheck } from './check-tester.js';

const SETTINGS = { inferenceGatewayBaseUrl: 'https://gateway.example.test' };
const both = given(dns, {
  addresses: [
    { address: '2001:db8::1', family: 6 },
    { address: '192.0.2.10', family: 4 },
  ],
  chosen: '2001:db8::1',
});
const connected = (address: string, family: 4 | 6, port: number): TcpResult => ({ ok: true, address, family, port, connectMs: 3, localAddress: undefined });
const refused = (address: string, family: 4 | 6, port: number): TcpResult => ({
  ok: false,
  address,
  family,
  port,
  failure: netFail('tcp-refused'),
  durationMs: 1,
});

/** Every failure kind of the layer, direct and through a proxy (where the first hop is the proxy). */
const fails =
  (kind: (typeof TCP_KINDS)[number] | (typeof PROXY_HOP_KINDS)[number]) =>
  (address: string, family: 4 | 6, port: number): TcpResult => ({ ok: false, address, family, port, failure: netFail(kind), durationMs: 1 });
const everyKind: Scenario[] = [
  ...TCP_KINDS.map((kind) => ({
    name: `direct: ${kind} → ${NET_FAILURE_CODES[kind].code}`,
    settings: SETTINGS,
    upstream: [both],
    net: { tcp: fails(kind) },
    expect: { status: 'fail' as const, code: NET_FAILURE_CODES[kind].code },
  })),
  ...PROXY_HOP_KINDS.map((kind) => ({
    name: `proxy hop: ${kind} → ${NET_FAILURE_CODES[kind].code}`,
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
    upstream: [given(dns, { addresses: [{ address: '192.0.2.20', family: 4 }], chosen: '192.0.2.20' })],
    net: { tcp: fails(kind) },
    expect: { status: 'fail' as const, code: NET_FAILURE_CODES[kind].code },
  })),
];

testCheck(tcp, [
  ...everyKind,
  {
    name: 'both families connect',
    settings: SETTINGS,
    upstream: [both],
    net: { tcp: connected },
    expect: { status: 'ok', details: { port: 443, via: 'direct' } },
  },
  {
    name: 'IPv6 refused, IPv4 connects: TCP_FAMILY_PARTIAL',
    settings: SETTINGS,
    upstream: [both],
    net: { tcp: (a, f, p) => (f === 6 ? refused(a, f, p) : connected(a, f, p)) },
    expect: { status: 'warn', code: 'TCP_FAMILY_PARTIAL' },
  },
  { name: 'every family refused: TCP_REFUSED', settings: SETTINGS, upstream: [both], net: { tcp: refused }, expect: { status: 'fail', code: 'TCP_REFUSED' } },
  {
    name: 'a black hole: TCP_TIMEOUT',
    settings: SETTINGS,
    upstream: [both],
    net: { tcp: (address, family, port) => ({ ok: false, address, family, port, failure: netFail('tcp-timeout'), durationMs: 1 }) },
    expect: { status: 'fail', code: 'TCP_TIMEOUT' },
  },
  {
    name: 'through a proxy, a refused first hop is the proxy’s: PROXY_REFUSED',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
    upstream: [given(dns, { addresses: [{ address: '192.0.2.20', family: 4 }], chosen: '192.0.2.20' })],
    net: { tcp: refused },
    expect: { status: 'fail', code: 'PROXY_REFUSED', details: { port: 3128, via: 'proxy' } },
  },
  {
    name: 'a kind outside the layer is the layer’s other failure: TCP_FAILURE',
    settings: SETTINGS,
    upstream: [both],
    net: { tcp: (address, family, port) => ({ ok: false, address, family, port, failure: netFail('tls-expired'), durationMs: 1 }) },
    expect: { status: 'fail', code: 'TCP_FAILURE' },
  },
  {
    name: 'no addresses handed on: connects to the host as given',
    settings: { inferenceGatewayBaseUrl: 'https://192.0.2.30:8443' },
    net: { tcp: connected },
    expect: { status: 'ok', details: { port: 8443 } },
  },
]);
