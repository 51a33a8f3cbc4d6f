/**
 * Base URL repairs (cures the base-url check's codes), each exactly what the check's fix text
 * says, nothing else about the URL changed: invisible characters and whitespace taken out, a
 * Portkey dashboard/website URL → the API URL, a trailing `/v1` dropped (a self-hosted prefix is
 * kept: `/gw/v1` → `/gw`), a trailing slash dropped. A URL with user:password@ or a query string
 * is never rewritten nor echoed (its parts may be a credential the person must move by hand), nor
 * one that is still no http(s) URL once cleaned (the doctor cannot know what was meant).
 */
import { PORTKEY_NON_API_HOSTS, PORTKEY_SAAS_BASE_URL } from '../../core/portkey.js';
import { INVISIBLE } from '../../inference/text.js';
import { type Fixer, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

export type BaseUrlCure = 'BASE_URL_INVISIBLE_CHAR' | 'BASE_URL_WHITESPACE' | 'BASE_URL_DASHBOARD' | 'BASE_URL_ENDS_V1' | 'BASE_URL_TRAILING_SLASH';

export type BaseUrlRepair = { kind: 'unchanged' } | { kind: 'repaired'; value: string; cures: BaseUrlCure[] } | { kind: 'explained'; why: string };

/** `https://host/v1` or `https://host/v1/` → `https://host`; a self-hosted prefix is kept (`/gw/v1` → `/gw`). Unchanged otherwise. */
export function dropV1Suffix(url: string): string {
  return url.replace(/\/v1\/?$/i, '');
}

/** The repaired base URL, or why it is left alone. Pure; a message never echoes the URL. */
export function repairBaseUrl(raw: string): BaseUrlRepair {
  const cures: BaseUrlCure[] = [];
  let text = raw;
  const visible = [...text].filter((ch) => !INVISIBLE.test(ch)).join('');
  if (visible !== text) {
    cures.push('BASE_URL_INVISIBLE_CHAR');
    text = visible;
  }
  if (/\s/.test(text)) {
    cures.push('BASE_URL_WHITESPACE');
    text = text.replace(/\s+/g, '');
  }
  if (text === '')
    return { kind: 'explained', why: 'not changed: the base URL holds nothing but spaces or invisible characters, and the doctor cannot know the URL' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      kind: 'explained',
      why: 'not changed: even without its spaces and invisible characters the base URL is no URL, and the doctor cannot know what was meant',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { kind: 'explained', why: 'not changed: the base URL is not an http(s) URL, and the doctor cannot know what was meant' };
  }
  const credentials = Boolean(url.username || url.password) || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text);
  if (credentials || url.search || url.hash || text.includes('?') || text.includes('#')) {
    return {
      kind: 'explained',
      why: 'not changed: the base URL holds user:password@ or a query string; remove them by hand (the key belongs in the API key field)',
    };
  }
  if (PORTKEY_NON_API_HOSTS.includes(url.hostname.toLowerCase())) {
    cures.push('BASE_URL_DASHBOARD');
    return { kind: 'repaired', value: PORTKEY_SAAS_BASE_URL, cures };
  }
  // Only the text's own tail is touched: the rest stays as the person wrote it.
  if (/\/v1\/?$/i.test(url.pathname) && /\/v1\/?$/i.test(text)) {
    cures.push('BASE_URL_ENDS_V1');
    text = dropV1Suffix(text);
  } else if (text.endsWith('/')) {
    const trimmed = text.replace(/\/+$/, '');
    // "https://host" must remain: a text that would lose its host keeps its slash.
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(trimmed)) {
      cures.push('BASE_URL_TRAILING_SLASH');
      text = trimmed;
    }
  }
  return cures.length === 0 ? { kind: 'unchanged' } : { kind: 'repaired', value: text, cures };
}

const CURES: readonly BaseUrlCure[] = ['BASE_URL_INVISIBLE_CHAR', 'BASE_URL_WHITESPACE', 'BASE_URL_DASHBOARD', 'BASE_URL_ENDS_V1', 'BASE_URL_TRAILING_SLASH'];

const SAYS: Record<BaseUrlCure, string> = {
  BASE_URL_INVISIBLE_CHAR: 'take the invisible characters out',
  BASE_URL_WHITESPACE: 'take the spaces and line breaks out',
  BASE_URL_DASHBOARD: `use Portkey's API URL ${PORTKEY_SAAS_BASE_URL} instead of its dashboard`,
  BASE_URL_ENDS_V1: 'remove /v1 from the end (the app appends /v1/messages itself)',
  BASE_URL_TRAILING_SLASH: 'remove the trailing slash',
};

export const baseUrlFixer: Fixer = {
  id: 'base-url',
  check: 'base-url',
  cures: CURES,
  propose(input): FixProposal {
    const found = findingsOf(input, CURES);
    if (found.length === 0) return NOTHING;
    const current = settingsObject(input)?.['inferenceGatewayBaseUrl'];
    if (typeof current !== 'string') return NOTHING;
    const repair = repairBaseUrl(current);
    if (repair.kind === 'unchanged') return NOTHING;
    if (repair.kind === 'explained') return { changes: [], explanations: [{ code: found[0]?.code ?? 'BASE_URL_INVALID', says: repair.why }] };
    return {
      changes: [
        {
          // One value, one change (one consent): it cures every code; `says` names every repair.
          code: repair.cures[0] ?? 'BASE_URL_ENDS_V1',
          ...(repair.cures.length > 1 ? { alsoCures: repair.cures.slice(1) } : {}),
          says: `base URL: ${repair.cures.map((c) => SAYS[c]).join('; ')}`,
          edits: [{ file: 'settings', op: 'set', path: [...input.root, 'inferenceGatewayBaseUrl'], value: repair.value }],
        },
      ],
      explanations: [],
    };
  },
};
