/**
 * Credentials outside the key field, recognised so they are secrets too:
 *
 * - a credential header (`Authorization`, `x-portkey-api-key`, …) among the extra headers or the
 *   `--header` flags: its value is a credential whatever it looks like;
 * - a key pasted into the wrong settings field (auth scheme, provider, base URL, models, header
 *   names, metadata keys): recognised by its shape (Anthropic, OpenAI, Portkey-like tokens).
 *
 * Either becomes a {@link Secret} as soon as the settings are resolved ({@link registerSettingsSecrets}),
 * so the output scrub shows its fingerprint wherever it would have been printed — in any check's
 * summary or details, console and JSON alike — and the network layer treats a request carrying it
 * as carrying a key. Secrets are made once per value ({@link secretFor}): a daemon that re-reads
 * the same settings every run does not pile up copies.
 */
import { knownSecrets, scrub, Secret } from './secret.js';

/** Header names whose value is a credential (lower case). */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-portkey-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
]);

/**
 * Whether a header carries a credential: one of the well-known credential headers, or a name
 * that says so (`…-api-key`, `…-token`, `…-secret`, `…-password`).
 */
export function isCredentialHeaderName(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) return true;
  return /(^|[-_])(api[-_]?key|access[-_]?token|auth[-_]?token|token|secret|password|passwd)$/.test(lower);
}

/** One Secret per value, most recently used last; bounded. */
const BY_VALUE = new Map<string, Secret>();
const MAX_CACHED = 64;

/** The Secret for a value, made once per value (see the module comment). */
export function secretFor(value: string): Secret {
  const known = BY_VALUE.get(value);
  if (known) {
    BY_VALUE.delete(value);
    BY_VALUE.set(value, known);
    return known;
  }
  const secret = new Secret(value);
  BY_VALUE.set(value, secret);
  if (BY_VALUE.size > MAX_CACHED) BY_VALUE.delete(BY_VALUE.keys().next().value as string);
  return secret;
}

/** A scheme word before a credential (`Bearer`, `Basic`, …): the token after it is the secret part. */
const SCHEME = /^\s*(bearer|basic|token|apikey|digest)\s+(\S.*)$/i;

/**
 * The Secret for a credential header's value, as sent; the token after a scheme word
 * (`Bearer …`) is made a Secret too, so a reflection of the bare token is scrubbed as well.
 */
export function credentialSecret(value: string): Secret {
  const token = SCHEME.exec(value)?.[2]?.trim();
  if (token) secretFor(token);
  return secretFor(value);
}

/**
 * Key shapes: public, documented prefixes (Anthropic `sk-ant-`, OpenAI `sk-`/`sk-proj-`, the
 * `pk-` form of Portkey keys), and a long opaque token — 20 or more letters, digits and `+/=_-`
 * mixing upper case, lower case and digits at random, with at most two separators — which is
 * what a Portkey key looks like and what model ids, URLs, names and header names do not.
 */
const PREFIXED = /^(sk-ant-[A-Za-z0-9_-]{16,}|sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}|pk-[A-Za-z0-9_-]{16,})$/;
const TOKENS = /[A-Za-z0-9+/=_-]{20,}/g;

function opaque(token: string): boolean {
  const bare = token.replace(/=+$/, '');
  if (bare.length < 20) return false;
  if (!/[A-Z]/.test(bare) || !/[a-z]/.test(bare) || !/[0-9]/.test(bare)) return false;
  if ((bare.match(/[-_/+]/g) ?? []).length > 2) return false;
  // Random: the kind of character (upper, lower, digit) changes often — about 6 times in 10 for
  // random letters and digits; CamelCase words with a year (`MyProfile2024Production`) change
  // far less.
  const kind = (c: string) => (/[A-Z]/.test(c) ? 'u' : /[a-z]/.test(c) ? 'l' : /[0-9]/.test(c) ? 'd' : 'o');
  let changes = 0;
  for (let i = 1; i < bare.length; i++) if (kind(bare[i]!) !== kind(bare[i - 1]!)) changes++;
  return changes * 3 >= bare.length;
}

