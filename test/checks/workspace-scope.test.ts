/** The workspace-scope check alone: what the catalog key-validity handed on shows against the policy and the app's models. */
import { describe, expect, it } from 'vitest';

import keyValidity, { type Catalog } from '../../src/checks/key-validity.js';
import workspaceScope from '../../src/checks/workspace-scope.js';
import { CATALOG_DATA, SETTINGS } from './gateway-answers.js';
import { given, runCheck, testCheck, type Scenario } from './check-tester.js';

const withCatalog = (catalog: Catalog = CATALOG_DATA) => given(keyValidity, { catalog, gatewayKind: 'portkey' });
const EMPTY: Catalog = { count: 0, providers: [], ids: [], truncated: false };
const CUT_SHORT: Catalog = { ...CATALOG_DATA, count: 250, truncated: true };

const scenarios: Scenario[] = [
  // --- What can be established
  {
    name: 'no catalog handed on (the key was rate limited, or no list): nothing established, ok',
    settings: SETTINGS,
    upstream: [given(keyValidity, { gatewayKind: 'portkey' })],
    expect: { status: 'ok', details: { established: [] } },
  },
  {
    name: 'the open-source gateway (no workspaces, no catalog): not applicable, ok even when the policy expects providers',
    settings: { inferenceGatewayBaseUrl: 'http://127.0.0.1:8787' },
    upstream: [given(keyValidity, { gatewayKind: 'portkey-oss' })],
    policy: { routing: { expectedProviders: ['anthropic'], expectedModels: ['claude-sonnet-4-5'] } },
    expect: { status: 'ok', details: { gatewayKind: 'portkey-oss', established: [] } },
  },
  {
    name: 'a catalog and no policy: ok, the providers named',
    settings: SETTINGS,
    upstream: [withCatalog()],
    expect: { status: 'ok', details: { providers: ['anthropic-prod', 'bedrock-eu'] } },
  },
  {
    name: 'the policy’s provider, named as a provider, matches an integration slug',
    settings: SETTINGS,
    upstream: [withCatalog()],
    policy: { routing: { expectedProviders: ['anthropic', 'bedrock-eu'] } },
    expect: { status: 'ok' },
  },
  {
    name: 'the policy’s model and the app’s models are in the catalog (bare or @slug/ ids)',
    settings: { ...SETTINGS, inferenceModels: ['claude-haiku-4-5', '@bedrock-eu/anthropic.claude-sonnet-4-5'] },
    upstream: [withCatalog()],
    policy: { routing: { expectedModels: ['claude-sonnet-4-5'] } },
    expect: { status: 'ok', more: [] },
  },

  // --- What is missing (fault matrix: the workspace has no integration for the policy's provider)
  {
    name: 'no integration for the policy’s provider: WORKSPACE_PROVIDER_MISSING',
    settings: SETTINGS,
    upstream: [withCatalog()],
    policy: { routing: { expectedProviders: ['vertex-ai'] } },
    expect: { status: 'fail', code: 'WORKSPACE_PROVIDER_MISSING', more: [], details: { providers: ['anthropic-prod', 'bedrock-eu'] } },
  },
  {
    name: 'a model the policy expects is not in the catalog: WORKSPACE_MODEL_MISSING',
    settings: SETTINGS,
    upstream: [withCatalog()],
    policy: { routing: { expectedModels: ['claude-opus-4-1'] } },
    expect: { status: 'fail', code: 'WORKSPACE_MODEL_MISSING', more: [] },
  },
  {
    name: 'an app model is not in the catalog: WORKSPACE_APP_MODEL_NOT_IN_CATALOG, a warning',
    settings: { ...SETTINGS, inferenceModels: ['gpt-4o'] },
    upstream: [withCatalog()],
    expect: { status: 'warn', code: 'WORKSPACE_APP_MODEL_NOT_IN_CATALOG', more: [] },
  },
  {
    name: 'a managed inferenceModels JSON string is decoded',
    settings: { ...SETTINGS, inferenceModels: '[{"name":"gpt-4o"}]' },
    upstream: [withCatalog()],
    expect: { status: 'warn', code: 'WORKSPACE_APP_MODEL_NOT_IN_CATALOG' },
  },
  {
    name: 'every gap at once: the provider first, then the policy’s models, then the app’s',
    settings: { ...SETTINGS, inferenceModels: ['gpt-4o'] },
    upstream: [withCatalog()],
    policy: { routing: { expectedProviders: ['vertex-ai'], expectedModels: ['claude-opus-4-1'] } },
    expect: { status: 'fail', code: 'WORKSPACE_PROVIDER_MISSING', more: ['WORKSPACE_MODEL_MISSING', 'WORKSPACE_APP_MODEL_NOT_IN_CATALOG'] },
  },
  {
    name: 'a missing model of the policy comes before the app’s',
    settings: { ...SETTINGS, inferenceModels: ['gpt-4o'] },
    upstream: [withCatalog()],
    policy: { routing: { expectedModels: ['claude-opus-4-1'] } },
    expect: { status: 'fail', code: 'WORKSPACE_MODEL_MISSING', more: ['WORKSPACE_APP_MODEL_NOT_IN_CATALOG'] },
  },

  // --- An empty or cut-short catalog
  {
    name: 'an empty catalog: WORKSPACE_EMPTY_CATALOG only (every provider and model is missing from it)',
    settings: { ...SETTINGS, inferenceModels: ['gpt-4o'] },
    upstream: [withCatalog(EMPTY)],
    policy: { routing: { expectedProviders: ['vertex-ai'], expectedModels: ['claude-opus-4-1'] } },
    expect: { status: 'warn', code: 'WORKSPACE_EMPTY_CATALOG', more: [] },
  },
  {
    name: 'a catalog cut short cannot show a missing model: ok',
    settings: { ...SETTINGS, inferenceModels: ['gpt-4o'] },
    upstream: [withCatalog(CUT_SHORT)],
    policy: { routing: { expectedModels: ['claude-opus-4-1'] } },
    expect: { status: 'ok' },
  },
  {
    name: 'a catalog cut short still shows a missing provider',
    settings: SETTINGS,
    upstream: [withCatalog(CUT_SHORT)],
    policy: { routing: { expectedProviders: ['vertex-ai'], expectedModels: ['claude-opus-4-1'] } },
    expect: { status: 'fail', code: 'WORKSPACE_PROVIDER_MISSING', more: [] },
  },
];

testCheck(workspaceScope, scenarios);

describe('workspace-scope: beyond the table', () => {
  it('says what was not established: the workspace always, the rest of a cut-short catalog', async () => {
    const full = await runCheck(workspaceScope, { name: 'full', settings: SETTINGS, upstream: [withCatalog()], expect: { status: 'ok' } });
    const cut = await runCheck(workspaceScope, { name: 'cut', settings: SETTINGS, upstream: [withCatalog(CUT_SHORT)], expect: { status: 'ok' } });
    const none = await runCheck(workspaceScope, { name: 'none', settings: SETTINGS, upstream: [given(keyValidity, {})], expect: { status: 'ok' } });
    const count = (r: typeof full, key: 'established' | 'notEstablished') => (r.result.details?.[key] as string[]).length;
    expect([count(full, 'established'), count(full, 'notEstablished')]).toEqual([2, 1]);
    expect([count(cut, 'established'), count(cut, 'notEstablished')]).toEqual([2, 2]);
    expect([count(none, 'established'), count(none, 'notEstablished')]).toEqual([0, 2]);
  });
});
