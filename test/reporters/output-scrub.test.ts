/**
 * The output scrub: the one stage every output passes (the report as it leaves the run, every
 * daemon event at the reporter set, every log line). Its document form scrubs values and keys,
 * keeps the shape a renderer sees, and catches a key that escaping would disguise in text.
 */
import { describe, expect, it } from 'vitest';
import { outputScrub, scrubJson } from '../../src/core/output-scrub.js';
import { Secret } from '../../src/core/secret.js';
import type { DaemonEvent } from '../../src/reporters/events.js';
import { ReporterSet } from '../../src/reporters/reporter-set.js';
import { createLogger } from '../../src/core/log.js';
import { findLeak } from '../cli/leak-check.js';

const KEY = 'pk-ScrubStage-Hv7Qw2"Zx\\9';

describe('output scrub', () => {
  const secret = new Secret(KEY);
  const stage = outputScrub(() => [secret]);

  it('a document: every string value and key, at any depth, nothing cut; toJSON forms; undefined kept', () => {
    const doc = {
      checks: [{ details: { a: { b: { c: { d: { e: { f: `deep ${KEY}` } } } } }, [`x-${KEY}`]: 'as a header name', left: undefined } }],
      key: secret,
      at: new Date('2025-01-02T03:04:05.000Z'),
      n: 1,
      ok: true,
      none: null,
    };
    const clean = stage.json(doc);
    const text = JSON.stringify(clean);
    expect(findLeak(text, KEY)).toBeUndefined();
    expect(text).toContain('[key sha256:');
    expect(clean.checks[0]!.details.a.b.c.d.e.f).toBe(`deep [key ${secret.fingerprint}]`);
    expect(Object.keys(clean.checks[0]!.details)).toEqual(['a', `x-[key ${secret.fingerprint}]`, 'left']);
    expect(clean.key).toEqual({ fingerprint: secret.fingerprint, length: KEY.length });
    expect(clean.at).toBe('2025-01-02T03:04:05.000Z');
    expect(clean).toMatchObject({ n: 1, ok: true, none: null });
    // The original is not touched.
    expect(doc.checks[0]!.details.a.b.c.d.e.f).toContain(KEY);
  });

  it('catches what text scrubbing of the serialized document would miss: a key JSON escaping disguises', () => {
    const doc = { summary: `echoed ${KEY}` };
    const serialized = JSON.stringify(doc);
    // In the JSON text the key's quote and backslash are escaped: the whole key is not there to find.
    expect(serialized.includes(KEY)).toBe(false);
    expect(JSON.parse(JSON.stringify(stage.json(doc))).summary).not.toContain(KEY);
  });

  it('an 8-character run of the key is removed too; a text without secrets is returned as it is', () => {
    expect(stage.text(`…${KEY.slice(3, 11)}…`)).toBe('…[redacted]…');
    const plain = { a: 'nothing here' };
    expect(outputScrub(() => []).json(plain)).toBe(plain);
    expect(scrubJson('x', [])).toBe('x');
  });

  it('the reporter set hands every reporter the event through the stage', async () => {
    const seen: DaemonEvent[] = [];
    const set = new ReporterSet(
      [
        { name: 'a', event: (e) => void seen.push(e) },
        { name: 'b', event: (e) => void seen.push(e) },
      ],
      createLogger({ level: 'silent' }),
      stage,
    );
    const event: DaemonEvent = {
      type: 'raised',
      at: '2025-01-01T00:00:00.000Z',
      host: 'h',
      check: 'base-url',
      title: 'T',
      status: 'fail',
      code: 'C',
      summary: `has ${KEY}`,
      runs: 2,
    };
    set.event(event);
    await set.flush(Date.now() + 1_000);
    expect(seen).toHaveLength(2);
    for (const e of seen) expect(findLeak(JSON.stringify(e), KEY)).toBeUndefined();
  });
});

describe('the report field names the scrub never renames', () => {
  it('are every property name of the report schema', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPORT_FIELDS } = await import('../../src/core/output-scrub.js');
    const schema: unknown = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'));
    const names = new Set<string>();
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) o.forEach(walk);
      else if (o && typeof o === 'object') {
        const props = (o as { properties?: unknown }).properties;
        if (props && typeof props === 'object') for (const k of Object.keys(props)) names.add(k);
        Object.values(o).forEach(walk);
      }
    };
    walk(schema);
    expect([...names].filter((n) => !REPORT_FIELDS.has(n))).toEqual([]);
  });
});
