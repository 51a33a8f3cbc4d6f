/** The latency check alone, with fake I/O: cold and warm samples by phase, the policy's thresholds, failed samples. */
import { describe, expect, it } from 'vitest';

import keyValidity from '../../src/checks/key-validity.js';
import latency from '../../src/checks/latency.js';
import type { HttpPhases, HttpResult } from '../../src/contract/io.js';
import { NET_FAILURE_CODES, REQUEST_KINDS } from '../../src/gateway/failure-codes.js';
import { httpFail, httpOk } from '../../src/io/fakes.js';
import { BASE_URL, CATALOG, CATALOG_DATA, SETTINGS } from './gateway-answers.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const portkey = given(keyValidity, { catalog: CATALOG_DATA, gatewayKind: 'portkey' });

/** The first request: a new connection, DNS 2 ms, TCP at 12 ms (one round trip: 10 ms), TLS, first byte, end. */
const cold = (p: Partial<HttpPhases> = {}) => httpOk(200, CATALOG, { phases: { dnsMs: 2, connectMs: 12, tlsMs: 30, ttfbMs: 60, totalMs: 65, ...p } });
/** A later request on the kept-alive connection, `totalMs` long (first byte 5 ms before the end). */
const warm = (totalMs: number) => httpOk(200, CATALOG, { phases: { ttfbMs: totalMs - 5, totalMs, reusedSocket: true } });
const serverError = httpOk(503, { status: 'failure', message: 'Something went wrong' });

/** Answers the samples in order (the last answer repeats), only on `GET <path>`. */
function samples(answers: HttpResult[], path = '/v1/models'): Scenario['net'] {
  let i = 0;
  return {
    http: (req) => {
      if (req.method !== 'GET' || req.url !== `${BASE_URL}${path}`) return httpOk(404, {});
      return answers[Math.min(i++, answers.length - 1)]!;
    },
  };
}

