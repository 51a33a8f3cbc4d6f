/**
 * Loading the IT policy file: strict JSON, validated against `schema/policy.schema.json` with
 * unknown keys rejected (a typo must not silently switch a rule off), then the rules a schema
 * cannot say (latency bounds in order; the daemon section's cron expression, syslog URLs and
 * JSON file path). This is the one place a policy is validated: the doctor and the daemon get
 * the same answer. Every error says where (JSON pointer, and line/column) and what was expected.
 */
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as Jsonc from 'jsonc-parser';
import type { Node as JsonNode } from 'jsonc-parser';
import { readAsset } from '../core/assets.js';
import { requireLazy } from '../core/lazy.js';
import type { DaemonPolicy, Policy } from './policy.js';
import { defaultPolicyPath, envVar, POLICY_ENV_VAR } from './paths.js';
import { readJsonFile, typeName } from './read-file.js';
import { lineColumn } from './json.js';
import { scheduleProblem } from './schedule.js';
import { parseSyslogUrl } from './syslog-target.js';

/** Why a policy file cannot be used. */
export interface PolicyError {
  file: string;
  /** What is wrong and what is expected; about the value at {@link PolicyError.pointer} when that is set. */
  message: string;
  /** 1-based position of the offending spot, when it can be located. */
  line?: number;
  column?: number;
  /** JSON pointer to the offending value or key, e.g. `/metadata/requiredKeys/0`. */
  pointer?: string;
}

/** A loaded policy (`undefined` when there is none), or why it could not be loaded. */
export type PolicyLoad = { policy: Policy | undefined } | { error: PolicyError };

/** Which policy file to read, and whether its absence is an error. */
export interface PolicyPath {
  path: string;
  /** Given by a flag or {@link POLICY_ENV_VAR}: then a missing file is an error. */
  explicit: boolean;
  origin: 'flag' | 'env' | 'default';
}

/**
 * Picks the policy file: the `--policy` flag, else `$PORTKEY_DOCTOR_POLICY`, else the system-wide
 * default of {@link defaultPolicyPath}. Relative paths are relative to the working directory.
 */
export function resolvePolicyPath(flagPath: string | undefined, platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): PolicyPath {
  if (flagPath !== undefined && flagPath !== '') return { path: path.resolve(flagPath), explicit: true, origin: 'flag' };
  const fromEnv = envVar(env, POLICY_ENV_VAR, platform);
  if (fromEnv !== undefined) return { path: path.resolve(fromEnv), explicit: true, origin: 'env' };
  return { path: defaultPolicyPath(platform, env), explicit: false, origin: 'default' };
}

/** The schema file as shipped (`schema/`): embedded in a build, read from the package root in sources. */
const SCHEMA_PATH = 'schema/policy.schema.json';

let validator: ValidateFunction | undefined;
let schemaCache: Record<string, unknown> | undefined;

/** The policy JSON Schema (draft-07), as shipped. */
export function policySchema(): Record<string, unknown> {
  schemaCache ??= JSON.parse(readAsset(SCHEMA_PATH)) as Record<string, unknown>;
  return schemaCache;
}

function getValidator(): ValidateFunction {
  if (!validator) {
    // Loaded only when a policy file exists. ajv is CommonJS: its class is the `default` export.
    const Ajv = (requireLazy('ajv') as typeof import('ajv')).default;
    const ajv = new Ajv({ allErrors: false, verbose: true, strict: true });
    validator = ajv.compile(policySchema());
  }
  return validator;
}

/** `/a/b~1c/0` → `['a', 'b/c', 0]` (numbers for array indexes, as jsonc-parser wants). */
function pointerSegments(pointer: string, tree: JsonNode | undefined): (string | number)[] {
  if (pointer === '') return [];
  const raw = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: (string | number)[] = [];
  let node = tree;
  for (const seg of raw) {
    const isIndex = node?.type === 'array' && /^\d+$/.test(seg);
    const step: string | number = isIndex ? Number(seg) : seg;
    out.push(step);
    node = node ? jsonc().findNodeAtLocation(node, [step]) : undefined;
  }
  return out;
}

/** jsonc-parser, loaded only to locate an error in a policy file. */
const jsonc = (): typeof Jsonc => requireLazy('jsonc-parser') as typeof Jsonc;

function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * jsonc-parser's tree, only to locate an error: its parser is recursive and overflows the stack on
 * deeply nested text that JSON.parse (iterative) accepted; then the error is given without a position.
 */
function safeParseTree(text: string): JsonNode | undefined {
  try {
    return jsonc().parseTree(text);
  } catch {
    return undefined;
  }
}

/** Line and column of the value (or, with `key`, the property name) a pointer names. */
function locate(text: string, tree: JsonNode | undefined, pointer: string, key: boolean): { line?: number; column?: number } {
  if (!tree) return {};
  const node = jsonc().findNodeAtLocation(tree, pointerSegments(pointer, tree));
  if (!node) return {};
  // For a property, the parent is the `property` node, whose first child is the key.
  const target = key && node.parent?.type === 'property' ? (node.parent.children?.[0] ?? node) : node;
  return lineColumn(text, target.offset);
}

