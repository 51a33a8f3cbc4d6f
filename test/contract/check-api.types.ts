/**
 * Compile-time tests of the check contract, run by `npm run typecheck` (tsc on test/): each
 * `@ts-expect-error` line must be an error, or tsc fails ("unused directive"). They show that a
 * wrong code, a prerequisite not declared in `needs`, and a wrong use of upstream data do not
 * compile — no run-time CHECK_BAD_RESULT needed for checks written in TypeScript.
 */
import { defineCheck, fail, findings, ok, problem, warn } from '../../src/contract/check.js';

const codes = { A_BAD: { title: 'a is bad', fix: 'fix a' }, A_ODD: { title: 'a is odd', fix: 'look at a' } } as const;

export const a = defineCheck({
  id: 'a',
  title: 'A',
  group: 'settings',
  codes,
  run(ctx) {
    if (ctx.env['X']) return fail('A_BAD', 'bad');
    if (ctx.env['Y']) return findings([problem('warn', 'A_ODD', 'odd'), problem('fail', 'A_BAD', 'bad')], ok('fine'));
    return ok('fine', { shown: true }, { count: 3 });
  },
});

export const other = defineCheck({ id: 'other', title: 'O', group: 'settings', codes: {}, run: () => ok('fine', undefined, 'text') });

export const b = defineCheck({
  id: 'b',
  title: 'B',
  group: 'settings',
  needs: [a],
  codes: { B_LOW: { title: 'low', fix: 'raise it' } },
  run(ctx) {
    const count: number | undefined = ctx.upstream(a)?.count;
    // @ts-expect-error -- `other` is not in `needs`
    ctx.upstream(other);
    // @ts-expect-error -- the data of `a` has no `name`
    void ctx.upstream(a)?.name;
    if (count === 0) return warn('B_LOW', 'zero');
    return ok('fine');
  },
});

export const d = defineCheck({
  id: 'd',
  title: 'D',
  group: 'settings',
  codes: { D_LOW: { title: 'low', fix: 'raise it' } },
  // @ts-expect-error -- A_BAD is a's code, not d's (the error is reported on `run`)
  run(ctx) {
    if (ctx.env['X']) return fail('A_BAD', 'not mine');
    return warn('D_LOW', 'low');
  },
});

export const c = defineCheck({
  id: 'c',
  title: 'C',
  group: 'settings',
  codes: { C_BAD: { title: 'bad', fix: 'fix' } },
  // @ts-expect-error -- a secondary finding with an undeclared code
  run: () => findings([problem('fail', 'C_BAD', 'bad'), problem('warn', 'C_TYPO', 'typo')], ok('fine')),
});
