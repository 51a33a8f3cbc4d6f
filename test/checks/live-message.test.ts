/** The live-message check alone, with fake I/O: one streamed message, which model answered, and broken or cut streams. */
import { describe, expect, it } from 'vitest';

import keyValidity from '../../src/checks/key-validity.js';
import liveMessage from '../../src/checks/live-message.js';
import type { HttpOk, HttpResult } from '../../src/contract/io.js';
import { NET_FAILURE_CODES, REQUEST_KINDS } from '../../src/gateway/failure-codes.js';
import { httpFail, httpOk, type SeenRequest } from '../../src/io/fakes.js';
import { STREAM_EVENT_TYPES } from '../support/mock-anthropic.js';
import { BASE_URL, CATALOG_DATA, SETTINGS, STATUS_ANSWERS, routeHeaders } from './gateway-answers.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const catalog = given(keyValidity, { catalog: CATALOG_DATA, gatewayKind: 'portkey' });
const FIRST_ID = CATALOG_DATA.ids[0]!;
const LIVE = { live: true };
const NO_STOP = STREAM_EVENT_TYPES.filter((t) => t !== 'message_stop');

/** A streamed answer whose events are `types` (`message_start` names `model`), as src/net summarises it. */
function streamed(types: readonly string[], opts: { model?: string; errorData?: string; failed?: Parameters<typeof httpFail>[0] } = {}): HttpResult {
  const events = types.map((type, i) => ({
    type,
    atMs: 100 + i,
    data: JSON.stringify(type === 'message_start' && opts.model !== undefined ? { type, message: { id: 'msg_1', model: opts.model } } : { type }),
  }));
  const sse: NonNullable<HttpOk['sse']> = {
    firstEventMs: events.length > 0 ? 100 : null,
    types: [...types],
    count: types.length,
    tail: events.slice(-5),
    head: events.slice(0, 2),
    ...(opts.errorData ? { errorData: opts.errorData } : {}),
  };
  if (opts.failed) return { ...httpFail(opts.failed), sse };
  return { ...httpOk(200, '', { headers: { 'content-type': 'text/event-stream', ...routeHeaders() } }), sse };
}

/** A non-streamed message from `model`. */
const message = (model: string) =>
  httpOk(200, { id: 'msg_1', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'pong' }] }, { headers: routeHeaders() });

/** Answers `POST /v1/messages`: `stream` to the streamed request, `plain` to the non-streamed retry (none expected by default). */
function messages(stream: HttpResult, plain?: HttpResult): (req: SeenRequest) => HttpResult {
  return (req) => {
    if (req.method !== 'POST' || req.url !== `${BASE_URL}/v1/messages`) return httpOk(404, {});
    const body = JSON.parse(req.body ?? '{}') as { stream?: boolean; max_tokens?: number };
    if (body.max_tokens !== 1) return httpOk(400, { error: { message: 'the probe must be tiny' } });
    if (body.stream) return req.headers.accept === 'text/event-stream' ? stream : httpOk(406, {});
    if (!plain) throw new Error('a non-streamed retry was not expected');
    return plain;
  };
}

