/**
 * The older header key → `inferenceCustomHeaders` when the installed app reads it (from
 * 1.8089.0, src/app/versions.ts; docs/claude-desktop.md, "Keys and their shapes"): the older
 * name `inferenceGatewayHeaders` is read only until 2026-10-07 [changelog 1.40609.0]. The key is
 * renamed in place (value and position kept); a list of "Name: Value" strings becomes the object
 * the new key documents, when every entry is one and no name repeats. With both keys set
 * (HEADERS_BOTH_KEYS) the older one is removed only when every header it holds is also in the
 * newer one with the same value; otherwise which value is meant cannot be known (explained).
 * An unknown app version, or one older than 1.8089.0, changes nothing (explained).
 */
import { compareVersions, parseVersion, requirementFor } from '../../app/versions.js';
import { type Fixer, type FixEdit, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

const OLD = 'inferenceGatewayHeaders' as const;
const NEW = 'inferenceCustomHeaders' as const;
/** The change's code when no check flags the older key: the fix names it in docs/fix.md. */
export const OLDER_KEY_CODE = 'HEADERS_OLDER_KEY';

/** The headers of a setting as name → value pairs, or undefined when it is not a clean object or list of strings. */
export function headerPairs(value: unknown): [string, string][] | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(v)) {
    const pairs: [string, string][] = [];
    for (const entry of v) {
      if (typeof entry !== 'string') return undefined;
      const colon = entry.indexOf(':');
      if (colon <= 0) return undefined;
      pairs.push([entry.slice(0, colon).trim(), entry.slice(colon + 1).trim()]);
    }
    return pairs;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const pairs: [string, string][] = [];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string') return undefined;
    pairs.push([k, x]);
  }
  return pairs;
}

function supportsNewKey(appVersion: string | undefined): 'yes' | 'no' | 'unknown' {
  const min = requirementFor(NEW)?.minVersion;
  if (appVersion === undefined || min === undefined || parseVersion(appVersion) === undefined) return 'unknown';
  return compareVersions(appVersion, min) >= 0 ? 'yes' : 'no';
}

export const extraHeadersFixer: Fixer = {
  id: 'extra-headers',
  check: 'extra-headers',
  cures: ['HEADERS_BOTH_KEYS', OLDER_KEY_CODE],
  propose(input): FixProposal {
    const settings = settingsObject(input);
    if (!settings || !Object.hasOwn(settings, OLD)) return NOTHING;
    const both = Object.hasOwn(settings, NEW);
    const code = both ? 'HEADERS_BOTH_KEYS' : OLDER_KEY_CODE;
    if (both && findingsOf(input, ['HEADERS_BOTH_KEYS']).length === 0) return NOTHING;
    const min = requirementFor(NEW)?.minVersion ?? '1.8089.0';
    const support = supportsNewKey(input.appVersion);
    if (support !== 'yes') {
      return {
        changes: [],
        explanations: [
          {
            code,
            says:
              support === 'no'
                ? `not changed: the installed app (${input.appVersion}) is older than ${min} and ignores ${NEW}; update the app first`
                : `not changed: the installed app's version is unknown, and only ${min} and later read ${NEW}`,
          },
        ],
      };
    }
    const old = headerPairs(settings[OLD]);
    if (both) {
      const current = headerPairs(settings[NEW]);
      const have = new Map((current ?? []).map(([k, v]) => [k.toLowerCase(), v]));
      if (!old || !current || old.some(([k, v]) => have.get(k.toLowerCase()) !== v)) {
        return {
          changes: [],
          explanations: [{ code, says: `not changed: ${OLD} holds headers ${NEW} does not (or with other values); which ones are meant cannot be known` }],
        };
      }
      return {
        changes: [
          { code, says: `remove ${OLD}: every header it holds is in ${NEW} already`, edits: [{ file: 'settings', op: 'remove', path: [...input.root, OLD] }] },
        ],
        explanations: [],
      };
    }
    const edits: FixEdit[] = [{ file: 'settings', op: 'rename-key', path: [...input.root, OLD], to: NEW }];
    const value = settings[OLD];
    // A list becomes the object the newer key documents (a JSON string stays a JSON string).
    const listed = Array.isArray(value) || (typeof value === 'string' && value.trim().startsWith('['));
    if (listed && old && new Set(old.map(([k]) => k.toLowerCase())).size === old.length) {
      const object = Object.fromEntries(old);
      edits.push({ file: 'settings', op: 'set', path: [...input.root, NEW], value: typeof value === 'string' ? JSON.stringify(object) : object });
    }
    return { changes: [{ code, says: `rename ${OLD} to ${NEW} (the older name is read only until 2026-10-07)`, edits }], explanations: [] };
  },
};
