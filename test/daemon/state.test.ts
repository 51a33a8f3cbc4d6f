/** The raise/clear rule and the state that carries it across restarts. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Status } from '../../src/contract/check.js';
import { emptyState, HISTORY_FILE, loadState, saveState, STATE_FILE, Tracker } from '../../src/daemon/state.js';
import { expectedTransitions } from './support/daemon.js';

const at = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, i));
const r = (id: string, status: Status, code?: string) => ({ id, title: id, status, summary: status, ...(code ? { code } : {}) });

/** Feeds a sequence of statuses of one check; returns the transitions as "run:type:code". */
function feed(seq: [Status, string?][], raiseAfter = 2, clearAfter = 2): string[] {
  const t = new Tracker(emptyState(), { raiseAfter, clearAfter });
  const out: string[] = [];
  seq.forEach(([status, code], i) => {
    for (const e of t.observe([r('c', status, code)], at(i))) out.push(`${i + 1}:${e.type}:${e.code}`);
  });
  return out;
}

describe('Tracker', () => {
  it('raises after N bad runs in a row, clears after M good runs in a row', () => {
    expect(feed([['ok'], ['fail', 'X'], ['fail', 'X'], ['fail', 'X'], ['ok'], ['ok'], ['ok']])).toEqual(['3:raised:X', '6:cleared:X']);
  });

  it('one blip neither raises nor clears', () => {
    expect(feed([['fail', 'X'], ['ok'], ['fail', 'X'], ['ok']])).toEqual([]);
    expect(feed([['fail', 'X'], ['fail', 'X'], ['ok'], ['fail', 'X'], ['ok']])).toEqual(['2:raised:X']);
  });

  it('error counts as bad, warn as good, skip changes nothing', () => {
    expect(
      feed([
        ['error', 'CHECK_TIMEOUT'],
        ['skip', 'BLOCKED'],
        ['error', 'CHECK_TIMEOUT'],
      ]),
    ).toEqual(['3:raised:CHECK_TIMEOUT']);
    expect(
      feed([
        ['fail', 'X'],
        ['fail', 'X'],
        ['warn', 'W'],
        ['skip', 'BLOCKED'],
        ['warn', 'W'],
      ]),
    ).toEqual(['2:raised:X', '5:cleared:X']);
  });

  it('a problem that keeps changing code is still raised; a lasting new code is raised again', () => {
    expect(
      feed([
        ['fail', 'A'],
        ['fail', 'B'],
        ['fail', 'A'],
      ]),
    ).toEqual(['2:raised:B']);
    expect(
      feed([
        ['fail', 'A'],
        ['fail', 'A'],
        ['fail', 'B'],
        ['fail', 'B'],
        ['fail', 'B'],
      ]),
    ).toEqual(['2:raised:A', '4:raised:B']);
  });

  it('raise-after 1 / clear-after 1 report every change', () => {
    expect(feed([['ok'], ['fail', 'X'], ['ok'], ['fail', 'X']], 1, 1)).toEqual(['2:raised:X', '3:cleared:X', '4:raised:X']);
  });

  it('a raised check that is no longer run is cleared as gone', () => {
    const t = new Tracker(emptyState(), { raiseAfter: 1, clearAfter: 1 });
    t.observe([r('a', 'fail', 'X'), r('b', 'ok')], at(0));
    const out = t.observe([r('b', 'ok')], at(1));
    expect(out).toEqual([expect.objectContaining({ type: 'cleared', check: 'a', code: 'X', reason: 'gone', status: 'gone' })]);
    expect(t.state.checks.a).toBeUndefined();
  });

  it('matches the independently written rule on random histories', () => {
    const status = fc.constantFrom<Status>('ok', 'warn', 'fail', 'error', 'skip');
    const run = fc.tuple(status, status, fc.constantFrom('A', 'B'));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (runs, raiseAfter, clearAfter) => {
        const history = runs.map(([s1, s2, code]) => ({
          checks: [
            { id: 'one', status: s1, ...(s1 === 'ok' ? {} : { code: s1 === 'skip' ? 'BLOCKED' : code }) },
            { id: 'two', status: s2, ...(s2 === 'ok' ? {} : { code: `${code}2` }) },
          ],
        }));
        const t = new Tracker(emptyState(), { raiseAfter, clearAfter });
        const got: { type: string; check: string; code: string; run: number }[] = [];
        history.forEach((h, i) => {
          for (const e of t.observe(
            h.checks.map((c) => r(c.id, c.status, c.code)),
            at(i),
          ))
            got.push({ type: e.type, check: e.check, code: e.code, run: i + 1 });
        });
        expect(got).toEqual(expectedTransitions(history, raiseAfter, clearAfter));
      }),
    );
  });
});

