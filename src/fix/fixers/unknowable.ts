/**
 * Findings whose cure is a value only the person (or IT) can know: explained, never changed. A
 * fixer that invented one — a placeholder key, a default URL, a model, a metadata value — would
 * turn a clear failure into a quiet wrong setting. Each explanation says what is needed and where
 * it comes from; none holds a value.
 */
import { type Fixer, type FixProposal, findingsOf, NOTHING } from '../fixer.js';

const WHY: Record<string, string> = {
  API_KEY_NOT_IN_SETTINGS: 'not changed: the doctor cannot know your key; paste it from the Portkey dashboard (API Keys) into the Gateway API key field',
  API_KEY_EMPTY: 'not changed: the doctor cannot know your key; paste it from the Portkey dashboard (API Keys) into the Gateway API key field',
  API_KEY_TOO_SHORT: 'not changed: the doctor cannot know the rest of the key; copy the whole key from the Portkey dashboard',
  API_KEY_ANTHROPIC: 'not changed: the doctor cannot know your Portkey key; the Anthropic key belongs in a Portkey integration',
  API_KEY_OPENAI: 'not changed: the doctor cannot know your Portkey key; the provider key belongs in a Portkey integration',
  CREDENTIALS_NONE: 'not changed: the doctor cannot know your key or credential helper',
  BASE_URL_MISSING: 'not changed: the doctor cannot know which gateway you use; set it in Configure third-party inference…',
  MODELS_NOT_ANTHROPIC: 'not changed: the doctor cannot know which Claude model you meant; pick one your gateway serves',
  METADATA_REQUIRED_NOT_SET: 'not changed: the doctor cannot know the values your policy wants in x-portkey-metadata',
  METADATA_REQUIRED_MISSING: 'not changed: the doctor cannot know the values of the missing metadata keys',
  METADATA_VALUE_NOT_ALLOWED: 'not changed: which of the allowed values is yours only you can say',
};

export const unknowableFixer: Fixer = {
  id: 'unknowable',
  check: '(several)',
  cures: [],
  propose(input): FixProposal {
    const found = findingsOf(input, Object.keys(WHY));
    if (found.length === 0) return NOTHING;
    const codes = [...new Set(found.map((f) => f.code))];
    return { changes: [], explanations: codes.map((code) => ({ code, says: WHY[code]! })) };
  },
};
