/**
 * The worst gateway for secrets: it reflects every request — method, URL, every header, the
 * body — back in its answers: in JSON bodies, in HTML error pages (and their <title>), in
 * response header values and names, in a redirect's Location, in routing headers the doctor
 * reports (trace id, provider), in model ids of its catalog, in SSE events. Loopback only.
 *
 * The first path segment of the base URL picks the behaviour (`http://127.0.0.1:P/<mode>/…`);
 * an unknown first segment (a key pasted into the base URL) behaves as `ok`.
 *
 * - `ok`: a working Portkey-like gateway whose every answer echoes the request;
 * - `e401`: 401 on everything, the message quoting the Authorization header, WWW-Authenticate too;
 * - `e500`: a 500 JSON error quoting the request;
 * - `html`: an HTML page on everything, its title made of the request's header values;
 * - `authhtml`: `ok` without a key; with one, a 502 HTML error page that prints every header;
 * - `authredirect`: `ok` without a key; with one, a 302 whose Location carries the headers;
 * - `sseerror`: `ok`, but a streamed message answers an SSE `error` event quoting the headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readBody, startHttpServer, type TestServer } from '../support/servers.js';

export interface EchoRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface EchoGateway extends TestServer {
  readonly requests: EchoRequest[];
}

const HTML_ESCAPE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const html = (s: string): string => s.replace(/[&<>"]/g, (c) => HTML_ESCAPE[c]!);
/** A header value as Node accepts it (no control characters), bounded. */
const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 2000);

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    out[name] = out[name] === undefined ? req.rawHeaders[i + 1]! : `${out[name]}, ${req.rawHeaders[i + 1]!}`;
  }
  return out;
}

/** Response headers that carry the request back, in values and in names. */
function echoHeaders(r: EchoRequest): Record<string, string> {
  const out: Record<string, string> = { 'x-echo-url': headerSafe(r.url) };
  for (const [name, value] of Object.entries(r.headers)) {
    if (name === 'host' || name === 'content-length' || name === 'connection') continue;
    out[`x-echo-${name}`.slice(0, 200)] = headerSafe(value);
    // A value that is a valid token becomes a header name too (the key is one).
    if (/^[A-Za-z0-9-]{1,100}$/.test(value)) out[`x-echo-name-${value}`] = '1';
  }
  const auth = r.headers['authorization'] ?? r.headers['x-portkey-api-key'] ?? r.headers['x-api-key'];
  if (auth) out['www-authenticate'] = `Bearer realm="echo", error="invalid_token", error_description="${headerSafe(auth).replace(/"/g, "'")}"`;
  return out;
}

/** Routing headers the doctor reports (trace id, provider), made of what the request carried. */
function routing(r: EchoRequest): Record<string, string> {
  const auth = r.headers['authorization'] ?? r.headers['x-portkey-api-key'] ?? 'none';
  return {
    'x-portkey-trace-id': headerSafe(`echo ${auth} ${r.url}`),
    'x-portkey-provider': headerSafe(`anthropic ${auth}`),
    'x-portkey-last-used-option-index': headerSafe(`config ${auth}`),
  };
}

function dump(r: EchoRequest): string {
  return [`${r.method} ${r.url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`), '', r.body].join('\n');
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}

function htmlPage(res: ServerResponse, status: number, r: EchoRequest, headers: Record<string, string>): void {
  const values = Object.entries(r.headers)
    .filter(([k]) => k !== 'host')
    .map(([, v]) => v)
    .join(' | ');
  res
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers })
    .end(
      `<!doctype html><html><head><title>${html(`Error ${status} for ${r.url} ${values}`).slice(0, 190)}</title></head><body><h1>Bad gateway</h1><pre>${html(dump(r))}</pre></body></html>`,
    );
}

function sse(res: ServerResponse, r: EchoRequest, headers: Record<string, string>, error: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
  const auth = r.headers['authorization'] ?? '';
  const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  if (error) {
    send('error', { error: { type: 'authentication_error', message: `invalid key: ${auth}; request was ${dump(r)}` } });
    res.end();
    return;
  }
  send('message_start', { message: { id: `msg ${auth}`, type: 'message', role: 'assistant', model: `claude-sonnet-4-5 ${auth}`, content: [] } });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: dump(r) } });
  send('content_block_stop', { index: 0 });
  send('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } });
  send('message_stop', {});
  res.end();
}

async function handle(req: IncomingMessage, res: ServerResponse, requests: EchoRequest[]): Promise<void> {
  const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
  const r: EchoRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: flatHeaders(req), body };
  requests.push(r);
  const path = r.url.split('?')[0]!;
  const first = path.split('/')[1] ?? '';
  const modes = ['ok', 'e401', 'e500', 'html', 'authhtml', 'authredirect', 'sseerror'];
  const mode = modes.includes(first) ? first : 'ok';
  // The API path, wherever the base URL's own path ends (it may hold a pasted key).
  const rest = path.includes('/v1/') ? path.slice(path.indexOf('/v1/')) : path;
  const keyed = Boolean(r.headers['authorization'] ?? r.headers['x-portkey-api-key'] ?? r.headers['x-api-key']);
  const echo = { echo: r, text: dump(r) };
  const headers = { ...echoHeaders(r), ...routing(r) };
  const auth = r.headers['authorization'] ?? '';

  if (mode === 'e401') {
    json(res, 401, { error: { type: 'authentication_error', message: `Invalid API key: ${auth}` }, ...echo }, headers);
    return;
  }
  if (mode === 'e500') {
    json(res, 500, { status: 'failure', message: `Something went wrong with ${auth} on ${r.url}`, ...echo }, headers);
    return;
  }
  if (mode === 'html') {
    htmlPage(res, 200, r, headers);
    return;
  }
  if (mode === 'authhtml' && keyed) {
    htmlPage(res, 502, r, headers);
    return;
  }
  if (mode === 'authredirect' && keyed) {
    const where = `http://127.0.0.1:1/login?auth=${encodeURIComponent(auth)}&key=${encodeURIComponent(auth.replace(/^Bearer\s+/i, ''))}`;
    res.writeHead(302, { location: headerSafe(where), 'content-length': '0', ...headers }).end();
    return;
  }
  // A working gateway that echoes.
  if (r.method === 'GET' && rest === '/v1/models') {
    const ids = ['@anthropic/claude-sonnet-4-5', `@anthropic/${auth || 'no-key'}`, ...Object.values(r.headers).filter((v) => v.length < 200)];
    json(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', owned_by: `anthropic ${auth}` })), ...echo }, headers);
    return;
  }
  if (r.method === 'POST' && rest === '/v1/messages/count_tokens') {
    json(res, 200, { input_tokens: 7, ...echo }, headers);
    return;
  }
  if (r.method === 'POST' && rest === '/v1/messages') {
    let stream = false;
    try {
      stream = (JSON.parse(body) as { stream?: unknown }).stream === true;
    } catch {
      /* not JSON */
    }
    if (stream) {
      sse(res, r, headers, mode === 'sseerror');
      return;
    }
    json(
      res,
      200,
      { id: `msg ${auth}`, type: 'message', role: 'assistant', model: `claude-sonnet-4-5 ${auth}`, content: [{ type: 'text', text: dump(r) }], ...echo },
      headers,
    );
    return;
  }
  json(res, 404, { status: 'failure', message: `Portkey Error: no route ${r.method} ${r.url} for ${auth}`, ...echo }, headers);
}

export async function startEchoGateway(): Promise<EchoGateway> {
  const requests: EchoRequest[] = [];
  const server = await startHttpServer((req, res) => {
    handle(req, res, requests).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return Object.assign(server, { requests });
}
