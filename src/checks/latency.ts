/**
 * Request latency: N samples of a cheap authenticated request on one kept-alive connection —
 * the first cold (DNS, TCP, TLS), the rest warm. p50/p95/max per phase; network time (the TCP
 * round trip) against gateway time (warm time to first byte minus one round trip); compared
 * with the policy's thresholds.
 */
import { defineCheck, type Finding, fail, findings, ok, problem } from '../contract/check.js';
import type { HttpPhases } from '../contract/io.js';
import { appHeaders, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, type NetCodeOf, netCode, netCodes, REQUEST_KINDS, type RequestKind } from '../gateway/failure-codes.js';
import { summarise } from '../gateway/stats.js';
import keyValidity from './key-validity.js';
import networkPath from './network-path.js';
import tls from './tls.js';

/** One sample that failed: a server error (its status), or no response (the failure's facts and code). */
type SampleFailure = { status: number; code?: undefined } | { code: NetCodeOf<RequestKind>; [fact: string]: unknown };

/** Thresholds on the p95 of warm requests when the policy sets none. */
export const DEFAULT_LATENCY = { warnMs: 2000, failMs: undefined as number | undefined };

export default defineCheck({
  id: 'latency',
  title: 'Request latency',
  group: 'gateway',
  needs: [keyValidity, networkPath, tls],
  codes: {
    ...netCodes(REQUEST_KINDS),
    LATENCY_HIGH: {
      title: 'Requests to the gateway are slower than the threshold',
      fix: 'See the phases in the details: network time points at the path (VPN, proxy), gateway time at the gateway or its provider.',
    },
    LATENCY_TOO_HIGH: {
      title: 'Requests to the gateway are slower than the policy’s failure threshold',
      fix: 'See the phases in the details: network time points at the path (VPN, proxy), gateway time at the gateway or its provider.',
    },
    LATENCY_SAMPLES_FAILED: {
      title: 'Some latency samples failed',
      fix: 'The gateway is intermittently unreachable or failing: see the failures in the details.',
    },
  },
  async run(ctx) {
    const oss = ctx.upstream(keyValidity)?.gatewayKind === 'portkey-oss';
    // The open-source gateway has no cheap authenticated endpoint: time its greeting instead.
    const path = oss ? '/' : '/v1/models';
    const samples = Math.max(1, ctx.policy?.latency?.samples ?? ctx.options.samples);
    const perRequest = Math.max(250, Math.floor(probeTimeout(ctx) / samples));
    const client = ctx.net.createHttpClient(await clientOptions(ctx, ctx.upstream(networkPath), ctx.upstream(tls)));
    const phases: HttpPhases[] = [];
    const failures: SampleFailure[] = [];
    try {
      for (let i = 0; i < samples && !ctx.signal.aborted; i++) {
        const res = await client.request({
          url: endpoint(ctx, path),
          headers: oss ? {} : appHeaders(ctx),
          timeoutMs: perRequest,
          maxBodyBytes: MAX_BODY_BYTES,
          signal: ctx.signal,
        });
        if (res.ok && res.status < 500) phases.push(res.phases);
        else failures.push(res.ok ? { status: res.status } : { ...failureDetails(res.failure), code: netCode(res.failure) });
      }
    } finally {
      await client.close();
    }
    if (phases.length === 0) {
      // Every sample failed: the first one's network code says why (a server error has none).
      return fail(failures[0]?.code ?? 'LATENCY_SAMPLES_FAILED', `all ${failures.length} samples failed`, { details: { failures } });
    }
    const cold = phases.find((p) => !p.reusedSocket) ?? phases[0]!;
    const warm = phases.filter((p) => p.reusedSocket);
    const measured = warm.length > 0 ? warm : phases;
    // One TCP round trip ≈ the connect time of the cold request (to the first hop).
    const rtt = cold.connectMs !== null && cold.dnsMs !== null ? cold.connectMs - cold.dnsMs : cold.connectMs;
    const gatewayTimes = measured.map((p) => (p.ttfbMs !== null && rtt !== null ? Math.max(0, p.ttfbMs - rtt) : null));
    const total = summarise(measured.map((p) => p.totalMs));
    const details = {
      path,
      samples: phases.length,
      failed: failures.length,
      cold: { dnsMs: cold.dnsMs, connectMs: cold.connectMs, tlsMs: cold.tlsMs, ttfbMs: cold.ttfbMs, totalMs: cold.totalMs, proxied: cold.proxied },
      warm: { total, ttfb: summarise(measured.map((p) => p.ttfbMs)) },
      networkRttMs: rtt === null ? null : Math.round(rtt * 10) / 10,
      gatewayMs: summarise(gatewayTimes),
      thresholds: { warnMs: ctx.policy?.latency?.warnMs ?? DEFAULT_LATENCY.warnMs, failMs: ctx.policy?.latency?.failMs ?? DEFAULT_LATENCY.failMs },
      ...(failures.length ? { failures } : {}),
    };
    const p95 = total.p95 ?? 0;
    const line = `p50 ${total.p50} ms, p95 ${total.p95} ms warm; cold ${Math.round(cold.totalMs)} ms (network RTT ${details.networkRttMs ?? '?'} ms, gateway ${details.gatewayMs.p50 ?? '?'} ms)`;
    const { warnMs, failMs } = details.thresholds;
    // Slow and failing samples are reported together; the slowness, when there is any, is primary.
    const found: Finding<'LATENCY_TOO_HIGH' | 'LATENCY_HIGH' | 'LATENCY_SAMPLES_FAILED'>[] = [];
    if (failMs !== undefined && p95 > failMs) found.push(problem('fail', 'LATENCY_TOO_HIGH', `${line} > ${failMs} ms`, { details }));
    else if (p95 > warnMs) found.push(problem('warn', 'LATENCY_HIGH', `${line} > ${warnMs} ms`, { details }));
    if (failures.length > 0) found.push(problem('warn', 'LATENCY_SAMPLES_FAILED', `${failures.length} of ${samples} samples failed; ${line}`, { details }));
    return findings(found, ok(line, details));
  },
});