/** Whether a whole token has the shape of an API key. */
export function isKeyShaped(token: string): boolean {
  return PREFIXED.test(token) || opaque(token);
}

/** The key-shaped runs inside a text (split on anything a key is not made of; `/` splits too, for URL paths). */
export function keyShapedTokens(text: string): string[] {
  const out = new Set<string>();
  for (const run of text.match(TOKENS) ?? []) {
    // A URL path's segments first (`ai/<key>` is not the key); a key may hold a `/` itself.
    const parts = run.split('/').filter((part) => part.length >= 20 && isKeyShaped(part));
    if (parts.length > 0) for (const part of parts) out.add(part);
    else if (isKeyShaped(run)) out.add(run);
  }
  return [...out];
}

/**
 * A settings value as a summary may show it: every key-shaped run, and every secret this process
 * holds (the configured key pasted into another field), replaced by its fingerprint *before* the
 * value is cut to `max` characters — cut first, a key would show as a string of redaction marks
 * or, shorter than the scrub's runs, not be caught at all. Every check that echoes a setting's
 * value in a summary goes through this.
 */
export function showSetting(value: string, max = 80): string {
  let out = value.length > MAX_CHARS ? value.slice(0, MAX_CHARS) : value;
  for (const token of keyShapedTokens(out)) out = out.split(token).join(`[key ${secretFor(token).fingerprint}]`);
  out = scrub(out, knownSecrets());
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** Bounds on how much of the settings is walked (a hostile file is not walked to its end). */
const MAX_DEPTH = 8;
const MAX_NODES = 5_000;
const MAX_CHARS = 64 * 1024;

/** Every string and object key in `value`, bounded. */
function strings(value: unknown, out: string[], budget = { nodes: MAX_NODES }, depth = 0): string[] {
  if (budget.nodes-- <= 0) return out;
  if (typeof value === 'string') {
    out.push(value.length > MAX_CHARS ? value.slice(0, MAX_CHARS) : value);
    return out;
  }
  if (value === null || typeof value !== 'object' || value instanceof Secret || depth >= MAX_DEPTH) return out;
  if (Array.isArray(value)) {
    for (const v of value) strings(v, out, budget, depth + 1);
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    out.push(k.length > MAX_CHARS ? k.slice(0, MAX_CHARS) : k);
    strings(v, out, budget, depth + 1);
  }
  return out;
}

/**
 * The values of credential headers in a headers setting as read (either key, either form: an
 * object, a list of "Name: Value" strings, or either as a JSON string). Lenient: what cannot be
 * read yields nothing (the extra-headers check says why).
 */
export function credentialHeaderValues(raw: unknown): string[] {
  let value = raw;
  if (typeof value === 'string') {
    if (value.length > MAX_CHARS * 4) return [];
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const entry of value.slice(0, 500)) {
      if (typeof entry !== 'string') continue;
      const colon = entry.indexOf(':');
      if (colon > 0 && isCredentialHeaderName(entry.slice(0, colon))) out.push(entry.slice(colon + 1).trim());
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [name, v] of Object.entries(value).slice(0, 500)) {
      if (isCredentialHeaderName(name) && typeof v === 'string') out.push(v);
    }
  }
  return out.filter((v) => v.trim() !== '');
}

/**
 * Makes Secrets of what `values` holds that is a credential: the values of credential headers in
 * `headerSettings`, and every key-shaped token in any string or object key of `anywhere`. Returns
 * the secrets (already registered with the output scrub by being made).
 */
export function registerSettingsSecrets(opts: { headerSettings?: readonly unknown[]; anywhere?: readonly unknown[] }): Secret[] {
  const found = new Set<string>();
  const secrets: Secret[] = [];
  for (const setting of opts.headerSettings ?? []) for (const v of credentialHeaderValues(setting)) secrets.push(credentialSecret(v));
  for (const text of strings(opts.anywhere ?? [], [])) for (const token of keyShapedTokens(text)) found.add(token);
  return [...secrets, ...[...found].map(secretFor)];
}
