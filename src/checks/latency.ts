/**
 * Request latency: N samples of a cheap authenticated request on one kept-alive connection —
 * the first cold (DNS, TCP, TLS), the rest warm. p50/p95/max per phase; network time (the TCP
 * round trip) against gateway time (warm time to first byte minus one round trip); compared
 * with the policy's thresholds.
 */
import { defineCheck, fail, ok, warn, type CheckOutcome } from '../contract/check.js';
import { appHeaders, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import { failureDetails, NET_CODE_INFO, netCode } from '../gateway/failure-codes.js';
import { summarise } from '../gateway/stats.js';
import { createHttpClient, type HttpPhases } from '../net/index.js';

/** Thresholds on the p95 of warm requests when the policy sets none. */
export const DEFAULT_LATENCY = { warnMs: 2000, failMs: undefined as number | undefined };

export default defineCheck({
  id: 'latency',
  title: 'Request latency',
  group: 'gateway',
  needs: ['key-validity'],
  codes: {
    ...NET_CODE_INFO,
    LATENCY_HIGH: { title: 'Requests to the gateway are slower than the threshold', fix: 'See the phases in the details: network time points at the path (VPN, proxy), gateway time at the gateway or its provider.' },
    LATENCY_TOO_HIGH: { title: 'Requests to the gateway are slower than the policy’s failure threshold', fix: 'See the phases in the details: network time points at the path (VPN, proxy), gateway time at the gateway or its provider.' },
    LATENCY_SAMPLES_FAILED: { title: 'Some latency samples failed', fix: 'The gateway is intermittently unreachable or failing: see the failures in the details.' },
  },
  async run(ctx): Promise<CheckOutcome> {
    const oss = ctx.upstream('key-validity')?.details?.gatewayKind === 'portkey-oss';
    // The open-source gateway has no cheap authenticated endpoint: time its greeting instead.
    const path = oss ? '/' : '/v1/models';
    const samples = Math.max(1, ctx.policy?.latency?.samples ?? ctx.options.samples);
    const perRequest = Math.max(250, Math.floor(probeTimeout(ctx) / samples));
    const client = createHttpClient(await clientOptions(ctx));
    const phases: HttpPhases[] = [];
    const failures: Record<string, unknown>[] = [];
    try {
      for (let i = 0; i < samples && !ctx.signal.aborted; i++) {
        const res = await client.request({ url: endpoint(ctx, path), headers: oss ? {} : appHeaders(ctx), timeoutMs: perRequest, maxBodyBytes: MAX_BODY_BYTES, signal: ctx.signal });
        if (res.ok && res.status < 500) phases.push(res.phases);
        else failures.push(res.ok ? { status: res.status } : { ...failureDetails(res.failure), code: netCode(res.failure) });
      }
    } finally {
      await client.close();
    }
    if (phases.length === 0) {
      const first = failures[0] ?? {};
      const code = typeof first.code === 'string' ? first.code : 'LATENCY_SAMPLES_FAILED';
      return fail(code, `all ${failures.length} samples failed`, { details: { failures } });
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
    if (details.thresholds.failMs !== undefined && p95 > details.thresholds.failMs) return fail('LATENCY_TOO_HIGH', `${line} > ${details.thresholds.failMs} ms`, { details });
    if (p95 > details.thresholds.warnMs) return warn('LATENCY_HIGH', `${line} > ${details.thresholds.warnMs} ms`, { details });
    if (failures.length > 0) return warn('LATENCY_SAMPLES_FAILED', `${failures.length} of ${samples} samples failed; ${line}`, { details });
    return ok(line, details);
  },
});
