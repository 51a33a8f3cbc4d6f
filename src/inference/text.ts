/** Characters that hide in pasted values: zero-width, bidi marks, NBSP, BOM, soft hyphen. */
export const INVISIBLE = /[\u00A0\u00AD\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\uFEFF]/;

/** Describes an invisible character by code point, e.g. "U+200B", without echoing the text. */
export function invisibleCodePoints(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) if (INVISIBLE.test(ch)) found.add(`U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return [...found];
}

/** JSON text of a value, or undefined when it has none or cannot be serialised (a value nested
 * too deeply for the recursive JSON.stringify: settings are untrusted input). */
export function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
