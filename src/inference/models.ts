/**
 * Entries of `inferenceModels` (FIELD-NOTES §2): a model name, or `{ name, supports1m }`.
 * Settings are untrusted input, so these are type guards over `unknown`, not casts.
 */

/** One entry as the app accepts it. */
export type ModelEntry = string | { name: string; supports1m?: boolean };

/** An entry with a non-empty name and nothing pasted around it; `supports1m`, when set, a boolean. */
export function isModelEntry(entry: unknown): entry is ModelEntry {
  if (typeof entry === 'string') return entry.trim() !== '' && entry.trim() === entry;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return false;
  const name = 'name' in entry ? entry.name : undefined;
  const supports1m = 'supports1m' in entry ? entry.supports1m : undefined;
  return typeof name === 'string' && name.trim() !== '' && (supports1m === undefined || typeof supports1m === 'boolean');
}

/** The name an entry gives, valid or not (a string, or an object's string `name`). */
export function entryName(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object' || !('name' in entry)) return undefined;
  return typeof entry.name === 'string' ? entry.name : undefined;
}

/** Model names from entries that give one, in order (for details). */
export function modelNames(entries: readonly unknown[]): string[] {
  return entries.map(entryName).filter((n): n is string => n !== undefined);
}
