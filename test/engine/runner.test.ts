import { describe, expect, it } from 'vitest';
import { defineCheck, fail, ok, type Check } from '../../src/contract/check.js';
import { runChecks, validateRegistry, type BaseContext } from '../../src/engine/runner.js';

const base = {
  target: { flagHeaders: [], managed: false },
  discovery: { searched: [], sources: [], shadowed: [] },
  policy: undefined,
  options: { live: false, samples: 1, insecure: false },
  env: {},
  platform: 'linux',
  now: () => new Date(),
} satisfies BaseContext;

const opts = { checkTimeoutMs: 2_000, runTimeoutMs: 10_000 };
const codes = { BAD: { title: 't', fix: 'f' } };

function check(id: string, run: Check['run'], extra: Partial<Check> = {}): Check {
  return defineCheck({ id, title: id, group: 'settings', codes, run, ...extra });
}

describe('runner', () => {
  it('turns a throw into error CHECK_CRASHED for that check only', async () => {
    const results = await runChecks(
      [check('a', () => { throw new Error('boom'); }), check('b', () => ok('fine'))],
      base,
      opts,
    );
    expect(results.map((r) => [r.id, r.status, r.code])).toEqual([
      ['a', 'error', 'CHECK_CRASHED'],
      ['b', 'ok', undefined],
    ]);
  });

  it('turns a check that never settles into error CHECK_TIMEOUT and still finishes the run', async () => {
    const started = Date.now();
    const results = await runChecks(
      [check('hang', () => new Promise(() => {}), { timeoutMs: 300 }), check('b', () => ok('fine'))],
      base,
      opts,
    );
    expect(results[0]).toMatchObject({ id: 'hang', status: 'error', code: 'CHECK_TIMEOUT' });
    expect(results[1]).toMatchObject({ id: 'b', status: 'ok' });
    expect(Date.now() - started).toBeLessThan(5_000); // generous: catches a hang, not a slowness
  });

  it('aborts the check signal at its deadline', async () => {
    let aborted = false;
    await runChecks(
      [check('hang', ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve(ok('late')); })), { timeoutMs: 200 })],
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
      [check('a', async () => { await bStarted; return ok('a'); }), check('b', () => { release(); return ok('b'); })],
      base,
      opts,
    );
    expect(results.map((r) => [r.id, r.status])).toEqual([['a', 'ok'], ['b', 'ok']]);
  });

  it('ends running checks as RUN_DEADLINE and skips unstarted ones when the run deadline passes', async () => {
    const results = await runChecks(
      [check('slow', () => new Promise(() => {}), { timeoutMs: 60_000 }), check('after', () => ok('x'), { needs: ['slow'] })],
      base,
      { checkTimeoutMs: 60_000, runTimeoutMs: 300 },
    );
    expect(results.map((r) => [r.status, r.code])).toEqual([['error', 'RUN_DEADLINE'], ['skip', 'BLOCKED']]);
  });

  it('rejects an outcome with an undeclared code as CHECK_BAD_RESULT', async () => {
    const results = await runChecks([check('a', () => fail('NOT_DECLARED', 'x'))], base, opts);
    expect(results[0]).toMatchObject({ status: 'error', code: 'CHECK_BAD_RESULT' });
  });

  it('fills the fix from the code table', async () => {
    const results = await runChecks([check('a', () => fail('BAD', 'x'))], base, opts);
    expect(results[0]!.fix).toBe('f');
  });

  it('refuses a registry whose prerequisite is unknown or later', () => {
    expect(() => validateRegistry([check('a', () => ok('x'), { needs: ['b'] }), check('b', () => ok('x'))])).toThrow();
  });
});
