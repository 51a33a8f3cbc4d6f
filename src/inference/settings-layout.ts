/**
 * How the keys of the settings in force are laid out, judged against the app's key table
 * (docs/claude-desktop.md, "Keys and their shapes"): which keys the app does not know (and
 * which known key each was probably meant to be), tools' own markers, and settings nested where
 * the app never looks (`{"keys": {…}}`, the `{"$schemaVersion": 2, "inference": {…}}` export
 * document). The app reads top-level keys only and drops every key it does not know, without a
 * word to the user. Pure: it reads the key names discovery listed, never a value.
 */
import { isKnownKey, knownKey, suggestKey } from '../app/config-keys.js';
import type { SettingsSource } from '../config/settings.js';
import { showSetting } from '../core/key-shape.js';

/** Settings the gateway cannot work without: a near miss of one of these that leaves it unset is a failure. */
export const REQUIRED_GATEWAY_KEYS = ['inferenceProvider', 'inferenceGatewayBaseUrl'] as const;
/** The gateway needs one of these (docs/claude-desktop.md, "Credentials"). */
export const GATEWAY_CREDENTIAL_KEYS = ['inferenceGatewayApiKey', 'inferenceCredentialHelper', 'inferenceGatewayOidc'] as const;

/** Markers tools write into the entries they manage; the app ignores them. */
const TOOL_MARKERS = ['ccds_managed', 'claudepot_managed'];
const MARKER_PATTERN = /^[a-z0-9]+_managed$/i;

export interface NearMiss {
  /** The key as written. */
  name: string;
  /** The known key it is probably meant to be. */
  meant: string;
  /** True when the known key is a required setting and is not set at the top level. */
  leavesRequiredUnset: boolean;
}

export interface NestedSettings {
  /** `wrapper`: known keys under an object key; `schema-v2`: the app's nested export document. */
  kind: 'wrapper' | 'schema-v2';
  /** The top-level key holding them (`keys`, `inference`, …). */
  container: string;
  /** Known keys found inside (bounded by discovery). */
  keys: string[];
}

export interface SettingsLayout {
  /** Top-level key names as listed by discovery (or the values' keys when it listed none). */
  names: string[];
  unknown: string[];
  nearMisses: NearMiss[];
  markers: string[];
  /** Known but renamed keys (still read until the cut-off). */
  renamed: { name: string; renamedTo: string }[];
  /** Settings nested where the app does not read them (the first such container). */
  nested?: NestedSettings;
}

/** The key names of a source: discovery's list, else the keys of its values. */
function topLevelNames(source: SettingsSource): string[] {
  if (source.keys) return source.keys;
  return Object.keys(source.values ?? {});
}

/**
 * Judges the key names of `source`. Registry value names are case-insensitive to Windows (so to
 * the app): there a name that differs from a known key only in case is that key.
 */
export function settingsLayout(source: SettingsSource): SettingsLayout {
  const names = topLevelNames(source);
  const caseInsensitive = source.kind === 'managed-registry';
  const known = (name: string) => isKnownKey(name) || (caseInsensitive && suggestKey(name)?.toLowerCase() === name.toLowerCase());
  const present = new Set(names.filter(known).map((n) => (isKnownKey(n) ? n : (suggestKey(n) ?? n))));

  const nested = findNested(names, source.nestedKeys ?? {}, present);
  const layout: SettingsLayout = { names, unknown: [], nearMisses: [], markers: [], renamed: [], ...(nested ? { nested } : {}) };
  const hasCredential = GATEWAY_CREDENTIAL_KEYS.some((k) => present.has(k));
  for (const name of names) {
    if (known(name)) {
      const renamedTo = knownKey(name)?.renamedTo;
      if (renamedTo) layout.renamed.push({ name, renamedTo });
      continue;
    }
    // The container of nested settings is named by that finding, not as an unknown key.
    if (nested && (name === nested.container || (nested.kind === 'schema-v2' && name === '$schemaVersion'))) continue;
    if (TOOL_MARKERS.includes(name) || MARKER_PATTERN.test(name)) {
      layout.markers.push(name);
      continue;
    }
    const meant = suggestKey(name);
    if (meant === undefined) {
      layout.unknown.push(name);
      continue;
    }
    const required =
      (REQUIRED_GATEWAY_KEYS as readonly string[]).includes(meant) || ((GATEWAY_CREDENTIAL_KEYS as readonly string[]).includes(meant) && !hasCredential);
    layout.nearMisses.push({ name, meant, leavesRequiredUnset: required && !present.has(meant) });
  }
  return layout;
}

/**
 * The first top-level object that holds known keys, when the top level itself does not hold the
 * required ones; or the `$schemaVersion` export document (then its `inference` section, or the
 * first section that holds known keys, is the container).
 */
function findNested(names: readonly string[], nestedKeys: Record<string, string[]>, present: Set<string>): NestedSettings | undefined {
  const knownInside = (container: string) => (nestedKeys[container] ?? []).filter((k) => isKnownKey(k));
  if (names.includes('$schemaVersion')) {
    const container = ['inference', ...names.filter((n) => n !== 'inference')].find((n) => Object.hasOwn(nestedKeys, n)) ?? 'inference';
    return { kind: 'schema-v2', container, keys: knownInside(container) };
  }
  // A top level that already holds the required settings is read as it is: an object beside them is just an unknown key.
  if (REQUIRED_GATEWAY_KEYS.every((k) => present.has(k))) return undefined;
  for (const name of names) {
    if (isKnownKey(name) || !Object.hasOwn(nestedKeys, name)) continue;
    const inside = knownInside(name);
    if (inside.length > 0) return { kind: 'wrapper', container: name, keys: inside };
  }
  return undefined;
}

/** The misspelt key that was probably meant to be `key`, if the settings hold one. */
export function nearMissFor(layout: SettingsLayout, key: string): NearMiss | undefined {
  return layout.nearMisses.find((m) => m.meant === key);
}

/** How a missing setting is explained when the settings hold it nested or misspelt (for summaries and fixes). */
export function whyMissing(layout: SettingsLayout, key: string): { summary: string; fix: string } | undefined {
  const miss = nearMissFor(layout, key);
  if (miss) {
    return {
      summary: `${key} is not set ("${showSetting(miss.name, 80)}" is, a spelling the app ignores)`,
      fix: `Rename "${showSetting(miss.name, 80)}" to "${key}" (keys are case-sensitive).`,
    };
  }
  return undefined;
}
