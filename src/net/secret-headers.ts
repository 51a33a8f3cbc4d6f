/**
 * Request headers that may carry a key: how a caller hands one over without revealing it, and
 * how the HTTP layer turns them into wire headers while noting which secrets went out (to scrub
 * them from everything returned) and whether the request carries a key at all (for the
 * clear-text rule, see `clear-text.ts`).
 */
import { credentialSecret, isCredentialHeaderName } from '../core/key-shape.js';
import { Secret } from '../core/secret.js';

/** A header value that carries a key, with an optional scheme prefix (`Bearer `). */
export interface SecretHeader {
  secret: Secret;
  prefix?: string;
}

/** `Authorization: Bearer <key>` without revealing the key before the wire. */
export function bearer(secret: Secret): SecretHeader {
  return { secret, prefix: 'Bearer ' };
}

/** A header value: plain text, a key, or a key with a prefix. */
export type HeaderValue = string | Secret | SecretHeader;

/** What {@link wireHeaders} produced. */
export interface WireHeaders {
  /** Names as given, values in clear: for undici only. */
  wire: Record<string, string>;
  /** The keys given as {@link Secret} header values, to scrub from everything returned. */
  secrets: Secret[];
  /** A header (or the URL) carries a key. */
  carriesKey: boolean;
}

function isSecretHeader(v: unknown): v is SecretHeader {
  return typeof v === 'object' && v !== null && (v as { secret?: unknown }).secret instanceof Secret;
}

/**
 * Reveals the headers for the wire and notes whether any carries a key: a {@link Secret} or
 * {@link SecretHeader} value, a header named in `secretHeaders` (case-insensitive), a credential
 * header by its name (`Authorization`, `x-portkey-api-key`, …: `isCredentialHeaderName`) even as
 * plain text, or — defence in depth — any of the `known` secrets appearing in a header value or
 * the URL, marked or not.
 */
export function wireHeaders(
  headers: Readonly<Record<string, HeaderValue>>,
  opts: { secretHeaders?: readonly string[]; known?: readonly Secret[]; url: URL },
): WireHeaders {
  const marked = new Set((opts.secretHeaders ?? []).map((n) => n.toLowerCase()));
  const wire: Record<string, string> = {};
  const secrets: Secret[] = [];
  let carriesKey = false;
  for (const [name, value] of Object.entries(headers)) {
    if (value instanceof Secret) {
      wire[name] = value.reveal();
      secrets.push(value);
      carriesKey = true;
    } else if (isSecretHeader(value)) {
      wire[name] = `${value.prefix ?? ''}${value.secret.reveal()}`;
      secrets.push(value.secret);
      carriesKey = true;
    } else {
      wire[name] = value;
      if (marked.has(name.toLowerCase())) carriesKey = true;
      // A credential header given as plain text (Authorization, x-portkey-api-key, …) is a key
      // all the same: for the clear-text rule, and to scrub from what comes back.
      if (isCredentialHeaderName(name) && value.trim() !== '') {
        carriesKey = true;
        secrets.push(credentialSecret(value));
      }
    }
  }
  for (const secret of opts.known ?? []) {
    const v = secret.reveal();
    if (v.length > 0 && (opts.url.href.includes(v) || Object.values(wire).some((h) => h.includes(v)))) carriesKey = true;
  }
  return { wire, secrets, carriesKey };
}
