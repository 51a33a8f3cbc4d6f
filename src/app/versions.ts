/**
 * What each Claude Desktop setting needs from the app, in ONE table (docs/claude-desktop.md,
 * "Versions"): correct a minimum here and every check follows. No official minimum version for
 * third-party inference itself is published; the two known facts are that auth-scheme selection
 * exists from 1.3036.0 and `inferenceCustomHeaders` from 1.8089.0 (an older app silently ignores
 * it). Everything else is `undefined`: unknown, and the doctor says so rather than guess.
 */
import type { InferenceKey } from '../config/settings.js';

export interface SettingRequirement {
  /** The settings key this is about. */
  setting: InferenceKey;
  /** First app version known to honour the setting; `undefined` = not known. */
  minVersion: string | undefined;
  /** What the setting does, for messages. */
  what: string;
  /** What happens on an older app, for messages. */
  onOlder: string;
}

/** The table. Keys not listed here have no known minimum either. */
export const SETTING_REQUIREMENTS: readonly SettingRequirement[] = [
  {
    setting: 'inferenceGatewayAuthScheme',
    minVersion: '1.3036.0',
    what: 'choosing the gateway auth scheme',
    onOlder: 'the setting is ignored and the app uses its built-in scheme',
  },
  {
    setting: 'inferenceCustomHeaders',
    minVersion: '1.8089.0',
    what: 'extra headers as an object (inferenceCustomHeaders)',
    onOlder: 'the headers are silently not sent, so x-portkey-metadata and the policies built on it never apply',
  },
  {
    setting: 'inferenceGatewayHeaders',
    minVersion: undefined,
    what: 'extra headers as a list (the older inferenceGatewayHeaders)',
    onOlder: 'unknown',
  },
  { setting: 'inferenceModels', minVersion: undefined, what: 'a fixed model list', onOlder: 'unknown' },
  { setting: 'inferenceProvider', minVersion: undefined, what: 'third-party inference (gateway provider)', onOlder: 'unknown' },
];

/** A dotted version as numbers (`1.8089.0` → [1, 8089, 0]); undefined when it is not one. */
export function parseVersion(text: string): number[] | undefined {
  const m = /^\s*v?(\d+(?:\.\d+){0,3})(?:[-+ ].*)?\s*$/.exec(text);
  if (!m?.[1]) return undefined;
  return m[1].split('.').map((n) => Number.parseInt(n, 10));
}

/** Compares two dotted versions numerically (missing parts count as 0); throws on non-versions. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new Error(`not a version: ${!x ? a : b}`);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether two version strings are the same version (`1.5354.0` and `1.5354.0.0` are); false when either is not one. */
export function sameVersion(a: string, b: string): boolean {
  return parseVersion(a) !== undefined && parseVersion(b) !== undefined && compareVersions(a, b) === 0;
}

/**
 * The app's version from an MSIX package version (docs/claude-desktop.md, "Versions"): MSIX
 * versions have four parts and the app's three (`1.11847.5.0` is app 1.11847.5), so a fourth
 * part of 0 is dropped. Any other shape is returned as it is (compared numerically all the same).
 */
export function msixAppVersion(packageVersion: string): string {
  const m = /^\s*(\d+\.\d+\.\d+)\.0\s*$/.exec(packageVersion);
  return m?.[1] ?? packageVersion.trim();
}

/** Picks the highest of several version strings (ignoring ones that do not parse). */
export function highestVersion(versions: readonly string[]): string | undefined {
  const valid = versions.filter((v) => parseVersion(v) !== undefined);
  return valid.sort(compareVersions).at(-1);
}

/** The requirement for one setting (a row of the table), if the table has one. */
export function requirementFor(setting: InferenceKey): SettingRequirement | undefined {
  return SETTING_REQUIREMENTS.find((r) => r.setting === setting);
}
