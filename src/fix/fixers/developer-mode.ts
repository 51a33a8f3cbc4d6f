/**
 * An empty or corrupt `developer_settings.json` → `{}` (cures DEVELOPER_SETTINGS_EMPTY,
 * DEVELOPER_SETTINGS_INVALID_JSON and DEVELOPER_SETTINGS_NOT_OBJECT of the developer-mode check:
 * such a file stops the app from starting). `{}` leaves developer mode off, the app's default:
 * turning it on is the person's choice. A file that is fine but for a UTF-8 byte-order mark
 * (DEVELOPER_SETTINGS_BOM) keeps its content, without the mark. The original is in the backup.
 */
import { type Fixer, type FixProposal, findingsOf, NOTHING } from '../fixer.js';

const EMPTY_OR_CORRUPT = ['DEVELOPER_SETTINGS_EMPTY', 'DEVELOPER_SETTINGS_INVALID_JSON', 'DEVELOPER_SETTINGS_NOT_OBJECT'];

export const developerModeFixer: Fixer = {
  id: 'developer-mode',
  check: 'developer-mode',
  cures: [...EMPTY_OR_CORRUPT, 'DEVELOPER_SETTINGS_BOM'],
  propose(input): FixProposal {
    const doc = input.files['developer-settings'];
    if (!doc) return NOTHING;
    const [broken] = findingsOf(input, EMPTY_OR_CORRUPT);
    if (broken) {
      if (doc.text === '{}' || doc.text === '{}\n') return NOTHING;
      return {
        changes: [
          {
            code: broken.code,
            says: 'replace developer_settings.json with {} (the app cannot start with it as it is; developer mode stays off)',
            edits: [{ file: 'developer-settings', op: 'replace-text', text: '{}\n' }],
          },
        ],
        explanations: [],
      };
    }
    if (findingsOf(input, ['DEVELOPER_SETTINGS_BOM']).length > 0 && doc.text.startsWith('\uFEFF')) {
      return {
        changes: [
          {
            code: 'DEVELOPER_SETTINGS_BOM',
            says: 'remove the byte-order mark from the start of developer_settings.json (its content stays)',
            edits: [{ file: 'developer-settings', op: 'replace-text', text: doc.text.slice(1) }],
          },
        ],
        explanations: [],
      };
    }
    return NOTHING;
  },
};
