import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readPlistFile } from '../../src/config/plist.js';

const managed = (name: string): string => fileURLToPath(new URL(`../fixtures/managed/${name}`, import.meta.url));
const KEY = 'pk-DoctorTestKey-Zq9Xw7Vr4Ty2';
const METADATA = '{"tenant":"acme","user":"dev@acme.com","team":"engineering","env":"prod"}';

async function dict(file: string) {
  const r = await readPlistFile(file);
  if (!r.exists || r.problem) throw new Error(`expected a dict, got ${JSON.stringify(r)}`);
  return r;
}

describe('readPlistFile', () => {
  it('XML plist with every value a string', async () => {
    const r = await dict(managed('managed-strings.plist'));
    expect(r.format).toBe('xml');
    expect(r.dict['inferenceProvider']).toBe('gateway');
    expect(r.dict['inferenceGatewayApiKey']).toBe(KEY);
    expect(r.dict['inferenceModels']).toBe('["claude-sonnet-4-5","claude-opus-4-1"]');
    expect(JSON.parse(r.dict['inferenceCustomHeaders'] as string)).toEqual({ 'x-portkey-metadata': METADATA });
    expect(r.dict['disableAutoUpdates']).toBe(true);
  });

  it('XML plist with native array and dict (kept as read)', async () => {
    const r = await dict(managed('managed-native-arrays.plist'));
    expect(r.dict['inferenceModels']).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(r.dict['inferenceCustomHeaders']).toEqual({ 'x-portkey-metadata': METADATA });
  });

  it('binary plist: the same values as the XML it was made from', async () => {
    const bin = await dict(managed('managed-binary.plist'));
    const xml = await dict(managed('managed-strings.plist'));
    expect(bin.format).toBe('binary');
    expect(bin.dict).toEqual(xml.dict);
  });

  it('the committed binary plist is what the committed script makes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-plist-'));
    writeFileSync(join(dir, 'managed-strings.plist'), readFileSync(managed('managed-strings.plist')));
    writeFileSync(join(dir, 'make-binary-plist.py'), readFileSync(managed('make-binary-plist.py')));
    try {
      execFileSync('python3', [join(dir, 'make-binary-plist.py')], { stdio: 'ignore' });
    } catch {
      return; // no python3 here: nothing to compare
    }
    expect(readFileSync(join(dir, 'managed-binary.plist')).equals(readFileSync(managed('managed-binary.plist')))).toBe(true);
  });

  it('broken XML → invalid-plist with the line, nothing printed', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    let r;
    try {
      r = await readPlistFile(managed('managed-broken.plist'));
    } finally {
      console.error = original;
    }
    expect(r.exists && r.problem?.kind).toBe('invalid-plist');
    expect(r.exists && r.problem?.line).toBe(8);
    expect(errors).toEqual([]);
  });

  it('empty, whitespace, not a dict, damaged binary, missing, a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-plist-'));
    const write = (name: string, data: string | Buffer): string => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    };
    const kind = async (file: string) => {
      const r = await readPlistFile(file);
      return r.exists ? r.problem?.kind : 'absent';
    };
    expect(await kind(write('empty.plist', ''))).toBe('empty');
    expect(await kind(write('ws.plist', '  \n\t'))).toBe('empty');
    expect(await kind(write('array.plist', '<?xml version="1.0"?><plist version="1.0"><array><string>x</string></array></plist>'))).toBe('not-object');
    expect(await kind(write('bad.bplist', Buffer.from('bplist00\x01\x02garbage', 'latin1')))).toBe('invalid-plist');
    expect(await kind(write('amp.plist', '<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><string>x & y</string></dict></plist>'))).toBe(
      'invalid-plist',
    );
    expect(await kind(join(dir, 'nope.plist'))).toBe('absent');
    expect(await kind(dir)).toBe('unreadable');
  });

  it('a problem message does not carry the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-plist-'));
    const file = join(dir, 'k.plist');
    writeFileSync(file, `<?xml version="1.0"?><plist version="1.0"><dict><key>inferenceGatewayApiKey</key><${KEY}>x</dict></plist>`);
    const r = await readPlistFile(file);
    expect(r.exists && r.problem?.kind).toBe('invalid-plist');
    expect(JSON.stringify(r)).not.toContain('Zq9Xw7Vr4Ty2');
  });
});
