/**
 * The fault matrix: one table, one row per injected fault, each run through the built CLI
 * (`node dist/cli.js --json … --only network,gateway`) against real loopback servers. A row
 * says how the fault is made, which check must report it with which status and code, which
 * checks must then be skipped as BLOCKED behind it, and how long the run may take (the run's
 * own --timeout must hold). Every row also proves the key never appears in the output.
 *
 * Everything listens on 127.0.0.1; no row resolves or connects to anything else. The one
 * fault that needs a non-loopback host (a key over plain http to a remote gateway) is shown
 * without any packet leaving: through the CLI it stops at the base-url check (nothing is
 * contacted, a dedicated proxy is asked for no tunnel), and at the net/check level the request is
 * refused before any lookup or connection (again, no tunnel is asked for).
 *
 * Rows run concurrently (vitest's maxConcurrency, 5 by default) on shared servers: a row never
 * changes a shared server's behaviour; per-row behaviour comes from the key (fake SaaS), the
 * path prefix of the base URL (the canned server), or a server of its own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Status } from '../../src/contract/check.js';
import gatewayHttp from '../../src/checks/gateway-http.js';
import keyValidity from '../../src/checks/key-validity.js';
import { firstHopFailure } from '../../src/gateway/failure-codes.js';
import { bearer, httpRequest, makeFailure } from '../../src/net/index.js';
import { Secret } from '../../src/core/secret.js';
import { realNet } from '../../src/io/real.js';
import { given, runCheck } from '../checks/check-tester.js';
import { findLeak } from '../cli/leak-check.js';
import { parseReport, runCli, TEST_KEY, writeProfile, type JsonReport } from '../cli/run-cli.js';
import { testPki, type TestPki } from '../support/certs.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';
import { PORTKEY_KEYS, startPortkeySaas, type FakePortkey } from '../support/portkey-saas.js';
import { startConnectProxy, type TestProxy } from '../support/proxy.js';
import {
  refusedPort,
  startBlackHole,
  startDelayedServer,
  startDribbleServer,
  startHttpServer,
  startHugeBodyServer,
  startResetServer,
  startSilentServer,
  type TestServer,
} from '../support/servers.js';
import { startScriptedGateway } from './scripted-gateway.js';

// ---------------------------------------------------------------------------------------
// The world: every server the rows use, started once.

interface World {
  pki: TestPki;
  policies: Record<'noRouting' | 'unexpectedProvider' | 'providerMissing' | 'latencyWarn' | 'latencyFail', string>;
  closed: number;
  blackHole: TestServer & { filled: boolean };
  silent: TestServer;
  resetOnData: TestServer;
  resetOnAccept: TestServer;
  dribble: TestServer;
  huge: TestServer;
  slowHeaders: TestServer;
  canned: TestServer;
  saas: FakePortkey;
  saasTls: FakePortkey;
  saasFallback: FakePortkey;
  saasUnavailable: FakePortkey;
  slowGateway: TestServer;
  streamReset: TestServer;
  streamNoStop: TestServer;
  tls: Record<'selfSigned' | 'unknownCa' | 'expired' | 'wrongHost' | 'corpChain', TestServer>;
  proxy: TestProxy;
  authProxy: TestProxy;
  refusingProxy: TestProxy;
  inspectingProxy: TestProxy;
  inspectingForwardProxy: TestProxy;
  clearTextProxy: TestProxy;
  gateway: TestGateway;
  provider500: MockAnthropic;
  provider401: MockAnthropic;
  road: Road;
}

/**
 * The app's road (issue 17, docs/network-path.md): proxies named by the app's own settings
 * (`egressProxyUrl`, `egressProxyPacUrl` in a Claude-3p profile), a PAC server, and a decoy
 * proxy that HTTPS_PROXY names but the app never uses. Each row has its own proxy, so counts are
 * exact. The gateway is `https://api.portkey.ai` reached through an inspecting proxy on loopback
 * that forwards to the fake SaaS (the name is never resolved; nothing leaves loopback).
 */
interface Road {
  appProxy: TestProxy;
  pacProxy: TestProxy;
  decoy: TestProxy;
  osLoginProxy: TestProxy;
  pac: TestServer;
  /** A Claude-3p folder whose profile sets these app keys. */
  profile: (keys: Record<string, unknown>) => string;
}

/** The proxy password of the credentials row: it must appear in no output. */
const PROXY_PASSWORD = 'Pr0xyPa55-w0rd-17';

async function startRoad(pki: TestPki, saasPort: number): Promise<Road> {
  const intercept = { cert: pki.intercepted.chain, key: pki.intercepted.key, forwardTo: saasPort };
  const [appProxy, pacProxy, decoy, osLoginProxy] = await Promise.all([
    startConnectProxy({ intercept }),
    startConnectProxy({ intercept }),
    startConnectProxy(),
    startConnectProxy({ challenge: ['Negotiate', 'NTLM'] }),
  ]);
  const pac = await startHttpServer((req, res) => {
    const js =
      req.url === '/proxy.pac'
        ? `function FindProxyForURL(url, host) { if (dnsDomainIs(host, "api.portkey.ai")) return "PROXY 127.0.0.1:${pacProxy.port}; DIRECT"; return "DIRECT"; }`
        : req.url === '/loop.pac'
          ? 'function FindProxyForURL(url, host) { while (true) {} }'
          : undefined;
    if (js === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' }).end(js);
  });
  return { appProxy, pacProxy, decoy, osLoginProxy, pac, profile: (keys) => writeProfile({ inferenceProvider: 'gateway', ...keys }) };
}

/** Canned answers by the first path segment of the base URL (`http://127.0.0.1:P/<name>`); `rest` is the path after it. */
const CANNED: Record<string, (res: ServerResponse, rest: string) => void> = {
  portal: (res) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><html><head><title>Guest Wi-Fi Login</title></head><body><form>Accept terms</form></body></html>'),
  redirect: (res) => res.writeHead(302, { location: 'http://captive.invalid/login?next=%2Fv1%2Fmodels', 'content-length': '0' }).end(),
  'bad-gateway': (res) => res.writeHead(502, { 'content-type': 'text/plain' }).end('502 Bad Gateway'),
  text: (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('It works! This is not an API.'),
  // Another API: a model list on /v1/models, JSON 404 elsewhere (so no /v1/health, no greeting).
  'other-api': (res, rest) =>
    rest === '/v1/models'
      ? res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'some-model' }] }))
      : res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' })),
  'no-endpoint': (res) => res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Not Found' } })),
  'upstream-timeout': (res) =>
    res.writeHead(504, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'upstream request timeout' } })),
};

