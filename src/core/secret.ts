import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * The registry of every secret this process holds, so text whose origin is unknown (crash output,
 * a log line, a report) can be scrubbed of all of them. It is bounded by what is in use: one entry
 * per distinct value, held through weak references, so a settings reload or a proxied request
 * that makes a new Secret of an old value adds nothing, and a Secret no longer referenced anywhere
 * (the previous run's key, an old proxy credential) drops out once it is collected. A daemon's
 * secret set therefore stays the size of its current configuration (see bench/daemon-soak.mjs).
 */
const KNOWN = new Map<string, Set<WeakRef<Secret>>>();
const FORGET = new FinalizationRegistry<{ value: string; ref: WeakRef<Secret> }>(({ value, ref }) => {
  const refs = KNOWN.get(value);
  if (!refs) return;
  refs.delete(ref);
  if (refs.size === 0) KNOWN.delete(value);
});

/**
 * The most recent distinct secrets, held strongly: a text can outlive the Secret it came from (a
 * proxy's credential object is dropped when the request ends, while an echo of it sits in a
 * check's details until the run is written). Bounded, so the registry stays bounded.
 */
const RECENT = new Map<string, Secret>();
const RECENT_MAX = 32;

function remember(secret: Secret, value: string): void {
  RECENT.delete(value);
  RECENT.set(value, secret);
  if (RECENT.size > RECENT_MAX) RECENT.delete(RECENT.keys().next().value as string);
  const ref = new WeakRef(secret);
  const refs = KNOWN.get(value) ?? new Set<WeakRef<Secret>>();
  KNOWN.set(value, refs);
  refs.add(ref);
  FORGET.register(secret, { value, ref });
}

/** One live Secret for each distinct value this process holds (for scrubbing text whose origin is unknown). */
export function knownSecrets(): Secret[] {
  const out: Secret[] = [];
  for (const [value, refs] of KNOWN) {
    let live: Secret | undefined;
    for (const ref of refs) {
      const s = ref.deref();
      if (s) live ??= s;
      else refs.delete(ref);
    }
    if (live) out.push(live);
    else KNOWN.delete(value);
  }
  return out;
}

/** How many distinct secret values the registry holds (the daemon soak's figure). */
export function knownSecretCount(): number {
  return knownSecrets().length;
}

/**
 * An API key, wrapped from the moment it is read. Every way of turning it into text
 * (String(), template literals, JSON.stringify, util.inspect, console.log) yields the
 * fingerprint, never the value. Only the HTTP layer calls {@link Secret.reveal}.
 */
export class Secret {
  readonly #value: string;
  /** `sha256:` + the first 12 hex digits of the SHA-256 of the value: enough to tell "same key?". */
  readonly fingerprint: string;
  readonly length: number;

  constructor(value: string) {
    this.#value = value;
    this.length = value.length;
    this.fingerprint = `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
    remember(this, value);
  }

  /** The clear value. Call only where the key is put on the wire or inspected for shape. */
  reveal(): string {
    return this.#value;
  }

  /** What outputs show in place of the key. */
  describe(): string {
    return `${this.fingerprint} (${this.length} chars)`;
  }

  toString(): string {
    return this.describe();
  }

  toJSON(): { fingerprint: string; length: number } {
    return { fingerprint: this.fingerprint, length: this.length };
  }

  [inspect.custom](): string {
    return `Secret(${this.describe()})`;
  }
}

/**
 * Below this length a secret is never searched for inside a text: a key like `e`, `ok` or
 * `gateway` would rewrite ordinary words (and show itself through the marks). Such a value is
 * only replaced where it is a whole value (see {@link scrubber}); the api-key check says a key
 * that short cannot be real.
 */
export const MIN_SCRUB_LENGTH = 8;
/** The length of the runs of a secret that are removed wherever they appear (as the leak test counts them). */
const RUN = 8;

interface Matcher {
  /** The value and its escaped forms (JSON, `\u`, split with dots), any case. */
  whole: RegExp | undefined;
  /**
   * Any RUN-character run of the value or its JSON-escaped form, in its own case: a run in any
   * case would also match the doctor's own words (a key `pk-…Forbidden…` against the code
   * KEY_FORBIDDEN, `…Keychain…` against the check id `keychain`). The whole value matches in any case.
   */
  runs: RegExp | undefined;
  value: string;
  lower: string;
  /**
   * For an ASCII value: the value in lower case without dots. In an ASCII text without a backslash,
   * `whole` can only match the value's characters themselves, in any case, dots aside: so unless
   * the text (lower case, dots removed) holds this, `whole` cannot match and is not run. Running it
   * costs V8 a compile of a large case-insensitive Unicode pattern (~5 ms per process, measured on
   * the headers of every response), for texts that almost never hold a key.
   */
  plain?: string;
  /** Longer than MAX_PATTERN_LENGTH: its runs are searched one by one. */
  long?: boolean;
}

const MATCHERS = new WeakMap<Secret, Matcher>();

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const jsonEscaped = (s: string): string => JSON.stringify(s).slice(1, -1);
/** Each character as a regexp that also matches its `\uXXXX` escape (either case of hex). */
const charPattern = (ch: string): string => {
  const code = ch.codePointAt(0)!;
  const units = code > 0xffff ? [...String.fromCodePoint(code)].map((c) => c.charCodeAt(0)) : [code];
  const u = units.map((n) => `\\\\u${n.toString(16).padStart(4, '0')}`).join('');
  const json = jsonEscaped(ch);
  const alts = new Set([escapeRegExp(ch), escapeRegExp(json), u]);
  return alts.size === 1 ? escapeRegExp(ch) : `(?:${[...alts].join('|')})`;
};

/** Longer secrets (no real key is) are matched as plain text: a per-character pattern would not compile. */
const MAX_PATTERN_LENGTH = 512;

function matcherOf(secret: Secret): Matcher {
  let m = MATCHERS.get(secret);
  if (m) return m;
  const value = secret.reveal();
  if (value.length > MAX_PATTERN_LENGTH) {
    m = { whole: undefined, runs: undefined, value, lower: value.toLowerCase(), long: true };
    MATCHERS.set(secret, m);
    return m;
  }
  const chars = [...value];
  // The whole value, each character plain or escaped, with at most one dot between characters.
  const whole = new RegExp(chars.map(charPattern).join('\\.?'), 'giu');
  const pieces = new Set<string>();
  for (const form of [value, jsonEscaped(value)]) {
    for (let i = 0; i + RUN <= form.length; i++) pieces.add(escapeRegExp(form.slice(i, i + RUN)));
  }
  const runs = pieces.size > 0 ? new RegExp([...pieces].join('|'), 'g') : undefined;
  m = { whole, runs, value, lower: value.toLowerCase(), ...(ASCII.test(value) ? { plain: withoutDots(value.toLowerCase()) } : {}) };
  MATCHERS.set(secret, m);
  return m;
}

const ASCII = /^[\x00-\x7f]*$/;
const withoutDots = (s: string): string => (s.includes('.') ? s.replaceAll('.', '') : s);

/**
 * Whether `whole` can match in the text. A case-insensitive Unicode pattern lets some non-ASCII
 * characters stand for ASCII letters (U+212A KELVIN SIGN for k, U+017F for s), and every escaped
 * form starts with a backslash: such texts are always searched.
 */
function mayHoldWhole(text: string, m: Matcher): boolean {
  if (m.plain === undefined || text.includes('\\') || !ASCII.test(text)) return true;
  return withoutDots(text.toLowerCase()).includes(m.plain);
}

/** Distinct, non-empty secrets, long ones first (so a longer value is replaced before a shorter one inside it). */
function distinct(secrets: readonly (Secret | undefined)[]): Secret[] {
  const byValue = new Map<string, Secret>();
  for (const s of secrets) if (s && s.length > 0 && !byValue.has(s.reveal())) byValue.set(s.reveal(), s);
  return [...byValue.values()].sort((a, b) => b.length - a.length);
}

const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

/** Replaces base64 (or base64url) tokens that decode to a text holding a secret (a Basic credential, an encoded header). */
function scrubBase64(text: string, long: readonly Matcher[]): string {
  if (long.length === 0) return text;
  return text.replace(BASE64_RUN, (token) => {
    for (let offset = 0; offset < 4 && offset + 12 <= token.length; offset++) {
      const decoded = Buffer.from(token.slice(offset).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1').toLowerCase();
      const utf8 = Buffer.from(token.slice(offset).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8').toLowerCase();
      for (const m of long) {
        if (decoded.includes(m.lower) || utf8.includes(m.lower)) return '[redacted]';
        const exact = Buffer.from(token.slice(offset).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
        for (let i = 0; i + RUN <= m.value.length; i++) {
          if (exact.includes(m.value.slice(i, i + RUN))) return '[redacted]';
        }
      }
    }
    return token;
  });
}

/**
 * Removes the secrets from a text that came from a lower layer (an error message, a server's body
 * echoing a header) before it is shown or logged: for a secret of at least {@link MIN_SCRUB_LENGTH}
 * characters, its value in any case, JSON- or `\u`-escaped or split with dots, its base64 forms
 * (alone, as a Basic credential) and any 8-character run of it (in its own case); a shorter secret only where it is
 * the whole text.
 */
export function scrub(text: string, secrets: readonly (Secret | undefined)[]): string {
  return scrubber(secrets)(text);
}

/**
 * {@link scrub} with the secrets prepared once, for scrubbing many strings. With `short: false`
 * a secret shorter than {@link MIN_SCRUB_LENGTH} is left alone even as a whole value: for the
 * names and the fixed vocabulary of a document (a status `ok`, a field `status`), which the doctor
 * wrote and a key that short must not wipe.
 */
export function scrubber(secrets: readonly (Secret | undefined)[]): (text: string, opts?: { short?: boolean; runs?: boolean }) => string {
  const list = distinct(secrets);
  const short = list.filter((s) => s.length < MIN_SCRUB_LENGTH);
  const long = list.filter((s) => s.length >= MIN_SCRUB_LENGTH).map((s) => ({ s, m: matcherOf(s) }));
  const matchers = long.map((x) => x.m);
  return (text, opts) => {
    if (list.length === 0 || text.length === 0) return text;
    if (opts?.short !== false) for (const s of short) if (text === s.reveal()) return `[key ${s.fingerprint}]`;
    let out = text;
    for (const { s, m } of long) {
      if (m.whole) {
        if (mayHoldWhole(out, m)) out = out.replace(m.whole, `[key ${s.fingerprint}]`);
      } else if (out.includes(m.value)) out = out.split(m.value).join(`[key ${s.fingerprint}]`);
      // runs: false — the document's own names and vocabulary: only a whole key is replaced there,
      // never a run of one (a key `settingscode…` must not rename the report's `settings`).
      if (opts?.runs === false) continue;
      if (m.runs) out = out.replace(m.runs, '[redacted]');
      if (m.long) {
        for (let i = 0; i + RUN <= m.value.length; i++) {
          const piece = m.value.slice(i, i + RUN);
          if (out.includes(piece)) out = out.split(piece).join('[redacted]');
        }
      }
    }
    if (opts?.runs === false) return out;
    return scrubBase64(
      out,
      matchers.filter((x) => !x.long),
    );
  };
}
