/**
 * Issue 11 inputs: applied entries whose key names are known, misspelt (case, one or two edits),
 * tools' markers, arbitrary strings, nested under a wrapper object or written as the
 * `{"$schemaVersion": 2, …}` document; with credential helpers, SSO and kinds of any shape → real
 * discovery → the settings checks → the reports. No input may crash a check, yield an undeclared
 * code, hang, or let the key — placed in every value the app does not read — into the output.
 * Also `suggestKey` alone: never throws, answers fast on long names, and only ever suggests a
 * known key.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKnownKey, KNOWN_KEYS, suggestKey } from '../../src/app/config-keys.js';
import { jsonValue, weirdString } from './arbitraries.js';
import { brief, expectNoLeak, expectSoundResults, params, printable, runSettings, TEST_KEY, TempRoot, testTimeout, Watchdog, withDeadline } from './support.js';

const ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
const KNOWN = [...KNOWN_KEYS.keys()];

/** A known key changed by case or one or two edits (so sometimes still known, mostly a near miss). */
const misspelt: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...KNOWN), fc.nat(), fc.constantFrom('upper', 'drop', 'insert', 'swap', 'two'))
  .map(([key, n, how]) => {
    const i = n % key.length;
    switch (how) {
      case 'upper':
        return key.slice(0, i) + key.charAt(i).toUpperCase() + key.slice(i + 1).replace(/Url$/, 'URL');
      case 'drop':
        return key.slice(0, i) + key.slice(i + 1);
      case 'insert':
        return `${key.slice(0, i)}x${key.slice(i)}`;
      case 'swap':
        return key.slice(0, i) + key.charAt(i + 1) + key.charAt(i) + key.slice(i + 2);
      default:
        return `${key.slice(0, i)}zz${key.slice(i + 2)}`;
    }
  });

const keyName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN), weight: 4 },
  { arbitrary: misspelt, weight: 4 },
  { arbitrary: fc.constantFrom('ccds_managed', 'claudepot_managed', 'acme_managed', 'keys', 'inference', '$schemaVersion', 'deploymentMode'), weight: 2 },
  { arbitrary: weirdString, weight: 2 },
);

/** Values for keys the doctor judges; kept free of the key so the checks that echo values may. */
const judged: Record<string, fc.Arbitrary<unknown>> = {
  inferenceProvider: fc.constantFrom('gateway', 'bedrock', '', 5),
  inferenceGatewayBaseUrl: fc.constantFrom('https://api.portkey.ai', 'http://127.0.0.1:8787', 'not a url', 42),
  inferenceCredentialHelper: fc.constantFrom('/usr/local/bin/get-key', 'bin/get-key', 'C:\\Tools\\k.exe', '', 7, null),
  inferenceCredentialHelperTimeoutSec: fc.constantFrom(1, 60, '30', 0, 601, 'x'),
  inferenceCredentialKind: fc.constantFrom('static', 'helper-script', 'interactive', 'oauth', 'magic', 3, null),
  inferenceGatewayOidc: fc.oneof(
    fc.constant({ clientId: 'c', issuer: 'https://login.example.com' }),
    fc.constant('{"clientId": "c", "issuer": "https://i"}'),
    fc.constant('{"clientId": '),
    jsonValue,
  ),
  inferenceModels: fc.constantFrom(['claude-sonnet-4-5'], ['openai/gpt-5.5', 'claude-x[1m]'], '["claude-opus-4-1"]', [{ name: 'claude-y', prefer1m: 'x' }], 3),
  inferenceGatewayAuthScheme: fc.constantFrom('bearer', 'sso', 'x-api-key', 'auto'),
};

/** Any value the app does not read (unknown key, misspelt key, nested container): it holds the key. */
const secretValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(TEST_KEY),
  fc.constant({ inferenceGatewayApiKey: TEST_KEY, inferenceProvider: 'gateway', inferenceGatewayBaseUrl: `https://user:${TEST_KEY}@h` }),
  fc.constant([TEST_KEY, { token: TEST_KEY }]),
  fc.constant({ provider: 'gateway', gateway: { apiKey: TEST_KEY } }),
);

const entry: fc.Arbitrary<Record<string, unknown>> = fc.array(keyName, { maxLength: 25 }).chain((names) =>
  fc
    .tuple(...names.map((name) => (isKnownKey(name) && name !== 'inferenceGatewayApiKey' ? (judged[name] ?? fc.constantFrom(true, 1, 'x')) : secretValue)))
    .map((values) => {
      const obj: Record<string, unknown> = {};
      names.forEach((n, i) => {
        obj[n] = values[i];
      });
      return obj;
    }),
);

describe('fuzz: key layouts of the applied entry', () => {
  const temp = new TempRoot();
  let watchdog: Watchdog;
  beforeAll(() => {
    watchdog = new Watchdog();
  });
  afterAll(() => {
    watchdog.stop();
    temp.cleanup();
  });

  it(
    'no crash, no undeclared code, no hang, no key in any output',
    async () => {
      await fc.assert(
        fc.asyncProperty(entry.map(printable), async (obj) => {
          const dir = temp.dir();
          try {
            const lib = join(dir, 'configLibrary');
            mkdirSync(lib);
            writeFileSync(join(lib, '_meta.json'), JSON.stringify({ appliedId: ID }));
            writeFileSync(join(lib, `${ID}.json`), JSON.stringify(obj));
            watchdog.arm(`entry ${brief(obj)}`);
            const run = await withDeadline(watchdog, 'settings checks', () => runSettings({ home: dir, claudeDir: dir }));
            expectSoundResults(run.results);
            expectNoLeak(run);
          } finally {
            watchdog.disarm();
            temp.remove(dir);
          }
        }),
        params(400, 30_000),
      );
    },
    testTimeout(30_000),
  );
});

describe('fuzz: suggestKey', () => {
  it(
    'never throws, answers a known key or nothing, fast even for long names',
    () => {
      fc.assert(
        fc.property(fc.oneof(weirdString, misspelt, fc.string({ maxLength: 5_000 })), (name) => {
          const t0 = performance.now();
          const s = suggestKey(name);
          expect(performance.now() - t0).toBeLessThan(200);
          if (s !== undefined) expect(isKnownKey(s)).toBe(true);
          if (isKnownKey(name)) expect(s).toBeUndefined();
        }),
        params(3_000, 10_000),
      );
    },
    testTimeout(10_000),
  );
});
