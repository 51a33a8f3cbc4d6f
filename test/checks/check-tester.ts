/**
 * The CheckTester (in the spirit of ESLint's RuleTester): one check, a table of scenarios,
 * fake I/O, no process spawned. Each scenario runs the check through the real engine
 * (`runChecks`: deadline, outcome validation, default fixes), with the checks it needs
 * replaced by stand-ins that pass and hand on the data the scenario gives. A spy check that
 * needs the checked one captures what it hands on, so the typed data is tested too.
 *
 * Assertions are on status, codes and facts, never on prose.
 */
import { describe, expect, it } from 'vitest';

import type { AnyCheck, CheckResult, DataOf, RunOptions, Status } from '../../src/contract/check.js';
import { defineCheck, ok } from '../../src/contract/check.js';
import type { AppLogTail, CheckIO, NetIO } from '../../src/contract/io.js';
import type { Policy } from '../../src/config/policy.js';
import { resolveTarget, type TargetOverrides } from '../../src/config/resolve-target.js';
import type { Discovery, SettingsSource } from '../../src/config/settings.js';
import { Secret } from '../../src/core/secret.js';
import { needIds, runChecks } from '../../src/engine/runner.js';
import { fakeAppLog, fakeKeychain, fakeNet, fakeOs, type FakeNet, type FakeNetScript, type FakeOsScript } from '../../src/io/fakes.js';
import type { KeychainRead } from '../../src/platform/keychain.js';

/** Data a needed check hands on in a scenario. */
export interface Given {
  check: AnyCheck;
  data: unknown;
}

/** `given(dns, { addresses, chosen })`: the dns check passed and handed on this (type-checked). */
export function given<C extends AnyCheck>(check: C, data: DataOf<C>): Given {
  return { check, data };
}

export interface Expected {
  status: Status;
  /** The primary code (omit for `ok`). */
  code?: string;
  /** Codes of the further findings, in order; `[]` asserts there are none. */
  more?: string[];
  /** A subset of the details. */
  details?: Record<string, unknown>;
  /** A subset of the data handed to dependents (`null`: none handed on). */
  data?: Record<string, unknown> | null;
}

export interface Scenario {
  name: string;
  /** Inference values of the settings in force; `null`: no settings found at all. */
  settings?: Record<string, unknown> | null;
  /** Overrides of the settings source in force (kind, managed, problem, files, …). */
  source?: Partial<SettingsSource>;
  /** Overrides of the discovery (shadowed sources, other folders, …). */
  discovery?: Partial<Discovery>;
  /** Flags' overrides; a string key becomes a Secret. */
  overrides?: Omit<TargetOverrides, 'apiKey'> & { apiKey?: string };
  env?: NodeJS.ProcessEnv;
  policy?: Omit<Policy, 'source'>;
  options?: Partial<RunOptions>;
  upstream?: Given[];
  net?: FakeNetScript | FakeNet;
  /**
   * A network service used as it is instead of the fake: `realNet`, to prove a check end to end
   * against real sockets (`Ran.net` then records nothing).
   */
  netIO?: NetIO;
  os?: FakeOsScript;
  keychain?: KeychainRead;
  appLog?: AppLogTail;
  /** The check's deadline (default 5 s: generous, a hang guard only). */
  timeoutMs?: number;
  expect: Expected;
}

export interface Ran {
  result: CheckResult;
  /** What the check handed to its dependents (undefined when it did not pass or passed none). */
  data: unknown;
  net: FakeNet;
}

const PROFILE = '/fake/Claude-3p/configLibrary/0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10.json';

/** The discovery a scenario describes: by default one current-layout profile in force. */
export function fakeDiscovery(scenario: Pick<Scenario, 'settings' | 'source' | 'discovery'>): Discovery {
  if (scenario.settings === null) {
    return { searched: [{ kind: 'profile', location: PROFILE, exists: false }], sources: [], shadowed: [], ...scenario.discovery };
  }
  const values: Record<string, unknown> = { ...(scenario.settings ?? {}) };
  if (typeof values['inferenceGatewayApiKey'] === 'string') values['inferenceGatewayApiKey'] = new Secret(values['inferenceGatewayApiKey']);
  const source: SettingsSource = {
    kind: 'profile',
    location: PROFILE,
    managed: false,
    bom: false,
    values,
    profile: { id: '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10', name: 'Default' },
    files: [{ path: PROFILE, mtimeMs: Date.parse('2026-11-30T12:00:00Z') }],
    ...scenario.source,
  };
  return {
    searched: [{ kind: source.kind, location: source.location, exists: true }],
    sources: [source],
    inForce: source,
    shadowed: [],
    claudeDir: '/fake/Claude-3p',
    ...scenario.discovery,
  };
}

