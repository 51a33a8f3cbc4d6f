/**
 * `inferenceModels`: an array of model names or {name, supports1m} objects; a JSON string in
 * managed settings. Unset is fine: the app then asks the gateway (GET /v1/models).
 */
import { defineCheck, fail, ok, warn, type CheckOutcome } from '../contract/check.js';
import { parseJsonStrict } from '../config/json.js';
import { kindOf } from '../inference/headers.js';

export default defineCheck({
  id: 'models',
  title: 'Models list',
  group: 'settings',
  needs: ['claude-settings'],
  codes: {
    MODELS_NATIVE_IN_MANAGED: {
      title: 'Managed settings hold inferenceModels as a native array; the app needs a JSON-encoded string',
      fix: 'Make the value a string holding a JSON array, e.g. <string>["claude-sonnet-4-5"]</string>.',
    },
    MODELS_INVALID_JSON: { title: 'inferenceModels is a string that is not valid JSON', fix: 'Fix the JSON at the line and column shown.' },
    MODELS_WRONG_TYPE: { title: 'inferenceModels is not an array', fix: 'Write it as an array: ["claude-sonnet-4-5", {"name": "claude-opus-4-1", "supports1m": false}].' },
    MODELS_ENTRY_INVALID: {
      title: 'An entry of inferenceModels is neither a model name nor {name, supports1m}',
      fix: 'Each entry is a non-empty string, or an object with a string "name" and an optional boolean "supports1m".',
    },
    MODELS_EMPTY: { title: 'inferenceModels is an empty list', fix: 'List at least one model, or remove the setting so the app asks the gateway for its models.' },
    MODELS_DUPLICATE: { title: 'A model is listed more than once', fix: 'Remove the duplicate entries.' },
  },
  run({ target }): CheckOutcome {
    const field = target.models;
    if (!field || field.value === undefined) return ok('not set: the app asks the gateway (GET /v1/models)');
    let value: unknown = field.value;
    if (typeof value === 'string') {
      const parsed = parseJsonStrict(value);
      if (!parsed.ok) {
        return fail('MODELS_INVALID_JSON', `not valid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}`, {
          details: { line: parsed.line, column: parsed.column },
          ...(parsed.hint ? { fix: parsed.hint } : {}),
        });
      }
      value = parsed.value;
    } else if (target.managed && Array.isArray(value)) {
      return fail('MODELS_NATIVE_IN_MANAGED', 'inferenceModels is a native array in managed settings', { details: { models: namesOf(value) } });
    }
    if (!Array.isArray(value)) return fail('MODELS_WRONG_TYPE', `inferenceModels is ${kindOf(value)}`);
    if (value.length === 0) return warn('MODELS_EMPTY', 'inferenceModels is an empty list');
    const bad = value.map((entry, i) => (validEntry(entry) ? -1 : i)).filter((i) => i >= 0);
    if (bad.length > 0) return fail('MODELS_ENTRY_INVALID', `entries ${bad.join(', ')} are not valid model entries`, { details: { invalidIndexes: bad } });
    const names = namesOf(value);
    // A Set, not names.indexOf per name: that is quadratic, and a long list blocked the doctor for minutes.
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const n of names) (seen.has(n) ? duplicates : seen).add(n);
    if (duplicates.size > 0) return warn('MODELS_DUPLICATE', `listed more than once: ${[...duplicates].join(', ')}`, { details: { models: names } });
    return ok(`${names.length} model(s): ${names.join(', ')}`, { models: names });
  },
});

function validEntry(entry: unknown): boolean {
  if (typeof entry === 'string') return entry.trim() !== '' && entry.trim() === entry;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return false;
  const e = entry as Record<string, unknown>;
  const name = e.name;
  return typeof name === 'string' && name.trim() !== '' && (e.supports1m === undefined || typeof e.supports1m === 'boolean');
}

/** Model names from valid-looking entries (for details). */
export function namesOf(value: unknown[]): string[] {
  return value
    .map((e) => (typeof e === 'string' ? e : e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined))
    .filter((n): n is string => n !== undefined);
}
