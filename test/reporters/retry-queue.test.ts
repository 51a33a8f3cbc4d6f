/**
 * The bounded retry queue shared by the syslog reporter (one message per send, background
 * retries with back-off) and the JSON file's event lines (everything waiting in one append,
 * retried with the next event): order kept, bounded with the oldest dropped, only what was
 * delivered leaves, sends never overlap.
 */
import { describe, expect, it } from 'vitest';
import { backoff, RetryQueue } from '../../src/reporters/retry-queue.js';

/** A receiver that is down until told otherwise, recording every batch it was offered and accepted. */
function receiver() {
  const r = {
    up: false,
    offered: [] as number[][],
    delivered: [] as number[],
    inFlight: 0,
    maxInFlight: 0,
    async send(batch: readonly number[]): Promise<void> {
      r.offered.push([...batch]);
      r.inFlight += 1;
      r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
      await new Promise((res) => setTimeout(res, 2));
      r.inFlight -= 1;
      if (!r.up) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
      r.delivered.push(...batch);
    },
  };
  return r;
}

describe('RetryQueue without back-off (the JSON file)', () => {
  it('a failed send rejects and keeps its items; the next drain sends them first, in one batch', async () => {
    const rx = receiver();
    const q = new RetryQueue<number>({ max: 10, batchSize: Infinity, send: (b) => rx.send(b) });
    q.push(1);
    await expect(q.drain()).rejects.toThrow('down');
    q.push(2);
    await expect(q.drain()).rejects.toThrow('down');
    expect(q.pending).toBe(2);
    expect(q.waiting).toBe(false);
    rx.up = true;
    q.push(3);
    await q.drain();
    expect(rx.delivered).toEqual([1, 2, 3]);
    expect(rx.offered.at(-1)).toEqual([1, 2, 3]);
    expect(q.pending).toBe(0);
  });

  it('is bounded: beyond max the oldest are dropped, and the recovery reports how many', async () => {
    const rx = receiver();
    const recovered: { failures: number; dropped: number }[] = [];
    const q = new RetryQueue<number>({ max: 3, batchSize: Infinity, send: (b) => rx.send(b), onRecovered: (i) => recovered.push(i) });
    for (let i = 1; i <= 5; i++) {
      q.push(i);
      await q.drain().catch(() => undefined);
    }
    expect(q.pending).toBe(3);
    rx.up = true;
    q.push(6);
    await q.drain();
    expect(rx.delivered).toEqual([4, 5, 6]);
    expect(recovered).toEqual([{ failures: 5, dropped: 3 }]);
  });

  it('flush waits for the send under way, at most until the deadline, and never rejects', async () => {
    let release!: () => void;
    const q = new RetryQueue<number>({ max: 10, batchSize: Infinity, send: () => new Promise<void>((res) => (release = res)) });
    q.push(1);
    const draining = q.drain();
    expect(await q.flush(Date.now() + 50)).toBe(false);
    release();
    await draining;
    expect(await q.flush(Date.now() + 50)).toBe(true);
  });
});

describe('RetryQueue with back-off (syslog)', () => {
  it('retries in the background until the receiver is back; one item per send, in order, never two sends at once', async () => {
    const rx = receiver();
    const failures: number[] = [];
    const q = new RetryQueue<number>({ max: 10, send: (b) => rx.send(b), backoff: { minMs: 10, maxMs: 20 }, onFailure: (i) => failures.push(i.failures) });
    for (let i = 1; i <= 4; i++) {
      q.push(i);
      if (!q.waiting) q.drain().catch(() => undefined);
    }
    // Under load the 100 ms may end mid-send (a 2 ms send): wait, bounded, for a scheduled retry.
    await new Promise((res) => setTimeout(res, 100));
    for (const end = Date.now() + 5_000; !(failures.length > 1 && q.waiting) && Date.now() < end; ) await new Promise((res) => setTimeout(res, 1));
    expect(failures.length).toBeGreaterThan(1);
    expect(q.waiting).toBe(true);
    rx.up = true;
    expect(await q.flush(Date.now() + 5_000)).toBe(true);
    expect(rx.delivered).toEqual([1, 2, 3, 4]);
    expect(rx.offered.every((b) => b.length === 1)).toBe(true);
    expect(rx.maxInFlight).toBe(1);
    q.close();
  });

  it('an item dropped while it was being sent is not removed twice', async () => {
    let release!: () => void;
    const sent: number[] = [];
    const q = new RetryQueue<number>({
      max: 2,
      send: ([n]) => {
        sent.push(n!);
        return n === 1 ? new Promise<void>((res) => (release = res)) : Promise.resolve();
      },
      backoff: { minMs: 10, maxMs: 10 },
    });
    q.push(1);
    const draining = q.drain();
    q.push(2);
    q.push(3); // the queue holds 2: item 1, in flight, is dropped
    release();
    await draining;
    expect(sent).toEqual([1, 2, 3]);
    expect(q.pending).toBe(0);
  });

  it('flush gives up at its deadline; close stops retrying and releases a waiting flush', async () => {
    const rx = receiver();
    const q = new RetryQueue<number>({ max: 10, send: (b) => rx.send(b), backoff: { minMs: 10, maxMs: 10 } });
    q.push(1);
    q.drain().catch(() => undefined);
    expect(await q.flush(Date.now() + 150)).toBe(false);
    const flushing = q.flush(Date.now() + 60_000);
    q.close();
    expect(await flushing).toBe(false);
    const offered = rx.offered.length;
    await new Promise((res) => setTimeout(res, 50));
    expect(rx.offered.length).toBe(offered);
  });

  it('back-off grows, is capped, and is jittered', () => {
    expect(backoff(1, 500, 30_000)).toBeGreaterThanOrEqual(400);
    expect(backoff(1, 500, 30_000)).toBeLessThanOrEqual(600);
    expect(backoff(50, 500, 30_000)).toBeLessThanOrEqual(36_000);
    expect(backoff(4, 500, 30_000)).toBeGreaterThanOrEqual(3_200);
  });
});
