/**
 * The fixer interface of `portkey-doctor fix` (docs/fix.md).
 *
 * A fixer is PURE: given the documents involved (their text as read, their parsed value), the
 * findings of the settings and app checks (codes and details) and the app version, it returns
 * the edits that cure some of those findings, or explanations of why it will not touch them
 * ("the key cannot be known", "over 128 characters"). It reads no file, runs no process, writes
 * nothing: the engine (src/fix/engine.ts) applies the edits with jsonc-parser (keys, order,
 * comments and indentation kept), shows them as a diff, backs up and writes.
 *
 * Where fixers live: `src/fix/fixers/<check-id>.ts`, one file per check whose codes they cure,
 * registered in `src/fix/fixers/index.ts` — "beside the check" by name, not in src/checks/,
 * because checks are diagnoses only (CheckTester, the checks-use-injected-io rule) and a fixer
 * edits documents, which is the fix layer's business (docs/decisions.md, "fix").
 */
import type { SourceKind } from '../config/settings.js';

/** A path into a JSON document: property names and array indexes (as jsonc-parser's JSONPath). */
export type JsonPath = (string | number)[];

/**
 * The files a fix may touch. `settings`: the file in force (applied profile, legacy
 * `claude_desktop_config.json`, or — never written, see docs/fix.md — a managed source);
 * `meta`: `configLibrary/_meta.json` (the applied id); `developer-settings`: `Claude/developer_settings.json`;
 * `desktop-config`: `Claude-3p/claude_desktop_config.json` when it is not the `settings` document (its `deploymentMode`).
 */
export type FixFileRole = 'settings' | 'meta' | 'developer-settings' | 'desktop-config';

/** One document as read. */
export interface FixDocument {
  /** Its path, for messages (never put into a value). */
  path: string;
  /** The text exactly as read (a BOM included). Empty for a zero-byte file. */
  text: string;
  /** The parsed value (JSON with comments tolerated); `undefined` when it does not parse. */
  value: unknown;
  /** Whether the text parses as strict JSON (no comments, no trailing commas). */
  strictJson: boolean;
}

/** A finding of a check, as fixers see it. */
export interface FixFinding {
  /** The check that reported it (`base-url`). */
  check: string;
  code: string;
  status: 'warn' | 'fail' | 'skip' | 'error';
  /** The primary finding's details (later findings of a check carry none). */
  details?: Record<string, unknown>;
}

/** What a fixer is given. */
export interface FixInput {
  /** The documents found; `settings` is absent when no settings file exists. */
  files: Partial<Record<FixFileRole, FixDocument>>;
  /**
   * Where the settings object lives inside the `settings` document: `[]` for a profile or a
   * managed JSON file, `['enterpriseConfig']` for the legacy file.
   */
  root: JsonPath;
  /** The kind of the source in force (a managed one is never written: its fix goes to a file for IT). */
  sourceKind?: SourceKind;
  /** Every finding of the settings and app checks, in report order. */
  findings: readonly FixFinding[];
  /** The installed app's version (`1.3109.0`), when known. */
  appVersion?: string;
  /** `deploymentMode` of `claude_desktop_config.json`, when read. */
  deploymentMode?: unknown;
}

/** One edit of one document. Paths are absolute in the document (fixers prepend `input.root`). */
export type FixEdit =
  /** Set a value (created when absent; the key's position is kept when present). */
  | { file: FixFileRole; op: 'set'; path: JsonPath; value: unknown }
  /** Remove a property or an array element. */
  | { file: FixFileRole; op: 'remove'; path: JsonPath }
  /** Rename the property at `path` to `to`, keeping its value and position. */
  | { file: FixFileRole; op: 'rename-key'; path: JsonPath; to: string }
  /** Replace the whole text (an empty or corrupt file → `{}`). */
  | { file: FixFileRole; op: 'replace-text'; text: string }
  /** Rename the file itself, in the same folder (`to` is a base name, no separator). */
  | { file: FixFileRole; op: 'rename-file'; to: string };

/** One change a fixer proposes: the edits that cure one diagnosis code. */
export interface FixChange {
  /** The diagnosis code it cures (`BASE_URL_ENDS_V1`). */
  code: string;
  /**
   * Further codes the same edits cure: one value with several repairs (a base URL with a space
   * and a `/v1`) is one change — one consent — that cures each of them.
   */
  alsoCures?: string[];
  /** What it does, for a person, in one line. Never holds the key (say "the key", not its value). */
  says: string;
  edits: FixEdit[];
  /** Asked about even with `--yes` (unless `--force`): a change a person must confirm (deploymentMode). */
  confirm?: boolean;
}

/** Why a finding is left as it is. */
export interface FixExplanation {
  code: string;
  says: string;
}

/** A fixer's answer. */
export interface FixProposal {
  changes: FixChange[];
  explanations: FixExplanation[];
}

/** One fixer: cures some codes of one check. */
export interface Fixer {
  /** Unique, e.g. `base-url`. */
  id: string;
  /** The check whose codes it cures (`base-url`). */
  check: string;
  /** The codes it may cure (a finding with another code is none of its business). */
  cures: readonly string[];
  /** Pure: the same input gives the same proposal; reads and writes nothing. */
  propose(input: FixInput): FixProposal;
}

/** The findings of `input` with one of `codes`. */
export function findingsOf(input: FixInput, codes: readonly string[]): FixFinding[] {
  return input.findings.filter((f) => codes.includes(f.code));
}

/** The value at `path` in `value`, or undefined. */
export function valueAt(value: unknown, path: JsonPath): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The settings object fixers work on (the object at `input.root` in the settings document). */
export function settingsObject(input: FixInput): Record<string, unknown> | undefined {
  const v = valueAt(input.files.settings?.value, input.root);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An empty proposal. */
export const NOTHING: FixProposal = Object.freeze({ changes: [], explanations: [] }) as FixProposal;
