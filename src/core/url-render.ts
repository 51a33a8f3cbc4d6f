/**
 * The one way a URL becomes text: never with its user-info (`user:password@`) or its query
 * (`?api_key=…`), which carry credentials. Every place that shows a URL — the base-url check, the
 * report's target and summary, the Markdown report — renders it with {@link renderUrl}; the output
 * scrub (./output-scrub.ts) applies {@link stripUrlSecrets} to every text, for URLs that reach an
 * output some other way (an error message, a server's echo).
 */

const WITH_SCHEME = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>]*@)?([^\s/?#"'<>]*)([^\s?#"'<>]*)(\?[^\s#"'<>]*)?(#[^\s"'<>]*)?/gi;

/**
 * A URL as it may be shown: as written (spaces and all, so a check can show what is wrong with
 * it), without user-info, query or fragment.
 */
export function renderUrl(raw: string): string {
  const out = stripUrlSecrets(raw);
  try {
    // Belt and braces: whatever the text pattern missed, the URL parser does not.
    const url = new URL(out);
    if (url.username || url.password || url.search || url.hash) return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    // not a URL: the text as stripped
  }
  return out;
}

/** Removes user-info and queries from every `scheme://` URL inside a text. */
export function stripUrlSecrets(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(WITH_SCHEME, (_all, scheme: string, _userinfo: string | undefined, host: string, path: string) => `${scheme}${host}${path}`);
}
