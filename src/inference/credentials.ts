/**
 * Which credential source the app uses for the gateway (docs/claude-desktop.md, "Credentials"):
 * `inferenceCredentialKind` when set (only that source, no fallback); else the credential helper
 * (it wins over a static key); else the static key; else interactive sign-in (SSO, or the
 * deprecated auth scheme "sso"). Pure: the credentials check judges, the api-key check uses the
 * answer to know whether a static key in the settings is the one the app sends.
 */
import type { InferenceValues } from '../config/settings.js';

/** Where the app takes the gateway credential from. */
export type CredentialSource = 'static' | 'helper-script' | 'interactive';

/** The kinds the gateway provider takes. */
export const GATEWAY_CREDENTIAL_KINDS: readonly CredentialSource[] = ['static', 'helper-script', 'interactive'];

export interface CredentialChoice {
  /** The source the app uses; undefined when none is configured (or the kind is not a gateway kind). */
  source?: CredentialSource;
  /** True when `inferenceCredentialKind` is set (valid or not). */
  explicit: boolean;
}

export function credentialSource(values: InferenceValues): CredentialChoice {
  const kind = values.inferenceCredentialKind;
  if (kind !== undefined) {
    const valid = typeof kind === 'string' && (GATEWAY_CREDENTIAL_KINDS as readonly string[]).includes(kind);
    return valid ? { source: kind as CredentialSource, explicit: true } : { explicit: true };
  }
  if (values.inferenceCredentialHelper !== undefined) return { source: 'helper-script', explicit: false };
  if (values.inferenceGatewayApiKey !== undefined) return { source: 'static', explicit: false };
  if (values.inferenceGatewayOidc !== undefined || values.inferenceGatewayAuthScheme === 'sso') return { source: 'interactive', explicit: false };
  return { explicit: false };
}
