/**
 * Target 6: generated argv (known flags with random values, `--flag=value` forms, unknown flags,
 * empty strings, unicode, positionals) → parseDoctorFlags either returns sound flags or throws a
 * UsageError, never anything else; and a sample through the real built CLI (`npm run build`
 * first; runCli adds --offline): exit 0, 1 or 2, no stack trace, a `portkey-doctor: ` message
 * for exit 2 (never an internal error), and the key nowhere in stdout or stderr.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { selectChecks } from '../../src/run/select.js';
import { parseDoctorFlags } from '../../src/config/flags.js';
import { UsageError } from '../../src/core/usage-error.js';
import { CLI, GOOD_PROFILE, runCli, TEST_KEY } from '../cli/run-cli.js';
import { baseUrlValue, headerName, weirdString } from './arbitraries.js';
import { findLeak, params, printable, TempRoot, testTimeout } from './support.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const NUMBERS = ['0', '1', '2', '30', '3600', '3601', '-1', '1.5', '0.0001', '1e3', ' 5 ', '5 ', 'abc', '', 'Infinity', 'NaN', '100', '101', '٣', '0x10', '07'];
const ONLY_SAFE = ['settings', 'app', 'settings,app', 'claude-settings', 'models,api-key', ' settings , ', 'bogus', '', ',', 'settings,,app', 'SETTINGS'];
const ONLY_ANY = [...ONLY_SAFE, 'network', 'gateway', 'dns,tls', 'latency'];
const BOOLEANS = ['--json', '--verbose', '-v', '-vv', '--no-color', '--no-policy', '--live', '--insecure', '--offline', '--help', '-h', '--version', '-V'];

/** Values for the flags that take a path, a name or a number. */
interface Pools {
  path: fc.Arbitrary<string>;
  plugin: fc.Arbitrary<string>;
  keyEnv: fc.Arbitrary<string>;
  only: readonly string[];
}

/** One unit of argv: a flag with its value (separate or `=`), a boolean, an unknown flag, a positional. */
function argUnit(p: Pools): fc.Arbitrary<string[]> {
  const withValue = (flag: string, value: fc.Arbitrary<string>) => fc.tuple(value, fc.boolean()).map(([v, joined]) => (joined ? [`${flag}=${v}`] : [flag, v]));
  const str = fc.oneof(
    weirdString,
    baseUrlValue.filter((v): v is string => typeof v === 'string'),
  );
  return fc.oneof(
    withValue('--claude-dir', p.path),
    withValue('--managed', p.path),
    withValue('--policy', p.path),
    withValue('--api-key-file', p.path),
    withValue('--plugin', p.plugin),
    withValue('--base-url', str),
    withValue('--auth-scheme', fc.oneof(fc.constantFrom('bearer', 'x-api-key', 'sso'), weirdString)),
    withValue('--api-key-env', p.keyEnv),
    withValue('--api-key', fc.constantFrom(TEST_KEY, '')),
    withValue(
      '--header',
      fc.oneof(
        fc.tuple(headerName, weirdString).map(([n, v]) => `${n}: ${v}`),
        weirdString,
      ),
    ),
    withValue('--timeout', fc.constantFrom(...NUMBERS)),
    withValue('--check-timeout', fc.constantFrom(...NUMBERS)),
    withValue('--samples', fc.constantFrom(...NUMBERS)),
    withValue('--only', fc.constantFrom(...p.only)),
    fc.constantFrom(...BOOLEANS).map((b) => [b]),
    fc.constantFrom('--json=1', '--no-policy=', '--bogus', '-x', '-', '--', '---json', '--JSON', '--time-out', '—json', '--j\u0000son').map((u) => [u]),
    fc.string({ maxLength: 10 }).map((s) => [`--${s}`]),
    fc
      .oneof(
        weirdString.filter((s) => !s.startsWith('-')),
        fc.constantFrom('doctor', 'help', 'daemon'),
      )
      .map((s) => [s]),
  );
}

function argvOf(p: Pools, maxUnits: number): fc.Arbitrary<string[]> {
  return fc.array(argUnit(p), { maxLength: maxUnits }).map((units) => units.flat());
}