/** Runs one check in one scenario. */
export async function runCheck(check: AnyCheck, scenario: Scenario): Promise<Ran> {
  const env = scenario.env ?? {};
  const discovery = fakeDiscovery(scenario);
  const { apiKey, ...overrides } = scenario.overrides ?? {};
  const target = resolveTarget(discovery, { ...overrides, ...(apiKey !== undefined ? { apiKey: new Secret(apiKey) } : {}) }, env);
  const net = scenario.net && 'calls' in scenario.net ? scenario.net : fakeNet(scenario.net as FakeNetScript | undefined);
  const os = fakeOs(scenario.os);
  const io: CheckIO = { net: scenario.netIO ?? net, os, keychain: fakeKeychain(scenario.keychain), appLog: fakeAppLog(scenario.appLog) };

  // Stand-ins for the prerequisites: same id, pass, hand on the scenario's data.
  const givenById = new Map((scenario.upstream ?? []).map((g) => [g.check.id, g.data]));
  for (const id of givenById.keys()) {
    if (!needIds(check).includes(id)) throw new Error(`scenario "${scenario.name}": ${check.id} does not need ${id}`);
  }
  const standIns = needIds(check).map((id) =>
    defineCheck({ id, title: id, group: check.group, codes: {}, run: () => ok('stand-in', undefined, givenById.get(id)) }),
  );
  let captured: unknown;
  const spy = defineCheck({
    id: '__spy__',
    title: 'spy',
    group: check.group,
    needs: [check],
    codes: {},
    run(ctx) {
      captured = ctx.upstream(check);
      return ok('spy');
    },
  });
  const results = await runChecks(
    [...standIns, check, spy],
    {
      target,
      discovery,
      policy: scenario.policy ? { source: '/fake/policy.json', ...scenario.policy } : undefined,
      options: { live: false, samples: 3, insecure: false, ...scenario.options },
      env,
      ...io,
    },
    { checkTimeoutMs: scenario.timeoutMs ?? 5_000, runTimeoutMs: (scenario.timeoutMs ?? 5_000) + 1_000 },
  );
  const result = results.find((r) => r.id === check.id)!;
  return { result, data: captured, net };
}

/** Asserts one scenario's expectations on a run. */
export function assertExpected(ran: Ran, expected: Expected): void {
  const { result } = ran;
  const shown = `${result.status} ${result.code ?? ''}: ${result.summary}`;
  expect(result.status, shown).toBe(expected.status);
  if (expected.code !== undefined || expected.status === 'ok') expect(result.code, shown).toBe(expected.code);
  if (expected.more !== undefined)
    expect(
      (result.moreFindings ?? []).map((f) => f.code),
      shown,
    ).toEqual(expected.more);
  if (expected.details !== undefined) expect(result.details ?? {}, shown).toMatchObject(expected.details);
  if (expected.data === null) expect(ran.data, shown).toBeUndefined();
  else if (expected.data !== undefined) expect(ran.data, shown).toMatchObject(expected.data);
}

/** What `testCheck` may be told beyond the scenarios. */
export interface TestCheckOptions {
  /**
   * Declared codes no scenario of this table reaches, each with the reason (tested elsewhere, or
   * not reachable through fakes). Everything else a check declares must be reached.
   */
  unreached?: Record<string, string>;
}

/**
 * One `describe` per check, one test per scenario, and one that every code the check declares
 * is expected by some scenario (as its primary code or a further finding): a declared code no
 * test reaches is either dead or untested.
 */
export function testCheck(check: AnyCheck, scenarios: readonly Scenario[], options: TestCheckOptions = {}): void {
  describe(check.id, () => {
    it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      assertExpected(await runCheck(check, scenario), scenario.expect);
    });
    it('every declared code is reached by a scenario', () => {
      const reached = new Set(scenarios.flatMap((s) => [s.expect.code, ...(s.expect.more ?? [])]));
      const excused = Object.keys(options.unreached ?? {});
      expect(
        excused.filter((c) => !Object.hasOwn(check.codes, c)),
        'excused codes the check does not declare',
      ).toEqual([]);
      expect(Object.keys(check.codes).filter((c) => !reached.has(c) && !excused.includes(c))).toEqual([]);
    });
  });
}