const ARTICLE: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  null: 'null',
};

/** Turns ajv's first error into "where: what is expected". */
function describeSchemaError(e: ErrorObject): { pointer: string; message: string; key: boolean } {
  const where = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      const parent = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      return {
        pointer: `${where}/${escapeSegment(prop)}`,
        message: `unknown key "${prop}"; allowed ${where === '' ? 'at the top level' : `in ${where}`}: ${allowed.join(', ')}`,
        key: true,
      };
    }
    case 'type': {
      const expected = String((e.params as { type?: unknown }).type);
      return {
        pointer: where,
        message: `must be ${ARTICLE[expected] ?? expected}, found ${typeName(e.data)}`,
        key: false,
      };
    }
    default:
      return { pointer: where, message: e.message ?? `fails the schema rule "${e.keyword}"`, key: false };
  }
}

/**
 * Reads and validates a policy file. A missing file is "no policy" unless `required` (the path was
 * given explicitly); every other failure is an error. A relative `gateway.caFile` is resolved
 * against the policy file's folder; the `$schema` key, allowed for editors, is dropped.
 */
export async function loadPolicy(file: string, opts: { required: boolean }): Promise<PolicyLoad> {
  const source = path.resolve(file);
  const read = await readJsonFile(source);
  if (!read.exists) {
    return opts.required ? { error: { file: source, message: 'the policy file does not exist' } } : { policy: undefined };
  }
  if (read.problem) {
    const p = read.problem;
    const error: PolicyError = { file: source, message: p.hint ? `${p.message} (${p.hint})` : p.message };
    if (p.line !== undefined) error.line = p.line;
    if (p.column !== undefined) error.column = p.column;
    return { error };
  }

  const validate = getValidator();
  if (!validate(read.value)) {
    const first = validate.errors?.[0];
    if (!first) return { error: { file: source, message: 'does not match the policy schema' } };
    const described = describeSchemaError(first);
    // jsonc-parser's tree maps the pointer to an offset in the text.
    const tree = safeParseTree(read.text);
    const error: PolicyError = {
      file: source,
      pointer: described.pointer,
      message: described.pointer === '' ? `the policy ${described.message}` : described.message,
      ...locate(read.text, tree, described.pointer, described.key),
    };
    return { error };
  }

  const value = read.value as Record<string, unknown> & Omit<Policy, 'source'>;
  const problem = ruleProblem(value);
  if (problem) {
    const position = locate(read.text, safeParseTree(read.text), problem.pointer, false);
    return { error: { file: source, pointer: problem.pointer, message: problem.message, ...position } };
  }

  const { $schema: _schema, ...rest } = value;
  const policy: Policy = { ...rest, source };
  if (policy.daemon?.schedule !== undefined) policy.daemon = { ...policy.daemon, schedule: policy.daemon.schedule.trim() };
  if (policy.gateway?.caFile !== undefined) {
    policy.gateway = { ...policy.gateway, caFile: path.resolve(path.dirname(source), policy.gateway.caFile) };
  }
  return { policy };
}

/** The first value that passes the schema but breaks a rule the schema cannot express. */
function ruleProblem(value: Omit<Policy, 'source'>): { pointer: string; message: string } | undefined {
  const latency = value.latency;
  if (latency?.warnMs !== undefined && latency.failMs !== undefined && latency.failMs < latency.warnMs) {
    return { pointer: '/latency/failMs', message: `${latency.failMs} must not be below /latency/warnMs (${latency.warnMs})` };
  }
  return value.daemon ? daemonProblem(value.daemon) : undefined;
}

/** The daemon section: what the daemon would refuse at start-up is refused here, for every command. */
function daemonProblem(d: DaemonPolicy): { pointer: string; message: string } | undefined {
  if (d.schedule !== undefined) {
    if (d.schedule.trim() === '') return { pointer: '/daemon/schedule', message: 'must be a non-empty string' };
    const problem = scheduleProblem(d.schedule);
    if (problem) return { pointer: '/daemon/schedule', message: `"${d.schedule}": ${problem}` };
  }
  if (d.jsonFile !== undefined) {
    if (d.jsonFile.trim() === '') return { pointer: '/daemon/jsonFile', message: 'must be a non-empty string' };
    if (!d.jsonFile.startsWith('~/') && !path.posix.isAbsolute(d.jsonFile) && !path.win32.isAbsolute(d.jsonFile)) {
      return { pointer: '/daemon/jsonFile', message: 'must be an absolute path or start with ~/' };
    }
  }
  const urls = d.syslog === undefined ? [] : Array.isArray(d.syslog) ? d.syslog : [d.syslog];
  for (const [i, url] of urls.entries()) {
    try {
      parseSyslogUrl(url);
    } catch (err) {
      return { pointer: Array.isArray(d.syslog) ? `/daemon/syslog/${i}` : '/daemon/syslog', message: `"${url}": ${(err as Error).message}` };
    }
  }
  return undefined;
}