describe('fuzz: command-line flags', () => {
  it(
    'parseDoctorFlags: sound flags or a UsageError, nothing else',
    async () => {
      const pools: Pools = {
        path: fc.oneof(weirdString, fc.constantFrom('/tmp', '/nonexistent-fuzz/x', '.', '')),
        plugin: weirdString,
        keyEnv: fc.oneof(weirdString, fc.constantFrom('FUZZ_KEY', 'PATH')),
        only: ONLY_ANY,
      };
      await fc.assert(
        fc.asyncProperty(argvOf(pools, 6), async (argv) => {
          let flags;
          try {
            flags = parseDoctorFlags(argv);
          } catch (err) {
            expect(err, `threw ${String(err)}`).toBeInstanceOf(UsageError);
            expect((err as UsageError).message.length).toBeGreaterThan(0);
            expect(findLeak(`${(err as UsageError).message} ${(err as UsageError).hint ?? ''}`, TEST_KEY)).toBeUndefined();
            return;
          }
          expect(flags.timeoutMs).toBeGreaterThan(0);
          expect(flags.timeoutMs).toBeLessThanOrEqual(3_600_000);
          expect(flags.checkTimeoutMs).toBeGreaterThan(0);
          expect(flags.checkTimeoutMs).toBeLessThanOrEqual(3_600_000);
          expect(Number.isInteger(flags.samples) && flags.samples >= 1 && flags.samples <= 100).toBe(true);
          for (const h of flags.headers) expect(h.name).toMatch(TOKEN);
          if (flags.only) {
            expect(flags.only.length).toBeGreaterThan(0);
            for (const o of flags.only) expect(o.length > 0 && o === o.trim()).toBe(true);
          }
          expect(flags.policyFile !== undefined && flags.noPolicy).toBe(false);
          expect(flags.apiKeyEnv !== undefined && flags.apiKeyFile !== undefined).toBe(false);
          for (const p of [flags.claudeDir, flags.managedFile, flags.policyFile, flags.apiKeyEnv, flags.apiKeyFile]) {
            if (p !== undefined) expect(p.trim()).not.toBe('');
          }
        }),
        params(6_000, 15_000),
      );
    },
    testTimeout(15_000),
  );

  describe('through the built CLI', () => {
    const temp = new TempRoot();
    const fx = {
      goodDir: join(temp.root, 'good'),
      brokenDir: join(temp.root, 'broken'),
      managed: join(temp.root, 'managed.plist'),
      policyOk: join(temp.root, 'policy-ok.json'),
      policyBad: join(temp.root, 'policy-bad.json'),
      keyFile: join(temp.root, 'key.txt'),
      emptyKeyFile: join(temp.root, 'empty-key.txt'),
    };
    const ID = 'f0f0f0f0-0000-4000-8000-000000000001';

    beforeAll(() => {
      for (const [dir, profile] of [
        [fx.goodDir, JSON.stringify(GOOD_PROFILE)],
        [fx.brokenDir, `{"inferenceGatewayApiKey": "${TEST_KEY}",`],
      ] as const) {
        mkdirSync(join(dir, 'configLibrary'), { recursive: true });
        writeFileSync(join(dir, 'configLibrary', '_meta.json'), JSON.stringify({ appliedId: ID }));
        writeFileSync(join(dir, 'configLibrary', `${ID}.json`), profile);
      }
      writeFileSync(
        fx.managed,
        `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>inferenceProvider</key><string>gateway</string><key>inferenceGatewayApiKey</key><string>${TEST_KEY}</string><key>inferenceModels</key><array><string>m</string></array></dict></plist>`,
      );
      writeFileSync(fx.policyOk, JSON.stringify({ metadata: { requiredKeys: ['team'] }, gateway: { allowedBaseUrls: ['https://api.portkey.ai'] } }));
      writeFileSync(fx.policyBad, '{"metadata": {"requiredKeys": [1]}}');
      writeFileSync(fx.keyFile, `${TEST_KEY}\n`);
      writeFileSync(fx.emptyKeyFile, '\n');
    });
    afterAll(() => temp.cleanup());

    const settingsIds = new Set(selectChecks(CHECKS, ['settings', 'app']).map((c) => c.id));
    /** Inputs whose --only would reach the network are left out: runCli adds --offline only when --only is absent. */
    function offlineOnly(argv: string[]): boolean {
      try {
        const flags = parseDoctorFlags(argv);
        return !flags.only || selectChecks(CHECKS, flags.only).every((c) => settingsIds.has(c.id));
      } catch {
        return true; // a usage error: exits before any check
      }
    }

    const pools: Pools = {
      path: fc.oneof(
        { arbitrary: fc.constantFrom(...Object.values(fx)), weight: 4 },
        { arbitrary: fc.constantFrom('/nonexistent-fuzz/x', '', ' '), weight: 1 },
        { arbitrary: weirdString.map((s) => `/nonexistent-fuzz/${s}`), weight: 1 },
      ),
      plugin: weirdString.map((s) => `/nonexistent-fuzz/${s}.mjs`),
      keyEnv: fc.constantFrom('FUZZ_KEY', 'UNSET_FUZZ_VAR', '', 'PATH'),
      only: ONLY_SAFE,
    };
    const cliCase = fc
      .record({
        argv: argvOf(pools, 5),
        policyEnv: fc.constantFrom('', 'ok', 'bad', 'missing'),
        keyInEnv: fc.boolean(),
      })
      .map(printable);

    it(
      'exit 0, 1 or 2; no stack trace; exit 2 says "portkey-doctor: "; the key never shown',
      async () => {
        expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
        await fc.assert(
          fc.asyncProperty(cliCase, async ({ argv, policyEnv, keyInEnv }) => {
            fc.pre(offlineOnly(argv));
            fc.pre(!argv.some((a) => a.includes('\u0000'))); // no process can be given a NUL byte in its argv
            const env: NodeJS.ProcessEnv = {
              FUZZ_KEY: TEST_KEY,
              PORTKEY_DOCTOR_POLICY:
                policyEnv === 'ok' ? fx.policyOk : policyEnv === 'bad' ? fx.policyBad : policyEnv === 'missing' ? '/nonexistent-fuzz/policy.json' : '',
              ...(keyInEnv ? { PORTKEY_DOCTOR_API_KEY: TEST_KEY } : {}),
            };
            const run = await runCli(argv, env, 30_000);
            const where = `argv ${JSON.stringify(argv)}: exit ${run.code}, stderr ${JSON.stringify(run.stderr.slice(0, 400))}`;
            expect([0, 1, 2], where).toContain(run.code);
            expect(run.stderr, where).not.toMatch(/\n\s+at /);
            if (run.code === 2) {
              expect(run.stderr.startsWith('portkey-doctor: '), where).toBe(true);
              expect(run.stderr, where).not.toContain('internal error');
            }
            const leak = findLeak(run.stdout + run.stderr, TEST_KEY);
            expect(leak, `${where}: output leaks ${leak}`).toBeUndefined();
            const meta = argv.includes('--help') || argv.includes('-h') || argv[0] === '--version' || argv[0] === '-V';
            if (argv.includes('--json') && run.code !== 2 && !meta) expect(() => JSON.parse(run.stdout), where).not.toThrow();
          }),
          { ...params(40, 120_000) },
        );
      },
      testTimeout(120_000),
    );
  });
});
