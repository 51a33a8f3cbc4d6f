/**
 * A fake Portkey SaaS (`api.portkey.ai`) whose API contract is written as msw handlers, served
 * on a real loopback port: a node:http server hands each request to msw's `getResponse`.
 * (msw intercepts global fetch and node:http clients, not undici's own `request`/`dispatch`,
 * which the doctor uses, so the handlers must sit behind a real socket.)
 *
 * Behaviour is chosen by the key (see {@link PORTKEY_KEYS}) or, for every key, by
 * {@link FakePortkey.setScenario}. Bodies are the ones recorded in docs/portkey.md (§4).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { getResponse, http, HttpResponse, type RequestHandler } from 'msw';

import { readBody, startHttpServer, type ServerTls, type TestServer } from './servers.js';
import { STREAM_EVENT_TYPES } from './mock-anthropic.js';

/** What the fake does for a request with a valid key. */
export type PortkeyScenario = 'ok' | 'invalid-key' | 'forbidden' | 'usage-limit' | 'rate-limited' | 'server-error' | 'unavailable' | 'fallback';

/** Test keys and the scenario each one triggers. */
export const PORTKEY_KEYS = {
  valid: 'pk-test-valid-0123456789abcdef',
  invalid: 'pk-test-invalid-0123456789abcd',
  forbidden: 'pk-test-forbidden-0123456789ab',
  usageLimit: 'pk-test-usage-limit-0123456789',
  rateLimited: 'pk-test-rate-limited-01234567',
  serverError: 'pk-test-server-error-01234567',
} as const;

const KEY_SCENARIO: Record<string, PortkeyScenario> = {
  [PORTKEY_KEYS.valid]: 'ok',
  [PORTKEY_KEYS.invalid]: 'invalid-key',
  [PORTKEY_KEYS.forbidden]: 'forbidden',
  [PORTKEY_KEYS.usageLimit]: 'usage-limit',
  [PORTKEY_KEYS.rateLimited]: 'rate-limited',
  [PORTKEY_KEYS.serverError]: 'server-error',
};

/**
 * Makes `key` known to every fake (in this process) with the behaviour `scenario` (default: a valid
 * key), for tests that bring their own distinctive key. Additive: the keys above keep theirs.
 */
export function registerPortkeyKey(key: string, scenario: PortkeyScenario = 'ok'): void {
  KEY_SCENARIO[key] = scenario;
}

/** Error bodies exactly as Portkey sends them (docs/portkey.md). */
export const PORTKEY_BODIES = {
  invalidKey: { status: 'failure', message: 'Portkey Error: Invalid API Key. Error Code: 03' },
  forbidden: { success: false, data: { message: 'You do not have enough permissions to execute this request', errorCode: 'AB03' } },
  usageLimit: { status: 'failure', message: 'Portkey Error: Portkey API Key Usage Limit Exceeded. Error Code: 04' },
  rateLimited: { status: 'failure', message: 'Portkey Error: Rate limit exceeded' },
  serverError: { status: 'failure', message: 'Something went wrong' },
  noRouting: { status: 'failure', message: 'Either x-portkey-config or x-portkey-provider header is required' },
} as const;

/** The Model Catalog the valid key sees. */
export const CATALOG = {
  object: 'list',
  data: [
    { id: '@anthropic-prod/claude-sonnet-4-5', object: 'model', created: 1727000000, owned_by: 'anthropic' },
    { id: '@anthropic-prod/claude-haiku-4-5', object: 'model', created: 1727000000, owned_by: 'anthropic' },
    { id: '@bedrock-eu/anthropic.claude-sonnet-4-5', object: 'model', created: 1727000000, owned_by: 'bedrock' },
  ],
};

/** The key a request presents, the way Portkey reads it (x-api-key is not a Portkey header). */
function keyOf(request: Request): string | undefined {
  const direct = request.headers.get('x-portkey-api-key');
  if (direct) return direct;
  const auth = request.headers.get('authorization');
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m?.[1];
}

/** A trace id per request, as Portkey returns one. */
let traceCounter = 0;
function routeHeaders(request: Request, scenario: PortkeyScenario, provider: string): Record<string, string> {
  traceCounter += 1;
  return {
    'x-portkey-trace-id': request.headers.get('x-portkey-trace-id') ?? `trace-${traceCounter.toString(16).padStart(8, '0')}`,
    'x-portkey-provider': provider,
    'x-portkey-last-used-option-index': scenario === 'fallback' ? 'config.targets[1]' : 'config',
    'x-portkey-retry-attempt-count': '0',
    'x-portkey-cache-status': 'DISABLED',
  };
}

