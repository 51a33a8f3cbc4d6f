/**
 * An uppercase `appliedId` → its lowercase form (cures SETTINGS_APPLIED_ID_UPPERCASE of the
 * claude-settings check): `_meta.json`'s `appliedId` and the matching `entries[].id` are lowered,
 * and the profile file `<Id>.json` is renamed to `<id>.json` so the id still names it. Not changed
 * (explained) when another entry already has the lowercase id (two profiles would share it).
 */
import { type Fixer, type FixEdit, type FixProposal, findingsOf, NOTHING, valueAt } from '../fixer.js';

export const claudeSettingsFixer: Fixer = {
  id: 'claude-settings',
  check: 'claude-settings',
  cures: ['SETTINGS_APPLIED_ID_UPPERCASE'],
  propose(input): FixProposal {
    if (findingsOf(input, this.cures).length === 0 || input.sourceKind !== 'profile') return NOTHING;
    const meta = input.files.meta;
    const id = valueAt(meta?.value, ['appliedId']);
    if (!meta || !input.files.settings || typeof id !== 'string' || id === id.toLowerCase()) return NOTHING;
    const lower = id.toLowerCase();
    const entries = valueAt(meta.value, ['entries']);
    const list: unknown[] = Array.isArray(entries) ? entries : [];
    const ids = list.map((e) => valueAt(e, ['id']));
    if (ids.some((other) => other === lower) || !/^[^/\\]+$/.test(`${lower}.json`)) {
      return {
        changes: [],
        explanations: [
          {
            code: 'SETTINGS_APPLIED_ID_UPPERCASE',
            says: 'not changed: another profile already has the lower-case id; apply the profile again from the app’s window',
          },
        ],
      };
    }
    const edits: FixEdit[] = [{ file: 'meta', op: 'set', path: ['appliedId'], value: lower }];
    ids.forEach((other, i) => {
      if (other === id) edits.push({ file: 'meta', op: 'set', path: ['entries', i, 'id'], value: lower });
    });
    edits.push({ file: 'settings', op: 'rename-file', to: `${lower}.json` });
    return {
      changes: [{ code: 'SETTINGS_APPLIED_ID_UPPERCASE', says: 'lower-case the applied profile id in _meta.json and rename its file to match', edits }],
      explanations: [],
    };
  },
};
