/**
 * The gateway the doctor examines: the settings in force, with any flag or environment
 * override applied per field, each field remembering where it came from.
 */
import type { Secret } from '../core/secret.js';
import type { SourceKind } from './settings.js';

/** Where a value came from. */
export type Origin = SourceKind | 'flag' | 'env' | 'keychain';

/** A raw value and its origin. Values are as read: the settings checks judge them. */
export interface Field<T = unknown> {
  value: T;
  origin: Origin;
}

/** A header given on the command line or in the environment (`Name: value`). */
export interface ExtraHeader {
  name: string;
  value: string;
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
}
