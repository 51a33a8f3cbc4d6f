/**
 * `inferenceModels`: an array of model names or {name, supports1m} objects; a JSON string in
 * managed settings. Unset is fine: the app then asks the gateway (GET /v1/models).
 *
 * A native array in managed settings, invalid entries and duplicates are separate problems:
 * all of them are reported at once, so one edit fixes the list.
 */
import { defineCheck, fail, findings, ok, problem, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import { parseJsonStrict } from '../config/json.js';
import { kindOf } from '../inference/headers.js';
import { isModelEntry, modelNames } from '../inference/models.js';
import claudeSettings from './claude-settings.js';

/** What the models check hands on: the model names the app offers. */
export interface ModelsData {
  /** The names in `inferenceModels`, in order; empty when unset (the app asks the gateway). */
  models: string[];
  /** False when `inferenceModels` is not set. */
  configured: boolean;
}

const codes = {
  MODELS_NATIVE_IN_MANAGED: {
    title: 'Managed settings hold inferenceModels as a native array; the app needs a JSON-encoded string',
    fix: 'Make the value a string holding a JSON array, e.g. <string>["claude-sonnet-4-5"]</string>.',
  },
  MODELS_INVALID_JSON: { title: 'inferenceModels is a string that is not valid JSON', fix: 'Fix the JSON at the line and column shown.' },
  MODELS_WRONG_TYPE: {
    title: 'inferenceModels is not an array',
    fix: 'Write it as an array: ["claude-sonnet-4-5", {"name": "claude-opus-4-1", "supports1m": false}].',
  },
  MODELS_ENTRY_INVALID: {
    title: 'An entry of inferenceModels is neither a model name nor {name, supports1m}',
    fix: 'Each entry is a non-empty string, or an object with a string "name" and an optional boolean "supports1m".',
  },
  MODELS_EMPTY: {
    title: 'inferenceModels is an empty list',
    fix: 'List at least one model, or remove the setting so the app asks the gateway for its models.',
  },
  MODELS_DUPLICATE: { title: 'A model is listed more than once', fix: 'Remove the duplicate entries.' },
} as const satisfies CodeTable;

export default defineCheck({
  id: 'models',
  title: 'Models list',
  group: 'settings',
  needs: [claudeSettings],
  codes,
  run({ target }) {
    const field = target.models;
    if (!field || field.value === undefined)
      return ok<ModelsData>('not set: the app asks the gateway (GET /v1/models)', undefined, { models: [], configured: false });
    let value: unknown = field.value;
    const list: Finding<CodeOf<typeof codes>>[] = [];
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
      // The app ignores it; what the list holds is still worth checking, for when it is re-encoded.
      list.push(
        problem('fail', 'MODELS_NATIVE_IN_MANAGED', 'inferenceModels is a native array in managed settings', { details: { models: modelNames(value) } }),
      );
    }
    if (!Array.isArray(value)) return fail('MODELS_WRONG_TYPE', `inferenceModels is ${kindOf(value)}`);
    const entries: unknown[] = value;
    if (entries.length === 0) list.push(problem('warn', 'MODELS_EMPTY', 'inferenceModels is an empty list'));
    const bad = entries.map((entry, i) => (isModelEntry(entry) ? -1 : i)).filter((i) => i >= 0);
    if (bad.length > 0)
      list.push(problem('fail', 'MODELS_ENTRY_INVALID', `entries ${bad.join(', ')} are not valid model entries`, { details: { invalidIndexes: bad } }));
    // Duplicates among the valid entries (all entries, when every one is valid).
    const names = modelNames(entries.filter(isModelEntry));
    // A Set, not names.indexOf per name: that is quadratic, and a long list blocked the doctor for minutes.
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const n of names) (seen.has(n) ? duplicates : seen).add(n);
    if (duplicates.size > 0)
      list.push(problem('warn', 'MODELS_DUPLICATE', `listed more than once: ${[...duplicates].join(', ')}`, { details: { models: names } }));
    // Dependents run only after a warning (empty list, duplicates): they get the valid names, in order.
    const data: ModelsData = { models: names, configured: true };
    return findings(list, ok(`${names.length} model(s): ${names.join(', ')}`, { models: names }, data), data);
  },
});