function canned(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const name = path.split('/')[1] ?? '';
  const answer = CANNED[name];
  if (answer) answer(res, path.slice(name.length + 1));
  else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}

let w: World;

beforeAll(async () => {
  const pki = await testPki();
  const dir = mkdtempSync(join(tmpdir(), 'pkd-faults-'));
  const policy = (name: string, value: unknown): string => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const policies = {
    noRouting: policy('no-routing', { routing: { expectedModels: ['claude-sonnet-4-5'] } }),
    unexpectedProvider: policy('unexpected-provider', { routing: { expectedProviders: ['bedrock'] } }),
    providerMissing: policy('provider-missing', { routing: { expectedProviders: ['vertex-ai'] } }),
    latencyWarn: policy('latency-warn', { latency: { warnMs: 150, samples: 3 } }),
    latencyFail: policy('latency-fail', { latency: { warnMs: 100, failMs: 200, samples: 3 } }),
  };
  const tlsServer = (pair: { chain: string; key: string }): Promise<TestServer> =>
    startHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), { tls: { cert: pair.chain, key: pair.key } });

  const saas = await startPortkeySaas();
  const [mockA, mockB] = await Promise.all([startMockAnthropic(), startMockAnthropic()]);
  mockA.failWith(500);
  mockB.failWith(401);
  const [saasFallback, saasUnavailable] = await Promise.all([startPortkeySaas(), startPortkeySaas()]);
  saasFallback.setScenario('fallback');
  saasUnavailable.setScenario('unavailable');

  const started = await Promise.all([
    refusedPort(),
    startBlackHole(240_000),
    startSilentServer(),
    startResetServer('data'),
    startResetServer('accept'),
    startDribbleServer({ intervalMs: 100 }),
    startHugeBodyServer(16 * 1024 * 1024),
    startDelayedServer(120_000),
    startHttpServer(canned),
    startPortkeySaas({ tls: { cert: pki.leaf.chain, key: pki.leaf.key } }),
    startScriptedGateway({ delayMs: 300 }),
    startScriptedGateway({ stream: 'reset-mid-stream' }),
    startScriptedGateway({ stream: 'no-message-stop' }),
    tlsServer(pki.selfSigned),
    tlsServer(pki.leaf),
    tlsServer(pki.expired),
    tlsServer(pki.wrongHost),
    tlsServer(pki.intercepted),
    startConnectProxy(),
    startConnectProxy({ auth: { user: 'corp-user', pass: 'corp-pass' } }),
    startConnectProxy({ refuseWith: 403 }),
    startConnectProxy({ intercept: { cert: pki.intercepted.chain, key: pki.intercepted.key } }),
    startConnectProxy({ intercept: { cert: pki.intercepted.chain, key: pki.intercepted.key, forwardTo: saas.port } }),
    startConnectProxy(),
    startGateway(),
  ] as const);
  const [closed, blackHole, silent, resetOnData, resetOnAccept, dribble, huge, slowHeaders, cannedServer, saasTls, slowGateway, streamReset, streamNoStop] =
    started;
  const [
    selfSigned,
    unknownCa,
    expired,
    wrongHost,
    corpChain,
    proxy,
    authProxy,
    refusingProxy,
    inspectingProxy,
    inspectingForwardProxy,
    clearTextProxy,
    gateway,
  ] = started.slice(13) as [
    TestServer,
    TestServer,
    TestServer,
    TestServer,
    TestServer,
    TestProxy,
    TestProxy,
    TestProxy,
    TestProxy,
    TestProxy,
    TestProxy,
    TestGateway,
  ];
  w = {
    pki,
    policies,
    closed,
    blackHole,
    silent,
    resetOnData,
    resetOnAccept,
    dribble,
    huge,
    slowHeaders,
    canned: cannedServer,
    saas,
    saasTls,
    saasFallback,
    saasUnavailable,
    slowGateway,
    streamReset,
    streamNoStop,
    tls: { selfSigned, unknownCa, expired, wrongHost, corpChain },
    proxy,
    authProxy,
    refusingProxy,
    inspectingProxy,
    inspectingForwardProxy,
    clearTextProxy,
    gateway,
    provider500: mockA,
    provider401: mockB,
    road: await startRoad(pki, saas.port),
  };
}, 120_000);

afterAll(async () => {
  if (!w) return;
  const closers: Promise<void>[] = [];
  for (const value of Object.values(w)) {
    if (value && typeof value === 'object' && 'close' in value && typeof value.close === 'function')
      closers.push((value as { close(): Promise<void> }).close());
  }
  for (const server of Object.values(w.tls)) closers.push(server.close());
  for (const server of [w.road.appProxy, w.road.pacProxy, w.road.decoy, w.road.osLoginProxy, w.road.pac]) closers.push(server.close());
  await Promise.allSettled(closers);
});

// ---------------------------------------------------------------------------------------
// The table.

