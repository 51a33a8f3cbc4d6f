/**
 * Misspelt keys → their real name (cures KEYS_NEAR_MISS_REQUIRED and KEYS_NEAR_MISS of the
 * unknown-keys check), using the app's key table (src/app/config-keys.ts, `suggestKey`): the key
 * is renamed in place, its value and position kept. Not renamed (explained): when the real key is
 * set already, or two misspellings point at the same key (which value is meant cannot be known).
 * A tool marker or a key with no near miss is never touched.
 */
import { isKnownKey, suggestKey } from '../../app/config-keys.js';
import { type Fixer, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

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
    const misses = nearMisses(names);
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
        proposal.changes.push({
          code: code(miss.meant),
          says: `rename ${shown} to "${miss.meant}" (the app ignores the misspelt key)`,
          edits: [{ file: 'settings', op: 'rename-key', path: [...input.root, miss.name], to: miss.meant }],
        });
      }
    }
    return proposal;
  },
};

/** Keys the gateway needs (a near miss of one is KEYS_NEAR_MISS_REQUIRED when it is unset). */
const REQUIRED = ['inferenceProvider', 'inferenceGatewayBaseUrl', 'inferenceGatewayApiKey', 'inferenceCredentialHelper', 'inferenceGatewayOidc'];

function show(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return `"${clean.length > 80 ? `${clean.slice(0, 80)}…` : clean}"`;
}
