/**
 * Builds the {@link Target} the checks examine: the settings in force, with command-line flags
 * and environment variables overriding them field by field. Every field keeps its origin, so the
 * report can say "base URL from --base-url" and the checks know whether the app itself would send it.
 */
import { credentialSecret, isCredentialHeaderName, registerSettingsSecrets } from '../core/key-shape.js';
import { Secret } from '../core/secret.js';
import type { Discovery, InferenceKey } from './settings.js';
import type { CredentialHelperRun, ExtraHeader, Field, Origin, Target } from './target.js';
import { envVar } from './paths.js';

/** Environment variables that override a field (beaten by flags). */
export const TARGET_ENV_VARS = {
  baseUrl: 'PORTKEY_DOCTOR_BASE_URL',
  authScheme: 'PORTKEY_DOCTOR_AUTH_SCHEME',
  apiKey: 'PORTKEY_DOCTOR_API_KEY',
} as const;

/** What the command line (or the CLI on its behalf) overrides. */
export interface TargetOverrides {
  baseUrl?: string;
  authScheme?: string;
  /** A key the CLI read (from a flag, a named env var, or the keychain). */
  apiKey?: Secret;
  /**
   * Where `apiKey` came from (default `flag`). `flag` and `env` override the settings;
   * `keychain` only fills in when neither the environment nor the settings hold a key, since
   * the app itself falls back on its keychain only then (docs/claude-desktop.md, "Credentials").
   * `credential-helper` beats the settings' static key, as in the app (the helper always wins;
   * docs/claude-desktop.md, "Credentials"), and is beaten by flags and the environment.
   */
  apiKeyOrigin?: 'flag' | 'env' | 'keychain' | 'credential-helper';
  /** The run of the configured credential helper, when the doctor ran it (its key is `apiKey`, origin `credential-helper`). */
  credentialHelper?: CredentialHelperRun;
  headers?: ExtraHeader[];
  models?: string[];
  provider?: string;
}

function field<T>(value: T, origin: Origin): Field<T> {
  return { value, origin };
}

/**
 * Resolves the target: per field, a flag beats the environment, which beats the settings in
 * force (`discovery.inForce.values`, origin = that source's kind). `managed` says whether the
 * settings in force are a managed source. Env vars: {@link TARGET_ENV_VARS}; `PORTKEY_DOCTOR_API_KEY`
 * is wrapped in a {@link Secret} as soon as it is read.
 */
export function resolveTarget(discovery: Discovery, overrides: TargetOverrides, env: Readonly<Record<string, string | undefined>>): Target {
  const source = discovery.inForce;
  const values = source?.values ?? {};
  const fromSettings = (key: InferenceKey): Field | undefined => (source && Object.hasOwn(values, key) ? field(values[key], source.kind) : undefined);
  // Env vars are read with the host's rules (case-insensitive on Windows).
  const fromEnv = (name: string): string | undefined => envVar(env, name, process.platform);

  const pick = (flag: unknown, envName: string | undefined, key: InferenceKey): Field | undefined => {
    if (flag !== undefined) return field(flag, 'flag');
    const e = envName !== undefined ? fromEnv(envName) : undefined;
    if (e !== undefined) return field(e, 'env');
    return fromSettings(key);
  };

  // A credential given with --header is a Secret from here on (src/core/key-shape.ts).
  const flagHeaders = (overrides.headers ?? []).map((h) =>
    typeof h.value === 'string' && isCredentialHeaderName(h.name) ? { name: h.name, value: credentialSecret(h.value) } : h,
  );
  const target: Target = { flagHeaders, managed: source?.managed ?? false };

  const provider = pick(overrides.provider, undefined, 'inferenceProvider');
  if (provider) target.provider = provider;
  const baseUrl = pick(overrides.baseUrl, TARGET_ENV_VARS.baseUrl, 'inferenceGatewayBaseUrl');
  if (baseUrl) target.baseUrl = baseUrl;
  const authScheme = pick(overrides.authScheme, TARGET_ENV_VARS.authScheme, 'inferenceGatewayAuthScheme');
  if (authScheme) target.authScheme = authScheme;
  const customHeaders = fromSettings('inferenceCustomHeaders');
  if (customHeaders) target.customHeaders = customHeaders;
  const gatewayHeaders = fromSettings('inferenceGatewayHeaders');
  if (gatewayHeaders) target.gatewayHeaders = gatewayHeaders;
  const models = pick(overrides.models, undefined, 'inferenceModels');
  if (models) target.models = models;

  // The key: flag > env (given by the CLI or PORTKEY_DOCTOR_API_KEY) > settings > keychain.
  const keyOrigin = overrides.apiKeyOrigin ?? 'flag';
  let apiKey: Field<Secret | unknown> | undefined;
  if (overrides.apiKey && keyOrigin === 'flag') apiKey = field(overrides.apiKey, 'flag');
  else if (overrides.apiKey && keyOrigin === 'env') apiKey = field(overrides.apiKey, 'env');
  else {
    const e = fromEnv(TARGET_ENV_VARS.apiKey);
    if (e !== undefined) apiKey = field(new Secret(e), 'env');
    else if (overrides.apiKey && keyOrigin === 'credential-helper') apiKey = field(overrides.apiKey, 'credential-helper');
    else apiKey = fromSettings('inferenceGatewayApiKey');
    if (apiKey === undefined && overrides.apiKey && keyOrigin === 'keychain') apiKey = field(overrides.apiKey, 'keychain');
  }
  if (apiKey) target.apiKey = apiKey;
  if (overrides.credentialHelper) target.credentialHelper = overrides.credentialHelper;
  registerCredentials(discovery, target);
  return target;
}

/**
 * Credentials outside the key field become Secrets now, before any check can print them: the
 * values of credential headers in every settings source, and key-shaped values pasted into any
 * other field (src/core/key-shape.ts). The output scrub then shows their fingerprints.
 */
function registerCredentials(discovery: Discovery, target: Target): void {
  const headerSettings: unknown[] = [];
  const anywhere: unknown[] = [];
  for (const s of [...discovery.sources, ...(discovery.inForce ? [discovery.inForce] : [])]) {
    if (s.values) {
      headerSettings.push(s.values.inferenceCustomHeaders, s.values.inferenceGatewayHeaders);
      anywhere.push(s.values);
    }
    anywhere.push(s.keys, s.nestedKeys, s.profile);
  }
  anywhere.push(
    target.provider?.value,
    target.baseUrl?.value,
    target.authScheme?.value,
    target.models?.value,
    target.flagHeaders.map((h) => h.name),
    discovery.deploymentMode,
  );
  registerSettingsSecrets({ headerSettings, anywhere });
}