/** What is skipped as BLOCKED when a given check does not pass (the registry's needs, transitively). */
const GATEWAY_CHECKS = ['key-validity', 'workspace-scope', 'routing', 'live-message', 'latency'] as const;
const AFTER = {
  'base-url': ['network-path', 'dns', 'tcp', 'proxy', 'tls', 'gateway-http', ...GATEWAY_CHECKS],
  'network-path': ['dns', 'tcp', 'proxy', 'tls', 'gateway-http', ...GATEWAY_CHECKS],
  tcp: ['proxy', 'tls', 'gateway-http', ...GATEWAY_CHECKS],
  proxy: ['tls', 'gateway-http', ...GATEWAY_CHECKS],
  tls: ['gateway-http', ...GATEWAY_CHECKS],
  'gateway-http': [...GATEWAY_CHECKS],
  'key-validity': ['workspace-scope', 'routing', 'live-message', 'latency'],
  none: [],
} as const;

interface Setup {
  baseUrl: string;
  env?: Record<string, string>;
  /** A policy file; without one the run uses --no-policy. */
  policy?: string;
  args?: string[];
}

interface Row {
  name: string;
  setup: (w: World) => Setup;
  /** The key given in PORTKEY_DOCTOR_API_KEY (default: the distinctive TEST_KEY); null: none. */
  key?: string | null;
  expect: { check: string; status: Exclude<Status, 'ok'>; code: string };
  /** Exactly the checks that must be skipped as BLOCKED. */
  blocked: readonly string[];
  /**
   * Only for a fault whose layer depends on timing by nature: other findings (with what they
   * block) that are equally right. Used by one row (a reset right after accept).
   */
  orElse?: readonly { expect: Row['expect']; blocked: readonly string[] }[];
  /** The run's --timeout and --check-timeout, in seconds. */
  timeoutS: number;
  checkTimeoutS: number;
  /** Wall-time bound of the whole CLI process (generous: process start-up under load). */
  maxMs: number;
  /** Further assertions on data (never on prose). */
  also?: (report: JsonReport, w: World) => void;
}

/**
 * Fast rows: a run takes well under a second on an idle machine; their check deadline is generous
 * because under load (two test suites on two cores) a latency check of several TLS samples took
 * more than 5 s. Hang rows get a short deadline to prove it holds.
 */
const FAST = { timeoutS: 20, checkTimeoutS: 10, maxMs: 40_000 } as const;
const HANG = { timeoutS: 6, checkTimeoutS: 3, maxMs: 26_000 } as const;
/**
 * A looping PAC file: the check's deadline must also cover loading the QuickJS sandbox, which took
 * more than 3 s on a loaded machine (CHECK_TIMEOUT instead of PAC_TIMEOUT). Still a hang row: the
 * PAC file never returns, and the run must end by itself.
 */
const PAC_HANG = { timeoutS: 10, checkTimeoutS: 8, maxMs: 40_000 } as const;

const local = (port: number, scheme = 'http'): string => `${scheme}://127.0.0.1:${port}`;
const extraCa = (w: World, which: 'root' | 'corp-root' = 'root'): Record<string, string> => ({ NODE_EXTRA_CA_CERTS: join(w.pki.dir, `${which}.pem`) });
const detailsOf = (report: JsonReport, id: string): Record<string, unknown> => report.checks.find((c) => c.id === id)?.details ?? {};

