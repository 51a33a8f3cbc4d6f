/**
 * Target 3: x-portkey-metadata text (arbitrary strings, near-JSON, JSON-alphabet soup) →
 * analyzeMetadata never throws; invalid JSON is exactly what JSON.parse rejects and is located
 * at a line/column inside the text; the strict parser's own scanner agrees with V8 on every input
 * (its `unknown` code means they disagree); with a generated policy, every required key is
 * judged by the object's own keys; and the metadata-header check, run through the engine with and
 * without a policy, reports the analysis' first code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/contract/check.js';
import { CHECKS } from '../../src/checks/index.js';
import { selectChecks } from '../../src/run/select.js';
import { parseJsonStrict } from '../../src/config/json.js';
import type { Policy } from '../../src/config/policy.js';
import type { Discovery, SettingsSource } from '../../src/config/settings.js';
import type { Target } from '../../src/config/target.js';
import { resolveHeaders } from '../../src/inference/headers.js';
import { analyzeMetadata, type MetadataCode } from '../../src/inference/metadata.js';
import { METADATA_MAX_VALUE_LENGTH } from '../../src/core/portkey.js';
import { runChecks } from '../../src/engine/runner.js';
import { applyTextMutation, jsonValue, metadataText, textMutation, validPolicyObject, weirdString } from './arbitraries.js';
import { expectSoundResults, params, testTimeout, withDeadline } from './support.js';
import { fakeIO } from '../../src/io/fakes.js';

const CODES: MetadataCode[] = [
  'METADATA_INVALID_JSON',
  'METADATA_NOT_OBJECT',
  'METADATA_VALUE_NOT_STRING',
  'METADATA_VALUE_TOO_LONG',
  'METADATA_KEY_CASE',
  'METADATA_REQUIRED_MISSING',
  'METADATA_VALUE_NOT_ALLOWED',
];

/** Characters JSON is made of, plus the usual intruders: random soup that often nearly parses. */
const jsonSoup = fc.string({
  unit: fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    ' ',
    '\n',
    '\r',
    '\t',
    'a',
    '1',
    '0',
    '-',
    '.',
    'e',
    'E',
    '+',
    '\\',
    'u',
    't',
    'r',
    'n',
    'l',
    'f',
    's',
    '/',
    '*',
    "'",
    '“',
    '\u0000',
    '\ufeff',
    '\u2028',
  ),
  maxLength: 40,
});

const metadataInput: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: metadataText, weight: 3 },
  { arbitrary: jsonSoup, weight: 3 },
  { arbitrary: fc.tuple(fc.json({ maxDepth: 3 }), textMutation()).map(([t, m]) => applyTextMutation(t, m)), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
  { arbitrary: weirdString, weight: 1 },
);

const KEYS = ['team', 'Team', 'TEAM', 'env', 'tenant', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'x'];

/** A metadata object and a policy about the same keys. */
const policyAndObject = fc.record({
  object: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.constantFrom('eng', 'prod', 'dev', '', 'x'.repeat(METADATA_MAX_VALUE_LENGTH + 1)), jsonValue), {
    maxKeys: 6,
  }),
  requiredKeys: fc.array(fc.constantFrom(...KEYS), { maxLength: 5 }),
  allowedValues: fc.dictionary(fc.constantFrom(...KEYS), fc.array(fc.constantFrom('eng', 'prod', 'dev', ''), { minLength: 1, maxLength: 3 }), { maxKeys: 3 }),
});

/** Where a 1-based line/column points must exist in the text (the column may be one past a line's end). */
function expectInside(text: string, line: number, column: number): void {
  const lines = text.split(/\r\n|\r|\n/);
  expect(line).toBeGreaterThanOrEqual(1);
  expect(column).toBeGreaterThanOrEqual(1);
  expect(line).toBeLessThanOrEqual(lines.length);
  expect(column).toBeLessThanOrEqual(lines[line - 1]!.length + 1);
}

const METADATA_CHECKS = selectChecks(CHECKS, ['metadata-header']);

/** Runs claude-settings → extra-headers → metadata-header on a target carrying the header. */
async function runMetadataCheck(target: Target, policy: Policy | undefined): Promise<CheckResult[]> {
  const source: SettingsSource = { kind: 'profile', location: '/fuzz/profile.json', managed: false, bom: false, files: [], values: {} };
  const discovery: Discovery = { searched: [], sources: [source], inForce: source, shadowed: [] };
  return runChecks(
    METADATA_CHECKS,
    { target, discovery, policy, options: { live: false, samples: 1, insecure: false }, env: {}, ...fakeIO() },
    { checkTimeoutMs: 5_000, runTimeoutMs: 5_000 },
  );
}

