import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lineColumn, locateJsonError, parseJsonStrict, stripBom } from '../../src/config/json.js';

const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';

function err(text: string) {
  const r = parseJsonStrict(text);
  if (r.ok) throw new Error('expected a syntax error');
  return r;
}

describe('parseJsonStrict', () => {
  it('accepts strict JSON', () => {
    expect(parseJsonStrict('{"a":[1,2,{"b":null}],"c":"“curly” inside a string is fine"}')).toEqual({
      ok: true,
      value: { a: [1, 2, { b: null }], c: '“curly” inside a string is fine' },
    });
  });

  it.each([
    // [text, code, line, column, hintCode]
    ['{"a":1,}', 'trailing-comma', 1, 8, 'trailing-comma'],
    ['[\n  1,\n  2,\n]', 'trailing-comma', 4, 1, 'trailing-comma'],
    ['{\n  "a": 1,\n  "b": [1,2,],\n  "c": 3\n}', 'trailing-comma', 3, 13, 'trailing-comma'],
    ["{'a': 1}", 'unexpected-character', 1, 2, 'single-quotes'],
    ['{"a": \'x\'}', 'unexpected-character', 1, 7, 'single-quotes'],
    ['{“a”: 1}', 'unexpected-character', 1, 2, 'typographic-quotes'],
    ['{"a": ”x”}', 'unexpected-character', 1, 7, 'typographic-quotes'],
    ['{"a": ‘x’}', 'unexpected-character', 1, 7, 'typographic-quotes'],
    ['\uFEFF{"a": 1}', 'unexpected-character', 1, 1, 'bom'],
    ['{\n  // note\n  "a": 1\n}', 'unexpected-character', 2, 3, 'comment'],
    ['{"a": 1 /* x */}', 'unexpected-character', 1, 9, 'comment'],
    ['{"a": 1} // x', 'trailing-content', 1, 10, 'comment'],
    ['{a: 1}', 'unexpected-character', 1, 2, 'unquoted-key'],
  ] as const)('locates %j as %s at %i:%i with hint %s', (text, code, line, column, hintCode) => {
    const e = err(text);
    expect(e.code).toBe(code);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.hintCode).toBe(hintCode);
    expect(e.hint).toEqual(expect.any(String));
  });

  it.each([
    ['{"a": 1', 'unexpected-end', 1, 8],
    ['', 'unexpected-end', 1, 1],
    ['{"a": "b\nc"}', 'control-character', 1, 9],
    ['{"a": "abc', 'unterminated-string', 1, 7],
    ['{"a": "\\x"}', 'invalid-escape', 1, 8],
    ['{"a": "\\u12G4"}', 'invalid-escape', 1, 8],
    ['{"a": 01}', 'invalid-number', 1, 7],
    ['{"a": 1.}', 'invalid-number', 1, 7],
    ['{"a": -}', 'invalid-number', 1, 7],
    ['{"a": .5}', 'unexpected-character', 1, 7],
    ['{"a": tru}', 'unexpected-character', 1, 10],
    ['{"a" 1}', 'unexpected-character', 1, 6],
    ['{"a": 1 "b": 2}', 'unexpected-character', 1, 9],
    ['{} {}', 'trailing-content', 1, 4],
    ['\r\n\r\n  x', 'unexpected-character', 3, 3],
    ['\r\r x', 'unexpected-character', 3, 2],
  ] as const)('locates %j as %s at %i:%i', (text, code, line, column) => {
    const e = err(text);
    expect(e.code).toBe(code);
    expect([e.line, e.column]).toEqual([line, column]);
  });

  it('a curly closing quote inside a string is reported with the typographic hint', () => {
    const e = err('{"a": "x”,\n "b": 2}');
    expect(e.code).toBe('control-character');
    expect(e.hintCode).toBe('typographic-quotes');
  });

  it('never echoes the input beyond one character', () => {
    const texts = [
      `{"inferenceGatewayApiKey": "${KEY}",}`,
      `{"inferenceGatewayApiKey": '${KEY}'}`,
      `[${KEY}]`,
      `{"k": "${KEY}\n"}`,
      `{"k": "${KEY}`,
      `"${KEY}" x`,
    ];
    for (const text of texts) {
      const e = err(text);
      // Any 4-character run of the key (shorter runs occur in ordinary English words).
      for (let i = 0; i + 4 <= KEY.length; i++) expect(e.message).not.toContain(KEY.slice(i, i + 4));
      // V8 would quote the text here; make sure that is not what we return.
      expect(e.message).toMatch(/^Invalid JSON at line \d+, column \d+: /);
    }
  });

  it('agrees with JSON.parse on validity for random near-JSON text', () => {
    const alphabet = fc.constantFrom(...'{}[]":,0123456789.-+eEtrufalsn \n\t\\/\'“”ab\u0001'.split(''));
    const mutated = fc.tuple(fc.json(), fc.nat(), fc.nat(), alphabet, fc.boolean()).map(([json, at, del, ch, insert]) => {
      const i = at % (json.length + 1);
      return insert ? json.slice(0, i) + ch + json.slice(i) : json.slice(0, i) + json.slice(i + 1 + (del % 2));
    });
    const noise = fc.array(alphabet, { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(mutated, noise, fc.json()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const located = locateJsonError(text);
        expect(located === undefined).toBe(valid);
        if (located) {
          expect(located.offset).toBeGreaterThanOrEqual(0);
          expect(located.offset).toBeLessThanOrEqual(text.length);
          expect(located.code).not.toBe('unknown');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('lineColumn', () => {
  it('counts CRLF as one line break and columns from 1', () => {
    expect(lineColumn('ab\r\ncd', 4)).toEqual({ line: 2, column: 1 });
    expect(lineColumn('ab\r\ncd', 5)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('abc', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('stripBom', () => {
  it('removes exactly one leading BOM', () => {
    expect(stripBom('\uFEFF{}')).toBe('{}');
    expect(stripBom('{}')).toBe('{}');
    expect(stripBom('\uFEFF\uFEFF{}')).toBe('\uFEFF{}');
  });
});
