/**
 * Entries of `inferenceModels` (docs/claude-desktop.md, "Models"): a model id, or an object with
 * `name` and the documented optional fields. Settings are untrusted input, so these are type
 * guards over `unknown`, not casts.
 */

/** The tiers `anthropicFamilyTier` may name. */
export const FAMILY_TIERS = ['sonnet', 'opus', 'haiku', 'fable', 'mythos'] as const;
export type FamilyTier = (typeof FAMILY_TIERS)[number];

/** The documented fields of an object entry, with the type each must have. */
export const MODEL_ENTRY_FIELDS = {
  name: 'string',
  labelOverride: 'string',
  supports1m: 'boolean',
  prefer1m: 'boolean',
  anthropicFamilyTier: 'tier',
  isFamilyDefault: 'boolean',
} as const;

/** One entry as the app accepts it. */
export type ModelEntry =
  | string
  | {
      name: string;
      labelOverride?: string;
      supports1m?: boolean;
      prefer1m?: boolean;
      anthropicFamilyTier?: FamilyTier;
      isFamilyDefault?: boolean;
    };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An entry with a non-empty name and nothing pasted around it; each documented field, when set, of its type. */
export function isModelEntry(entry: unknown): entry is ModelEntry {
  if (typeof entry === 'string') return entry.trim() !== '' && entry.trim() === entry;
  if (!isObject(entry)) return false;
  return Object.entries(MODEL_ENTRY_FIELDS).every(([field, type]) => {
    const value = entry[field];
    if (field === 'name') return typeof value === 'string' && value.trim() !== '';
    if (value === undefined) return true;
    if (type === 'tier') return typeof value === 'string' && (FAMILY_TIERS as readonly string[]).includes(value);
    return typeof value === type;
  });
}

/** The fields of an object entry that are not documented (the app's schema may reject or ignore them). */
export function unknownFields(entry: unknown): string[] {
  if (!isObject(entry)) return [];
  return Object.keys(entry).filter((k) => !Object.hasOwn(MODEL_ENTRY_FIELDS, k));
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

/** A `[1m]` suffix: the picker's label for the 1M-context variant, not part of a model id. */
export const ONE_M_SUFFIX = /\[1m\]\s*$/i;

/**
 * Whether the app's gateway validator takes `name` for an Anthropic model
 * (docs/claude-desktop.md, "Models"): after any route prefix (`anthropic/`, `@team/`,
 * `@bedrock-eu/anthropic.` — everything up to the last `/`) the id names Claude, or it is a bare
 * tier alias (`sonnet`, `opus`, …) the app resolves itself. The app's exact rule is not
 * published; this one agrees with every accepted and rejected id in the sources.
 */
export function isAnthropicModel(name: string): boolean {
  const id = name.trim().replace(ONE_M_SUFFIX, '');
  const last = id.slice(id.lastIndexOf('/') + 1).toLowerCase();
  if ((FAMILY_TIERS as readonly string[]).includes(last)) return true;
  return /(^|[.:_-])claude([.:_-]|$)/.test(last);
}
