/**
 * Redaction for reports that leave the machine: user names in paths, the home folder, and
 * e-mail addresses are masked in every string of the document, and what was masked is listed.
 * (The key never reaches a report at all: only its fingerprint does.)
 */

export type RedactionKind = 'home-path' | 'username' | 'email';

export interface Redaction {
  kind: RedactionKind;
  count: number;
  /** What stands in its place. */
  replacement: string;
}

export interface RedactOptions {
  homedir: string;
  username: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const REPLACEMENT: Record<RedactionKind, string> = { 'home-path': '~', username: '<user>', email: '<email>' };

/** Returns a deep copy of `value` with personal strings masked, and the list of what was masked. */
export function redact<T>(value: T, opts: RedactOptions): { value: T; redactions: Redaction[] } {
  const counts: Record<RedactionKind, number> = { 'home-path': 0, username: 0, email: 0 };
  const home = opts.homedir.replace(/[\\/]+$/, '');
  const user = opts.username;
  // Only as a path segment (/Users/alex/…, C:\\Users\\alex\\…): as a bare word a user name like
  // "root" or "admin" would mask ordinary text.
  const userPattern = user.length >= 2 ? new RegExp(`(?<=[\\\\/])${escapeRegExp(user)}(?=[\\\\/]|$)`, 'gi') : undefined;

  const text = (s: string): string => {
    let out = s;
    if (home.length > 1 && out.includes(home)) {
      counts['home-path'] += out.split(home).length - 1;
      out = out.split(home).join(REPLACEMENT['home-path']);
    }
    out = out.replace(EMAIL, () => {
      counts.email += 1;
      return REPLACEMENT.email;
    });
    if (userPattern) {
      out = out.replace(userPattern, () => {
        counts.username += 1;
        return REPLACEMENT.username;
      });
    }
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    return v;
  };
  const masked = walk(value) as T;
  const redactions = (Object.keys(counts) as RedactionKind[])
    .filter((k) => counts[k] > 0)
    .map((kind) => ({ kind, count: counts[kind], replacement: REPLACEMENT[kind] }));
  return { value: masked, redactions };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
