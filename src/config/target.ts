/**
 * The gateway the doctor examines: the settings in force, with any flag or environment
 * override applied per field, each field remembering where it came from.
 */
import type { Secret } from '../core/secret.js';
import type { SourceKind } from './settings.js';

/** Where a value came from (`credential-helper`: printed by the configured helper, run on request). */
export type Origin = SourceKind | 'flag' | 'env' | 'keychain' | 'credential-helper';

/**
 * The doctor ran the configured credential helper (`--use-credential-helper`): how that went. Never
 * holds the helper's output; on success the key is `Target.apiKey` (origin `credential-helper`).
 */
export interface CredentialHelperRun {
  /** The helper as configured. */
  path: string;
  ok: boolean;
  /** Why it failed: not-absolute, not-found, not-executable, spawn-error, timeout, exit, signal, empty, too-large, bad-output. */
  reason?: string;
  /** For people; never contains the helper's output. */
  message?: string;
  exitCode?: number;
  /** The output format it used (on success). */
  format?: 'token' | 'json';
  /** Names of the per-request headers it printed (JSON form); their values are not used. */
  headerNames?: string[];
  timeoutMs: number;
  durationMs: number;
}

/** A raw value and its origin. Values are as read: the settings checks judge them. */
export interface Field<T = unknown> {
  value: T;
  origin: Origin;
}

/**
 * A header given on the command line or in the environment (`Name: value`). A credential
 * header's value (`Authorization`, `x-portkey-api-key`, …) is a {@link Secret} once the target is
 * resolved.
 */
export interface ExtraHeader {
  name: string;
  value: string | Secret;
}

export interface Target {
  provider?: Field;
  baseUrl?: Field;
  /** A string key is always a Secret; any other type is kept raw so the checks can say so. */
  apiKey?: Field<Secret | unknown>;
  authScheme?: Field;
  /** `inferenceCustomHeaders` as read (object, or JSON string in managed sources). */
  customHeaders?: Field;
  /** `inferenceGatewayHeaders` as read (array of `Name: Value`, or JSON string in managed sources). */
  gatewayHeaders?: Field;
  /** `--header` flags: added to (and overriding by name) the settings' headers. */
  flagHeaders: ExtraHeader[];
  models?: Field;
  /** True when the settings came from a managed source (values must be JSON-encoded strings). */
  managed: boolean;
  /** Set when the doctor ran the configured credential helper (`--use-credential-helper`). */
  credentialHelper?: CredentialHelperRun;
}
