/** Characters that hide in pasted values: zero-width, bidi marks, NBSP, BOM, soft hyphen. */
export const INVISIBLE = /[\u00A0\u00AD\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\uFEFF]/;

/** Describes an invisible character by code point, e.g. "U+200B", without echoing the text. */
export function invisibleCodePoints(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) if (INVISIBLE.test(ch)) found.add(`U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return [...found];
}
