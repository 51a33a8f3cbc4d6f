/**
 * A mock Anthropic provider on 127.0.0.1 for the real open-source gateway to route to
 * (`x-portkey-provider: anthropic`, `x-portkey-custom-host: <url>/v1`):
 * `POST /v1/messages` (JSON, or SSE when `"stream": true`) and `POST /v1/messages/count_tokens`.
 * It records what it received, so tests can see what the gateway forwarded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readBody, startHttpServer, type ServerTls, type TestServer } from './servers.js';

/** One request as the provider saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface MockAnthropic extends TestServer {
  /** `<url>/v1`: the value for `x-portkey-custom-host`. */
  customHost: string;
  readonly seen: SeenRequest[];
  /** Answer every request with this status and an Anthropic error body (e.g. 529 overloaded); `undefined` restores normal answers. */
  failWith(status: number | undefined): void;
}

/** The event types of the stream this mock sends, in order (Anthropic's documented sequence). */
export const STREAM_EVENT_TYPES = [
  'message_start',
  'content_block_start',
  'ping',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
] as const;

/** Anthropic's `GET /v1/models` answer (one page). */
export const MODEL_LIST = {
  data: [{ type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }],
  has_more: false,
  first_id: 'claude-sonnet-4-5',
  last_id: 'claude-sonnet-4-5',
};

function message(model: string): Record<string, unknown> {
  return {
    id: 'msg_mock_01',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'pong' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 8, output_tokens: 1 },
  };
}

function writeStream(res: ServerResponse, model: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const data: Record<string, Record<string, unknown>> = {
    message_start: { message: { ...message(model), content: [], stop_reason: null, usage: { input_tokens: 8, output_tokens: 0 } } },
    content_block_start: { index: 0, content_block: { type: 'text', text: '' } },
    ping: {},
    content_block_delta: { index: 0, delta: { type: 'text_delta', text: 'pong' } },
    content_block_stop: { index: 0 },
    message_delta: { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } },
    message_stop: {},
  };
  for (const type of STREAM_EVENT_TYPES) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data[type] })}\n\n`);
  res.end();
}

/** Starts the mock provider. */
export async function startMockAnthropic(opts: { tls?: ServerTls } = {}): Promise<MockAnthropic> {
  const seen: SeenRequest[] = [];
  let failure: number | undefined;
  const server = await startHttpServer(
    async (req: IncomingMessage, res: ServerResponse) => {
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      seen.push({ method: req.method ?? '', path, headers: { ...req.headers }, body });
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      if (failure !== undefined) {
        json(failure, { type: 'error', error: { type: failure === 529 ? 'overloaded_error' : 'api_error', message: 'mock failure' } });
        return;
      }
      const model = typeof (body as { model?: unknown })?.model === 'string' ? (body as { model: string }).model : 'claude-mock';
      if (req.method === 'GET' && path === '/v1/models') {
        json(200, MODEL_LIST);
      } else if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        json(200, { input_tokens: 8 });
      } else if (req.method === 'POST' && path === '/v1/messages') {
        if ((body as { stream?: unknown })?.stream === true) writeStream(res, model);
        else json(200, message(model));
      } else {
        json(404, { type: 'error', error: { type: 'not_found_error', message: `no route ${req.method} ${path}` } });
      }
    },
    opts.tls ? { tls: opts.tls } : {},
  );
  return Object.assign(server, {
    customHost: `${server.url}/v1`,
    seen,
    failWith(status: number | undefined) {
      failure = status;
    },
  });
}
