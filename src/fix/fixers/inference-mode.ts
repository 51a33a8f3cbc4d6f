/**
 * `deploymentMode: "1p"` in the third-party folder's `claude_desktop_config.json` removed (cures
 * MODE_NOT_3P of the inference-mode check): without it the app reads the third-party settings.
 * Removed rather than set to "3p" because removing asserts nothing the app's own window did not
 * write. Asked about even with `--yes` (unless `--force`): it switches the app's mode, which a
 * person must mean. The key lives at the top of that file, which is the `settings` document when
 * the legacy layout is in force and the `desktop-config` document otherwise.
 */
import { type Fixer, type FixFileRole, type FixProposal, findingsOf, NOTHING, valueAt } from '../fixer.js';

export const inferenceModeFixer: Fixer = {
  id: 'inference-mode',
  check: 'inference-mode',
  cures: ['MODE_NOT_3P'],
  propose(input): FixProposal {
    if (findingsOf(input, this.cures).length === 0) return NOTHING;
    const legacyInForce = input.root.length === 1 && input.root[0] === 'enterpriseConfig';
    const role: FixFileRole = legacyInForce ? 'settings' : 'desktop-config';
    const doc = input.files[role];
    const mode = doc ? valueAt(doc.value, ['deploymentMode']) : undefined;
    if (typeof mode !== 'string' || mode.trim().toLowerCase() !== '1p') {
      return {
        changes: [],
        explanations: [{ code: 'MODE_NOT_3P', says: 'not changed: claude_desktop_config.json could not be read to remove deploymentMode' }],
      };
    }
    return {
      changes: [
        {
          code: 'MODE_NOT_3P',
          says: 'remove deploymentMode "1p" from claude_desktop_config.json, so the app reads the third-party settings',
          edits: [{ file: role, op: 'remove', path: ['deploymentMode'] }],
          confirm: true,
        },
      ],
      explanations: [],
    };
  },
};
