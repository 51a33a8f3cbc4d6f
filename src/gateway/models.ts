/** Model names from the settings and the policy, and matching them against catalog ids. */
import type { CheckContext } from '../contract/check.js';
import { parseJsonStrict } from '../config/json.js';
import { modelNames } from '../inference/models.js';

/** Model names from `inferenceModels` (decoding a managed JSON string), in order. */
export function appModels(ctx: Pick<CheckContext, 'target'>): string[] {
  let value = ctx.target.models?.value;
  if (typeof value === 'string') {
    const parsed = parseJsonStrict(value);
    value = parsed.ok ? parsed.value : undefined;
  }
  if (!Array.isArray(value)) return [];
  // Names the app could send (the models check reports the entries that are invalid).
  return modelNames(value).filter((n) => n.trim() !== '');
}

/** The model a probe asks for: the app's first model, else the policy's, else a catalog id, else a default. */
export function probeModel(ctx: Pick<CheckContext, 'target' | 'policy'>, catalogIds: string[] = []): string {
  return appModels(ctx)[0] ?? ctx.policy?.routing?.expectedModels?.[0] ?? catalogIds[0] ?? DEFAULT_PROBE_MODEL;
}

/** Used only when nothing names a model. */
export const DEFAULT_PROBE_MODEL = 'claude-sonnet-4-5';

/** A model name is in the catalog as itself or as `@provider-slug/<name>`. */
export function inCatalog(model: string, ids: readonly string[]): boolean {
  return ids.some((id) => id === model || id.endsWith(`/${model}`));
}

/** Whether the model that answered is the one asked for (a dated snapshot counts as the same). */
export function sameModel(asked: string, answered: string): boolean {
  const bare = (m: string) => m.replace(/^@[^/]+\//, '').toLowerCase();
  const a = bare(asked);
  const b = bare(answered);
  return a === b || b.startsWith(`${a}-`) || a.startsWith(`${b}-`);
}
