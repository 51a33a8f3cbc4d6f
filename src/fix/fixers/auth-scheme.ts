/**
 * `x-api-key` → `bearer` (cures AUTH_SCHEME_X_API_KEY of the auth-scheme check) for a Portkey
 * gateway: Portkey reads the key from `Authorization: Bearer` and answers `x-api-key` with 401
 * (docs/portkey.md). Only when the base URL is Portkey SaaS (api.portkey.ai): another gateway may
 * be one that really wants x-api-key, which the doctor cannot know from the settings, so there the
 * finding is explained and the setting left to the person.
 */
import { PORTKEY_SAAS_API_HOSTS } from '../../core/portkey.js';
import { INVISIBLE } from '../../inference/text.js';
import { type Fixer, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

/** Whether `baseUrl` names Portkey SaaS (after the repairs the base-url fixer makes: spaces, invisible characters). */
export function isPortkeySaasUrl(baseUrl: unknown): boolean {
  if (typeof baseUrl !== 'string') return false;
  try {
    const clean = [...baseUrl].filter((ch) => !INVISIBLE.test(ch) && !/\s/.test(ch)).join('');
    return PORTKEY_SAAS_API_HOSTS.includes(new URL(clean).hostname.toLowerCase());
  } catch {
    return false;
  }
}

export const authSchemeFixer: Fixer = {
  id: 'auth-scheme',
  check: 'auth-scheme',
  cures: ['AUTH_SCHEME_X_API_KEY'],
  propose(input): FixProposal {
    const found = findingsOf(input, this.cures);
    if (found.length === 0) return NOTHING;
    const settings = settingsObject(input);
    const scheme = settings?.['inferenceGatewayAuthScheme'];
    if (typeof scheme !== 'string' || scheme.trim().toLowerCase() !== 'x-api-key') return NOTHING;
    if (!isPortkeySaasUrl(settings?.['inferenceGatewayBaseUrl'])) {
      return {
        changes: [],
        explanations: [
          {
            code: 'AUTH_SCHEME_X_API_KEY',
            says: 'not changed: the base URL is not Portkey SaaS, and whether this gateway wants x-api-key cannot be known from the settings; set "bearer" if it is a Portkey gateway',
          },
        ],
      };
    }
    return {
      changes: [
        {
          code: 'AUTH_SCHEME_X_API_KEY',
          says: 'send the key as Authorization: Bearer (Portkey rejects x-api-key)',
          edits: [{ file: 'settings', op: 'set', path: [...input.root, 'inferenceGatewayAuthScheme'], value: 'bearer' }],
        },
      ],
      explanations: [],
    };
  },
};
