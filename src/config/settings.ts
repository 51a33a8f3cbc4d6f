/**
 * Shapes of what settings discovery finds. Discovery reads files and registry keys and says
 * what it saw; it never decides whether a value is good — the settings checks do that.
 */
import type { Secret } from '../core/secret.js';
import type { JsonHintCode } from './json.js';

/** The inference keys Claude Desktop reads in third-party mode (FIELD-NOTES §2). */
export const INFERENCE_KEYS = [
  'inferenceProvider',
  'inferenceGatewayBaseUrl',
  'inferenceGatewayApiKey',
  'inferenceGatewayAuthScheme',
  'inferenceCustomHeaders',
  'inferenceGatewayHeaders',
  'inferenceModels',
] as const;
export type InferenceKey = (typeof INFERENCE_KEYS)[number];

/**
 * Values as read, untouched except that a string API key is wrapped in a {@link Secret} at once.
 * In managed sources every value should be a string (arrays/objects JSON-encoded); discovery
 * does NOT decode them — see {@link SettingsSource.managed}.
 */
export type InferenceValues = Partial<Record<InferenceKey, unknown>> & {
  inferenceGatewayApiKey?: Secret | unknown;
};

/** Where settings can live, in precedence order (first wins). */
export type SourceKind =
  | 'managed-plist' // macOS /Library/Managed Preferences[/<user>]/com.anthropic.claudefordesktop.plist, or --managed FILE
  | 'managed-registry' // Windows HKLM / HKCU \SOFTWARE\Policies\Claude
  | 'profile' // Claude-3p/configLibrary/_meta.json → <appliedId>.json
  | 'legacy'; // Claude-3p/claude_desktop_config.json → enterpriseConfig

/** Why a source that exists could not be used as is. */
export interface ReadProblem {
  kind:
    | 'unreadable' // permission denied, is a directory, I/O error
    | 'empty' // zero bytes or only whitespace
    | 'invalid-json'
    | 'not-object' // parsed, but the top level (or enterpriseConfig) is not an object
    | 'invalid-plist'
    | 'meta-invalid' // _meta.json has no usable appliedId
    | 'profile-missing'; // _meta.json names a profile file that does not exist
  /** What went wrong, for a person; never contains the key. */
  message: string;
  /** The file the problem is in (may differ from the source's location, e.g. _meta.json). */
  file: string;
  /** 1-based position of a parse error. */
  line?: number;
  column?: number;
  /** A likely cause: trailing comma, single quotes, typographic quotes, BOM. */
  hint?: string;
  /** The same cause as a stable code, for checks and tests to match on. */
  hintCode?: JsonHintCode;
}

/** One place that holds (or should hold) settings. */
export interface SettingsSource {
  kind: SourceKind;
  /** The file path or registry key that holds the values. */
  location: string;
  /** `user` or `machine` for managed sources. */
  scope?: 'user' | 'machine';
  /** Managed sources store every value as a string (arrays/objects JSON-encoded). */
  managed: boolean;
  /** The file started with a UTF-8 byte-order mark (the app fails to parse such a file). */
  bom: boolean;
  /** Set when the source exists but could not be read or parsed. */
  problem?: ReadProblem;
  /** The inference keys present (only keys that are set). Undefined when unparsable. */
  values?: InferenceValues;
  /** `deploymentMode` from claude_desktop_config.json, when that file was read. */
  deploymentMode?: unknown;
  /** The local profile applied by _meta.json. */
  profile?: { id: string; name?: string };
  /** Every file this source is made of, with its modification time (for "relaunch needed"). */
  files: { path: string; mtimeMs: number; bom?: boolean }[];
}

/** Everything discovery found. */
export interface Discovery {
  /** Every location looked at, in precedence order, and whether something was there. */
  searched: { kind: SourceKind; location: string; exists: boolean }[];
  /** Sources that exist, in precedence order. */
  sources: SettingsSource[];
  /**
   * The source Claude Desktop uses: the first managed source that holds any inference key,
   * else the applied local profile, else the legacy file. A source with a `problem` can be
   * in force (the app would fail on it the same way). A managed file given explicitly
   * (`--managed FILE`) is in force even when it has a problem, since it is the file being
   * examined; a broken OS managed source is not (the OS would not deliver its values).
   */
  inForce?: SettingsSource;
  /** Sources that hold settings but are ignored because another is in force. */
  shadowed: SettingsSource[];
  /** The Claude-3p folder that was read (undefined when none exists and none was given). */
  claudeDir?: string;
  /** Other candidate Claude-3p folders that exist but were not read (only the first is). */
  otherClaudeDirs?: string[];
  /** `deploymentMode` from Claude-3p/claude_desktop_config.json, if present. */
  deploymentMode?: unknown;
}
