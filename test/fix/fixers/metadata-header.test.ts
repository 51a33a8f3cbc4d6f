import { describe, expect, it } from 'vitest';
import { repairMetadata } from '../../../src/fix/fixers/metadata-header.js';
import { documentPaths, expectCured, fixOnce, goodProfile, makeLayout, read } from './harness.js';

describe('repairMetadata (pure)', () => {
  it.each([
    ['{“team”:“eng”}', '{"team":"eng"}', ['METADATA_INVALID_JSON']],
    ["{'team':'eng','env':'prod'}", '{"team":"eng","env":"prod"}', ['METADATA_INVALID_JSON']],
    ['{‘team’: ‘eng’}', '{"team":"eng"}', ['METADATA_INVALID_JSON']],
    ['{"team":"eng",}', '{"team":"eng"}', ['METADATA_INVALID_JSON']],
    ['{"team":"o’neil",}', '{"team":"o’neil"}', ['METADATA_INVALID_JSON']],
    ["{'count':3,'on':true,}", '{"count":"3","on":"true"}', ['METADATA_INVALID_JSON', 'METADATA_VALUE_NOT_STRING']],
  ])('%s → %s', (text, value, cures) => {
    expect(repairMetadata(text)).toEqual({ kind: 'repaired', value, cures });
  });

  it('valid JSON with numbers: only the values change, spacing kept; the number as written', () => {
    expect(repairMetadata('{ "team": "eng", "cost": 1.50, "ok": false }')).toEqual({
      kind: 'repaired',
      value: '{ "team": "eng", "cost": "1.50", "ok": "false" }',
      cures: ['METADATA_VALUE_NOT_STRING'],
    });
  });

  it.each([
    ["{'team':'o'neil'}", 'METADATA_INVALID_JSON'], // an apostrophe among single quotes: ambiguous
    ['{"team":"eng", \'env\':\'x\'}', 'METADATA_INVALID_JSON'], // mixed quotes
    ['{"team":null}', 'METADATA_VALUE_NOT_STRING'],
    ['{"team":{"a":"b"}}', 'METADATA_VALUE_NOT_STRING'],
    ['{"team":"a","team":"b",}', 'METADATA_INVALID_JSON'], // a duplicate: which one?
    ['["eng"]', 'METADATA_NOT_OBJECT'],
    ['team=eng', 'METADATA_INVALID_JSON'],
  ])('%s is explained, not changed (%s)', (text, code) => {
    const r = repairMetadata(text);
    expect(r.kind).toBe('explained');
    if (r.kind === 'explained') expect(r.code).toBe(code);
  });

  it('a value over 128 characters is named, never shortened', () => {
    const long = 'x'.repeat(129);
    expect(repairMetadata(`{"a":"${long}"}`)).toEqual({ kind: 'unchanged', tooLong: ['a'] });
    const r = repairMetadata(`{'a':'${long}'}`);
    expect(r).toMatchObject({ kind: 'repaired', tooLong: ['a'] });
    if (r.kind === 'repaired') expect(JSON.parse(r.value)).toEqual({ a: long });
  });
});

const profileWith = (headers: Record<string, unknown>) => ({ keepMe: [1, { a: 2 }], ...goodProfile(headers) });

describe('metadata-header fixer on real files', () => {
  it('native object of inferenceCustomHeaders: typographic quotes repaired, the check passes, other headers kept', async () => {
    const profile = profileWith({ inferenceCustomHeaders: { 'x-trace': 'abc', 'x-portkey-metadata': '{“team”:“eng”}' } });
    const layout = makeLayout({ profile });
    await expectCured(layout, { check: 'metadata-header', code: 'METADATA_INVALID_JSON' });
    expect(JSON.parse(read(documentPaths(layout).settings!))).toEqual({
      ...profile,
      inferenceCustomHeaders: { 'x-trace': 'abc', 'x-portkey-metadata': '{"team":"eng"}' },
    });
  });

  it('headers as a JSON string: the metadata inside it is repaired, the rest of its text kept', async () => {
    const headers = '{"x-trace": "abc", "x-portkey-metadata": "{\'team\':\'eng\',}"}';
    const layout = makeLayout({ profile: profileWith({ inferenceCustomHeaders: headers }) });
    await expectCured(layout, { check: 'metadata-header', code: 'METADATA_INVALID_JSON' });
    const after = JSON.parse(read(documentPaths(layout).settings!)) as Record<string, string>;
    expect(after['inferenceCustomHeaders']).toBe('{"x-trace": "abc", "x-portkey-metadata": "{\\"team\\":\\"eng\\"}"}');
  });

  it('numbers as strings in a "Name: Value" list', async () => {
    const layout = makeLayout({ profile: profileWith({ inferenceCustomHeaders: ['x-portkey-metadata: {"team":"eng","n":3}'] }) });
    await expectCured(layout, { check: 'metadata-header', code: 'METADATA_VALUE_NOT_STRING' });
    expect((JSON.parse(read(documentPaths(layout).settings!)) as Record<string, unknown>)['inferenceCustomHeaders']).toEqual([
      'x-portkey-metadata: {"team":"eng","n":"3"}',
    ]);
  });

  it('ambiguous metadata and an over-long value: explained, nothing written', async () => {
    const layout = makeLayout({
      profile: profileWith({ inferenceCustomHeaders: { 'x-portkey-metadata': `{"team":"${'y'.repeat(200)}"}` } }),
    });
    const before = read(documentPaths(layout).settings!);
    const run = await fixOnce(layout);
    expect(run.plan.files).toEqual([]);
    expect(run.plan.explanations.map((e) => e.code)).toEqual(['METADATA_VALUE_TOO_LONG']);
    expect(JSON.stringify(run.plan.explanations)).not.toContain('yyyy');
    expect(read(documentPaths(layout).settings!)).toBe(before);
  });
});

describe('metadata explanations never echo a key pasted as a metadata key name', () => {
  it('a null value under a key-shaped name', () => {
    const pasted = 'pk-live-Zq9Xw7Vr4Ty2Hj8Kd3Lm';
    const r = repairMetadata(`{"${pasted}":null}`);
    expect(r.kind).toBe('explained');
    expect(JSON.stringify(r)).not.toContain(pasted.slice(3, 15));
  });
});
