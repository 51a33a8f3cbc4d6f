/**
 * Issue 12 #4–#6 at the unit level: the registry of known secrets is bounded (one entry per
 * value, none for a secret no longer in use), and the scrub removes the encoded forms the leak
 * test counts, leaves short keys' words alone and keeps JSON valid.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { scrubJson } from '../../src/core/output-scrub.js';
import { knownSecrets, MIN_SCRUB_LENGTH, scrub, Secret } from '../../src/core/secret.js';
import { renderUrl, stripUrlSecrets } from '../../src/core/url-render.js';
import { findLeak, forgetDroppedSecrets } from '../cli/leak-check.js';

// The short keys made here must not linger for other files sharing this process.
afterAll(forgetDroppedSecrets);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** A turn of the event loop (a WeakRef's target is held until the current job ends), then a full GC. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
}

describe('issue 12 #6: the set of known secrets is bounded', () => {
  it('the same value read 1,000 times is one entry', () => {
    const value = 'pk-SameValue-Qm5Jv8Wx3Rk7';
    const held = Array.from({ length: 1000 }, () => new Secret(value));
    expect(knownSecrets().filter((s) => s.reveal() === value)).toHaveLength(1);
    expect(held).toHaveLength(1000);
  });

  it('secrets no longer in use drop out (1,000 reloads with a new key each)', async () => {
    await collect();
    const base = knownSecrets().length;
    let current: Secret | undefined;
    for (let i = 0; i < 1000; i++) current = new Secret(`pk-Reload-${i}-Qm5Jv8Wx3Rk7`);
    await collect();
    // Only the key still in use, the 32 most recent values (held for texts that outlive their
    // Secret) and whatever was there before remain: not 1,000.
    expect(knownSecrets().length).toBeLessThanOrEqual(base + 33);
    expect(knownSecrets()).toContain(current);
  });
});

describe('issue 12 #4: encoded reflections are scrubbed', () => {
  const KEY = 'pk-Esc"Qm5J\\v8Wx3Rk7Zt-Hy9Lw';
  const secret = new Secret(KEY);
  const u = [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const forms: Record<string, string> = {
    'JSON-escaped': JSON.stringify(KEY).slice(1, -1),
    'escaped twice': JSON.stringify(JSON.stringify(KEY)).slice(1, -1),
    '\\u-escaped': u,
    'upper case': KEY.toUpperCase(),
    'split with dots': [...KEY].join('.'),
    base64: Buffer.from(KEY).toString('base64'),
    'Basic with an empty user': `Basic ${Buffer.from(`:${KEY}`).toString('base64')}`,
    'Basic user:password': `Basic realm="${Buffer.from(`corp-user:${KEY}`).toString('base64')}"`,
    base64url: Buffer.from(KEY).toString('base64url'),
  };
  it.each(Object.entries(forms))('%s', (_name, form) => {
    const out = scrub(`before ${form} after`, [secret]);
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith(' after') || out.endsWith(' after"')).toBe(true);
    expect(findLeak(out, KEY)).toBeUndefined();
    expect(findLeak(out.toLowerCase(), KEY.toLowerCase())).toBeUndefined();
    expect(findLeak(out.replace(/\./g, ''), KEY)).toBeUndefined();
    expect(out).not.toContain(form);
  });

  it('a \\u-escaped key parsed back out of a document is scrubbed in the document', () => {
    const doc = JSON.parse(`{"data":[{"id":"${u}"}],"message":"${JSON.stringify(JSON.stringify(KEY)).slice(1, -1)}"}`) as unknown;
    const text = JSON.stringify(scrubJson(doc, [secret]));
    expect(findLeak(text, KEY)).toBeUndefined();
    expect(findLeak(text, JSON.stringify(KEY).slice(1, -1))).toBeUndefined();
  });
});

describe('issue 12 #5: short keys', () => {
  it.each(['e', 'ok', 'status', 'gateway', '"', '\\', '{', ':'])('key %j: words kept, statuses kept, JSON valid', (key) => {
    expect(key.length).toBeLessThan(MIN_SCRUB_LENGTH);
    const s = new Secret(key);
    const doc = { status: 'ok', code: 'status', summary: 'the gateway answered: ok "e" \\ {status}', checks: [{ id: 'gateway', status: 'ok' }] };
    const clean = scrubJson(doc, [s]);
    expect(clean).toEqual(doc);
    expect(JSON.parse(JSON.stringify(clean))).toEqual(doc);
    expect(scrub(doc.summary, [s])).toBe(doc.summary);
    // Where the whole value is the key, it is replaced.
    expect(scrub(key, [s])).toBe(`[key ${s.fingerprint}]`);
    expect(scrubJson({ message: key }, [s]).message).toBe(`[key ${s.fingerprint}]`);
  });
});

describe('issue 12 #3: URLs are rendered without user-info or query', () => {
  it.each([
    ['https://user:pa%40ss@gw.example.com/base?token=abc#frag', 'https://gw.example.com/base'],
    ['https://user:p@ss@gw.example.com', 'https://gw.example.com'],
    ['http://127.0.0.1:8787/?api_key=QueryTok', 'http://127.0.0.1:8787/'],
    ['  https://api.portkey.ai  ', '  https://api.portkey.ai  '],
    ['not a url', 'not a url'],
  ])('%s', (raw, shown) => {
    expect(renderUrl(raw)).toBe(shown);
  });
  it('in any text', () => {
    expect(stripUrlSecrets('proxy http://corp:Pw-Rq7Zx@10.0.0.1:3128 refused; see https://x.test/a?k=v.')).toBe(
      'proxy http://10.0.0.1:3128 refused; see https://x.test/a',
    );
  });
});

describe('issue 15: the scrub skips the whole-value pattern only where it cannot match', () => {
  // The fast path (secret.ts, mayHoldWhole) decides from the lower-case, dot-free text; the
  // pattern allows any case, a dot between characters, and \u or JSON escapes. Each of those
  // forms, built at random around an ASCII key, must still be replaced.
  const keyChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/"\\'.split(''));
  const hex = (c: string, upper: boolean): string => {
    const h = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? h.toUpperCase() : h}`;
  };
  it('a key in any case, dotted, partly \\u- or JSON-escaped, inside any ASCII or Unicode text', () => {
    fc.assert(
      fc.property(
        fc.array(keyChar, { minLength: MIN_SCRUB_LENGTH, maxLength: 40 }).map((a) => a.join('')),
        fc.array(fc.record({ upper: fc.boolean(), dot: fc.boolean(), escape: fc.nat(9) })),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20, unit: 'binary' }),
        (key, shapes, before, after) => {
          const secret = new Secret(key);
          const form = [...key]
            .map((c, i) => {
              const s = shapes[i % Math.max(1, shapes.length)] ?? { upper: false, dot: false, escape: 9 };
              const cased = s.upper ? c.toUpperCase() : c.toLowerCase();
              const written = s.escape === 0 ? hex(c, s.upper) : s.escape === 1 ? JSON.stringify(c).slice(1, -1) : cased;
              return i < key.length - 1 && s.dot && c !== '.' ? `${written}.` : written;
            })
            .join('');
          const out = scrub(`${before}${form}${after}`, [secret]);
          expect(out).not.toContain(form);
          expect(out.toLowerCase()).not.toContain(key.toLowerCase());
        },
      ),
      { numRuns: 400 },
    );
  });
  it('a text without the key is left as it was', () => {
    const secret = new Secret('pk-unit-fastpath-Key42');
    // (any 8-character run of the key is removed by design: these hold none)
    for (const t of ['application/json', 'Tue, 01 Dec 2026 00:00:00 GMT', 'x.pk-unit.fast', 'ünïcode pk-unit', 'PK-UNIT-FASTPATH-KEY4']) {
      expect(scrub(t, [secret])).toBe(t);
    }
  });
});
