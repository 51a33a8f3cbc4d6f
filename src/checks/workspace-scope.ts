/**
 * Workspace scope, best effort: Portkey has no "who am I" for API keys, so the scope is inferred
 * from what the catalog reveals, against the policy and the app's models. The result says
 * plainly what was established and what could not be.
 */
import { type CodeOf, type CodeTable, defineCheck, type Finding, findings, ok, problem, warn } from '../contract/check.js';
import { appModels, inCatalog } from '../gateway/models.js';
import keyValidity from './key-validity.js';

const codes = {
  WORKSPACE_PROVIDER_MISSING: {
    title: 'The key’s workspace has no integration for a provider the policy expects',
    fix: 'Use a key from the workspace that holds the expected providers, or add the integration to this workspace in Portkey (Model Catalog).',
  },
  WORKSPACE_MODEL_MISSING: {
    title: 'A model the policy expects is not in the key’s catalog',
    fix: 'Enable the model for this workspace in Portkey’s Model Catalog, or use a key from the workspace that has it.',
  },
  WORKSPACE_APP_MODEL_NOT_IN_CATALOG: {
    title: 'A model in the app’s inferenceModels is not in the key’s catalog (it may still route through a config)',
    fix: 'Use the catalog’s model ids (e.g. @provider-slug/model) in inferenceModels, or make sure a config routes these names.',
  },
  WORKSPACE_EMPTY_CATALOG: {
    title: 'The key’s catalog is empty',
    fix: 'Add a provider integration and models to the workspace in Portkey, or attach a config to the key that routes requests.',
  },
} as const satisfies CodeTable;

export default defineCheck({
  id: 'workspace-scope',
  title: 'Workspace scope',
  group: 'gateway',
  needs: [keyValidity],
  codes,
  run(ctx) {
    const upstream = ctx.upstream(keyValidity);
    const catalog = upstream?.catalog;
    if (upstream?.gatewayKind === 'portkey-oss') {
      // It has no workspaces, no catalog, and checks no Portkey key (its /v1/models is the provider's).
      return ok('not applicable: the open-source gateway has no workspaces or Model Catalog', {
        gatewayKind: upstream.gatewayKind,
        established: [],
        notEstablished: [],
      });
    }
    const notEstablished = ['which workspace the key belongs to (Portkey offers no identity endpoint for API keys)'];
    if (!catalog) {
      return ok('not established: the gateway exposes no catalog for this key', {
        established: [],
        notEstablished: [...notEstablished, 'which providers and models the key may use'],
      });
    }
    const established = [
      `the key is valid and may list models (${catalog.count})`,
      `providers in the catalog: ${catalog.providers.join(', ') || 'none named'}`,
    ];
    if (catalog.truncated) notEstablished.push('models beyond the first ones listed (catalog cut short)');
    const details = { established, notEstablished, providers: catalog.providers };
    // An empty catalog is the one finding: every provider and model is missing from it.
    if (catalog.count === 0) return warn('WORKSPACE_EMPTY_CATALOG', 'the catalog lists no models', { details });

    // Every gap at once, in the order to fix them: the providers, the policy's models, the app's models.
    const gaps: Finding<CodeOf<typeof codes>>[] = [];
    // The catalog names integrations by slug; a policy may name them by slug or provider.
    const expectedProviders = ctx.policy?.routing?.expectedProviders ?? [];
    const missingProviders = expectedProviders.filter((p) => !catalog.providers.some((slug) => slug === p || slug.startsWith(`${p}-`) || slug.includes(p)));
    if (missingProviders.length > 0) {
      const has = catalog.providers.join(', ') || 'none';
      gaps.push(
        problem('fail', 'WORKSPACE_PROVIDER_MISSING', `no integration for ${missingProviders.join(', ')} in the key's catalog (has ${has})`, { details }),
      );
    }
    // A catalog cut short cannot show that a model is missing.
    if (!catalog.truncated) {
      const missingModels = (ctx.policy?.routing?.expectedModels ?? []).filter((m) => !inCatalog(m, catalog.ids));
      if (missingModels.length > 0) gaps.push(problem('fail', 'WORKSPACE_MODEL_MISSING', `not in the catalog: ${missingModels.join(', ')}`, { details }));
      const appMissing = appModels(ctx).filter((m) => !inCatalog(m, catalog.ids));
      if (appMissing.length > 0) {
        gaps.push(problem('warn', 'WORKSPACE_APP_MODEL_NOT_IN_CATALOG', `the app's models not in the catalog: ${appMissing.join(', ')}`, { details }));
      }
    }
    return findings(
      gaps,
      ok(`catalog has ${catalog.count} model(s) from ${catalog.providers.join(', ') || 'unnamed providers'}; the workspace itself cannot be named`, details),
    );
  },
});