/** Answers for scenarios that fail before routing; undefined when the request may proceed. */
function gate(scenario: PortkeyScenario): Response | undefined {
  switch (scenario) {
    case 'invalid-key':
      return HttpResponse.json(PORTKEY_BODIES.invalidKey, { status: 401 });
    case 'forbidden':
      return HttpResponse.json(PORTKEY_BODIES.forbidden, { status: 403 });
    case 'usage-limit':
      return HttpResponse.json(PORTKEY_BODIES.usageLimit, { status: 412 });
    case 'rate-limited':
      return HttpResponse.json(PORTKEY_BODIES.rateLimited, { status: 429, headers: { 'retry-after': '1' } });
    case 'server-error':
      return HttpResponse.json(PORTKEY_BODIES.serverError, { status: 500 });
    case 'unavailable':
      return HttpResponse.json(PORTKEY_BODIES.serverError, { status: 503 });
    default:
      return undefined;
  }
}

/** Which provider a request routes to: the provider header, a config, or a catalog model slug. */
function routeOf(request: Request, body: { model?: unknown } | undefined): string | undefined {
  const provider = request.headers.get('x-portkey-provider');
  if (provider) return provider.replace(/^@/, '');
  if (request.headers.get('x-portkey-config')) return 'anthropic';
  const model = typeof body?.model === 'string' ? body.model : '';
  const slug = /^@([^/]+)\//.exec(model);
  return slug ? 'anthropic' : undefined;
}

function sseBody(model: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const type of STREAM_EVENT_TYPES) {
        const extra = type === 'message_start' ? { message: { id: 'msg_saas', type: 'message', role: 'assistant', model, content: [] } } : {};
        controller.enqueue(encoder.encode(`event: ${type}\ndata: ${JSON.stringify({ type, ...extra })}\n\n`));
      }
      controller.close();
    },
  });
}

/** The API contract, as msw handlers. `scenario()` gives the override, if any. */
export function portkeyHandlers(scenario: () => PortkeyScenario | undefined): RequestHandler[] {
  const resolve = (request: Request): PortkeyScenario => {
    const key = keyOf(request);
    const byKey = key !== undefined ? KEY_SCENARIO[key] : undefined;
    if (!byKey || byKey === 'invalid-key') return 'invalid-key';
    return scenario() ?? byKey;
  };
  const withRoute = async (request: Request, answer: (provider: string, body: Record<string, unknown>, s: PortkeyScenario) => Response): Promise<Response> => {
    const s = resolve(request);
    const blocked = gate(s);
    if (blocked) return blocked;
    const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
    const provider = routeOf(request, body);
    if (!provider) return HttpResponse.json(PORTKEY_BODIES.noRouting, { status: 400 });
    return answer(provider, body, s);
  };
  return [
    http.get('*/v1/models', ({ request }) => {
      const s = resolve(request);
      return gate(s) ?? HttpResponse.json(CATALOG);
    }),
    http.post('*/v1/messages/count_tokens', ({ request }) =>
      withRoute(request, (provider, _body, s) => HttpResponse.json({ input_tokens: 12 }, { headers: routeHeaders(request, s, provider) })),
    ),
    http.post('*/v1/messages', ({ request }) =>
      withRoute(request, (provider, body, s) => {
        const model = typeof body.model === 'string' ? body.model : 'claude';
        const headers = routeHeaders(request, s, provider);
        if (body.stream === true) {
          return new HttpResponse(sseBody(model), { headers: { ...headers, 'content-type': 'text/event-stream' } });
        }
        return HttpResponse.json(
          {
            id: 'msg_saas',
            type: 'message',
            role: 'assistant',
            model,
            content: [{ type: 'text', text: 'pong' }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 8, output_tokens: 1 },
          },
          { headers },
        );
      }),
    ),
    http.get('*/v1/auth/self', () => HttpResponse.json(PORTKEY_BODIES.invalidKey, { status: 401 })),
  ];
}

/** One request as the fake saw it. */
export interface SaasRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export interface FakePortkey extends TestServer {
  /** Override the behaviour for every valid key; `undefined` returns to per-key behaviour. */
  setScenario(s: PortkeyScenario | undefined): void;
  readonly requests: SaasRequest[];
}

/** Starts the fake on a loopback port (https with `tls`). */
export async function startPortkeySaas(opts: { tls?: ServerTls } = {}): Promise<FakePortkey> {
  let scenario: PortkeyScenario | undefined;
  const handlers = portkeyHandlers(() => scenario);
  const requests: SaasRequest[] = [];
  let base = '';
  const server = await startHttpServer(
    async (req: IncomingMessage, res: ServerResponse) => {
      const headers = new Headers();
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
      const method = req.method ?? 'GET';
      const raw = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
      requests.push({ method, path: req.url ?? '/', headers: Object.fromEntries(headers) });
      const request = new Request(new URL(req.url ?? '/', base), { method, headers, ...(raw !== undefined ? { body: raw } : {}) });
      const response = await getResponse(handlers, request);
      if (!response) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'failure', message: `Portkey Error: no route ${method} ${req.url}` }));
        return;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      }
      res.end();
    },
    opts.tls ? { tls: opts.tls } : {},
  );
  base = server.url;
  return Object.assign(server, {
    setScenario(s: PortkeyScenario | undefined) {
      scenario = s;
    },
    requests,
  });
}
