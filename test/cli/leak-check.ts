/** Finds the key, or any 8-character run of it, in a text. Returns the first piece found. */
export function findLeak(text: string, key: string): string | undefined {
  if (text.includes(key)) return key;
  for (let i = 0; i + 8 <= key.length; i++) {
    const piece = key.slice(i, i + 8);
    if (text.includes(piece)) return piece;
  }
  return undefined;
}