describe('state file', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'pkd-state-'));

  it('round-trips, mode 0600, so a restart keeps what is raised', async () => {
    const d = dir();
    const t = new Tracker(emptyState(), { raiseAfter: 1, clearAfter: 1 });
    t.observe([r('a', 'fail', 'X')], at(0));
    await saveState(d, t.state);
    expect(statSync(join(d, STATE_FILE)).mode & 0o777).toBe(0o600);
    const { state, problem } = await loadState(d);
    expect(problem).toBeUndefined();
    expect(state.runs).toBe(1);
    const again = new Tracker(state, { raiseAfter: 1, clearAfter: 1 });
    expect(again.raised()).toEqual([expect.objectContaining({ check: 'a', code: 'X' })]);
    expect(again.observe([r('a', 'fail', 'X')], at(1))).toEqual([]);
  });

  it('a missing file is a fresh start; a corrupt one too, with a problem to log', async () => {
    const d = dir();
    expect(await loadState(d)).toEqual({ state: emptyState() });
    writeFileSync(join(d, STATE_FILE), '{"version": 1, "checks": ');
    const bad = await loadState(d);
    expect(bad.state).toEqual(emptyState());
    expect(bad.problem).toMatch(/not valid JSON/);
    writeFileSync(join(d, STATE_FILE), JSON.stringify({ version: 99, checks: {} }));
    expect((await loadState(d)).problem).toMatch(/unknown shape/);
    expect(readFileSync(join(d, STATE_FILE), 'utf8')).toContain('99');
  });

  it('at the daemon start a corrupt file is set aside, and what was raised is rebuilt from the history, not raised again (issue 12 #11)', async () => {
    const thresholds = { raiseAfter: 2, clearAfter: 2 };
    for (const corrupt of ['{"version": 1, "checks": ', JSON.stringify({ version: 99, checks: {} }), '\u0000\u0001garbage']) {
      const d = dir();
      // Three runs: `a` failing throughout (raised at the second), `b` fine.
      const t = new Tracker(emptyState(), thresholds);
      const history = [0, 1, 2].map((i) => {
        const results = [r('a', 'fail', 'X'), r('b', 'ok')];
        t.observe(results, at(i));
        return {
          at: at(i).toISOString(),
          durationMs: 1,
          exitCode: 1,
          totals: {},
          checks: results.map(({ id, status, code }) => ({ id, status, ...(code ? { code } : {}) })),
        };
      });
      writeFileSync(join(d, HISTORY_FILE), history.map((h) => JSON.stringify(h)).join('\n') + '\n');
      writeFileSync(join(d, STATE_FILE), corrupt);

      // `agent status` only reads: the file stays where it is.
      expect((await loadState(d)).corrupt).toBe(true);
      expect(readFileSync(join(d, STATE_FILE), 'utf8')).toBe(corrupt);

      const loaded = await loadState(d, { recover: thresholds });
      expect(loaded.problem).toBeDefined();
      expect(loaded.setAside).toMatch(/state\.json\.corrupt-/);
      expect(readdirSync(d).filter((f) => f.startsWith(`${STATE_FILE}.corrupt-`))).toHaveLength(1);
      expect(readFileSync(loaded.setAside!, 'utf8')).toBe(corrupt);
      expect(existsSync(join(d, STATE_FILE))).toBe(false);
      const again = new Tracker(loaded.state, thresholds);
      expect(again.raised()).toEqual([expect.objectContaining({ check: 'a', code: 'X', since: at(1).toISOString() })]);
      expect(loaded.state.runs).toBe(3);
      // The next bad run raises nothing; a recovery clears what was raised.
      expect(again.observe([r('a', 'fail', 'X'), r('b', 'ok')], at(3))).toEqual([]);
      again.observe([r('a', 'ok'), r('b', 'ok')], at(4));
      expect(again.observe([r('a', 'ok'), r('b', 'ok')], at(5)).map((e) => `${e.type}:${e.check}`)).toEqual(['cleared:a']);
    }
  });

  it('a corrupt file with no history: set aside, a fresh start', async () => {
    const d = dir();
    writeFileSync(join(d, STATE_FILE), 'nope');
    const loaded = await loadState(d, { recover: { raiseAfter: 2, clearAfter: 2 } });
    expect(loaded.state).toEqual(emptyState());
    expect(readFileSync(loaded.setAside!, 'utf8')).toBe('nope');
  });
});
