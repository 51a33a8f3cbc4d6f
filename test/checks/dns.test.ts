/** The dns check alone, with fake I/O: what it reports and what it hands on to tcp and tls. */
import dns from '../../src/checks/dns.js';
import { DNS_KINDS, NET_FAILURE_CODES, PROXY_HOP_KINDS } from '../../src/gateway/failure-codes.js';
import { netFail, resolved } from '../../src/io/fakes.js';
import { type Scenario, testCheck } from './check-tester.js';

const SETTINGS = { inferenceGatewayBaseUrl: 'https://gateway.example.test' };

/** Every failure kind of the layer, direct and through a proxy (where DNS is the proxy's name). */
const everyKind: Scenario[] = [
  ...DNS_KINDS.map((kind) => ({
    name: `direct: ${kind} → ${NET_FAILURE_CODES[kind].code}`,
    settings: SETTINGS,
    net: { resolve: (host: string) => ({ ok: false as const, host, failure: netFail(kind), durationMs: 1 }) },
    expect: { status: 'fail' as const, code: NET_FAILURE_CODES[kind].code, data: null },
  })),
  ...PROXY_HOP_KINDS.map((kind) => ({
    name: `proxy hop: ${kind} → ${NET_FAILURE_CODES[kind].code}`,
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
    net: { resolve: (host: string) => ({ ok: false as const, host, failure: netFail(kind), durationMs: 1 }) },
    expect: { status: 'fail' as const, code: NET_FAILURE_CODES[kind].code },
  })),
];

testCheck(dns, [
  ...everyKind,
  {
    name: 'resolves: hands on every address and the chosen one',
    settings: SETTINGS,
    net: { resolve: (host) => resolved(host, ['192.0.2.10', '2001:db8::1']) },
    expect: {
      status: 'ok',
      details: { host: 'gateway.example.test', via: 'direct' },
      data: {
        chosen: '192.0.2.10',
        addresses: [
          { address: '192.0.2.10', family: 4 },
          { address: '2001:db8::1', family: 6 },
        ],
      },
    },
  },
  {
    name: 'no such name: DNS_NOT_FOUND, nothing handed on',
    settings: SETTINGS,
    net: { resolve: (host) => resolved(host, []) },
    expect: { status: 'fail', code: 'DNS_NOT_FOUND', data: null },
  },
  {
    name: 'resolver silent: DNS_TIMEOUT',
    settings: SETTINGS,
    net: { resolve: (host) => ({ ok: false, host, failure: netFail('dns-timeout'), durationMs: 5 }) },
    expect: { status: 'fail', code: 'DNS_TIMEOUT' },
  },
  {
    name: 'through a proxy, the proxy’s name is resolved and its failure is the proxy’s: PROXY_UNRESOLVABLE',
    settings: SETTINGS,
    env: { HTTPS_PROXY: 'http://proxy.example.test:3128' },
    net: { resolve: (host) => resolved(host, []) },
    expect: { status: 'fail', code: 'PROXY_UNRESOLVABLE', details: { host: 'proxy.example.test', via: 'proxy' } },
  },
  {
    name: 'a check that forgot to script the resolver crashes, it is never answered by accident',
    settings: SETTINGS,
    expect: { status: 'error', code: 'CHECK_CRASHED' },
  },
]);
