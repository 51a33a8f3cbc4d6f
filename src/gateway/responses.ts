/**
 * Reading gateway answers: who produced an error (Portkey itself, the provider behind it, the
 * gateway crashing) and what kind of server answered at all. Matches status + substrings as
 * docs/portkey.md records them; the raw message is kept (scrubbed) for the report.
 */

export type ErrorSource = 'portkey' | 'provider' | 'gateway-exception' | 'unknown';

export interface ReadError {
  source: ErrorSource;
  /** Portkey's own error code: `03` (key), `04` (usage limit), `AB03` (permissions). */
  portkeyCode?: string;
  /** The error message, cut short. */
  message?: string;
  /** The provider's error type (Anthropic's `error.type`, e.g. `authentication_error`). */
  providerType?: string;
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isJson(headers: Record<string, string>): boolean {
  return /\bjson\b/i.test(headers['content-type'] ?? '');
}

export function isHtml(headers: Record<string, string>, body: string): boolean {
  return /text\/html/i.test(headers['content-type'] ?? '') || /^\s*(<!doctype html|<html)/i.test(body);
}

/** The <title> of an HTML page, to name a captive portal or block page. */
export function htmlTitle(body: string): string | undefined {
  const m = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(body);
  return m?.[1]?.replace(/\s+/g, ' ').trim().slice(0, 80) || undefined;
}

/** Tells who raised an error response, from its headers and body. */
export function readError(headers: Record<string, string>, body: string): ReadError {
  const json = parseJson(body) as Record<string, unknown> | undefined;
  const message = pickMessage(json) ?? (body.trim().slice(0, 200) || undefined);
  const short = message?.slice(0, 200);
  if (json && typeof json === 'object') {
    const data = json.data as Record<string, unknown> | undefined;
    if (data && typeof data.errorCode === 'string') return { source: 'portkey', portkeyCode: data.errorCode, ...(short ? { message: short } : {}) };
    if (typeof message === 'string' && /^Portkey Error/i.test(message)) {
      const code = /Error Code:\s*([A-Z0-9]+)/i.exec(message)?.[1];
      return { source: 'portkey', ...(code ? { portkeyCode: code } : {}), message: short! };
    }
    if (typeof message === 'string' && /x-portkey-(config|provider) header is required/i.test(message)) {
      return { source: 'portkey', message: short! };
    }
  }
  if (headers['x-portkey-gateway-exception'] === 'true') return { source: 'gateway-exception', ...(short ? { message: short } : {}) };
  const providerType =
    json && typeof json === 'object' && json.type === 'error' ? ((json.error as Record<string, unknown> | undefined)?.type as string | undefined) : undefined;
  if (providerType || headers['x-portkey-provider']) {
    return { source: 'provider', ...(providerType ? { providerType } : {}), ...(short ? { message: short } : {}) };
  }
  return { source: 'unknown', ...(short ? { message: short } : {}) };
}

function pickMessage(json: Record<string, unknown> | undefined): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  if (typeof json.message === 'string') return json.message;
  const error = json.error as Record<string, unknown> | string | undefined;
  if (typeof error === 'string') return error;
  if (error && typeof error.message === 'string') return error.message;
  const data = json.data as Record<string, unknown> | undefined;
  if (data && typeof data.message === 'string') return data.message;
  return undefined;
}

/** Portkey's routing headers on a response (docs/portkey.md). */
export function routingHeaders(headers: Record<string, string>) {
  const lastUsed = headers['x-portkey-last-used-option-index'];
  const target = lastUsed ? /targets\[(\d+)\]/.exec(lastUsed)?.[1] : undefined;
  return {
    provider: headers['x-portkey-provider'],
    traceId: headers['x-portkey-trace-id'],
    lastUsedOptionIndex: lastUsed,
    /** A config target other than the first answered: a fallback was used. */
    fallbackUsed: target !== undefined && Number(target) > 0,
    retryCount: headers['x-portkey-retry-attempt-count'],
    cacheStatus: headers['x-portkey-cache-status'],
  };
}
