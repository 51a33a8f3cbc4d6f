/**
 * `inferenceModels` (docs/claude-desktop.md, "Models"): an array of model ids or objects (`name`,
 * `labelOverride`, `supports1m`, `prefer1m`, `anthropicFamilyTier`, `isFamilyDefault`); a JSON
 * string in managed settings (a native array works in current builds). Unset is fine: the app
 * then asks the gateway (GET /v1/models). The first entry is the default model.
 *
 * A gateway deployment takes Anthropic models only: one other id makes the app reject the whole
 * list. Every problem of a list is reported at once, so one edit fixes the list.
 */
import { defineCheck, fail, findings, ok, problem, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import { parseJsonStrict } from '../config/json.js';
import type { Origin } from '../config/target.js';
import { kindOf } from '../inference/headers.js';
import { KEY_TABLE_STAMP } from '../app/config-keys.js';
import { entryName, isAnthropicModel, isModelEntry, modelNames, ONE_M_SUFFIX, unknownFields } from '../inference/models.js';
import claudeSettings from './claude-settings.js';
import { showSetting } from '../core/key-shape.js';

/** What the models check hands on: the model names the app offers. */
export interface ModelsData {
  /** The names in `inferenceModels`, in order; empty when unset (the app asks the gateway). */
  models: string[];
  /** False when `inferenceModels` is not set. */
  configured: boolean;
  /** The default model: the first entry (undefined when unset or empty). */
  default?: string;
}

/** The log line the app writes when it rejects a list for a non-Anthropic id (docs/claude-desktop.md, "Models"). */
const REJECTED_LINE = 'Invalid custom3p enterprise config: inferenceModels: configured model "…" is not an Anthropic model';
/** Sources where a non-string value is a native plist/registry value rather than the documented JSON form. */
const NATIVE_ORIGINS: readonly Origin[] = ['managed-plist', 'managed-registry'];
/** At most this many ids are named in a summary (all are in the details). */
const NAMED = 5;

const named = (ids: readonly string[]) =>
  ids
    .slice(0, NAMED)
    .map((id) => `"${showSetting(id, 80)}"`)
    .join(', ') + (ids.length > NAMED ? ` and ${ids.length - NAMED} more` : '');

const codes = {
  MODELS_INVALID_JSON: { title: 'inferenceModels is a string that is not valid JSON', fix: 'Fix the JSON at the line and column shown.' },
  MODELS_WRONG_TYPE: {
    title: 'inferenceModels is not an array',
    fix: 'Write it as an array: ["claude-sonnet-4-5", {"name": "claude-opus-4-1", "supports1m": true}].',
  },
  MODELS_NOT_ANTHROPIC: {
    title: 'inferenceModels names a model that is not Anthropic’s; the app rejects the whole list',
    fix: 'List Claude models only (a route prefix is fine: "anthropic/claude-…", "@team/claude-…"); route other providers’ models in Portkey, not in Claude Desktop.',
  },
  MODELS_1M_SUFFIX: {
    title: 'A model id ends with [1m]; the app takes the 1M-context variant from supports1m, not from the id',
    fix: 'Write the entry as {"name": "<id without [1m]>", "supports1m": true}.',
  },
  MODELS_ENTRY_INVALID: {
    title: 'An entry of inferenceModels is neither a model id nor a valid model object',
    fix: 'Each entry is a non-empty string, or an object with a string "name" and optional labelOverride (string), supports1m, prefer1m, isFamilyDefault (booleans), anthropicFamilyTier (sonnet, opus, haiku, fable or mythos).',
  },
  MODELS_EMPTY: {
    title: 'inferenceModels is an empty list',
    fix: 'List at least one model, or remove the setting so the app asks the gateway for its models.',
  },
  MODELS_DUPLICATE: { title: 'A model is listed more than once', fix: 'Remove the duplicate entries.' },
  MODELS_FIELD_UNKNOWN: {
    title: 'A model entry has a field the app does not document',
    fix: 'Remove the field, or check its spelling: name, labelOverride, supports1m, prefer1m, anthropicFamilyTier, isFamilyDefault.',
  },
  MODELS_NATIVE_IN_MANAGED: {
    title: 'Managed settings hold inferenceModels as a native array; current app versions read it, older ones need a JSON-encoded string',
    fix: 'For older app versions too, make the value a string holding a JSON array, e.g. <string>["claude-sonnet-4-5"]</string>.',
  },
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
    } else if (NATIVE_ORIGINS.includes(field.origin) && Array.isArray(value)) {
      // Read as JSON by current builds (the reference documents it); older builds needed a string.
      list.push(
        problem(
          'warn',
          'MODELS_NATIVE_IN_MANAGED',
          `inferenceModels is a native array in ${field.origin}: read by current app versions (documented as of ${KEY_TABLE_STAMP.referenceCoversAppUpTo}); older versions need a JSON-encoded string`,
          { details: { models: modelNames(value), documentedAsOf: KEY_TABLE_STAMP.referenceCoversAppUpTo } },
        ),
      );
    }
    if (!Array.isArray(value)) return fail('MODELS_WRONG_TYPE', `inferenceModels is ${kindOf(value)}`);
    const entries: unknown[] = value;
    if (entries.length === 0) list.push(problem('warn', 'MODELS_EMPTY', 'inferenceModels is an empty list'));
    const named1m = entries.map(entryName).filter((n): n is string => n !== undefined && ONE_M_SUFFIX.test(n));
    if (named1m.length > 0) {
      const first = named1m[0]!.replace(ONE_M_SUFFIX, '').trim();
      list.push(
        problem('fail', 'MODELS_1M_SUFFIX', `${named(named1m)} end${named1m.length === 1 ? 's' : ''} with [1m]`, {
          details: { suffixed: named1m },
          fix: `Write the entry as {"name": "${showSetting(first, 80)}", "supports1m": true}${named1m.length > 1 ? ', and the same for the others' : ''}.`,
        }),
      );
    }
    const bad = entries.map((entry, i) => (isModelEntry(entry) ? -1 : i)).filter((i) => i >= 0);
    if (bad.length > 0)
      list.push(problem('fail', 'MODELS_ENTRY_INVALID', `entries ${bad.join(', ')} are not valid model entries`, { details: { invalidIndexes: bad } }));
    // Judged on every entry that names a model, valid or not: the app rejects the list for any of them.
    const foreign = entries.map(entryName).filter((n): n is string => n !== undefined && n.trim() !== '' && !isAnthropicModel(n));
    if (foreign.length > 0) {
      list.unshift(
        problem(
          'fail',
          'MODELS_NOT_ANTHROPIC',
          `${named(foreign)} ${foreign.length === 1 ? 'is not an Anthropic model' : 'are not Anthropic models'}: the app rejects the whole list (its log: ${REJECTED_LINE})`,
          { details: { notAnthropic: foreign, logLine: REJECTED_LINE } },
        ),
      );
    }
    const extraFields = [...new Set(entries.flatMap(unknownFields))];
    if (extraFields.length > 0)
      list.push(
        problem('warn', 'MODELS_FIELD_UNKNOWN', `model entries have undocumented fields: ${extraFields.slice(0, 10).join(', ')}`, {
          details: { fields: extraFields.slice(0, 50) },
        }),
      );
    // Duplicates among the valid entries (all entries, when every one is valid).
    const names = modelNames(entries.filter(isModelEntry));
    // A Set, not names.indexOf per name: that is quadratic, and a long list blocked the doctor for minutes.
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const n of names) (seen.has(n) ? duplicates : seen).add(n);
    if (duplicates.size > 0)
      list.push(problem('warn', 'MODELS_DUPLICATE', `listed more than once: ${[...duplicates].join(', ')}`, { details: { models: names } }));
    // The first entry is the default, as the app takes it (when it is a valid entry).
    const first = entries.length > 0 && isModelEntry(entries[0]) ? entryName(entries[0]) : undefined;
    // Dependents run only after a warning (empty list, duplicates): they get the valid names, in order.
    const data: ModelsData = { models: names, configured: true, ...(first !== undefined ? { default: first } : {}) };
    const summary = `${names.length} model(s): ${names.join(', ')}${first !== undefined ? `; default ${first}` : ''}`;
    return findings(list, ok(summary, { models: names, ...(first !== undefined ? { default: first } : {}) }, data), data);
  },
});
