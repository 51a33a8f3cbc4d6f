/**
 * The key's shape, without ever showing it: present, a bare token with nothing pasted around
 * it, and a Portkey key rather than a provider's. Findings describe the key, never quote it.
 */
import { defineCheck, fail, ok, warn } from '../contract/check.js';
import { invisibleCodePoints } from '../inference/text.js';
import { PORTKEY_SAAS_API_HOSTS } from '../core/portkey.js';
import { Secret } from '../core/secret.js';

export default defineCheck({
  id: 'api-key',
  title: 'Gateway API key',
  group: 'settings',
  needs: ['claude-settings'],
  codes: {
    API_KEY_NOT_IN_SETTINGS: {
      title: 'No API key in the settings; the app may keep it in the OS keychain, which the doctor cannot read',
      fix: 'If requests fail with 401, enter the Portkey API key again in Configure third-party inference…; to let the doctor test it, pass --api-key-env NAME or --api-key-file FILE.',
    },
    API_KEY_EMPTY: { title: 'The API key is empty', fix: 'Paste your Portkey API key (Portkey dashboard → API Keys) into the Gateway API key field.' },
    API_KEY_WRONG_TYPE: { title: 'The API key is not a string', fix: 'Set inferenceGatewayApiKey to the key as a string.' },
    API_KEY_BEARER_PREFIX: {
      title: 'The API key starts with "Bearer "; the app adds that itself',
      fix: 'Remove "Bearer " from the start of the key.',
    },
    API_KEY_QUOTED: { title: 'The API key is wrapped in quotes', fix: 'Remove the quote characters around the key.' },
    API_KEY_WHITESPACE: { title: 'The API key contains spaces, tabs or line breaks', fix: 'Paste the key again without spaces or line breaks.' },
    API_KEY_INVISIBLE_CHAR: { title: 'The API key contains invisible characters', fix: 'Copy the key again from the Portkey dashboard and paste it as plain text.' },
    API_KEY_ANTHROPIC: {
      title: 'This is an Anthropic API key, not a Portkey key',
      fix: 'Use a Portkey API key; the Anthropic key belongs in a Portkey integration (Model Catalog), not in Claude Desktop.',
    },
    API_KEY_OPENAI: {
      title: 'This looks like an OpenAI API key, not a Portkey key',
      fix: 'Use a Portkey API key; provider keys belong in a Portkey integration (Model Catalog), not in Claude Desktop.',
    },
  },
  run(ctx) {
    const { target } = ctx;
    const field = target.apiKey;
    if (!field) return warn('API_KEY_NOT_IN_SETTINGS', 'no API key in the settings in force');
    if (!(field.value instanceof Secret)) {
      const kind = field.value === null ? 'null' : Array.isArray(field.value) ? 'an array' : typeof field.value;
      return fail('API_KEY_WRONG_TYPE', `the API key is ${kind}`, { details: { origin: field.origin } });
    }
    const secret = field.value;
    const key = secret.reveal();
    const details = { fingerprint: secret.fingerprint, length: secret.length, origin: field.origin };
    if (key.trim() === '') return fail('API_KEY_EMPTY', key.length === 0 ? 'the API key is empty' : 'the API key is only whitespace', { details });
    const inner = key.trim();
    if (/^bearer\s+/i.test(inner)) return fail('API_KEY_BEARER_PREFIX', 'the key starts with "Bearer "', { details });
    if (/^["'“”‘’`]|["'“”‘’`]$/.test(inner)) return fail('API_KEY_QUOTED', 'the key starts or ends with a quote character', { details });
    if (/\s/.test(key)) {
      const where = /[\r\n]/.test(key) ? 'a line break' : key !== inner ? 'whitespace around it' : 'whitespace inside it';
      return fail('API_KEY_WHITESPACE', `the key contains ${where}`, { details });
    }
    const invisible = invisibleCodePoints(key);
    if (invisible.length > 0) return fail('API_KEY_INVISIBLE_CHAR', `the key contains invisible characters (${invisible.join(', ')})`, { details });
    // Provider prefixes (public, documented formats); quoting at most 7 characters of a prefix.
    // On Portkey SaaS a provider key is certainly wrong. A self-hosted gateway may pass the
    // bearer token on to the provider (the open-source gateway does), so there it is a warning.
    const providerKey = portkeySaas(ctx.target.baseUrl?.value) ? fail : warn;
    if (key.startsWith('sk-ant-')) return providerKey('API_KEY_ANTHROPIC', 'the key starts with "sk-ant-" (Anthropic format)', { details });
    if (/^sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$/.test(key)) {
      return providerKey('API_KEY_OPENAI', 'the key starts with "sk-" (OpenAI format)', { details });
    }
    return ok(`present, ${secret.fingerprint}, ${secret.length} characters, from ${field.origin}`, details);
  },
});

function portkeySaas(baseUrl: unknown): boolean {
  try {
    return typeof baseUrl === 'string' && PORTKEY_SAAS_API_HOSTS.includes(new URL(baseUrl.trim()).hostname.toLowerCase());
  } catch {
    return true; // an unparsable URL: judge as for Portkey SaaS, the common case
  }
}
