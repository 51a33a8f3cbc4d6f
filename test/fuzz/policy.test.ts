/**
 * Target 4: generated policy files (valid per schema, structurally edited, and near-valid text)
 * → loadPolicy. It never throws; it returns a policy or an error with a message; every accepted
 * policy passes the schema (checked here with a separate validator) and the latency order; and
 * every file that is valid JSON passing both is accepted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AjvModule from 'ajv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripBom } from '../../src/config/json.js';
import { loadPolicy } from '../../src/config/policy-load.js';
import { applyPolicyEdit, bigValue, jsonFileOf, jsonValue, policyEdit, renderJsonFile, validPolicyObject, type JsonFileSpec } from './arbitraries.js';
import { brief, params, printable, TempRoot, testTimeout, Watchdog, withDeadline } from './support.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/policy.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new AjvModule.default({ strict: true, allErrors: false }).compile(schema);

/** The policy value: valid, edited once or twice, or any JSON at all. */
const policyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: validPolicyObject, weight: 4 },
  { arbitrary: fc.tuple(validPolicyObject, policyEdit).map(([p, e]) => applyPolicyEdit(p, e)), weight: 4 },
  {
    arbitrary: fc.tuple(validPolicyObject, policyEdit, policyEdit).map(([p, a, b]) => {
      const once = applyPolicyEdit(p, a);
      return once !== null && typeof once === 'object' && !Array.isArray(once) ? applyPolicyEdit(once as Record<string, unknown>, b) : once;
    }),
    weight: 2,
  },
  { arbitrary: jsonValue, weight: 1 },
);

const caseArb = fc.record({ file: jsonFileOf(policyValue), required: fc.boolean() }).map(printable);

/** Policies with one huge, long or deeply nested value somewhere. */
const bigCaseArb = fc
  .record({
    file: jsonFileOf(
      fc
        .tuple(
          validPolicyObject,
          fc.constantFrom<string[]>(['typo'], ['metadata', 'allowedValues', 'env'], ['metadata', 'requiredKeys'], ['gateway', 'caFile'], ['latency']),
          bigValue,
        )
        .map(([p, path, big]) => applyPolicyEdit(p, { path, op: 'set', value: big })),
    ),
    required: fc.boolean(),
  })
  .map(printable);

/** What the file says when read as the doctor reads JSON (UTF-8, BOM stripped), or undefined. */
function parsed(bytes: Buffer): { value: unknown } | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return undefined;
  try {
    return { value: JSON.parse(stripBom(bytes.toString('utf8'))) };
  } catch {
    return undefined;
  }
}

function latencyOrdered(value: unknown): boolean {
  const latency = (value as { latency?: { warnMs?: number; failMs?: number } }).latency;
  return !(latency?.warnMs !== undefined && latency.failMs !== undefined && latency.failMs < latency.warnMs);
}

describe('fuzz: policy files', () => {
  const temp = new TempRoot();
  const watchdog = new Watchdog();
  beforeAll(() => watchdog.start());
  afterAll(() => {
    watchdog.stop();
    temp.cleanup();
  });

  /** One input: write the policy file (one path, rewritten by every input), load it, judge the outcome. */
  async function property(c: { file: JsonFileSpec; required: boolean }): Promise<void> {
    const dir = temp.root;
    const file = join(dir, 'policy.json');
    const bytes = renderJsonFile(c.file);
    writeFileSync(file, bytes);
    const loaded = await withDeadline(watchdog, `policy ${brief(c, 60)}`, () => loadPolicy(file, { required: c.required }));
    const json = parsed(bytes);
    if ('error' in loaded) {
      const e = loaded.error;
      expect(typeof e.message).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.file).toBe(resolve(file));
      if (e.line !== undefined) {
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeGreaterThanOrEqual(1);
      }
      if (e.pointer !== undefined) expect(e.pointer === '' || e.pointer.startsWith('/')).toBe(true);
      // Nothing valid is refused.
      if (json) expect(validate(json.value) && latencyOrdered(json.value), `refused a valid policy: ${e.message}`).toBe(false);
      return;
    }
    const policy = loaded.policy;
    expect(policy).toBeDefined();
    expect(json, 'accepted a file that is not JSON').toBeDefined();
    expect(validate(json!.value), `accepted a policy the schema rejects: ${JSON.stringify(validate.errors?.[0])}`).toBe(true);
    expect(latencyOrdered(json!.value)).toBe(true);
    expect(policy!.source).toBe(resolve(file));
    expect(policy).not.toHaveProperty('$schema');
    // A relative caFile is relative to the policy file's folder.
    const caFile = (json!.value as { gateway?: { caFile?: string } }).gateway?.caFile;
    if (caFile !== undefined) expect(policy!.gateway?.caFile).toBe(resolve(dir, caFile));
  }

  it(
    'loadPolicy: a policy that passes the schema, or an error with a message; never a throw',
    async () => {
      await fc.assert(fc.asyncProperty(caseArb, property), params(2_000, 20_000));
    },
    testTimeout(20_000),
  );

  it(
    'huge, long and deeply nested policies: the same, within the deadline',
    async () => {
      await fc.assert(fc.asyncProperty(bigCaseArb, property), params(30, 20_000));
    },
    testTimeout(20_000),
  );

  it('a missing file is no policy unless it was asked for', async () => {
    const missing = join(temp.root, 'none', 'policy.json');
    expect(await loadPolicy(missing, { required: false })).toEqual({ policy: undefined });
    expect(await loadPolicy(missing, { required: true })).toHaveProperty('error.message');
  });
});
