/**
 * Misspelt keys → their real name (cures KEYS_NEAR_MISS_REQUIRED and KEYS_NEAR_MISS of the
 * unknown-keys check), using the app's key table (src/app/config-keys.ts, `suggestKey`): the key
 * is renamed in place, its value and position kept. Not renamed (explained): when the real key is
 * set already, or two misspellings point at the same key (which value is meant cannot be known).
 * A tool marker or a key with no near miss is never touched.
 */
import { isKnownKey, suggestKey } from '../../app/config-keys.js';
import { isInferenceKey } from '../../config/settings.js';
import { MIN_SCRUB_LENGTH } from '../../core/secret.js';
import { invisibleCodePoints } from '../../inference/text.js';
import { type Fixer, type FixEdit, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';
import { repairApiKey } from './api-key.js';
import { isPortkeySaasUrl } from './auth-scheme.js';
import { repairBaseUrl } from './base-url.js';

const MARKER = /^[a-z0-9]+_managed$/i;

/** Each misspelt top-level key with the known key it means, in the file's order. */
export function nearMisses(names: readonly string[]): { name: string; meant: string }[] {
  const out: { name: string; meant: string }[] = [];
  for (const name of names) {
    if (isKnownKey(name) || MARKER.test(name)) continue;
    const meant = suggestKey(name);
    if (meant !== undefined) out.push({ name, meant });
  }
  return out;
}

export const unknownKeysFixer: Fixer = {
  id: 'unknown-keys',
  check: 'unknown-keys',
  cures: ['KEYS_NEAR_MISS_REQUIRED', 'KEYS_NEAR_MISS'],
  propose(input): FixProposal {
    const found = findingsOf(input, this.cures);
    if (found.length === 0) return NOTHING;
    // Registry names are case-insensitive and managed sources are never written here.
    const settings = settingsObject(input);
    if (!settings) return NOTHING;
    const names = Object.keys(settings);
    // Only what the check flagged, when it says (its details list the near misses it reported).
    const flagged = found.flatMap((f) => (Array.isArray(f.details?.['nearMisses']) ? (f.details['nearMisses'] as { name?: unknown }[]) : []));
    const misses = nearMisses(names).filter((m) => flagged.length === 0 || flagged.some((f) => f.name === m.name));
    const code = (meant: string) =>
      found.some((f) => f.code === 'KEYS_NEAR_MISS_REQUIRED') && REQUIRED.includes(meant) ? 'KEYS_NEAR_MISS_REQUIRED' : 'KEYS_NEAR_MISS';
    const proposal: FixProposal = { changes: [], explanations: [] };
    for (const miss of misses) {
      const shown = show(miss.name);
      if (names.includes(miss.meant)) {
        proposal.explanations.push({
          code: code(miss.meant),
          says: `not renamed: ${shown} means ${miss.meant}, which is set already; remove the one you do not want`,
        });
      } else if (misses.filter((m) => m.meant === miss.meant).length > 1) {
        proposal.explanations.push({
          code: code(miss.meant),
          says: `not renamed: more than one key means ${miss.meant}; which value is meant cannot be known`,
        });
      } else {
        const value = valueOnRename(miss.meant, settings[miss.name], settings);
        if (value.kind === 'explained') {
          proposal.explanations.push({
            code: code(miss.meant),
            says: `not renamed: ${shown} means ${miss.meant}, but ${value.why}; correct it and rename it by hand`,
          });
          continue;
        }
        const edits: FixEdit[] = [{ file: 'settings', op: 'rename-key', path: [...input.root, miss.name], to: miss.meant }];
        if (value.kind === 'repaired') edits.push({ file: 'settings', op: 'set', path: [...input.root, miss.meant], value: value.value });
        proposal.changes.push({
          code: code(miss.meant),
          says: `rename ${shown} to "${miss.meant}" (the app ignores the misspelt key)${value.kind === 'repaired' ? `, and ${value.says}` : ''}`,
          edits,
        });
      }
    }
    return proposal;
  },
};

type OnRename = { kind: 'as-is' } | { kind: 'repaired'; value: string; says: string } | { kind: 'explained'; why: string };

/**
 * What the value becomes once the app reads it under its real name. A misspelt key is one the
 * app (and the doctor's checks) ignore, so renaming it puts its value before them: renaming must
 * not turn a passing check into a failing one. The provider and the base URL are required (their
 * absence fails already): the URL renamed with the base-url repairs, the provider when it is "gateway". The key is renamed only when
 * its repaired form has a key's shape; the auth scheme only when it is "bearer" (x-api-key on
 * Portkey SaaS becomes "bearer"). Any other inference setting is judged by a check, and its value
 * cannot be vouched for here: explained. Keys no settings check judges are renamed as they are.
 */
function valueOnRename(meant: string, value: unknown, settings: Record<string, unknown>): OnRename {
  if (meant === 'inferenceProvider')
    return typeof value === 'string' && value.trim() === 'gateway' ? { kind: 'as-is' } : { kind: 'explained', why: 'its value is not "gateway"' };
  if (meant === 'inferenceGatewayBaseUrl') {
    const r = typeof value === 'string' ? repairBaseUrl(value) : undefined;
    return r?.kind === 'repaired' ? { kind: 'repaired', value: r.value, says: 'repair the URL as the base-url check says' } : { kind: 'as-is' };
  }
  if (meant === 'inferenceGatewayApiKey') {
    if (typeof value !== 'string') return { kind: 'explained', why: 'its value is not a string' };
    const r = repairApiKey(value);
    const key = r.kind === 'repaired' ? r.value.reveal() : r.kind === 'unchanged' ? value : undefined;
    if (
      key === undefined ||
      key.length < MIN_SCRUB_LENGTH ||
      /^sk-/.test(key) ||
      /["'\u201C\u201D\u2018\u2019`]/.test(key) ||
      invisibleCodePoints(key).length > 0
    ) {
      return { kind: 'explained', why: 'its value does not have the shape of a Portkey key' };
    }
    return r.kind === 'repaired' ? { kind: 'repaired', value: key, says: 'take what was pasted along with the key off it' } : { kind: 'as-is' };
  }
  if (meant === 'inferenceGatewayAuthScheme') {
    if (value === 'bearer') return { kind: 'as-is' };
    if (typeof value === 'string' && value.trim().toLowerCase() === 'x-api-key' && isPortkeySaasUrl(settings['inferenceGatewayBaseUrl'])) {
      return { kind: 'repaired', value: 'bearer', says: 'set it to "bearer" (Portkey rejects x-api-key)' };
    }
    return { kind: 'explained', why: 'its value is not "bearer"' };
  }
  if (isInferenceKey(meant)) return { kind: 'explained', why: 'its value would be read from then on and the doctor cannot vouch for it' };
  return { kind: 'as-is' };
}

/** Keys the gateway needs (a near miss of one is KEYS_NEAR_MISS_REQUIRED when it is unset). */
const REQUIRED = ['inferenceProvider', 'inferenceGatewayBaseUrl', 'inferenceGatewayApiKey', 'inferenceCredentialHelper', 'inferenceGatewayOidc'];

function show(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return `"${clean.length > 80 ? `${clean.slice(0, 80)}…` : clean}"`;
}
