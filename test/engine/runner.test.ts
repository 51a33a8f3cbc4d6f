/**
 * The engine alone: deadlines, crashes, blocking, data handed to dependents, several findings,
 * and the run-time validation that still guards plugins written in plain JavaScript.
 */
import { describe, expect, it } from 'vitest';

import { defineCheck, fail, findings, ok, problem, type AnyCheck, type Outcome } from '../../src/contract/check.js';
import { runChecks, validateRegistry, type BaseContext } from '../../src/engine/runner.js';
import { fakeIO } from '../../src/io/fakes.js';

const base: BaseContext = {
  target: { flagHeaders: [], managed: false },
  discovery: { searched: [], sources: [], shadowed: [] },
  policy: undefined,
  options: { live: false, samples: 1, insecure: false },
  env: {},
  ...fakeIO(),
};

const opts = { checkTimeoutMs: 2_000, runTimeoutMs: 10_000 };
const codes = { BAD: { title: 't', fix: 'f' }, ODD: { title: 'odd', fix: 'look' } };

/** A check as a plain-JavaScript plugin would write it: needs by id, untyped outcomes. */
function check(id: string, run: (ctx: Parameters<AnyCheck['run']>[0]) => unknown, extra: { needs?: string[]; timeoutMs?: number } = {}): AnyCheck {
  return { id, title: id, group: 'settings', codes, needs: [], ...extra, run } as unknown as AnyCheck;
}

describe('runner', () => {
  it('turns a throw into error CHECK_CRASHED for that check only', async () => {
    const results = await runChecks(
      [
        check('a', () => {
          throw new Error('boom');
        }),
        check('b', () => ok('fine')),
      ],
      base,
      opts,
    );
    expect(results.map((r) => [r.id, r.status, r.code])).toEqual([
      ['a', 'error', 'CHECK_CRASHED'],
      ['b', 'ok', undefined],
    ]);
  });

  it('turns a check that never settles into error CHECK_TIMEOUT and still finishes the run', async () => {
    const results = await runChecks([check('hang', () => new Promise(() => {}), { timeoutMs: 300 }), check('b', () => ok('fine'))], base, opts);
    expect(results[0]).toMatchObject({ id: 'hang', status: 'error', code: 'CHECK_TIMEOUT' });
    expect(results[1]).toMatchObject({ id: 'b', status: 'ok' });
  });

  it('aborts the check signal at its deadline', async () => {
    let aborted = false;
    await runChecks(
      [
        check(
          'hang',
          ({ signal }) =>
            new Promise((resolve) =>
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve(ok('late'));
              }),
            ),
          { timeoutMs: 200 },
        ),
      ],
      base,
      opts,
    );
    expect(aborted).toBe(true);
  });

  it('skips dependents of a failed check as BLOCKED, naming the blocker', async () => {
    const results = await runChecks(
      [
        check('root', () => fail('BAD', 'broken')),
        check('child', () => ok('never'), { needs: ['root'] }),
        check('grandchild', () => ok('never'), { needs: ['child'] }),
        check('other', () => ok('fine')),
      ],
      base,
      opts,
    );
    expect(results.map((r) => [r.id, r.status, r.code, r.blockedBy])).toEqual([
      ['root', 'fail', 'BAD', undefined],
      ['child', 'skip', 'BLOCKED', ['root']],
      ['grandchild', 'skip', 'BLOCKED', ['child']],
      ['other', 'ok', undefined, undefined],
    ]);
  });

  it('runs independent checks concurrently and reports in registration order', async () => {
    // a waits for b to start: run one after the other, a would time out.
    let release!: () => void;
    const bStarted = new Promise<void>((r) => (release = r));
    const results = await runChecks(
      [
        check('a', async () => {
          await bStarted;
          return ok('a');
        }),
        check('b', () => {
          release();
          return ok('b');
        }),
      ],
      base,
      opts,
    );
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
    ]);
  });

  it('ends running checks as RUN_DEADLINE and skips unstarted ones when the run deadline passes', async () => {
    const results = await runChecks(
      [check('slow', () => new Promise(() => {}), { timeoutMs: 60_000 }), check('after', () => ok('x'), { needs: ['slow'] })],
      base,
      { checkTimeoutMs: 60_000, runTimeoutMs: 300 },
    );
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['error', 'RUN_DEADLINE'],
      ['skip', 'BLOCKED'],
    ]);
  });

  it('rejects an outcome with an undeclared code (primary or secondary) as CHECK_BAD_RESULT', async () => {
    const results = await runChecks(
      [
        check('a', () => fail('NOT_DECLARED', 'x')),
        check('b', () => ({ status: 'fail', code: 'BAD', summary: 'x', moreFindings: [{ status: 'warn', code: 'NOT_DECLARED', summary: 'y' }] })),
        check('c', () => ({ status: 'ok', code: 'BAD', summary: 'ok with a code' })),
      ],
      base,
      opts,
    );
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['error', 'CHECK_BAD_RESULT'],
      ['error', 'CHECK_BAD_RESULT'],
      ['error', 'CHECK_BAD_RESULT'],
    ]);
  });

  it('fills the fix from the code table, for the primary finding and the further ones', async () => {
    const results = await runChecks([check('a', () => findings([problem('warn', 'ODD', 'odd'), problem('fail', 'BAD', 'bad')], ok('fine')))], base, opts);
    expect(results[0]).toMatchObject({ status: 'fail', code: 'BAD', fix: 'f', moreFindings: [{ status: 'warn', code: 'ODD', fix: 'look' }] });
  });

  it('hands data to dependents (ok and warn only), never into the report', async () => {
    const producer = defineCheck({
      id: 'producer',
      title: 'p',
      group: 'settings',
      codes,
      run: (ctx): Outcome<'ODD', { n: number }> =>
        ctx.env['WARN'] ? { status: 'warn', code: 'ODD', summary: 'odd', data: { n: 2 } } : ok('fine', { shown: 1 }, { n: 1 }),
    });
    const seen: unknown[] = [];
    const consumer = defineCheck({
      id: 'consumer',
      title: 'c',
      group: 'settings',
      needs: [producer],
      codes: {},
      run(ctx) {
        seen.push(ctx.upstream(producer)?.n);
        return ok('fine');
      },
    });
    const okRun = await runChecks([producer, consumer], base, opts);
    await runChecks([producer, consumer], { ...base, env: { WARN: '1' } }, opts);
    expect(seen).toEqual([1, 2]);
    expect(okRun[0]).not.toHaveProperty('data');
    expect(okRun[0]!.details).toEqual({ shown: 1 });
  });

  it('gives a plugin no data of a check it did not declare', async () => {
    let seen: unknown = 'not called';
    const producer = defineCheck({ id: 'producer', title: 'p', group: 'settings', codes: {}, run: () => ok('fine', undefined, { n: 1 }) });
    const sneaky = check('sneaky', (ctx) => {
      seen = (ctx.upstream as (c: AnyCheck) => unknown)(producer);
      return ok('fine');
    });
    await runChecks([producer, sneaky], base, opts);
    expect(seen).toBeUndefined();
  });

  it('refuses a registry whose prerequisite is unknown or later', () => {
    expect(() => validateRegistry([check('a', () => ok('x'), { needs: ['b'] }), check('b', () => ok('x'))])).toThrow();
  });
});