const scenarios: Scenario[] = [
  { name: 'without --live: LIVE_NOT_REQUESTED, nothing sent', settings: SETTINGS, upstream: [catalog], expect: { status: 'skip', code: 'LIVE_NOT_REQUESTED' } },

  // --- The stream works
  {
    name: 'the stream completes: the model that answered, the events, the provider',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(STREAM_EVENT_TYPES, { model: FIRST_ID })) },
    expect: {
      status: 'ok',
      more: [],
      details: {
        model: FIRST_ID,
        status: 200,
        provider: 'anthropic',
        traceId: 'trace-0000beef',
        answeredModel: FIRST_ID,
        events: [...STREAM_EVENT_TYPES],
        firstEventMs: 100,
      },
    },
  },
  {
    name: 'a dated snapshot of the model asked for is the same model',
    settings: { ...SETTINGS, inferenceModels: ['claude-sonnet-4-5'] },
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(STREAM_EVENT_TYPES, { model: 'claude-sonnet-4-5-20250929' })) },
    expect: { status: 'ok', details: { model: 'claude-sonnet-4-5', answeredModel: 'claude-sonnet-4-5-20250929' } },
  },
  {
    name: 'message_start names no model: ok, nothing to compare',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(STREAM_EVENT_TYPES)) },
    expect: { status: 'ok', more: [] },
  },

  // --- Fault matrix rows: model mismatch, stream cut, stream without message_stop
  {
    name: 'another model answered: LIVE_MODEL_MISMATCH, a warning',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(STREAM_EVENT_TYPES, { model: 'claude-haiku-4-5' })) },
    expect: { status: 'warn', code: 'LIVE_MODEL_MISMATCH', more: [], details: { model: FIRST_ID, answeredModel: 'claude-haiku-4-5' } },
  },
  {
    name: 'the stream ends without message_stop: LIVE_STREAM_INCOMPLETE',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(NO_STOP, { model: FIRST_ID })) },
    expect: { status: 'fail', code: 'LIVE_STREAM_INCOMPLETE', more: [], details: { events: NO_STOP } },
  },
  {
    name: 'an error event mid-stream: LIVE_STREAM_INCOMPLETE',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: {
      http: messages(streamed([...NO_STOP, 'error', 'message_stop'], { model: FIRST_ID, errorData: '{"type":"error","error":{"type":"overloaded_error"}}' })),
    },
    expect: { status: 'fail', code: 'LIVE_STREAM_INCOMPLETE' },
  },
  {
    name: 'a cut stream from another model: both, the cut stream first',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(NO_STOP, { model: 'claude-haiku-4-5' })) },
    expect: { status: 'fail', code: 'LIVE_STREAM_INCOMPLETE', more: ['LIVE_MODEL_MISMATCH'] },
  },
  {
    name: 'the stream is reset mid-way: HTTP_RESET, with the events seen',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed(['message_start', 'content_block_start'], { model: FIRST_ID, failed: 'http-reset' })) },
    expect: { status: 'fail', code: 'HTTP_RESET', details: { model: FIRST_ID, kind: 'http-reset', sse: { count: 2 } } },
  },

  // --- Streaming broken, the route fine: told apart by one non-streamed retry
  {
    name: 'no events, the non-streamed request works: LIVE_STREAM_BROKEN',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed([]), message(FIRST_ID)) },
    expect: { status: 'fail', code: 'LIVE_STREAM_BROKEN', details: { status: 200, nonStreaming: { status: 200, provider: 'anthropic', model: FIRST_ID } } },
  },
  {
    name: 'the streamed request is refused, the non-streamed one works: LIVE_STREAM_BROKEN',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(httpOk(400, { error: { message: 'stream not supported' } }), message(FIRST_ID)) },
    expect: { status: 'fail', code: 'LIVE_STREAM_BROKEN', details: { status: 400, nonStreaming: { status: 200 } } },
  },
  {
    name: 'no events and the retry fails too: the streamed answer is diagnosed (200: UNEXPECTED_STATUS)',
    settings: SETTINGS,
    upstream: [catalog],
    options: LIVE,
    net: { http: messages(streamed([]), httpFail('http-reset')) },
    expect: { status: 'fail', code: 'UNEXPECTED_STATUS', details: { status: 200 } },
  },
];

// Both requests refused alike: the streamed answer is diagnosed by status and by who raised it.
const refusals: Scenario[] = STATUS_ANSWERS.map((a) => ({
  name: `${a.name}: ${a.code}`,
  settings: SETTINGS,
  upstream: [catalog],
  options: LIVE,
  net: { http: messages(a.answer, a.answer) },
  expect: { status: a.status, code: a.code, details: { model: FIRST_ID, status: a.answer.ok ? a.answer.status : 0, source: a.source } },
}));

const everyKind: Scenario[] = [...new Set(REQUEST_KINDS)].map((kind) => ({
  name: `the streamed POST fails with ${kind}: ${NET_FAILURE_CODES[kind].code}`,
  settings: SETTINGS,
  upstream: [catalog],
  options: LIVE,
  net: { http: () => httpFail(kind) },
  expect: { status: 'fail', code: NET_FAILURE_CODES[kind].code, details: { kind } },
}));

testCheck(liveMessage, [...scenarios, ...refusals, ...everyKind]);

describe('live-message: beyond the table', () => {
  it('a cut stream reports no answered model (as before several findings)', async () => {
    const { result } = await runCheck(liveMessage, {
      name: 'cut',
      settings: SETTINGS,
      upstream: [catalog],
      options: LIVE,
      net: { http: messages(streamed(NO_STOP, { model: 'claude-haiku-4-5' })) },
      expect: { status: 'fail' },
    });
    expect(result.details).not.toHaveProperty('answeredModel');
  });

  it('a working stream sends exactly one request', async () => {
    const { net } = await runCheck(liveMessage, {
      name: 'one',
      settings: SETTINGS,
      upstream: [catalog],
      options: LIVE,
      net: { http: messages(streamed(STREAM_EVENT_TYPES, { model: FIRST_ID })) },
      expect: { status: 'ok' },
    });
    expect(net.calls).toEqual([`POST ${BASE_URL}/v1/messages`]);
    expect(net.requests[0]?.headers).toMatchObject({ authorization: '<secret>', accept: 'text/event-stream', 'content-type': 'application/json' });
  });
});
