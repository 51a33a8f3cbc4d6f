/**
 * The gateway base URL: the app appends /v1/messages itself, so it must be the bare origin
 * (plus a path only on a self-hosted gateway that lives under one), https except on loopback,
 * and free of anything pasted along with it.
 *
 * A URL often has several independent problems (a trailing space *and* a trailing /v1; plain
 * http *and* a /v1): every one is reported, in the order below. Each fix builds on the ones
 * before it, so following them all gives a URL that passes.
 */
import { defineCheck, fail, findings, ok, problem, skip, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import type { Policy } from '../config/policy.js';
import type { Origin } from '../config/target.js';
import { renderUrl } from '../core/url-render.js';
import { isLoopbackHost, PORTKEY_NON_API_HOSTS, PORTKEY_SAAS_API_HOSTS, PORTKEY_SAAS_BASE_URL } from '../core/portkey.js';
import { settingsLayout, whyMissing } from '../inference/settings-layout.js';
import { INVISIBLE, invisibleCodePoints } from '../inference/text.js';
import claudeSettings from './claude-settings.js';

/**
 * Since this version a managed-config URL with embedded credentials (`https://user:pass@host`)
 * makes the whole configuration fail to load (docs/claude-desktop.md, "Keys and their shapes").
 */
export const URL_CREDENTIALS_REJECTED_SINCE = '1.32352.0';

/** What kind of gateway a base URL names. */
export type GatewayUrlKind = 'portkey-saas' | 'loopback' | 'self-hosted';

/** What the base-url check hands on: the URL it accepted. */
export interface BaseUrlData {
  /** The base URL exactly as configured (the app appends /v1/messages to it). */
  baseUrl: string;
  kind: GatewayUrlKind;
  origin: Origin;
}

const codes = {
  BASE_URL_MISSING: { title: 'No gateway base URL is set', fix: `Set the gateway base URL, e.g. ${PORTKEY_SAAS_BASE_URL}.` },
  BASE_URL_NOT_TOP_LEVEL: {
    title: 'The settings are nested where the app does not read them, so it sees no base URL (see unknown-keys)',
    fix: 'Move the settings to the top level of the file (see the unknown-keys check).',
  },
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
  BASE_URL_CREDENTIALS: {
    title: `The base URL embeds credentials (user:password@); since ${URL_CREDENTIALS_REJECTED_SINCE} the app refuses to load such a configuration`,
    fix: 'Remove user:password@ from the base URL; put the key in the Gateway API key field (or use a credential helper).',
  },
  BASE_URL_EXTRA_PARTS: {
    title: 'The base URL has a query string or a fragment',
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
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;

const KIND_LABEL: Record<GatewayUrlKind, string> = { 'portkey-saas': 'Portkey SaaS', loopback: 'loopback gateway', 'self-hosted': 'self-hosted gateway' };

export default defineCheck({
  id: 'base-url',
  title: 'Gateway base URL',
  group: 'settings',
  needs: [claudeSettings],
  codes,
  run({ target, policy, discovery }) {
    const field = target.baseUrl;
    if (!field || field.value === '') {
      const layout = discovery.inForce ? settingsLayout(discovery.inForce) : undefined;
      // Nested settings: unknown-keys names the cause; "not set" would mislead.
      if (!field && layout?.nested) {
        return skip(
          'BASE_URL_NOT_TOP_LEVEL',
          `the settings are nested under "${layout.nested.container.slice(0, 80)}": the app sees no base URL (see unknown-keys)`,
        );
      }
      const why = field ? undefined : layout && whyMissing(layout, 'inferenceGatewayBaseUrl');
      return fail('BASE_URL_MISSING', why?.summary ?? 'inferenceGatewayBaseUrl is not set', why ? { fix: why.fix } : {});
    }
    const raw = field.value;
    if (typeof raw !== 'string') return fail('BASE_URL_WRONG_TYPE', `the base URL is ${Array.isArray(raw) ? 'an array' : typeof raw}`);
    const details: Record<string, unknown> = { baseUrl: renderUrl(raw), origin: field.origin };
    const { list, url } = judge(raw, { details, origin: field.origin, policy });
    // Without findings, nothing was taken off the text: `url` is the configured URL, parsed.
    const host = url?.hostname.toLowerCase() ?? '';
    const kind: GatewayUrlKind = PORTKEY_SAAS_API_HOSTS.includes(host) ? 'portkey-saas' : isLoopbackHost(host) ? 'loopback' : 'self-hosted';
    const data: BaseUrlData = { baseUrl: raw, kind, origin: field.origin };
    return findings(list, ok(`${renderUrl(raw)} (${KIND_LABEL[kind]})`, details, data));
  },
});

interface Judging {
  details: Record<string, unknown>;
  origin: Origin;
  policy: Policy | undefined;
}

/**
 * Every problem of the configured text, in the order the check has always tested them (so the
 * first is the one it reported alone before). Later tests look at the text with what earlier
 * findings flagged taken off (invisible characters, whitespace), and stop where the rest would
 * not make sense (not a URL) or would echo a credential (user:password@).
 */
function judge(raw: string, { details, origin, policy }: Judging): { list: Finding<Code>[]; url?: URL } {
  const list: Finding<Code>[] = [];
  const invisible = invisibleCodePoints(raw);
  if (invisible.length > 0) {
    list.push(problem('fail', 'BASE_URL_INVISIBLE_CHAR', `the base URL contains invisible characters (${invisible.join(', ')})`, { details }));
  }
  let text = [...raw].filter((ch) => !INVISIBLE.test(ch)).join('');
  if (/\s/.test(text)) {
    const where = text.trim() !== text ? 'around it' : 'inside it';
    list.push(problem('fail', 'BASE_URL_WHITESPACE', `the base URL has whitespace ${where}`, { details }));
    text = text.replace(/\s+/g, '');
  }
  if (text === '') return { list };

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    list.push(problem('fail', 'BASE_URL_INVALID', `"${renderUrl(text).slice(0, 80)}" is not a URL`, { details, ...schemeFix(text) }));
    return { list };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    list.push(problem('fail', 'BASE_URL_INVALID', `the scheme is ${url.protocol.replace(':', '')}, not https`, { details, ...schemeFix(text) }));
    return { list };
  }
  // user:password@ (also an empty one: "https://@host" still has the separator the app rejects).
  const credentials = Boolean(url.username || url.password) || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text);
  const queryOrFragment = Boolean(url.search || url.hash || text.includes('?') || text.includes('#'));
  const extraParts = credentials || queryOrFragment;
  // The URL as it would be after the fixes so far: each fix names it.
  let suggested = text;
  let scheme = url.protocol;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    suggested = text.replace(/^http:/i, 'https:');
    scheme = 'https:';
    // A fix that repeats the URL is kept for the first finding only when the URL holds a credential.
    const fix = !credentials && (list.length === 0 || !extraParts) ? { fix: `Use ${suggested}.` } : {};
    list.push(problem('fail', 'BASE_URL_NOT_HTTPS', `plain http to ${url.hostname}`, { details, ...fix }));
  }
  if (credentials) {
    // Never echo the URL here: user:password@ is a credential.
    list.push(
      problem('fail', 'BASE_URL_CREDENTIALS', `the base URL embeds user:password@ (refused by the app since ${URL_CREDENTIALS_REJECTED_SINCE})`, {
        details: { origin, refusedSince: URL_CREDENTIALS_REJECTED_SINCE },
      }),
    );
  }
  if (queryOrFragment) {
    // Not echoed either: a query string often carries a token (?api_key=…).
    list.push(problem('fail', 'BASE_URL_EXTRA_PARTS', 'the base URL has a query string or a fragment', { details: { origin } }));
  }
  if (extraParts) return { list };
  const host = url.hostname.toLowerCase();
  if (PORTKEY_NON_API_HOSTS.includes(host)) {
    // The fix replaces the whole URL: what its path holds no longer matters.
    list.push(problem('fail', 'BASE_URL_DASHBOARD', `${host} is Portkey's dashboard/website, not the API`, { details }));
    return { list };
  }
  const path = url.pathname;
  const prefix = path.replace(/\/v1\/?$/i, '');
  if (prefix !== path) {
    suggested = `${scheme}//${url.host}${prefix}`;
    list.push(
      problem('fail', 'BASE_URL_ENDS_V1', `the base URL ends with ${path.endsWith('/') ? '/v1/' : '/v1'}`, {
        details,
        fix: `Set the base URL to ${suggested}.`,
      }),
    );
  }
  if (PORTKEY_SAAS_API_HOSTS.includes(host) && prefix !== '/' && prefix !== '') {
    suggested = `${scheme}//${url.host}`;
    list.push(problem('fail', 'BASE_URL_HAS_PATH', `Portkey SaaS URL with path ${path}`, { details, fix: `Set the base URL to ${suggested}.` }));
  } else if (prefix === path && suggested.endsWith('/')) {
    suggested = suggested.replace(/\/+$/, '');
    list.push(problem('fail', 'BASE_URL_TRAILING_SLASH', 'the base URL ends with "/"', { details, fix: `Set the base URL to ${suggested}.` }));
  }
  const allowed = policy?.gateway?.allowedBaseUrls;
  if (policy && allowed && allowed.length > 0) {
    const norm = (u: string) => u.trim().replace(/\/$/, '').toLowerCase();
    // Judged on the URL the fixes above lead to: a /v1 too much is not a second gateway.
    if (!allowed.some((a) => norm(a) === norm(suggested))) {
      list.push(
        problem('fail', 'BASE_URL_NOT_ALLOWED', `${suggested} is not in the policy's allowed gateways`, {
          details: { ...details, allowed, policy: policy.source },
          fix: `Set the base URL to ${allowed[0]}${allowed.length > 1 ? ` (or another allowed URL: ${allowed.slice(1).join(', ')})` : ''}.`,
        }),
      );
    }
  }
  return { list, url };
}

function schemeFix(raw: string): { fix?: string } {
  return /^[a-z0-9.-]+\.[a-z]{2,}(:\d+)?$/i.test(raw) ? { fix: `Add the scheme: https://${raw}` } : {};
}
