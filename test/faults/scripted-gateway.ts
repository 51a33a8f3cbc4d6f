/**
 * A Portkey-like gateway whose answers a fault row scripts: every request waits `delayMs`
 * before its headers (latency rows), the catalog and count_tokens answer as Portkey does
 * (routing headers included), and the streamed `POST /v1/messages` can be cut mid-stream
 * (TCP reset after the first event) or end cleanly without `message_stop`. Loopback only.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import { STREAM_EVENT_TYPES } from '../support/mock-anthropic.js';
import { CATALOG } from '../support/portkey-saas.js';
import { readBody, startHttpServer, type TestServer } from '../support/servers.js';

export interface ScriptOptions {
  /** Wait this long before sending any response headers. */
  delayMs?: number;
  /** How the streamed message goes: complete, reset after the first event, or no message_stop. */
  stream?: 'complete' | 'reset-mid-stream' | 'no-message-stop';
}

let trace = 0;
function routing(): Record<string, string> {
  trace += 1;
  return {
    'x-portkey-trace-id': `scripted-${trace.toString(16).padStart(6, '0')}`,
    'x-portkey-provider': 'anthropic',
    'x-portkey-last-used-option-index': 'config',
  };
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}

function event(type: string, model: string): string {
  const extra = type === 'message_start' ? { message: { id: 'msg_scripted', type: 'message', role: 'assistant', model, content: [] } } : {};
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...extra })}\n\n`;
}

export function scriptedHandler(opts: ScriptOptions = {}): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const timer = setTimeout(() => void answer(req, res, opts), opts.delayMs ?? 0);
    res.on('close', () => clearTimeout(timer));
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, opts: ScriptOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const raw = await readBody(req);
  if (req.method === 'GET' && path === '/v1/models') {
    json(res, 200, CATALOG, { 'x-portkey-trace-id': 'scripted-models' });
    return;
  }
  if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
    json(res, 200, { input_tokens: 9 }, routing());
    return;
  }
  if (req.method === 'POST' && path === '/v1/messages') {
    let body: { model?: unknown; stream?: unknown } = {};
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      /* keep defaults */
    }
    const model = typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5';
    if (body.stream !== true) {
      json(res, 200, { id: 'msg_scripted', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'pong' }] }, routing());
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', ...routing() });
    const mode = opts.stream ?? 'complete';
    if (mode === 'reset-mid-stream') {
      res.write(event('message_start', model));
      res.write(event('content_block_start', model));
      // Let the first events reach the client, then cut the connection (RST).
      setTimeout(() => req.socket.resetAndDestroy(), 100);
      return;
    }
    for (const type of STREAM_EVENT_TYPES) {
      if (mode === 'no-message-stop' && type === 'message_stop') continue;
      res.write(event(type, model));
    }
    res.end();
    return;
  }
  json(res, 404, { status: 'failure', message: `no route ${req.method} ${path}` });
}

export function startScriptedGateway(opts: ScriptOptions = {}): Promise<TestServer> {
  return startHttpServer(scriptedHandler(opts));
}
