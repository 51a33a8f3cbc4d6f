/**
 * The key's paste damage (cures API_KEY_BEARER_PREFIX and API_KEY_WHITESPACE of the api-key
 * check): a pasted `Bearer ` prefix, whitespace around the key, line breaks in it (a key wrapped
 * by a mail or chat window, with the spaces around each break). A space or tab inside the key
 * with no line break is explained, not changed: two things may have been pasted together and the
 * doctor cannot know which is the key. Quotes and invisible characters are left to the person
 * (their fix text says how). The repaired key is registered as a {@link Secret} at once, so every
 * output shows only its fingerprint; no message here ever holds it.
 */
import { Secret } from '../../core/secret.js';
import { type Fixer, type FixProposal, findingsOf, NOTHING, settingsObject } from '../fixer.js';

export type ApiKeyCure = 'API_KEY_BEARER_PREFIX' | 'API_KEY_WHITESPACE';

export type ApiKeyRepair = { kind: 'unchanged' } | { kind: 'repaired'; value: Secret; cures: ApiKeyCure[] } | { kind: 'explained'; why: string };

const BEARER = /^bearer(\s+|$)/i;

/** The key without what was pasted along with it, or why it is left alone. */
export function repairApiKey(raw: string): ApiKeyRepair {
  const cures: ApiKeyCure[] = [];
  const trimmed = raw.trim();
  if (trimmed === '') return { kind: 'explained', why: 'the key is empty: the doctor cannot know the key (paste it from the Portkey dashboard)' };
  let text = trimmed;
  if (BEARER.test(text)) {
    cures.push('API_KEY_BEARER_PREFIX');
    text = text.replace(BEARER, '');
  }
  const unwrapped = text.replace(/[ \t]*[\r\n]+[ \t]*/g, '');
  const whitespace = trimmed !== raw || unwrapped !== text;
  text = unwrapped;
  if (text === '') return { kind: 'explained', why: 'only "Bearer " is set: the doctor cannot know the key' };
  if (/\s/.test(text)) {
    return {
      kind: 'explained',
      why: 'the key has a space or tab inside it: the doctor cannot know which part is the key; paste it again from the Portkey dashboard',
    };
  }
  if (whitespace) cures.push('API_KEY_WHITESPACE');
  return cures.length === 0 ? { kind: 'unchanged' } : { kind: 'repaired', value: new Secret(text), cures };
}

const CURES = ['API_KEY_BEARER_PREFIX', 'API_KEY_WHITESPACE'] as const;

export const apiKeyFixer: Fixer = {
  id: 'api-key',
  check: 'api-key',
  cures: CURES,
  propose(input): FixProposal {
    const found = findingsOf(input, CURES);
    if (found.length === 0) return NOTHING;
    const raw = settingsObject(input)?.['inferenceGatewayApiKey'];
    if (typeof raw !== 'string') return NOTHING;
    const repair = repairApiKey(raw);
    if (repair.kind === 'unchanged') return NOTHING;
    if (repair.kind === 'explained') return { changes: [], explanations: found.map((f) => ({ code: f.code, says: repair.why })) };
    return {
      changes: [
        {
          // One value, one change (one consent): it cures every code; `says` names everything it takes off.
          code: repair.cures[0] ?? 'API_KEY_WHITESPACE',
          ...(repair.cures.length > 1 ? { alsoCures: repair.cures.slice(1) } : {}),
          says: `take ${describe(repair.cures)} off the key (the key itself is unchanged: ${repair.value.fingerprint})`,
          // The clear value goes only into the edit; the Secret made above is what outputs scrub.
          edits: [{ file: 'settings', op: 'set', path: [...input.root, 'inferenceGatewayApiKey'], value: repair.value.reveal() }],
        },
      ],
      explanations: [],
    };
  },
};

function describe(cures: readonly ApiKeyCure[]): string {
  return cures.map((c) => (c === 'API_KEY_BEARER_PREFIX' ? 'the "Bearer " prefix' : 'the whitespace and line breaks')).join(' and ');
}
