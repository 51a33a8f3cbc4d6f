/**
 * Diagnosis of an authenticated gateway answer by status and by who raised it (Portkey or the
 * provider behind it). Shared by the key, routing and live-message checks so that a 401 means
 * the same thing wherever it appears. Facts: docs/portkey.md.
 */
import type { CodeInfo } from '../contract/check.js';
import { readError, type ReadError } from './responses.js';

// `as const satisfies`: the keys stay literal, so a check that declares these codes may return
// a diagnosis's code and the compiler checks it against what the check declared.
export const GATEWAY_STATUS_CODES = {
  KEY_INVALID: {
    title: 'Portkey rejects the key: invalid, expired or revoked, or sent in the wrong header (401, Error Code 03)',
    fix: 'Create or copy a valid Portkey API key (Portkey → API Keys), paste it as the Gateway API key, and use the bearer auth scheme.',
  },
  PROVIDER_AUTH_FAILED: {
    title: 'The provider behind the gateway rejects the credentials the gateway passed on (401 from the provider)',
    fix: 'Fix the provider credentials in the Portkey integration (Model Catalog) or the gateway’s config; the Portkey key itself was accepted or not checked.',
  },
  KEY_FORBIDDEN: {
    title: 'The key lacks permission for this request or workspace (403, AB03)',
    fix: 'Give the key the scopes it needs (completions.write, models.list) in the right workspace, or use a key from the workspace that holds the models.',
  },
  KEY_LIMIT_EXCEEDED: {
    title: 'The key’s usage limit or budget is exhausted (412, Error Code 04)',
    fix: 'Raise the key’s budget or rate limit in Portkey, or ask your Portkey admin for a new key.',
  },
  RATE_LIMITED: {
    title: 'Rate limited (429) by Portkey or the provider',
    fix: 'Wait and try again; if it persists, raise the rate limit on the key or the provider.',
  },
  NO_ROUTING_CONFIG: {
    title: 'Portkey does not know where to route: no config and no provider (400)',
    fix: 'Attach a default config to the key in Portkey, or add the header x-portkey-config (or x-portkey-provider) to the extra headers.',
  },
  BAD_REQUEST: { title: 'The gateway rejected the request as malformed (400)', fix: 'See the message in the details; check extra headers and the model name.' },
  ENDPOINT_NOT_FOUND: {
    title: 'The gateway has no such endpoint (404): the base URL’s path is probably wrong',
    fix: 'Check the base URL: no /v1 at the end, and the right path for a self-hosted gateway.',
  },
  GATEWAY_TIMEOUT: {
    title: 'The gateway or provider timed out (408/504)',
    fix: 'Try again; if it persists, check the provider’s status and the gateway’s timeouts.',
  },
  PORTKEY_ERROR: {
    title: 'Portkey itself failed with a server error',
    fix: 'Check Portkey’s status page; if it persists, contact Portkey support with the trace id.',
  },
  PROVIDER_ERROR: {
    title: 'The provider behind Portkey failed (error passed through)',
    fix: 'Check the provider’s status; configure a fallback target in the Portkey config.',
  },
  GATEWAY_EXCEPTION: {
    title: 'The gateway crashed while handling the request (x-portkey-gateway-exception)',
    fix: 'This is a gateway defect: upgrade the gateway, or report it to its operator with the trace id.',
  },
  UNEXPECTED_STATUS: { title: 'The gateway answered with an unexpected status', fix: 'See the status and message in the details.' },
} as const satisfies Record<string, CodeInfo>;

/** A code {@link diagnoseStatus} can give. */
export type GatewayStatusCode = keyof typeof GATEWAY_STATUS_CODES;

/** The status codes' table without some codes, for a check that reads those statuses its own way. */
export function gatewayStatusCodes<const X extends GatewayStatusCode = never>(...except: X[]): Omit<typeof GATEWAY_STATUS_CODES, X> {
  const table: Record<string, CodeInfo> = { ...GATEWAY_STATUS_CODES };
  for (const code of except) delete table[code];
  return table as Omit<typeof GATEWAY_STATUS_CODES, X>;
}

/** What a non-2xx answer means: the code, its severity, and who raised the error. */
export interface StatusDiagnosis {
  code: GatewayStatusCode;
  status: 'fail' | 'warn';
  error: ReadError;
}

/** The diagnosis of a non-2xx answer. */
export function diagnoseStatus(status: number, headers: Record<string, string>, body: string): StatusDiagnosis {
  const error = readError(headers, body);
  const d = (code: StatusDiagnosis['code'], severity: 'fail' | 'warn' = 'fail'): StatusDiagnosis => ({ code, status: severity, error });
  if (status === 401) return error.source === 'provider' ? d('PROVIDER_AUTH_FAILED') : d('KEY_INVALID');
  if (status === 403) return d('KEY_FORBIDDEN');
  if (status === 412) return d('KEY_LIMIT_EXCEEDED');
  if (status === 429) return d('RATE_LIMITED', 'warn');
  if (status === 400) return /x-portkey-(config|provider) header is required/i.test(error.message ?? '') ? d('NO_ROUTING_CONFIG') : d('BAD_REQUEST');
  if (status === 404) return d('ENDPOINT_NOT_FOUND');
  if (status === 408 || status === 504) return d('GATEWAY_TIMEOUT');
  if (status >= 500) {
    if (error.source === 'gateway-exception') return d('GATEWAY_EXCEPTION');
    if (error.source === 'provider') return d('PROVIDER_ERROR');
    return d('PORTKEY_ERROR');
  }
  return d('UNEXPECTED_STATUS');
}

/** One line for a diagnosis: status, who raised it, Portkey's code. */
export function describeStatus(status: number, diagnosis: StatusDiagnosis): string {
  const who =
    diagnosis.error.source === 'portkey'
      ? 'Portkey'
      : diagnosis.error.source === 'provider'
        ? 'the provider'
        : diagnosis.error.source === 'gateway-exception'
          ? 'the gateway (exception)'
          : 'the gateway';
  const code = diagnosis.error.portkeyCode ? `, code ${diagnosis.error.portkeyCode}` : '';
  return `HTTP ${status} from ${who}${code}${diagnosis.error.message ? `: ${diagnosis.error.message.slice(0, 120)}` : ''}`;
}
