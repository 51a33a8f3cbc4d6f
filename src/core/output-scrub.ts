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
import { knownSecrets, scrubber, type Secret } from './secret.js';
import { stripUrlSecrets } from './url-render.js';

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
  if (typeof value === 'string') return stripUrlSecrets(secrets.length > 0 ? scrubber(secrets)(value) : value);
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
  const clean = scrubber(secrets);
  const seen = new WeakSet<object>();
  let changed = false;
  const text = (s: string, short: boolean, runs = true): string => {
    const out = stripUrlSecrets(clean(s, { short, runs }));
    if (out !== s) changed = true;
    return out;
  };
  // A short key (see MIN_SCRUB_LENGTH) is replaced only as a whole value, and never in the
  // document's own names and vocabulary: a key `ok` or `status` must not wipe the statuses.
  const walk = (v: unknown, prop?: string): unknown => {
    if (typeof v === 'string') {
      const vocabulary = prop !== undefined && VOCABULARY.has(prop);
      return text(v, !vocabulary, !vocabulary);
    }
    if (v === null || typeof v !== 'object') return v;
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      changed = true;
      return walk((v as { toJSON(): unknown }).toJSON(), prop);
    }
    if (seen.has(v)) {
      changed = true;
      return '[circular]';
    }
    seen.add(v);
    // fromEntries defines own properties: a "__proto__" key stays a key.
    const out = Array.isArray(v)
      ? v.map((x) => walk(x))
      : Object.fromEntries(Object.entries(v).map(([k, x]) => [REPORT_FIELDS.has(k) ? k : text(k, false, false), walk(x, k)]));
    seen.delete(v);
    return out;
  };
  const out = walk(value) as T;
  // Nothing to remove: the document itself.
  return changed ? out : value;
}

/** Fields whose values are the doctor's own vocabulary (statuses, codes, layers, origins). */
/**
 * The report's own field names (every property name of schema/report.schema.json; a test keeps
 * them in step): never renamed, whatever the key — a key `settings` must not rename the
 * report's `settings`. Any other object key (a header name, say) loses a whole key in it.
 */
export const REPORT_FIELDS: ReadonlySet<string> = new Set([
  'apiKey',
  'app',
  'arch',
  'authScheme',
  'baseUrl',
  'blockedBy',
  'ca',
  'checks',
  'code',
  'count',
  'detail',
  'details',
  'durationMs',
  'environment',
  'error',
  'exists',
  'exitCode',
  'fail',
  'fingerprint',
  'fix',
  'generatedAt',
  'group',
  'headerNames',
  'id',
  'inForce',
  'insecure',
  'invalidType',
  'kind',
  'length',
  'live',
  'location',
  'managed',
  'moreFindings',
  'name',
  'networkPath',
  'node',
  'nodeExtraCaCerts',
  'notChecked',
  'offline',
  'ok',
  'onDisk',
  'only',
  'options',
  'origin',
  'os',
  'osRelease',
  'path',
  'policy',
  'policyCaFile',
  'present',
  'problem',
  'profile',
  'proxy',
  'reason',
  'redactions',
  'replacement',
  'running',
  'schemaVersion',
  'searched',
  'settings',
  'skip',
  'source',
  'sources',
  'status',
  'summary',
  'target',
  'timeoutMs',
  'title',
  'tool',
  'total',
  'totals',
  'traceIds',
  'value',
  'variable',
  'version',
  'versionFrom',
  'warn',
]);

const VOCABULARY = new Set([
  'status',
  'code',
  'layer',
  'kind',
  'origin',
  'schemaVersion',
  'reason',
  'type',
  'severity',
  'event',
  'level',
  'id',
  'checkId',
  'from',
  'to',
  'group',
]);

/** The stage, removing what `secrets` gives (default: every secret this process has read). */
export function outputScrub(secrets: SecretSource = knownSecrets): OutputScrub {
  return {
    text: (text) => {
      const list = secrets();
      return stripUrlSecrets(list.length === 0 ? text : scrubber(list)(text));
    },
    json: (value) => scrubJson(value, secrets()),
    value: (value) => scrubDeep(value, secrets()),
  };
}

/** The process's stage: what every output passes. */
export const OUTPUT_SCRUB: OutputScrub = outputScrub();
