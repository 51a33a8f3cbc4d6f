/**
 * Target 5: generated `inferenceCustomHeaders` / `inferenceGatewayHeaders` values (native,
 * managed string-encoded, broken, deep, of any type) and `--header` flags → resolveHeaders never
 * throws; every header it returns has a valid token name and a string value, once per name;
 * problems carry known codes, most severe first; and the extra-headers check reports the first.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { selectChecks } from '../../src/run/select.js';
import type { Discovery, SettingsSource } from '../../src/config/settings.js';
import type { ExtraHeader, Target } from '../../src/config/target.js';
import { parseHeaderFlag } from '../../src/config/flags.js';
import { resolveHeaders, type HeaderProblemCode } from '../../src/inference/headers.js';
import { runChecks } from '../../src/engine/runner.js';
import { UsageError } from '../../src/core/usage-error.js';
import { Secret } from '../../src/core/secret.js';
import { customHeadersNative, deep, encodedOrNative, expand, gatewayHeadersNative, headerName, jsonValue, weirdString } from './arbitraries.js';
import { expectSoundResults, params, printable, testTimeout, withDeadline } from './support.js';
import { fakeIO } from '../../src/io/fakes.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ORDER: HeaderProblemCode[] = [
  'HEADERS_INVALID_JSON',
  'HEADERS_WRONG_TYPE',
  'HEADERS_VALUE_NOT_STRING',
  'HEADERS_ENTRY_MALFORMED',
  'HEADERS_BAD_NAME',
  'HEADERS_BAD_VALUE',
  'HEADERS_NATIVE_IN_MANAGED',
  'HEADERS_CREDENTIAL',
  'HEADERS_DUPLICATE',
  'HEADERS_BOTH_KEYS',
];
const CREDENTIALS = ['authorization', 'x-api-key', 'x-portkey-api-key', 'proxy-authorization'];

/** Values no JSON file holds but a plist or the registry can: dates, bytes, odd objects. */
const exotic: fc.Arbitrary<unknown> = fc.constantFrom(
  new Date(0),
  new Date(Number.NaN),
  Uint8Array.from([1, 2, 3]),
  { binary: true, length: 3 },
  Object.create(null) as object,
);

/** A JSON-encoded value nested far deeper than any parser limit of ours. */
const deepEncoded = fc
  .constantFrom(100, 5_000, 100_000)
  .map((n) => [expand(JSON.stringify(deep(n))), `{"x-portkey-metadata":${expand(JSON.stringify(deep(n)))}}`]);

function field(native: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { arbitrary: encodedOrNative(native), weight: 24 },
    { arbitrary: jsonValue, weight: 3 },
    { arbitrary: exotic, weight: 3 },
    { arbitrary: deepEncoded.chain((pair) => fc.constantFrom(...pair)), weight: 1 },
  );
}

const flagHeader: fc.Arbitrary<ExtraHeader> = fc.oneof(
  fc.tuple(headerName, weirdString).map(([name, value]) => ({ name, value })),
  fc.tuple(headerName, weirdString).chain(([name, value]) => {
    try {
      return fc.constant(parseHeaderFlag(`${name}: ${value}`));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      return fc.constant({ name: 'x-fuzz', value });
    }
  }),
);

const targetArb: fc.Arbitrary<Target> = fc
  .record(
    {
      custom: field(customHeadersNative),
      gateway: field(gatewayHeadersNative),
      flags: fc.array(flagHeader, { maxLength: 3 }),
      managed: fc.boolean(),
      origin: fc.constantFrom('profile' as const, 'legacy' as const, 'managed-plist' as const, 'managed-registry' as const),
    },
    { requiredKeys: ['flags', 'managed', 'origin'] },
  )
  .map(({ custom, gateway, flags, managed, origin }) => {
    const target: Target = { flagHeaders: flags, managed };
    if (custom !== undefined) target.customHeaders = { value: custom, origin };
    if (gateway !== undefined) target.gatewayHeaders = { value: gateway, origin };
    return printable(target);
  });

const EXTRA_CHECKS = selectChecks(CHECKS, ['extra-headers']);

describe('fuzz: extra headers', () => {
  it(
    'resolveHeaders: never throws; valid, unique names with string values (a Secret for a credential); known codes in order',
    async () => {
      await fc.assert(
        fc.asyncProperty(targetArb, async (target) => {
          const { headers, problems } = await withDeadline(undefined, 'headers', () => resolveHeaders(target));
          const names = headers.map((h) => h.name.toLowerCase());
          expect(new Set(names).size).toBe(names.length);
          for (const h of headers) {
            expect(h.name, `invalid header name ${JSON.stringify(h.name)}`).toMatch(TOKEN);
            // A credential header's value is a Secret (issue 12.1); every other value is a string.
            if (h.credential) expect(h.value).toBeInstanceOf(Secret);
            else expect(typeof h.value).toBe('string');
            expect(['inferenceCustomHeaders', 'inferenceGatewayHeaders', 'flag']).toContain(h.from);
          }
          const ranks = problems.map((p) => ORDER.indexOf(p.code));
          expect(ranks.every((r) => r >= 0)).toBe(true);
          expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
          for (const p of problems) {
            if (p.line !== undefined) {
              expect(p.line).toBeGreaterThanOrEqual(1);
              expect(p.column).toBeGreaterThanOrEqual(1);
            }
          }
          // What must be there.
          for (const f of target.flagHeaders) {
            if (!TOKEN.test(f.name)) continue;
            const last = [...target.flagHeaders].reverse().find((g) => g.name.toLowerCase() === f.name.toLowerCase())!;
            const found = headers.find((h) => h.name.toLowerCase() === f.name.toLowerCase());
            expect(found).toMatchObject({ from: 'flag' });
            const reveal = (v: unknown) => (v instanceof Secret ? v.reveal() : v);
            expect(reveal(found?.value)).toBe(reveal(last.value));
          }
          const codes = new Set(problems.map((p) => p.code));
          if (target.customHeaders && target.gatewayHeaders) expect(codes.has('HEADERS_BOTH_KEYS')).toBe(true);
          if (headers.some((h) => h.from !== 'flag' && CREDENTIALS.includes(h.name.toLowerCase()))) expect(codes.has('HEADERS_CREDENTIAL')).toBe(true);
          for (const f of [target.customHeaders, target.gatewayHeaders]) {
            if (target.managed && f && f.value !== null && typeof f.value === 'object') expect(codes.has('HEADERS_NATIVE_IN_MANAGED')).toBe(true);
          }
        }),
        params(5_000, 20_000),
      );
    },
    testTimeout(20_000),
  );

  it(
    'the extra-headers check reports the first problem with a declared code',
    async () => {
      await fc.assert(
        fc.asyncProperty(targetArb, async (target) => {
          const source: SettingsSource = { kind: 'profile', location: '/fuzz/profile.json', managed: target.managed, bom: false, files: [], values: {} };
          const discovery: Discovery = { searched: [], sources: [source], inForce: source, shadowed: [] };
          const results = await withDeadline(undefined, 'extra-headers check', () =>
            runChecks(
              EXTRA_CHECKS,
              { target, discovery, policy: undefined, options: { live: false, samples: 1, insecure: false }, env: {}, ...fakeIO() },
              { checkTimeoutMs: 5_000, runTimeoutMs: 5_000 },
            ),
          );
          expectSoundResults(results, EXTRA_CHECKS);
          const result = results.at(-1)!;
          expect(result.code ?? 'ok').toBe(resolveHeaders(target).problems[0]?.code ?? 'ok');
        }),
        params(1_500, 15_000),
      );
    },
    testTimeout(15_000),
  );
});
