/**
 * The output scrub: the one stage every output passes on its way out, so no reporter, command
 * or log keeps its own copy of "remove the keys". Where it sits:
 *
 * - the report, as it leaves the run (src/run/run-once.ts): the console and JSON output, the
 *   report command's files, the daemon's JSON file, state and history are all made from it;
 * - every daemon event, once, where it fans out to the reporters (src/reporters/reporter-set.ts):
 *   console lines, JSON-lines events, syslog messages;
 * - every log line, inside the logger (src/core/log.ts).
 *
 * It removes every secret this process has read ({@link knownSecrets}: the run's own keys are
 * among them, as every {@link Secret} registers itself), looked up at each call, so a key read
 * later (a reload) is covered too. The network layer's scrubbing of what a server sends back is
 * input hygiene at the source and stays where it is.
 */
import { knownSecrets, scrub, type Secret } from './secret.js';

/** Where the secrets to remove come from. */
export type SecretSource = () => readonly (Secret | undefined)[];

export interface OutputScrub {
  /** A text about to be written. */
  text(text: string): string;
  /**
   * A document about to be written or rendered (a report, an event): a copy with every string
   * value and key scrubbed, nothing cut (see {@link scrubJson}). Scrubbing the values, not the
   * serialized text, also catches a key that JSON or Markdown escaping would have disguised.
   */
  json<T>(value: T): T;
  /** Anything, for a log line: errors become plain `{type, message, code, stack}`; depth and cycles bounded. */
  value(value: unknown): unknown;
}

const MAX_DEPTH = 6;

/** Copies a value with every string scrubbed; errors become plain `{type, message, code, stack}`. */
export function scrubDeep(value: unknown, secrets: readonly (Secret | undefined)[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return secrets.length > 0 ? scrub(value, secrets) : value;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth]';
  seen.add(value);
  if (value instanceof Error) {
    const e = value as NodeJS.ErrnoException & { cause?: unknown };
    const out: Record<string, unknown> = { type: e.name, message: scrubDeep(e.message, secrets, depth + 1, seen) };
    if (e.code !== undefined) out.code = e.code;
    if (e.stack !== undefined) out.stack = scrubDeep(e.stack, secrets, depth + 1, seen);
    if (e.cause !== undefined) out.cause = scrubDeep(e.cause, secrets, depth + 1, seen);
    if (value instanceof AggregateError) out.errors = value.errors.slice(0, 5).map((x) => scrubDeep(x, secrets, depth + 1, seen));
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1, seen));
  // Secrets (and anything else with toJSON) serialize to their safe form.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return scrubDeep((value as { toJSON(): unknown }).toJSON(), secrets, depth + 1, seen);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, secrets, depth + 1, seen);
  return out;
}

/**
 * A document with every string value and key scrubbed (keys too: a server may echo a header as a
 * name), nothing cut. What has a toJSON (a Secret, a Date) is replaced by its JSON form, as every
 * writer would serialize it; `undefined` values stay, so a renderer shows the same fields.
 */
export function scrubJson<T>(value: T, secrets: readonly (Secret | undefined)[]): T {
  if (secrets.length === 0) return value;
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v, secrets);
    if (v === null || typeof v !== 'object') return v;
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return walk((v as { toJSON(): unknown }).toJSON());
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    // fromEntries defines own properties: a "__proto__" key stays a key.
    const out = Array.isArray(v) ? v.map(walk) : Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k, secrets), walk(x)]));
    seen.delete(v);
    return out;
  };
  return walk(value) as T;
}

/** The stage, removing what `secrets` gives (default: every secret this process has read). */
export function outputScrub(secrets: SecretSource = knownSecrets): OutputScrub {
  return {
    text: (text) => {
      const list = secrets();
      return list.length === 0 ? text : scrub(text, list);
    },
    json: (value) => scrubJson(value, secrets()),
    value: (value) => scrubDeep(value, secrets()),
  };
}

/** The process's stage: what every output passes. */
export const OUTPUT_SCRUB: OutputScrub = outputScrub();
