import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { settleOnce, type SettledBy, type Settler } from '../../src/core/deadline.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts an operation and hands out its settler, so a test drives it by hand. */
function start(opts: Parameters<typeof settleOnce<string>>[0]): { promise: Promise<string>; s: Settler<string>; cleanups: [string, SettledBy][] } {
  let s!: Settler<string>;
  const cleanups: [string, SettledBy][] = [];
  const promise = settleOnce<string>(opts, (settler) => {
    s = settler;
    settler.onSettled((value, by) => cleanups.push([value, by]));
  });
  return { promise, s, cleanups };
}

describe('settleOnce', () => {
  it('settles with the operation result; later results, the deadline and the signal change nothing', async () => {
    const ac = new AbortController();
    const { promise, s, cleanups } = start({ timeoutMs: 1000, onTimeout: () => 'timeout', signal: ac.signal, onAbort: () => 'abort' });
    expect(s.settled).toBe(false);
    expect(s.settle('first')).toBe(true);
    expect(s.settle('second')).toBe(false);
    ac.abort();
    await vi.advanceTimersByTimeAsync(5000);
    await expect(promise).resolves.toBe('first');
    expect(s.settled).toBe(true);
    expect(cleanups).toEqual([['first', 'result']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('settles with onTimeout() when the deadline passes first', async () => {
    const { promise, s, cleanups } = start({ timeoutMs: 1000, onTimeout: () => 'timeout' });
    await vi.advanceTimersByTimeAsync(999);
    expect(s.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toBe('timeout');
    expect(s.settle('late')).toBe(false);
    expect(cleanups).toEqual([['timeout', 'timeout']]);
  });

  it('settles with onAbort() when the signal aborts first, and drops its listener', async () => {
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const { promise, cleanups } = start({ timeoutMs: 1000, onTimeout: () => 'timeout', signal: ac.signal, onAbort: () => 'abort' });
    ac.abort();
    await expect(promise).resolves.toBe('abort');
    expect(cleanups).toEqual([['abort', 'abort']]);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a result drops the abort listener and the timer', async () => {
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const { promise, s } = start({ timeoutMs: 1000, onTimeout: () => 'timeout', signal: ac.signal, onAbort: () => 'abort' });
    expect(vi.getTimerCount()).toBe(1);
    s.settle('done');
    await expect(promise).resolves.toBe('done');
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal settles at once, without running the operation; onSettled still runs', async () => {
    const ac = new AbortController();
    ac.abort();
    const ran = vi.fn();
    const released = vi.fn();
    const promise = settleOnce<string>({ timeoutMs: 1000, onTimeout: () => 'timeout', signal: ac.signal, onAbort: () => 'abort', onSettled: released }, ran);
    await expect(promise).resolves.toBe('abort');
    expect(ran).not.toHaveBeenCalled();
    expect(released).toHaveBeenCalledWith('abort', 'abort');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs the cleanups the operation registered in order, then onSettled, before the promise resolves', async () => {
    const order: string[] = [];
    const promise = settleOnce<string>({ timeoutMs: 1000, onTimeout: () => 'timeout', onSettled: () => order.push('caller') }, (s) => {
      s.onSettled(() => order.push('socket'));
      s.onSettled(() => order.push('tunnel'));
      s.settle('ok');
      order.push('after settle');
      // Registered after settling: runs at once.
      s.onSettled((value, by) => order.push(`late ${value} ${by}`));
    });
    void promise.then(() => order.push('resolved'));
    await promise;
    expect(order).toEqual(['socket', 'tunnel', 'caller', 'after settle', 'late ok result', 'resolved']);
  });

  it('restartDeadline replaces the deadline and its result (connected; now hold)', async () => {
    const { promise, s } = start({ timeoutMs: 1000, onTimeout: () => 'timeout' });
    await vi.advanceTimersByTimeAsync(900);
    s.restartDeadline(500, () => 'held');
    await vi.advanceTimersByTimeAsync(499);
    expect(s.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(promise).resolves.toBe('held');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('restartDeadline after settling does nothing', async () => {
    const { promise, s } = start({ timeoutMs: 1000, onTimeout: () => 'timeout' });
    s.settle('done');
    s.restartDeadline(10, () => 'held');
    expect(vi.getTimerCount()).toBe(0);
    await expect(promise).resolves.toBe('done');
  });

  it('a deadline that is not finite never fires', async () => {
    const { promise, s } = start({ timeoutMs: Number.POSITIVE_INFINITY, onTimeout: () => 'timeout' });
    expect(vi.getTimerCount()).toBe(0);
    s.settle('done');
    await expect(promise).resolves.toBe('done');
  });

  it('a throwing operation rejects with its error and leaves no timer or listener behind', async () => {
    const ac = new AbortController();
    const remove = vi.spyOn(ac.signal, 'removeEventListener');
    const cleanup = vi.fn();
    const promise = settleOnce<string>({ timeoutMs: 1000, onTimeout: () => 'timeout', signal: ac.signal, onAbort: () => 'abort' }, (s) => {
      s.onSettled(cleanup);
      throw new RangeError('bad port');
    });
    await expect(promise).rejects.toThrow('bad port');
    expect(vi.getTimerCount()).toBe(0);
    expect(remove).toHaveBeenCalled();
    ac.abort();
    expect(cleanup).not.toHaveBeenCalled();
  });

  it('works with real timers too (a tiny deadline; the test timeout is the hang guard)', async () => {
    vi.useRealTimers();
    const r = await settleOnce<string>({ timeoutMs: 5, onTimeout: () => 'timeout' }, () => undefined);
    expect(r).toBe('timeout');
  });
});
