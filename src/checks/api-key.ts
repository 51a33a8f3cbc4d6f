/**
 * The key's shape, without ever showing it: present, a bare token with nothing pasted around
 * it, and a Portkey key rather than a provider's. Findings describe the key, never quote it.
 *
 * A pasted key often has several problems at once (`"Bearer pk…"` plus a line break): every
 * one is reported, in the order below, so the user fixes them all in one go. The provider
 * formats are judged on the key with the pasted parts taken off.
 */
import { defineCheck, fail, findings, ok, problem, skip, warn, type CodeOf, type CodeTable, type Finding, type FindingStatus } from '../contract/check.js';
import type { Origin } from '../config/target.js';
import { PORTKEY_SAAS_API_HOSTS } from '../core/portkey.js';
import { MIN_SCRUB_LENGTH, Secret } from '../core/secret.js';
import { credentialSource } from '../inference/credentials.js';
import { invisibleCodePoints } from '../inference/text.js';
import claudeSettings from './claude-settings.js';

/** What the api-key check hands on when a key is set (nothing when the settings hold none). */
export interface ApiKeyData {
  /** The key as configured (its shape passed, or is only a provider key on a self-hosted gateway). */
  key: Secret;
  origin: Origin;
}

const codes = {
  API_KEY_NOT_IN_SETTINGS: {
    title: 'No API key to judge: none in the settings, and none given to the doctor',
    fix: 'Set the Gateway API key in Configure third-party inference… (or a credential helper: see the credentials check); to let the doctor test a key, pass --api-key-env NAME or --api-key-file FILE.',
  },
  API_KEY_NOT_USED: {
    title: 'The app does not use a static key here (credential helper or single sign-on), and the doctor was given none',
    fix: 'With a credential helper, pass --use-credential-helper to probe with the key it prints; otherwise give the doctor a key with --api-key-env NAME or --api-key-file FILE.',
  },
  API_KEY_EMPTY: { title: 'The API key is empty', fix: 'Paste your Portkey API key (Portkey dashboard → API Keys) into the Gateway API key field.' },
  API_KEY_WRONG_TYPE: { title: 'The API key is not a string', fix: 'Set inferenceGatewayApiKey to the key as a string.' },
  API_KEY_BEARER_PREFIX: {
    title: 'The API key starts with "Bearer "; the app adds that itself',
    fix: 'Remove "Bearer " from the start of the key.',
  },
  API_KEY_QUOTED: { title: 'The API key is wrapped in quotes', fix: 'Remove the quote characters around the key.' },
  API_KEY_WHITESPACE: { title: 'The API key contains spaces, tabs or line breaks', fix: 'Paste the key again without spaces or line breaks.' },
  API_KEY_INVISIBLE_CHAR: {
    title: 'The API key contains invisible characters',
    fix: 'Copy the key again from the Portkey dashboard and paste it as plain text.',
  },
  API_KEY_TOO_SHORT: {
    title: 'The API key is too short to be a real key (a placeholder, or part of the key)',
    fix: 'Copy the whole key from the Portkey dashboard (API Keys) and paste it into the Gateway API key field.',
  },
  API_KEY_ANTHROPIC: {
    title: 'This is an Anthropic API key, not a Portkey key',
    fix: 'Use a Portkey API key; the Anthropic key belongs in a Portkey integration (Model Catalog), not in Claude Desktop.',
  },
  API_KEY_OPENAI: {
    title: 'This looks like an OpenAI API key, not a Portkey key',
    fix: 'Use a Portkey API key; provider keys belong in a Portkey integration (Model Catalog), not in Claude Desktop.',
  },
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;

export default defineCheck({
  id: 'api-key',
  title: 'Gateway API key',
  group: 'settings',
  // Not behind the credentials check: a key given to the doctor is worth judging (and probing
  // with) even when the settings hold no credential at all.
  needs: [claudeSettings],
  codes,
  run({ target, discovery }) {
    const source = discovery.inForce?.values ? credentialSource(discovery.inForce.values).source : undefined;
    let field = target.apiKey;
    // A static key in the settings is not what the app sends when a helper or SSO is the source:
    // judging it, or probing with it, would test a key the app never uses.
    if (field && SETTINGS_ORIGINS.includes(field.origin) && (source === 'helper-script' || source === 'interactive')) field = undefined;
    if (!field) {
      if (source === 'helper-script' || source === 'interactive') {
        return skip(
          'API_KEY_NOT_USED',
          `no key to judge: the app authenticates with ${source === 'helper-script' ? 'the credential helper' : 'single sign-on'}`,
        );
      }
      return warn('API_KEY_NOT_IN_SETTINGS', 'no API key in the settings in force, and none given');
    }
    if (!(field.value instanceof Secret)) {
      const kind = field.value === null ? 'null' : Array.isArray(field.value) ? 'an array' : typeof field.value;
      return fail('API_KEY_WRONG_TYPE', `the API key is ${kind}`, { details: { origin: field.origin } });
    }
    const secret = field.value;
    const key = secret.reveal();
    const details = { fingerprint: secret.fingerprint, length: secret.length, origin: field.origin };
    if (key.trim() === '') return fail('API_KEY_EMPTY', key.length === 0 ? 'the API key is empty' : 'the API key is only whitespace', { details });
    const { list, bare } = pasteFindings(key, details);
    // A key this short is no real key, and outputs cannot hide it inside other text (MIN_SCRUB_LENGTH).
    if (bare.length < MIN_SCRUB_LENGTH) list.push(problem('fail', 'API_KEY_TOO_SHORT', `the key has only ${bare.length} character(s)`, { details }));
    // Provider prefixes (public, documented formats); quoting at most 7 characters of a prefix.
    // On Portkey SaaS a provider key is certainly wrong. A self-hosted gateway may pass the
    // bearer token on to the provider (the open-source gateway does), so there it is a warning.
    const providerStatus: FindingStatus = portkeySaas(target.baseUrl?.value) ? 'fail' : 'warn';
    if (bare.startsWith('sk-ant-')) list.push(problem(providerStatus, 'API_KEY_ANTHROPIC', 'the key starts with "sk-ant-" (Anthropic format)', { details }));
    else if (/^sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$/.test(bare))
      list.push(problem(providerStatus, 'API_KEY_OPENAI', 'the key starts with "sk-" (OpenAI format)', { details }));
    const data: ApiKeyData = { key: secret, origin: field.origin };
    return findings(list, ok(`present, ${secret.fingerprint}, ${secret.length} characters, from ${field.origin}`, details, data), data);
  },
});

/** Origins that mean "read from the Claude Desktop settings". */
const SETTINGS_ORIGINS: readonly Origin[] = ['managed-plist', 'managed-registry', 'managed-file', 'profile', 'legacy'];

const QUOTES = '"\'“”‘’`';
const BEARER = /^(\s*)bearer\s+/i;
const LEADING_QUOTES = new RegExp(`^(\\s*)[${QUOTES}]+`);
const TRAILING_QUOTES = new RegExp(`[${QUOTES}]+(\\s*)$`);
const QUOTED = new RegExp(`^[${QUOTES}]|[${QUOTES}]$`);

/**
 * What was pasted along with the key, in the order the check has always tested it (so the
 * first finding is the one it reported alone before): a `Bearer ` prefix, quotes, whitespace,
 * invisible characters. Each test runs on what the earlier ones left, so a problem is reported
 * once (the space after "Bearer" is the prefix's; a no-break space is whitespace, not also an
 * invisible character). `bare` is the key with all of it taken off.
 */
function pasteFindings(key: string, details: Record<string, unknown>): { list: Finding<Code>[]; bare: string } {
  const list: Finding<Code>[] = [];
  let rest = key;
  const bearer = () => {
    if (!BEARER.test(rest.trim())) return false;
    list.push(problem('fail', 'API_KEY_BEARER_PREFIX', 'the key starts with "Bearer "', { details }));
    rest = rest.replace(BEARER, '$1');
    return true;
  };
  const hadBearer = bearer();
  if (QUOTED.test(rest.trim())) {
    list.push(problem('fail', 'API_KEY_QUOTED', 'the key starts or ends with a quote character', { details }));
    rest = rest.replace(LEADING_QUOTES, '$1').replace(TRAILING_QUOTES, '$1');
    // "Bearer pk…" in quotes: the prefix shows only once the quotes are off.
    if (!hadBearer) bearer();
  }
  if (/\s/.test(rest)) {
    const where = /[\r\n]/.test(rest) ? 'a line break' : rest !== rest.trim() ? 'whitespace around it' : 'whitespace inside it';
    list.push(problem('fail', 'API_KEY_WHITESPACE', `the key contains ${where}`, { details }));
    rest = rest.replace(/\s+/g, '');
  }
  const invisible = invisibleCodePoints(rest);
  if (invisible.length > 0) {
    list.push(problem('fail', 'API_KEY_INVISIBLE_CHAR', `the key contains invisible characters (${invisible.join(', ')})`, { details }));
    rest = [...rest].filter((ch) => invisibleCodePoints(ch).length === 0).join('');
  }
  return { list, bare: rest };
}

function portkeySaas(baseUrl: unknown): boolean {
  try {
    return typeof baseUrl === 'string' && PORTKEY_SAAS_API_HOSTS.includes(new URL(baseUrl.trim()).hostname.toLowerCase());
  } catch {
    return true; // an unparsable URL: judge as for Portkey SaaS, the common case
  }
}
