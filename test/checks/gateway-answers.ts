/**
 * Gateway answers shared by the tests of the checks that send the key (key-validity, routing,
 * live-message, latency): the settings, the catalog, Portkey's routing headers, and every
 * non-2xx answer with the diagnosis it must get. Bodies are the fake Portkey SaaS's own (the
 * recordings in docs/portkey.md), so these tests and the end-to-end ones read the same contract.
 */
import type { HttpResult } from '../../src/contract/io.js';
import type { GatewayStatusCode } from '../../src/gateway/status-codes.js';
import { httpOk } from '../../src/io/fakes.js';
import { CATALOG, PORTKEY_BODIES } from '../support/portkey-saas.js';

export { CATALOG };

export const KEY = 'pk-test-valid-0123456789abcdef';
export const BASE_URL = 'https://gateway.example.test';
/** A base URL and a key in the settings in force (the auth scheme defaults to bearer). */
export const SETTINGS = { inferenceGatewayBaseUrl: BASE_URL, inferenceGatewayApiKey: KEY };

/** The catalog as key-validity hands it on. */
export const CATALOG_DATA = { count: CATALOG.data.length, providers: ['anthropic-prod', 'bedrock-eu'], ids: CATALOG.data.map((m) => m.id), truncated: false };

/** Portkey's routing headers on an answer (docs/portkey.md); `config` is the first target. */
export function routeHeaders(over: Record<string, string> = {}): Record<string, string> {
  return {
    'x-portkey-trace-id': 'trace-0000beef',
    'x-portkey-provider': 'anthropic',
    'x-portkey-last-used-option-index': 'config',
    'x-portkey-retry-attempt-count': '0',
    'x-portkey-cache-status': 'DISABLED',
    ...over,
  };
}

/** An Anthropic error body, as a provider's error passes through the gateway. */
const anthropicError = (type: string, message: string) => ({ type: 'error', error: { type, message } });

/** A non-2xx answer and what it means. */
export interface StatusAnswer {
  name: string;
  answer: HttpResult;
  status: 'fail' | 'warn';
  code: GatewayStatusCode;
  /** Who raised the error (`details.source`). */
  source: 'portkey' | 'provider' | 'gateway-exception' | 'unknown';
  /** Portkey's own error code, when it gave one. */
  portkeyCode?: string;
}

/** Every diagnosis a non-2xx answer can get, at least once. */
export const STATUS_ANSWERS: readonly StatusAnswer[] = [
  {
    name: 'Portkey rejects the key (401, code 03)',
    answer: httpOk(401, PORTKEY_BODIES.invalidKey),
    status: 'fail',
    code: 'KEY_INVALID',
    source: 'portkey',
    portkeyCode: '03',
  },
  {
    name: 'the provider rejects the credentials the gateway passed on (401 from the provider)',
    answer: httpOk(401, anthropicError('authentication_error', 'invalid x-api-key'), { headers: { 'x-portkey-provider': 'anthropic' } }),
    status: 'fail',
    code: 'PROVIDER_AUTH_FAILED',
    source: 'provider',
  },
  {
    name: 'the key lacks permission (403 AB03)',
    answer: httpOk(403, PORTKEY_BODIES.forbidden),
    status: 'fail',
    code: 'KEY_FORBIDDEN',
    source: 'portkey',
    portkeyCode: 'AB03',
  },
  {
    name: 'the key’s usage limit is exhausted (412, code 04)',
    answer: httpOk(412, PORTKEY_BODIES.usageLimit),
    status: 'fail',
    code: 'KEY_LIMIT_EXCEEDED',
    source: 'portkey',
    portkeyCode: '04',
  },
  {
    name: 'rate limited (429): a warning',
    answer: httpOk(429, PORTKEY_BODIES.rateLimited, { headers: { 'retry-after': '1' } }),
    status: 'warn',
    code: 'RATE_LIMITED',
    source: 'portkey',
  },
  {
    name: 'no routing config (400, x-portkey-config or provider required)',
    answer: httpOk(400, PORTKEY_BODIES.noRouting),
    status: 'fail',
    code: 'NO_ROUTING_CONFIG',
    source: 'portkey',
  },
  {
    name: 'a malformed request (400)',
    answer: httpOk(400, { error: { message: 'invalid model name' } }),
    status: 'fail',
    code: 'BAD_REQUEST',
    source: 'unknown',
  },
  {
    name: 'no such endpoint (JSON 404)',
    answer: httpOk(404, { error: { message: 'Not Found' } }),
    status: 'fail',
    code: 'ENDPOINT_NOT_FOUND',
    source: 'unknown',
  },
  {
    name: 'the gateway times out upstream (504)',
    answer: httpOk(504, { error: { message: 'upstream request timeout' } }),
    status: 'fail',
    code: 'GATEWAY_TIMEOUT',
    source: 'unknown',
  },
  { name: 'request timeout (408)', answer: httpOk(408, 'Request Timeout'), status: 'fail', code: 'GATEWAY_TIMEOUT', source: 'unknown' },
  { name: 'Portkey itself fails (500)', answer: httpOk(500, PORTKEY_BODIES.serverError), status: 'fail', code: 'PORTKEY_ERROR', source: 'unknown' },
  { name: 'Portkey unavailable (503)', answer: httpOk(503, PORTKEY_BODIES.serverError), status: 'fail', code: 'PORTKEY_ERROR', source: 'unknown' },
  {
    name: 'the gateway crashed (500, x-portkey-gateway-exception)',
    answer: httpOk(500, { error: { message: 'TypeError: cannot read properties of undefined' } }, { headers: { 'x-portkey-gateway-exception': 'true' } }),
    status: 'fail',
    code: 'GATEWAY_EXCEPTION',
    source: 'gateway-exception',
  },
  {
    name: 'the provider’s error passed through (500 from anthropic)',
    answer: httpOk(500, anthropicError('api_error', 'Internal server error'), { headers: { 'x-portkey-provider': 'anthropic' } }),
    status: 'fail',
    code: 'PROVIDER_ERROR',
    source: 'provider',
  },
  {
    name: 'an unexpected status (302)',
    answer: httpOk(302, '', { headers: { location: 'https://login.example.test/' } }),
    status: 'fail',
    code: 'UNEXPECTED_STATUS',
    source: 'unknown',
  },
];
