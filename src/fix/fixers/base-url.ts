/**
 * Fixer for the base-url check: a base URL ending in `/v1` (the app appends `/v1/messages`
 * itself, so requests went to `/v1/v1/messages`) loses the suffix (docs/claude-desktop.md).
 */
import { type Fixer, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

/** `https://host/v1` or `https://host/v1/` → `https://host`; a self-hosted prefix is kept (`/gw/v1` → `/gw`). Unchanged otherwise. */
export function dropV1Suffix(url: string): string {
  return url.replace(/\/v1\/?$/i, '');
}

export const baseUrlFixer: Fixer = {
  id: 'base-url',
  check: 'base-url',
  cures: ['BASE_URL_ENDS_V1'],
  propose(input): FixProposal {
    if (findingsOf(input, this.cures).length === 0) return NOTHING;
    const current = settingsObject(input)?.['inferenceGatewayBaseUrl'];
    if (typeof current !== 'string') return NOTHING;
    const next = dropV1Suffix(current);
    if (next === current) return NOTHING;
    return {
      changes: [
        {
          code: 'BASE_URL_ENDS_V1',
          says: 'remove /v1 from the end of the base URL (the app appends /v1/messages itself)',
          edits: [{ file: 'settings', op: 'set', path: [...input.root, 'inferenceGatewayBaseUrl'], value: next }],
        },
      ],
      explanations: [],
    };
  },
};
