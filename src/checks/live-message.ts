/**
 * With --live only: one minimal real `POST /v1/messages`, streamed as the app streams. Says
 * which model answered against the one asked for, and whether streaming works; when the stream
 * fails it tries once without streaming, to tell "streaming broken" from "gateway broken".
 */
import { type CheckContext, type CodeOf, type CodeTable, defineCheck, type Finding, fail, finding, findings, ok, problem, skip } from '../contract/check.js';
import type { HttpResult } from '../contract/io.js';
import { appHeaders, clientOptions, endpoint, MAX_BODY_BYTES, probeTimeout } from '../gateway/endpoint.js';
import type { NetworkPath } from '../gateway/network-path.js';
import { failureDetails, netCode, netCodes, REQUEST_KINDS } from '../gateway/failure-codes.js';
import { probeModel, sameModel } from '../gateway/models.js';
import { parseJson, routingHeaders } from '../gateway/responses.js';
import { describeStatus, diagnoseStatus, GATEWAY_STATUS_CODES } from '../gateway/status-codes.js';
import keyValidity from './key-validity.js';
import networkPath from './network-path.js';
import tls, { type TlsData } from './tls.js';

/** The live check's own codes (beside the network's and the gateway status codes). */
const codes = {
  LIVE_NOT_REQUESTED: {
    title: 'Not run: a live message costs tokens and is sent only with --live',
    fix: 'Run with --live to send one tiny streamed request, as the app does.',
  },
  LIVE_STREAM_BROKEN: {
    title: 'Streaming does not work through the gateway (the app streams every request), while a non-streamed request does',
    fix: 'Upgrade the gateway or fix the proxy that buffers or breaks event streams (text/event-stream); the app cannot work without streaming.',
  },
  LIVE_STREAM_INCOMPLETE: {
    title: 'The stream started but did not finish properly',
    fix: 'A proxy or the gateway cuts event streams: check buffering and timeouts on the path.',
  },
  LIVE_MODEL_MISMATCH: {
    title: 'A different model answered than the one asked for',
    fix: 'A config on the key (or x-portkey-config) overrides the model: check its targets and override_params.',
  },
} as const satisfies CodeTable;

export default defineCheck({
  id: 'live-message',
  title: 'Live streamed message',
  group: 'gateway',
  needs: [keyValidity, networkPath, tls],
  codes: {
    ...netCodes(REQUEST_KINDS),
    ...GATEWAY_STATUS_CODES,
    ...codes,
  },
  async run(ctx) {
    if (!ctx.options.live) return skip('LIVE_NOT_REQUESTED', 'not run (use --live to send one real streamed request)');
    const model = probeModel(ctx, ctx.upstream(keyValidity)?.catalog?.ids);
    const streamed = await send(ctx, ctx.upstream(networkPath), ctx.upstream(tls), model, true, 0.6);
    if (!streamed.ok) {
      const details = { model, ...failureDetails(streamed.failure), sse: streamed.sse };
      return fail(netCode(streamed.failure), `streamed POST /v1/messages: ${streamed.failure.kind.replace(/-/g, ' ')}`, { details });
    }
    const route = routingHeaders(streamed.headers);
    const sse = streamed.sse;
    const details: Record<string, unknown> = {
      model,
      status: streamed.status,
      ...route,
      events: sse?.types.slice(0, 20),
      firstEventMs: sse?.firstEventMs,
      totalMs: Math.round(streamed.phases.totalMs),
    };
    const streamWorked = streamed.status >= 200 && streamed.status < 300 && (sse?.count ?? 0) > 0;

    if (!sse || !streamWorked) {
      // Tell a broken stream from a broken route: try the same request without streaming.
      const plain = await send(ctx, ctx.upstream(networkPath), ctx.upstream(tls), model, false, 0.35);
      const plainOk = plain.ok && plain.status >= 200 && plain.status < 300;
      if (plainOk) {
        const answered = modelOf(plain.body);
        const provider = routingHeaders(plain.headers).provider;
        Object.assign(details, { nonStreaming: { status: plain.status, provider, model: answered } });
        return fail(
          'LIVE_STREAM_BROKEN',
          `streaming fails (HTTP ${streamed.status}, ${sse?.count ?? 0} events); non-streamed works: ${answered ?? 'a model'} via ${provider ?? 'an unnamed provider'}`,
          { details },
        );
      }
      const diagnosis = diagnoseStatus(streamed.status, streamed.headers, streamed.body);
      Object.assign(details, { source: diagnosis.error.source, message: diagnosis.error.message });
      return finding(diagnosis.status, diagnosis.code, describeStatus(streamed.status, diagnosis), { details });
    }
    const start = sse.head.find((e) => e.type === 'message_start');
    const answered = start ? (parseJson(start.data) as { message?: { model?: string } } | undefined)?.message?.model : undefined;
    const incomplete = Boolean(sse.errorData) || !sse.types.includes('message_stop');
    // The report names the model that answered when the stream completed (as it always has).
    if (!incomplete) details.answeredModel = answered;
    // Both at once when both hold: a cut stream, and another model answering.
    const found: Finding<CodeOf<typeof codes>>[] = [];
    if (incomplete) {
      const why = `the stream ended after ${sse.count} events without message_stop${sse.errorData ? ' (error event)' : ''}`;
      found.push(problem('fail', 'LIVE_STREAM_INCOMPLETE', why, { details }));
    }
    if (answered && !sameModel(model, answered)) {
      found.push(
        problem('warn', 'LIVE_MODEL_MISMATCH', `asked for ${model}, ${answered} answered (via ${route.provider ?? 'an unnamed provider'})`, { details }),
      );
    }
    const firstEvent = Math.round(sse.firstEventMs ?? 0);
    return findings(
      found,
      ok(`streaming works: ${answered ?? model} via ${route.provider ?? 'an unnamed provider'}, first event in ${firstEvent} ms`, details),
    );
  },
});

function send(
  ctx: CheckContext,
  path: NetworkPath | undefined,
  trust: TlsData | undefined,
  model: string,
  stream: boolean,
  share: number,
): Promise<HttpResult> {
  return clientOptions(ctx, path, trust).then((client) =>
    ctx.net.httpRequest({
      ...client,
      url: endpoint(ctx, '/v1/messages'),
      method: 'POST',
      headers: { ...appHeaders(ctx, { json: true }), ...(stream ? { accept: 'text/event-stream' } : {}) },
      body: JSON.stringify({ model, max_tokens: 1, stream, messages: [{ role: 'user', content: 'Reply with one word: pong' }] }),
      timeoutMs: probeTimeout(ctx, share),
      maxBodyBytes: MAX_BODY_BYTES,
      signal: ctx.signal,
      sse: stream,
    }),
  );
}

function modelOf(body: string): string | undefined {
  const json = parseJson(body) as { model?: unknown } | undefined;
  return typeof json?.model === 'string' ? json.model : undefined;
}