const ROWS: Row[] = [
  // --- TCP -------------------------------------------------------------------------------
  {
    name: 'TCP refused (nothing listens on the port)',
    setup: (w) => ({ baseUrl: local(w.closed) }),
    expect: { check: 'tcp', status: 'fail', code: 'TCP_REFUSED' },
    blocked: AFTER.tcp,
    ...FAST,
  },
  {
    name: 'TCP black hole (listen backlog full, SYNs dropped: no SYN-ACK ever)',
    setup: (w) => ({ baseUrl: local(w.blackHole.port) }),
    expect: { check: 'tcp', status: 'fail', code: 'TCP_TIMEOUT' },
    blocked: AFTER.tcp,
    ...HANG,
    also: (_r, w) => expect(w.blackHole.filled).toBe(true),
  },
  {
    // The server resets each connection as soon as its event loop accepts it. The client's
    // connect completes first (the kernel finished the handshake before accept), so usually
    // the TCP check passes and the reset hits the HTTP request (HTTP_RESET); on a loaded
    // machine the RST can beat the connect callback, of the TCP check (TCP_RESET there) or of
    // the HTTP request's own connection (TCP_RESET in gateway-http). All three are the right
    // diagnosis, "cut right after it opened"; which one is a race by nature.
    name: 'TCP reset as soon as the connection is accepted',
    setup: (w) => ({ baseUrl: local(w.resetOnAccept.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_RESET' },
    blocked: AFTER['gateway-http'],
    orElse: [
      { expect: { check: 'gateway-http', status: 'fail', code: 'TCP_RESET' }, blocked: AFTER['gateway-http'] },
      { expect: { check: 'tcp', status: 'fail', code: 'TCP_RESET' }, blocked: AFTER.tcp },
    ],
    ...FAST,
  },
  {
    name: 'accepts the connection, never answers (HTTP)',
    setup: (w) => ({ baseUrl: local(w.silent.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_NO_RESPONSE' },
    blocked: AFTER['gateway-http'],
    ...HANG,
  },
  {
    name: 'slow headers (the server answers after 120 s)',
    setup: (w) => ({ baseUrl: local(w.slowHeaders.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_NO_RESPONSE' },
    blocked: AFTER['gateway-http'],
    ...HANG,
  },
  {
    name: 'connection reset after the request is sent',
    setup: (w) => ({ baseUrl: local(w.resetOnData.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_RESET' },
    blocked: AFTER['gateway-http'],
    ...FAST,
  },
  {
    name: 'dribbling body (headers, then one byte every 100 ms, forever)',
    setup: (w) => ({ baseUrl: local(w.dribble.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_BODY_STALLED' },
    blocked: AFTER['gateway-http'],
    ...HANG,
  },
  {
    name: 'huge body (16 MiB of octets where a small JSON answer belongs)',
    setup: (w) => ({ baseUrl: local(w.huge.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_TOO_LARGE' },
    blocked: AFTER['gateway-http'],
    ...FAST,
  },

  // --- Proxy -----------------------------------------------------------------------------
  {
    name: 'proxy refused (HTTPS_PROXY port closed)',
    setup: (w) => ({ baseUrl: local(w.saasTls.port, 'https'), env: { HTTPS_PROXY: local(w.closed) } }),
    expect: { check: 'tcp', status: 'fail', code: 'PROXY_REFUSED' },
    blocked: AFTER.tcp,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'tcp')).toMatchObject({ via: 'proxy' }),
  },
  {
    name: 'proxy accepts, never answers CONNECT',
    setup: (w) => ({ baseUrl: local(w.saasTls.port, 'https'), env: { HTTPS_PROXY: local(w.silent.port) } }),
    expect: { check: 'proxy', status: 'fail', code: 'PROXY_TIMEOUT' },
    blocked: AFTER.proxy,
    ...HANG,
  },
  {
    name: 'proxy demands authentication (407)',
    setup: (w) => ({ baseUrl: local(w.saasTls.port, 'https'), env: { HTTPS_PROXY: w.authProxy.url } }),
    expect: { check: 'proxy', status: 'fail', code: 'PROXY_AUTH_REQUIRED' },
    blocked: AFTER.proxy,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'proxy')).toMatchObject({ status: 407, proxyAuthenticate: ['Basic realm="corp"'] }),
  },
  {
    name: 'proxy refuses the CONNECT (403)',
    setup: (w) => ({ baseUrl: local(w.saasTls.port, 'https'), env: { HTTPS_PROXY: w.refusingProxy.url } }),
    expect: { check: 'proxy', status: 'fail', code: 'PROXY_CONNECT_REFUSED' },
    blocked: AFTER.proxy,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'proxy')).toMatchObject({ status: 403 }),
  },
  {
    name: 'invalid proxy URL (no scheme)',
    setup: (w) => ({ baseUrl: local(w.saas.port), env: { HTTP_PROXY: 'proxy.corp.invalid:8080' } }),
    expect: { check: 'proxy', status: 'fail', code: 'PROXY_INVALID_URL' },
    blocked: AFTER.proxy,
    ...FAST,
    // The unusable proxy is not contacted: DNS and TCP went to the gateway directly.
    also: (r) => expect(detailsOf(r, 'dns')).toMatchObject({ via: 'direct', host: '127.0.0.1' }),
  },

  // --- TLS -------------------------------------------------------------------------------
  {
    name: 'TLS self-signed certificate',
    setup: (w) => ({ baseUrl: local(w.tls.selfSigned.port, 'https') }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_SELF_SIGNED' },
    blocked: AFTER.tls,
    ...FAST,
  },
  {
    name: 'TLS certificate from an unknown CA',
    setup: (w) => ({ baseUrl: local(w.tls.unknownCa.port, 'https') }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_UNKNOWN_CA' },
    blocked: AFTER.tls,
    ...FAST,
  },
  {
    name: 'TLS certificate expired (issuer trusted)',
    setup: (w) => ({ baseUrl: local(w.tls.expired.port, 'https'), env: extraCa(w) }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_EXPIRED' },
    blocked: AFTER.tls,
    ...FAST,
  },
  {
    name: 'TLS certificate for another host name (issuer trusted)',
    setup: (w) => ({ baseUrl: local(w.tls.wrongHost.port, 'https'), env: extraCa(w) }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_HOSTNAME_MISMATCH' },
    blocked: AFTER.tls,
    ...FAST,
  },
  {
    // On a loopback host the doctor cannot tell inspection from a private CA: the code is
    // TLS_UNKNOWN_CA and the details name the inspection root.
    name: 'interception-style chain on a loopback gateway (corporate root sent along)',
    setup: (w) => ({ baseUrl: local(w.tls.corpChain.port, 'https') }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_UNKNOWN_CA' },
    blocked: AFTER.tls,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'tls')).toMatchObject({ root: { name: 'Corp Inspection Root', inNodeRootStore: false } }),
  },
  {
    // The SaaS host name through a TLS-inspecting proxy on loopback: the proxy answers the
    // CONNECT itself and never resolves api.portkey.ai; the doctor resolves only the proxy.
    name: 'TLS interception of api.portkey.ai by an inspecting proxy',
    setup: (w) => ({ baseUrl: 'https://api.portkey.ai', env: { HTTPS_PROXY: w.inspectingProxy.url } }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_INTERCEPTED' },
    blocked: AFTER.tls,
    ...FAST,
    also: (r, w) => {
      expect(detailsOf(r, 'dns')).toMatchObject({ via: 'proxy', host: '127.0.0.1' });
      expect(detailsOf(r, 'tls')).toMatchObject({ root: { name: 'Corp Inspection Root' } });
      expect(new Set(w.inspectingProxy.targets)).toEqual(new Set(['api.portkey.ai:443']));
    },
  },
  {
    name: 'TLS interception trusted through NODE_EXTRA_CA_CERTS (warning; the fake SaaS answers behind it)',
    setup: (w) => ({ baseUrl: 'https://api.portkey.ai', env: { HTTPS_PROXY: w.inspectingForwardProxy.url, ...extraCa(w, 'corp-root') } }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'tls', status: 'warn', code: 'TLS_INTERCEPTED' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => {
      expect(detailsOf(r, 'gateway-http')).toMatchObject({ kind: 'portkey-saas' });
      expect(r.checks.find((c) => c.id === 'key-validity')?.status).toBe('ok');
      expect(r.checks.find((c) => c.id === 'routing')?.status).toBe('ok');
    },
  },
  {
    name: 'TLS from a private CA trusted only through NODE_EXTRA_CA_CERTS',
    setup: (w) => ({ baseUrl: local(w.saasTls.port, 'https'), env: extraCa(w) }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'tls', status: 'warn', code: 'TLS_PRIVATE_CA' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(r.checks.find((c) => c.id === 'key-validity')?.status).toBe('ok'),
  },
  {
    // Issue 17: the CA is in a stand-in OS store (SSL_CERT_FILE names the store on Linux), not in
    // Node's bundle: fine for the app, and the probes after tls trust that store as the app does.
    name: 'TLS from a private CA only the OS certificate store trusts',
    setup: (w) => ({ baseUrl: local(w.saasTls.port, 'https'), env: { SSL_CERT_FILE: join(w.pki.dir, 'root.pem') } }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'tls', status: 'warn', code: 'TLS_OS_STORE_ONLY' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => {
      expect(detailsOf(r, 'tls')).toMatchObject({ osStore: { trusted: true } });
      expect(r.checks.find((c) => c.id === 'key-validity')?.status).toBe('ok');
    },
  },
  {
    name: 'TLS spoken to a plain-HTTP port',
    setup: (w) => ({ baseUrl: local(w.canned.port, 'https') }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_PROTOCOL' },
    blocked: AFTER.tls,
    ...FAST,
  },
  {
    name: 'plain HTTP spoken to a TLS port',
    setup: (w) => ({ baseUrl: local(w.saasTls.port) }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_PROTOCOL' },
    blocked: AFTER['gateway-http'],
    ...FAST,
    // Node's TLS server cuts a plain request without a byte; the check then finds TLS on the port.
    also: (r) => expect(detailsOf(r, 'gateway-http')).toMatchObject({ kind: 'http-reset', speaksTls: true }),
  },
  {
    name: 'TLS handshake never answered',
    setup: (w) => ({ baseUrl: local(w.silent.port, 'https') }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_HANDSHAKE_TIMEOUT' },
    blocked: AFTER.tls,
    ...HANG,
  },
  {
    name: 'TLS handshake cut by a reset',
    setup: (w) => ({ baseUrl: local(w.resetOnData.port, 'https') }),
    expect: { check: 'tls', status: 'fail', code: 'TLS_RESET' },
    blocked: AFTER.tls,
    ...FAST,
  },

  // --- What answers over HTTP --------------------------------------------------------------
  {
    name: 'captive portal: an HTML login page answers',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/portal` }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_HTML_PAGE' },
    blocked: AFTER['gateway-http'],
    ...FAST,
    also: (r) => expect(detailsOf(r, 'gateway-http')).toMatchObject({ status: 200, title: 'Guest Wi-Fi Login' }),
  },
  {
    name: 'redirect to a login page',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/redirect` }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_REDIRECTED' },
    blocked: AFTER['gateway-http'],
    ...FAST,
    also: (r) => expect(detailsOf(r, 'gateway-http')).toMatchObject({ status: 302 }),
  },
  {
    name: '502 from a load balancer, no JSON',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/bad-gateway` }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_GATEWAY_DOWN' },
    blocked: AFTER['gateway-http'],
    ...FAST,
  },
  {
    name: 'a web server answers plain text, not an API',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/text` }),
    expect: { check: 'gateway-http', status: 'fail', code: 'HTTP_NOT_A_GATEWAY' },
    blocked: AFTER['gateway-http'],
    ...FAST,
  },
  {
    name: 'a JSON API answers that is not recognisably Portkey',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/other-api` }),
    expect: { check: 'gateway-http', status: 'warn', code: 'HTTP_UNKNOWN_API' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'gateway-http')).toMatchObject({ kind: 'unknown-api' }),
  },
  {
    name: 'the base path has no API (JSON 404)',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/no-endpoint` }),
    expect: { check: 'key-validity', status: 'fail', code: 'ENDPOINT_NOT_FOUND' },
    blocked: AFTER['key-validity'],
    ...FAST,
  },
  {
    name: 'the gateway times out upstream (504 JSON)',
    setup: (w) => ({ baseUrl: `${local(w.canned.port)}/upstream-timeout` }),
    expect: { check: 'key-validity', status: 'fail', code: 'GATEWAY_TIMEOUT' },
    blocked: AFTER['key-validity'],
    ...FAST,
  },

  // --- The gateway, with the key (fake Portkey SaaS) ---------------------------------------
  {
    name: 'Portkey rejects the key (401, code 03)',
    setup: (w) => ({ baseUrl: local(w.saas.port) }),
    expect: { check: 'key-validity', status: 'fail', code: 'KEY_INVALID' },
    blocked: AFTER['key-validity'],
    ...FAST,
    also: (r) => expect(detailsOf(r, 'key-validity')).toMatchObject({ status: 401, source: 'portkey', portkeyCode: '03' }),
  },
  {
    name: 'no key to test',
    setup: (w) => ({ baseUrl: local(w.saas.port) }),
    key: null,
    expect: { check: 'key-validity', status: 'skip', code: 'KEY_NOT_AVAILABLE' },
    blocked: AFTER['key-validity'],
    ...FAST,
  },
  {
    name: 'key lacks permission for the workspace (403 AB03)',
    setup: (w) => ({ baseUrl: local(w.saas.port) }),
    key: PORTKEY_KEYS.forbidden,
    expect: { check: 'key-validity', status: 'fail', code: 'KEY_FORBIDDEN' },
    blocked: AFTER['key-validity'],
    ...FAST,
    also: (r) => expect(detailsOf(r, 'key-validity')).toMatchObject({ status: 403, portkeyCode: 'AB03' }),
  },
  {
    name: 'key usage limit exhausted (412, code 04)',
    setup: (w) => ({ baseUrl: local(w.saas.port) }),
    key: PORTKEY_KEYS.usageLimit,
    expect: { check: 'key-validity', status: 'fail', code: 'KEY_LIMIT_EXCEEDED' },
    blocked: AFTER['key-validity'],
    ...FAST,
    also: (r) => expect(detailsOf(r, 'key-validity')).toMatchObject({ status: 412, portkeyCode: '04' }),
  },
  {
    name: 'rate limited (429): a warning, nothing blocked',
    setup: (w) => ({ baseUrl: local(w.saas.port) }),
    key: PORTKEY_KEYS.rateLimited,
    expect: { check: 'key-validity', status: 'warn', code: 'RATE_LIMITED' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(r.checks.find((c) => c.id === 'routing')).toMatchObject({ status: 'warn', code: 'RATE_LIMITED' }),
  },
  {
    name: 'Portkey itself fails (500)',
    setup: (w) => ({ baseUrl: local(w.saas.port) }),
    key: PORTKEY_KEYS.serverError,
    expect: { check: 'key-validity', status: 'fail', code: 'PORTKEY_ERROR' },
    blocked: AFTER['key-validity'],
    ...FAST,
  },
  {
    name: 'Portkey unavailable (503)',
    setup: (w) => ({ baseUrl: local(w.saasUnavailable.port) }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'key-validity', status: 'fail', code: 'PORTKEY_ERROR' },
    blocked: AFTER['key-validity'],
    ...FAST,
    also: (r) => expect(detailsOf(r, 'key-validity')).toMatchObject({ status: 503 }),
  },
  {
    name: 'provider error passed through the real open-source gateway (mock provider 500)',
    setup: (w) => ({
      baseUrl: w.gateway.url,
      args: ['--header', 'x-portkey-provider: anthropic', '--header', `x-portkey-custom-host: ${w.provider500.customHost}`],
    }),
    expect: { check: 'routing', status: 'fail', code: 'PROVIDER_ERROR' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'routing')).toMatchObject({ status: 500, source: 'provider', provider: 'anthropic' }),
  },
  {
    name: 'provider rejects the credentials, through the real open-source gateway (mock provider 401)',
    setup: (w) => ({
      baseUrl: w.gateway.url,
      args: ['--header', 'x-portkey-provider: anthropic', '--header', `x-portkey-custom-host: ${w.provider401.customHost}`],
    }),
    expect: { check: 'routing', status: 'fail', code: 'PROVIDER_AUTH_FAILED' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'routing')).toMatchObject({ status: 401, source: 'provider' }),
  },
  {
    name: 'no routing config: no x-portkey-config / provider and a bare model name (400)',
    setup: (w) => ({ baseUrl: local(w.saas.port), policy: w.policies.noRouting }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'routing', status: 'fail', code: 'NO_ROUTING_CONFIG' },
    blocked: AFTER.none,
    ...FAST,
  },
  {
    name: 'a fallback target answered',
    setup: (w) => ({ baseUrl: local(w.saasFallback.port) }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'routing', status: 'warn', code: 'ROUTING_FALLBACK_USED' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'routing')).toMatchObject({ lastUsedOptionIndex: 'config.targets[1]', fallbackUsed: true }),
  },
  {
    name: 'a provider the policy does not expect answered',
    setup: (w) => ({ baseUrl: local(w.saas.port), policy: w.policies.unexpectedProvider }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'routing', status: 'fail', code: 'ROUTING_UNEXPECTED_PROVIDER' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'routing')).toMatchObject({ provider: 'anthropic' }),
  },
  {
    name: 'the workspace has no integration for a provider the policy expects',
    setup: (w) => ({ baseUrl: local(w.saas.port), policy: w.policies.providerMissing }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'workspace-scope', status: 'fail', code: 'WORKSPACE_PROVIDER_MISSING' },
    blocked: AFTER.none,
    ...FAST,
  },
  {
    name: 'latency over the policy warning threshold (server waits 300 ms; warnMs 150)',
    setup: (w) => ({ baseUrl: local(w.slowGateway.port), policy: w.policies.latencyWarn }),
    expect: { check: 'latency', status: 'warn', code: 'LATENCY_HIGH' },
    blocked: AFTER.none,
    ...FAST,
    also: (r) => {
      const d = detailsOf(r, 'latency') as { samples: number; warm: { total: { p95: number } } };
      expect(d.samples).toBe(3);
      expect(d.warm.total.p95).toBeGreaterThanOrEqual(300);
    },
  },
  {
    name: 'latency over the policy failure threshold (server waits 300 ms; failMs 200)',
    setup: (w) => ({ baseUrl: local(w.slowGateway.port), policy: w.policies.latencyFail }),
    expect: { check: 'latency', status: 'fail', code: 'LATENCY_TOO_HIGH' },
    blocked: AFTER.none,
    ...FAST,
  },
  {
    name: '--live: the stream is reset mid-way',
    setup: (w) => ({ baseUrl: local(w.streamReset.port), args: ['--live'] }),
    expect: { check: 'live-message', status: 'fail', code: 'HTTP_RESET' },
    blocked: AFTER.none,
    ...FAST,
  },
  {
    name: '--live: the stream ends without message_stop',
    setup: (w) => ({ baseUrl: local(w.streamNoStop.port), args: ['--live'] }),
    expect: { check: 'live-message', status: 'fail', code: 'LIVE_STREAM_INCOMPLETE' },
    blocked: AFTER.none,
    ...FAST,
  },

  // --- A key over plain http beyond this machine ---------------------------------------------
  {
    // Through the CLI the base-url check stops it before any lookup or connection: every
    // network and gateway check is BLOCKED and the proxy that would carry it sees nothing.
    // (KEY_WOULD_TRAVEL_IN_CLEAR itself is proven below at the net and check level.)
    name: 'plain http to a non-loopback gateway, via a loopback proxy: nothing is contacted',
    setup: (w) => ({ baseUrl: 'http://gateway.corp.invalid:8080', env: { HTTP_PROXY: w.clearTextProxy.url, HTTPS_PROXY: w.clearTextProxy.url } }),
    expect: { check: 'base-url', status: 'fail', code: 'BASE_URL_NOT_HTTPS' },
    blocked: AFTER['base-url'],
    ...FAST,
    // No tunnel was asked for (the doctor only ever reaches a gateway through CONNECT). The
    // proxy's raw connection count is not asserted: another process on the machine that probes
    // a port it believes closed may land on this one.
    also: (_r, w) => {
      expect(w.clearTextProxy.connects).toBe(0);
      expect(w.clearTextProxy.targets).toEqual([]);
    },
  },
];

// ---------------------------------------------------------------------------------------
// The app's road (issue 17): the decided path is the one every probe takes.

const SAAS = 'https://api.portkey.ai';
const appKeys = (w: World, keys: Record<string, unknown>, env: Record<string, string> = {}): Setup => ({
  baseUrl: SAAS,
  env: { ...extraCa(w, 'corp-root'), ...env },
  args: ['--claude-dir', w.road.profile(keys)],
});

ROWS.push(
  {
    name: 'egressProxyUrl carries every probe while HTTPS_PROXY names another proxy (the report says both)',
    setup: (w) => appKeys(w, { egressProxyUrl: w.road.appProxy.url }, { HTTPS_PROXY: w.road.decoy.url }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'network-path', status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS' },
    blocked: AFTER.none,
    ...FAST,
    also: (r, w) => {
      expect(detailsOf(r, 'network-path')).toMatchObject({
        source: 'app-url',
        proxy: w.road.appProxy.url,
        environment: w.road.decoy.url,
        environmentSource: 'HTTPS_PROXY',
      });
      // The report's own record of the road (schema 1.5.0), for a support engineer reading a ticket.
      expect(r.networkPath).toEqual({ source: 'app-url', proxy: w.road.appProxy.url, environment: w.road.decoy.url });
      expect(detailsOf(r, 'dns')).toMatchObject({ via: 'proxy', host: '127.0.0.1' });
      expect(detailsOf(r, 'proxy')).toMatchObject({ proxied: true, proxy: w.road.appProxy.url, path: 'app-url' });
      expect(r.checks.find((c) => c.id === 'key-validity')?.status).toBe('ok');
      expect(new Set(w.road.appProxy.targets)).toEqual(new Set(['api.portkey.ai:443']));
      expect(w.road.decoy.connections).toBe(0);
    },
  },
  {
    name: 'a PAC file served on loopback (egressProxyPacUrl) picks the proxy; it wins over egressProxyUrl',
    setup: (w) => appKeys(w, { egressProxyPacUrl: `${local(w.road.pac.port)}/proxy.pac`, egressProxyUrl: w.road.decoy.url }),
    key: PORTKEY_KEYS.valid,
    expect: { check: 'network-path', status: 'warn', code: 'NETWORK_PATH_ENV_DIFFERS' },
    blocked: AFTER.none,
    ...FAST,
    also: (r, w) => {
      expect(detailsOf(r, 'network-path')).toMatchObject({
        source: 'app-pac',
        proxy: w.road.pacProxy.url,
        pacList: [`PROXY 127.0.0.1:${w.road.pacProxy.port}`, 'DIRECT'],
      });
      expect(r.checks.find((c) => c.id === 'key-validity')?.status).toBe('ok');
      expect(new Set(w.road.pacProxy.targets)).toEqual(new Set(['api.portkey.ai:443']));
      expect(w.road.decoy.connections).toBe(0);
    },
  },
  {
    name: 'a PAC file that loops forever ends within the deadline: PAC_TIMEOUT',
    setup: (w) => appKeys(w, { egressProxyPacUrl: `${local(w.road.pac.port)}/loop.pac` }),
    expect: { check: 'network-path', status: 'fail', code: 'PAC_TIMEOUT' },
    blocked: AFTER['network-path'],
    ...PAC_HANG,
  },
  {
    name: 'a SOCKS egressProxyUrl: APP_PROXY_SOCKS, nothing probed',
    setup: (w) => appKeys(w, { egressProxyUrl: 'socks5://127.0.0.1:1080' }),
    expect: { check: 'network-path', status: 'fail', code: 'APP_PROXY_SOCKS' },
    blocked: AFTER['network-path'],
    ...FAST,
  },
  {
    name: 'credentials in egressProxyUrl: APP_PROXY_CREDENTIALS, the password in no output',
    setup: (w) => appKeys(w, { egressProxyUrl: `http://corp-user:${PROXY_PASSWORD}@127.0.0.1:${w.road.decoy.port}` }),
    expect: { check: 'network-path', status: 'fail', code: 'APP_PROXY_CREDENTIALS' },
    blocked: AFTER['network-path'],
    ...FAST,
    also: (r, w) => {
      expect(findLeak(JSON.stringify(r), PROXY_PASSWORD)).toBeUndefined();
      expect(w.road.decoy.connections).toBe(0);
    },
  },
  {
    name: 'the app’s proxy is down: a failure, no fallback to a direct connection',
    setup: (w) => appKeys(w, { egressProxyUrl: local(w.closed) }),
    expect: { check: 'tcp', status: 'fail', code: 'PROXY_REFUSED' },
    blocked: AFTER.tcp,
    ...FAST,
    also: (r) => {
      expect(detailsOf(r, 'network-path')).toMatchObject({ source: 'app-url' });
      expect(detailsOf(r, 'dns')).toMatchObject({ via: 'proxy', host: '127.0.0.1' });
    },
  },
  {
    name: 'the app’s proxy asks for the OS login (Negotiate, NTLM): PROXY_AUTH_BY_OS, not a broken road',
    setup: (w) => appKeys(w, { egressProxyUrl: w.road.osLoginProxy.url }),
    expect: { check: 'proxy', status: 'skip', code: 'PROXY_AUTH_BY_OS' },
    blocked: AFTER.proxy,
    ...FAST,
    also: (r) => expect(detailsOf(r, 'proxy')).toMatchObject({ status: 407, proxyAuthenticate: ['Negotiate', 'NTLM'] }),
  },
);

// ---------------------------------------------------------------------------------------
// Running a row.

/** Start-up and exit of a Node process on a loaded 2-core machine, on top of the run's own deadline. */
const STARTUP_SLACK_MS = 20_000;
/** How far past its --timeout a run may report itself finished (late timers on a loaded machine). */
const DEADLINE_SLACK_MS = 3_000;

async function runRow(row: Row): Promise<void> {
  const s = row.setup(w);
  const key = row.key === undefined ? TEST_KEY : row.key;
  const args = [
    '--json',
    ...(s.policy ? ['--policy', s.policy] : ['--no-policy']),
    '--base-url',
    s.baseUrl,
    '--only',
    'network,gateway',
    '--timeout',
    String(row.timeoutS),
    '--check-timeout',
    String(row.checkTimeoutS),
    ...(s.args ?? []),
  ];
  const env = { ...(key !== null ? { PORTKEY_DOCTOR_API_KEY: key } : {}), ...s.env };
  const t0 = performance.now();
  const run = await runCli(args, env, row.maxMs + 30_000, { network: true });
  const elapsedMs = performance.now() - t0;
  const report = parseReport(run);
  const summary = report.checks.map((c) => `${c.id}:${c.status}${c.code ? `:${c.code}` : ''}`).join(' ');

  // The finding (or, for the one timing-dependent fault, its equally right alternative).
  const observed = (e: Row['expect']) => {
    const found = report.checks.find((c) => c.id === e.check);
    return { check: e.check, status: found?.status, code: found?.code };
  };
  const outcome = row.orElse?.find((alt) => observed(alt.expect).code === alt.expect.code) ?? { expect: row.expect, blocked: row.blocked };
  expect(observed(outcome.expect), summary).toEqual(outcome.expect);
  // What it blocks, exactly.
  const blocked = report.checks.filter((c) => c.status === 'skip' && c.code === 'BLOCKED').map((c) => c.id);
  expect(new Set(blocked), summary).toEqual(new Set(outcome.blocked));
  // Nothing crashed or ran out of time: every failure was classified by the checks themselves.
  expect(
    report.checks.filter((c) => c.status === 'error').map((c) => `${c.id}:${c.code}`),
    summary,
  ).toEqual([]);
  // The exit code follows the report.
  expect(run.code).toBe(report.exitCode);
  // The deadline held.
  expect(report.durationMs).toBeLessThanOrEqual(row.timeoutS * 1000 + DEADLINE_SLACK_MS);
  expect(elapsedMs).toBeLessThanOrEqual(Math.min(row.maxMs, row.timeoutS * 1000 + STARTUP_SLACK_MS));
  // The key never shows, not even 8 characters of it.
  if (key !== null) expect(findLeak(run.stdout + run.stderr, key)).toBeUndefined();
  row.also?.(report, w);
}

describe.concurrent('fault matrix (built CLI against loopback faults)', () => {
  it('has at least 25 rows with unique names', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });
  for (const row of ROWS) {
    it(`${row.name} → ${row.expect.check} ${row.expect.status} ${row.expect.code}`, () => runRow(row), row.maxMs + 40_000);
  }
});

// ---------------------------------------------------------------------------------------
// KEY_WOULD_TRAVEL_IN_CLEAR without a packet leaving: the refusal comes before any lookup or
// connection, so a loopback proxy that every request would have to pass is never asked for a
// tunnel (the doctor reaches a gateway through a proxy only by CONNECT).

describe('a key over plain http beyond this machine is refused before anything is sent', () => {
  const remote = 'http://gateway.corp.invalid:8080';

  it('net layer: insecure-key-transport, no tunnel asked of the proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      const r = await httpRequest({
        url: `${remote}/v1/models`,
        headers: { authorization: bearer(new Secret(TEST_KEY)) },
        proxy: 'env',
        env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
        timeoutMs: 5000,
        maxBodyBytes: 64 * 1024,
      });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.failure).toMatchObject({ kind: 'insecure-key-transport', layer: 'http' });
      expect(findLeak(JSON.stringify(r), TEST_KEY)).toBeUndefined();
      expect(proxy.connects).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('net layer: a loopback gateway behind a non-loopback http proxy is refused too (the proxy would read the key)', async () => {
    const r = await httpRequest({
      url: 'http://127.0.0.1:9/v1/models',
      headers: { authorization: bearer(new Secret(TEST_KEY)) },
      proxy: 'env',
      env: { HTTP_PROXY: 'http://proxy.corp.invalid:3128' },
      timeoutMs: 5000,
      maxBodyBytes: 64 * 1024,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.kind).toBe('insecure-key-transport');
  });

  it('key-validity check: KEY_WOULD_TRAVEL_IN_CLEAR, no tunnel asked of the proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      // The check alone (CheckTester), on the real network: the refusal comes from src/net itself.
      const { result } = await runCheck(keyValidity, {
        name: 'a key over plain http to a remote gateway, via a loopback proxy',
        overrides: { baseUrl: remote, apiKey: TEST_KEY },
        env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
        upstream: [given(gatewayHttp, { kind: 'portkey' })],
        netIO: realNet,
        expect: { status: 'fail', code: 'KEY_WOULD_TRAVEL_IN_CLEAR' },
      });
      expect({ status: result.status, code: result.code }).toEqual({ status: 'fail', code: 'KEY_WOULD_TRAVEL_IN_CLEAR' });
      expect(findLeak(JSON.stringify(result), TEST_KEY)).toBeUndefined();
      expect(proxy.connects).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

// The DNS check cannot be pointed at the loopback DNS server, so a proxy whose name does not
// resolve is not a CLI row (it would need a real lookup); the relabelling it relies on is
// shared with the TCP check's (the "proxy refused" row) and checked here.
describe('first-hop failures through a proxy are the proxy’s', () => {
  it.each([
    ['dns-not-found', 'proxy-unresolvable'],
    ['dns-timeout', 'proxy-unresolvable'],
    ['tcp-refused', 'proxy-refused'],
    ['tcp-timeout', 'proxy-timeout'],
    ['tcp-reset', 'proxy-reset'],
    ['tcp-unreachable', 'proxy-unreachable'],
  ] as const)('%s via a proxy → %s (direct: unchanged)', (kind, proxied) => {
    const failure = makeFailure(kind, 'X', 'x', { phase: kind.startsWith('dns') ? 'dns' : 'tcp' });
    expect(firstHopFailure(failure, 'proxy')).toMatchObject({ kind: proxied, layer: 'proxy' });
    expect(firstHopFailure(failure, 'direct')).toBe(failure);
  });
});
