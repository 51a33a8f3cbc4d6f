/**
 * Third-party mode is on and the provider is the gateway (not Vertex, Bedrock or Foundry).
 * First-party mode and a wrong provider are separate settings: both are reported at once, the
 * mode first, so switching to third-party mode does not reveal the provider problem only then.
 */
import { defineCheck, findings, ok, problem, skip, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import type { Target } from '../config/target.js';
import { settingsLayout, whyMissing, type SettingsLayout } from '../inference/settings-layout.js';
import claudeSettings from './claude-settings.js';
import { showSetting } from '../core/key-shape.js';

const codes = {
  MODE_NOT_3P: {
    title: 'Claude Desktop is in first-party mode, so the gateway settings are not used',
    fix: 'Set deploymentMode to "3p" (Developer → Configure third-party inference… does this), then fully quit and reopen the app.',
  },
  PROVIDER_MISSING: {
    title: 'inferenceProvider is not set',
    fix: 'Choose "Gateway (Anthropic-compatible)" in Configure third-party inference…, or set inferenceProvider to "gateway".',
  },
  PROVIDER_NOT_GATEWAY: {
    title: 'inferenceProvider names another provider, so requests do not go to Portkey',
    fix: 'Choose "Gateway (Anthropic-compatible)" in Configure third-party inference…, or set inferenceProvider to "gateway".',
  },
  PROVIDER_WRONG_TYPE: { title: 'inferenceProvider is not a string', fix: 'Set inferenceProvider to the string "gateway".' },
  PROVIDER_NOT_TOP_LEVEL: {
    title: 'The settings are nested where the app does not read them, so it sees no provider (see unknown-keys)',
    fix: 'Move the settings to the top level of the file (see the unknown-keys check).',
  },
  SETTINGS_FROM_FLAGS: {
    title: 'No Claude Desktop settings: the app-side mode cannot be checked',
    fix: 'Nothing to do when probing a gateway without Claude Desktop.',
  },
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;

export default defineCheck({
  id: 'inference-mode',
  title: 'Third-party mode, gateway provider',
  group: 'settings',
  needs: [claudeSettings],
  codes,
  run({ discovery, target }) {
    if (!discovery.inForce) return skip('SETTINGS_FROM_FLAGS', 'no Claude Desktop settings to check (probing from flags)');
    const layout = settingsLayout(discovery.inForce);
    // Nested settings: unknown-keys names the cause; "inferenceProvider is not set" would mislead.
    if (layout.nested && target.provider === undefined) {
      return skip(
        'PROVIDER_NOT_TOP_LEVEL',
        `the settings are nested under "${showSetting(layout.nested.container, 80)}": the app sees no provider (see unknown-keys)`,
      );
    }
    const mode = discovery.deploymentMode;
    const list: Finding<Code>[] = [];
    if (typeof mode === 'string' && mode.trim().toLowerCase() === '1p') {
      list.push(problem('fail', 'MODE_NOT_3P', 'deploymentMode is "1p"', { details: { deploymentMode: mode } }));
    }
    const wrongProvider = providerFinding(target, layout);
    if (wrongProvider) list.push(wrongProvider);
    return findings(list, ok('third-party mode, provider "gateway"', { deploymentMode: mode ?? null, origin: target.provider?.origin }));
  },
});

/** What is wrong with `inferenceProvider`, if anything. */
function providerFinding(target: Target, layout: SettingsLayout): Finding<Code> | undefined {
  const provider = target.provider?.value;
  if (provider === undefined) {
    const why = whyMissing(layout, 'inferenceProvider');
    return problem('fail', 'PROVIDER_MISSING', why?.summary ?? 'inferenceProvider is not set', why ? { fix: why.fix } : {});
  }
  if (typeof provider !== 'string')
    return problem('fail', 'PROVIDER_WRONG_TYPE', `inferenceProvider is ${Array.isArray(provider) ? 'an array' : typeof provider}`);
  if (provider.trim() !== 'gateway') {
    return problem('fail', 'PROVIDER_NOT_GATEWAY', `inferenceProvider is "${showSetting(provider.trim(), 40)}", not "gateway"`, { details: { provider } });
  }
  return undefined;
}