const scenarios: Scenario[] = [
  // --- Healthy: the cold request by phase, the warm ones summarised
  {
    name: 'three samples: cold phases, warm percentiles, network against gateway time',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([cold(), warm(25), warm(35)]),
    expect: {
      status: 'ok',
      more: [],
      details: {
        path: '/v1/models',
        samples: 3,
        failed: 0,
        cold: { dnsMs: 2, connectMs: 12, tlsMs: 30, ttfbMs: 60, totalMs: 65, proxied: false },
        warm: { total: { p50: 25, p95: 35, max: 35, n: 2 }, ttfb: { p50: 20, p95: 30, n: 2 } },
        networkRttMs: 10,
        gatewayMs: { p50: 10, p95: 20, n: 2 },
        thresholds: { warnMs: 2000 },
      },
    },
  },
  {
    name: 'an IP address (no DNS): the round trip is the connect time',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([cold({ dnsMs: null, connectMs: 4 }), warm(25)]),
    expect: { status: 'ok', details: { networkRttMs: 4 } },
  },
  {
    name: 'no connection reused: every sample is measured',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([cold({ totalMs: 40 }), cold({ totalMs: 50 }), cold({ totalMs: 60 })]),
    expect: { status: 'ok', details: { samples: 3, warm: { total: { p50: 50, p95: 60, n: 3 } } } },
  },
  {
    name: 'the policy sets the number of samples',
    settings: SETTINGS,
    upstream: [portkey],
    policy: { latency: { samples: 5 } },
    net: samples([cold(), warm(25)]),
    expect: { status: 'ok', details: { samples: 5 } },
  },
  {
    name: 'the open-source gateway: its greeting is timed, without the key',
    settings: SETTINGS,
    upstream: [given(keyValidity, { gatewayKind: 'portkey-oss' })],
    net: samples([cold(), warm(25)], '/'),
    expect: { status: 'ok', details: { path: '/', samples: 3 } },
  },
  {
    name: 'a 4xx answer is still a timed sample',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([
      httpOk(401, {}, { phases: { connectMs: 3, ttfbMs: 10, totalMs: 12 } }),
      httpOk(401, {}, { phases: { ttfbMs: 8, totalMs: 9, reusedSocket: true } }),
    ]),
    expect: { status: 'ok', details: { samples: 3, failed: 0 } },
  },
  {
    name: 'exactly at the threshold: ok',
    settings: SETTINGS,
    upstream: [portkey],
    policy: { latency: { warnMs: 300 } },
    net: samples([cold(), warm(300)]),
    expect: { status: 'ok' },
  },

  // --- Fault matrix rows: over the policy's thresholds (the server waits 300 ms)
  {
    name: 'over the policy’s warning threshold: LATENCY_HIGH',
    settings: SETTINGS,
    upstream: [portkey],
    policy: { latency: { warnMs: 150, samples: 3 } },
    net: samples([cold({ ttfbMs: 360, totalMs: 362 }), warm(305), warm(310)]),
    expect: { status: 'warn', code: 'LATENCY_HIGH', more: [], details: { samples: 3, warm: { total: { p95: 310 } }, thresholds: { warnMs: 150 } } },
  },
  {
    name: 'over the policy’s failure threshold: LATENCY_TOO_HIGH',
    settings: SETTINGS,
    upstream: [portkey],
    policy: { latency: { warnMs: 100, failMs: 200, samples: 3 } },
    net: samples([cold({ ttfbMs: 360, totalMs: 362 }), warm(305), warm(310)]),
    expect: { status: 'fail', code: 'LATENCY_TOO_HIGH', more: [], details: { thresholds: { warnMs: 100, failMs: 200 } } },
  },
  {
    name: 'over the default threshold (2 s) without a policy: LATENCY_HIGH',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([cold(), warm(2500)]),
    expect: { status: 'warn', code: 'LATENCY_HIGH', details: { thresholds: { warnMs: 2000 } } },
  },

  // --- Failed samples
  {
    name: 'one sample answers 503: LATENCY_SAMPLES_FAILED, the others measured',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([cold(), serverError, warm(25)]),
    expect: { status: 'warn', code: 'LATENCY_SAMPLES_FAILED', more: [], details: { samples: 2, failed: 1, failures: [{ status: 503 }] } },
  },
  {
    name: 'one sample gets no answer: LATENCY_SAMPLES_FAILED, with its code',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([cold(), httpFail('http-headers-timeout'), warm(25)]),
    expect: { status: 'warn', code: 'LATENCY_SAMPLES_FAILED', details: { failed: 1, failures: [{ kind: 'http-headers-timeout', code: 'HTTP_NO_RESPONSE' }] } },
  },
  {
    name: 'slow and a sample failed: both, the slowness first',
    settings: SETTINGS,
    upstream: [portkey],
    policy: { latency: { warnMs: 150 } },
    net: samples([cold(), serverError, warm(310)]),
    expect: { status: 'warn', code: 'LATENCY_HIGH', more: ['LATENCY_SAMPLES_FAILED'] },
  },
  {
    name: 'too slow and a sample failed: both, the failure threshold first',
    settings: SETTINGS,
    upstream: [portkey],
    policy: { latency: { warnMs: 100, failMs: 200 } },
    net: samples([cold(), serverError, warm(310)]),
    expect: { status: 'fail', code: 'LATENCY_TOO_HIGH', more: ['LATENCY_SAMPLES_FAILED'] },
  },
  {
    name: 'every sample answers 503: LATENCY_SAMPLES_FAILED, a failure',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([serverError]),
    expect: { status: 'fail', code: 'LATENCY_SAMPLES_FAILED', details: { failures: [{ status: 503 }, { status: 503 }, { status: 503 }] } },
  },
  {
    name: 'every sample fails, the first with a server error: LATENCY_SAMPLES_FAILED (the first one decides)',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([serverError, httpFail('tcp-refused')]),
    expect: { status: 'fail', code: 'LATENCY_SAMPLES_FAILED' },
  },
  {
    name: 'every sample fails, the first refused: TCP_REFUSED',
    settings: SETTINGS,
    upstream: [portkey],
    net: samples([httpFail('tcp-refused'), serverError]),
    expect: { status: 'fail', code: 'TCP_REFUSED', details: { failures: [{ kind: 'tcp-refused', code: 'TCP_REFUSED' }, { status: 503 }, { status: 503 }] } },
  },
];

const everyKind: Scenario[] = [...new Set(REQUEST_KINDS)].map((kind) => ({
  name: `every sample fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
  settings: SETTINGS,
  upstream: [portkey],
  net: samples([httpFail(kind)]),
  expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { failures: Array(3).fill({ kind, code: NET_FAILURE_CODES[kind].code }) } },
}));

testCheck(latency, [...scenarios, ...everyKind]);

describe('latency: beyond the table', () => {
  it('sends the key to /v1/models, and nothing to the open-source gateway', async () => {
    const saas = await runCheck(latency, { name: 'saas', settings: SETTINGS, upstream: [portkey], net: samples([cold(), warm(25)]), expect: { status: 'ok' } });
    expect(saas.net.requests.map((r) => r.headers.authorization)).toEqual(['<secret>', '<secret>', '<secret>']);
    const oss = await runCheck(latency, {
      name: 'oss',
      settings: SETTINGS,
      upstream: [given(keyValidity, { gatewayKind: 'portkey-oss' })],
      net: samples([cold(), warm(25)], '/'),
      expect: { status: 'ok' },
    });
    expect(oss.net.requests.map((r) => r.headers)).toEqual([{}, {}, {}]);
  });

  it('takes as many samples as the policy asks', async () => {
    const { net } = await runCheck(latency, {
      name: '5',
      settings: SETTINGS,
      upstream: [portkey],
      policy: { latency: { samples: 5 } },
      net: samples([cold(), warm(25)]),
      expect: { status: 'ok' },
    });
    expect(net.calls).toHaveLength(5);
  });
});
