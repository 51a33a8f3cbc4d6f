/**
 * The gateway base URL: the app appends /v1/messages itself, so it must be the bare origin
 * (plus a path only on a self-hosted gateway that lives under one), https except on loopback,
 * and free of anything pasted along with it.
 */
import { defineCheck, fail, ok, type CheckOutcome } from '../contract/check.js';
import { invisibleCodePoints } from '../inference/text.js';
import { isLoopbackHost, PORTKEY_NON_API_HOSTS, PORTKEY_SAAS_API_HOSTS, PORTKEY_SAAS_BASE_URL } from '../core/portkey.js';

export default defineCheck({
  id: 'base-url',
  title: 'Gateway base URL',
  group: 'settings',
  needs: ['claude-settings'],
  codes: {
    BASE_URL_MISSING: { title: 'No gateway base URL is set', fix: `Set the gateway base URL, e.g. ${PORTKEY_SAAS_BASE_URL}.` },
    BASE_URL_WRONG_TYPE: { title: 'The base URL is not a string', fix: `Set inferenceGatewayBaseUrl to a string such as "${PORTKEY_SAAS_BASE_URL}".` },
    BASE_URL_INVISIBLE_CHAR: {
      title: 'The base URL contains invisible characters (pasted from a chat or document)',
      fix: 'Delete the base URL and type it again by hand.',
    },
    BASE_URL_WHITESPACE: { title: 'The base URL contains spaces or line breaks', fix: 'Remove the spaces and line breaks around and inside the base URL.' },
    BASE_URL_INVALID: { title: 'The base URL is not an http(s) URL', fix: `Write it in full with its scheme, e.g. ${PORTKEY_SAAS_BASE_URL}.` },
    BASE_URL_NOT_HTTPS: {
      title: 'The base URL uses plain http to a host that is not loopback (the app refuses it, and the key would travel in clear)',
      fix: 'Use https://; plain http is accepted only for 127.0.0.1/localhost.',
    },
    BASE_URL_EXTRA_PARTS: {
      title: 'The base URL has credentials, a query string or a fragment',
      fix: 'Keep only scheme, host, optional port (and a self-hosted gateway’s path); put keys in the API key field.',
    },
    BASE_URL_DASHBOARD: {
      title: 'The base URL is Portkey’s dashboard or website, not its API',
      fix: `Use ${PORTKEY_SAAS_BASE_URL} (the dashboard at app.portkey.ai does not serve the API).`,
    },
    BASE_URL_ENDS_V1: {
      title: 'The base URL ends with /v1; the app appends /v1/messages, so requests go to /v1/v1/messages',
      fix: 'Remove /v1 from the end of the base URL.',
    },
    BASE_URL_HAS_PATH: { title: 'Portkey SaaS takes no path in the base URL', fix: `Use exactly ${PORTKEY_SAAS_BASE_URL}.` },
    BASE_URL_TRAILING_SLASH: { title: 'The base URL ends with a slash', fix: 'Remove the trailing slash.' },
    BASE_URL_NOT_ALLOWED: {
      title: 'The base URL is not one the IT policy allows',
      fix: 'Use the gateway URL your IT policy names (see details: allowed).',
    },
  },
  run({ target, policy }): CheckOutcome {
    const field = target.baseUrl;
    if (!field || field.value === '' ) return fail('BASE_URL_MISSING', 'inferenceGatewayBaseUrl is not set');
    const raw = field.value;
    if (typeof raw !== 'string') return fail('BASE_URL_WRONG_TYPE', `the base URL is ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    const details: Record<string, unknown> = { baseUrl: raw, origin: field.origin };

    const invisible = invisibleCodePoints(raw);
    if (invisible.length > 0) {
      return fail('BASE_URL_INVISIBLE_CHAR', `the base URL contains invisible characters (${invisible.join(', ')})`, { details });
    }
    if (/\s/.test(raw)) {
      const where = raw.trim() !== raw ? 'around it' : 'inside it';
      return fail('BASE_URL_WHITESPACE', `the base URL has whitespace ${where}`, { details });
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return fail('BASE_URL_INVALID', `"${raw.slice(0, 80)}" is not a URL`, { details, ...schemeFix(raw) });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return fail('BASE_URL_INVALID', `the scheme is ${url.protocol.replace(':', '')}, not https`, { details, ...schemeFix(raw) });
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      return fail('BASE_URL_NOT_HTTPS', `plain http to ${url.hostname}`, { details, fix: `Use ${raw.replace(/^http:/i, 'https:')}.` });
    }
    if (url.username || url.password || url.search || url.hash || raw.includes('?') || raw.includes('#')) {
      // Never echo the URL here: user:password@ may be a credential.
      return fail('BASE_URL_EXTRA_PARTS', 'the base URL has credentials, a query string or a fragment', { details: { origin: field.origin } });
    }
    const host = url.hostname.toLowerCase();
    if (PORTKEY_NON_API_HOSTS.includes(host)) {
      return fail('BASE_URL_DASHBOARD', `${host} is Portkey's dashboard/website, not the API`, { details });
    }
    const path = url.pathname;
    if (/\/v1\/?$/i.test(path)) {
      return fail('BASE_URL_ENDS_V1', `the base URL ends with ${path.endsWith('/') ? '/v1/' : '/v1'}`, {
        details,
        fix: `Set the base URL to ${url.origin}${path.replace(/\/v1\/?$/i, '')}.`,
      });
    }
    if (PORTKEY_SAAS_API_HOSTS.includes(host) && path !== '/') {
      return fail('BASE_URL_HAS_PATH', `Portkey SaaS URL with path ${path}`, { details, fix: `Set the base URL to ${url.origin}.` });
    }
    if (raw.endsWith('/')) {
      return fail('BASE_URL_TRAILING_SLASH', 'the base URL ends with "/"', { details, fix: `Set the base URL to ${raw.replace(/\/+$/, '')}.` });
    }
    const allowed = policy?.gateway?.allowedBaseUrls;
    if (allowed && allowed.length > 0) {
      const norm = (u: string) => u.trim().replace(/\/$/, '').toLowerCase();
      if (!allowed.some((a) => norm(a) === norm(raw))) {
        return fail('BASE_URL_NOT_ALLOWED', `${raw} is not in the policy's allowed gateways`, {
          details: { ...details, allowed, policy: policy!.source },
          fix: `Set the base URL to ${allowed[0]}${allowed.length > 1 ? ` (or another allowed URL: ${allowed.slice(1).join(', ')})` : ''}.`,
        });
      }
    }
    const kind = PORTKEY_SAAS_API_HOSTS.includes(host) ? 'Portkey SaaS' : isLoopbackHost(host) ? 'loopback gateway' : 'self-hosted gateway';
    return ok(`${raw} (${kind})`, details);
  },
});

function schemeFix(raw: string): { fix?: string } {
  return /^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?$/i.test(raw) ? { fix: `Add the scheme: https://${raw}` } : {};
}