describe('fuzz: x-portkey-metadata', () => {
  it(
    'analyzeMetadata: never throws; invalid JSON exactly when JSON.parse says so, located inside the text',
    async () => {
      await fc.assert(
        fc.asyncProperty(metadataInput, fc.option(validPolicyObject, { nil: undefined }), async (text, policyObject) => {
          const policy = policyObject ? ({ ...policyObject, source: '/fuzz/policy.json' } as Policy) : undefined;
          const analysis = await withDeadline(undefined, 'metadata', () => analyzeMetadata(text, policy));
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          for (const f of analysis.findings) expect(CODES).toContain(f.code);
          const invalid = analysis.findings.find((f) => f.code === 'METADATA_INVALID_JSON');
          expect(invalid !== undefined).toBe(!valid);
          if (invalid) {
            expect(analysis.findings).toHaveLength(1);
            expectInside(text, invalid.line!, invalid.column!);
          }
          const strict = parseJsonStrict(text);
          expect(strict.ok).toBe(valid);
          if (!strict.ok) {
            expect(strict.code, `the scanner and JSON.parse disagree on ${JSON.stringify(text)}`).not.toBe('unknown');
            expect(strict.offset).toBeGreaterThanOrEqual(0);
            expect(strict.offset).toBeLessThanOrEqual(text.length);
          }
        }),
        params(6_000, 20_000),
      );
    },
    testTimeout(20_000),
  );

  it(
    'with a policy: required keys and allowed values are judged by the object’s own keys',
    async () => {
      await fc.assert(
        fc.asyncProperty(policyAndObject, async ({ object, requiredKeys, allowedValues }) => {
          const policy: Policy = { source: '/fuzz/policy.json', metadata: { requiredKeys, allowedValues } };
          const text = JSON.stringify(object);
          const record = JSON.parse(text) as Record<string, unknown>;
          const { findings } = analyzeMetadata(text, policy);
          const keysOf = (code: MetadataCode) => findings.find((f) => f.code === code)?.keys ?? [];
          const own = Object.keys(record);
          const missing = requiredKeys.filter((k) => !Object.hasOwn(record, k));
          const caseOnly = missing.filter((k) => own.some((h) => h !== k && h.toLowerCase() === k.toLowerCase()));
          expect(keysOf('METADATA_KEY_CASE')).toEqual(caseOnly);
          expect(keysOf('METADATA_REQUIRED_MISSING')).toEqual(missing.filter((k) => !caseOnly.includes(k)));
          expect(keysOf('METADATA_VALUE_NOT_STRING')).toEqual(own.filter((k) => typeof record[k] !== 'string'));
          expect(keysOf('METADATA_VALUE_TOO_LONG')).toEqual(
            own.filter((k) => typeof record[k] === 'string' && (record[k] as string).length > METADATA_MAX_VALUE_LENGTH),
          );
          expect(keysOf('METADATA_VALUE_NOT_ALLOWED')).toEqual(
            Object.keys(allowedValues).filter(
              (k) => Object.hasOwn(record, k) && typeof record[k] === 'string' && !(allowedValues[k] as string[]).includes(record[k] as string),
            ),
          );
        }),
        params(3_000, 15_000),
      );
    },
    testTimeout(15_000),
  );

  it(
    'the metadata-header check, with and without a policy: the analysis’ first code, declared by the check',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          metadataInput,
          fc.constantFrom('custom', 'gateway', 'flag', 'none'),
          fc.option(validPolicyObject, { nil: undefined }),
          async (text, via, policyObject) => {
            const policy = policyObject ? ({ ...policyObject, source: '/fuzz/policy.json' } as Policy) : undefined;
            const target: Target = { flagHeaders: [], managed: false };
            if (via === 'custom') target.customHeaders = { value: { 'x-portkey-metadata': text }, origin: 'profile' };
            if (via === 'gateway') target.gatewayHeaders = { value: [`x-portkey-metadata: ${text}`], origin: 'profile' };
            if (via === 'flag') target.flagHeaders = [{ name: 'x-portkey-metadata', value: text }];
            const results = await withDeadline(undefined, 'metadata check', () => runMetadataCheck(target, policy));
            expectSoundResults(results, METADATA_CHECKS);
            const result = results.find((r) => r.id === 'metadata-header')!;
            if (result.code === 'BLOCKED') return; // extra-headers found the header itself broken
            const header = resolveHeaders(target).headers.find((h) => h.name.toLowerCase() === 'x-portkey-metadata');
            if (!header) {
              expect(result.code ?? 'ok').toBe((policy?.metadata?.requiredKeys?.length ?? 0) > 0 ? 'METADATA_REQUIRED_NOT_SET' : 'ok');
            } else {
              expect(result.code ?? 'ok').toBe(analyzeMetadata(header.value as string, policy).findings[0]?.code ?? 'ok');
            }
          },
        ),
        params(2_000, 20_000),
      );
    },
    testTimeout(20_000),
  );
});
