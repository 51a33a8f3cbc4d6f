/** The engine's parts alone, on real files: backup, atomic replace, undo, the masked diff, the IT file forms. */
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdit, formattingOf } from '../../src/fix/apply.js';
import { diffLines, maskDocument, maskedDiff } from '../../src/fix/display.js';
import { linuxManagedFile, plistFragment, policyDelta, regFile } from '../../src/fix/it-policy.js';
import { changedSincePlan } from '../../src/fix/engine.js';
import { atomicReplace, backup, backupStamp, latestBackups, renameNoReplace, restore, unchangedSince } from '../../src/fix/write.js';

const KEY = 'pk-EngineUnitKey-Hw4Jq8Ls2Xc';
const tmp = () => mkdtempSync(join(tmpdir(), 'pkd-fixunit-'));

describe('backup and atomic write', () => {
  it('backs up byte for byte at 0600 beside the file, replaces keeping mode (and owner, as root), leaves no temp file', async () => {
    const dir = tmp();
    const file = join(dir, 'p.json');
    const bytes = Buffer.from('\uFEFF{"a": 1}\r\n', 'utf8');
    writeFileSync(file, bytes);
    chmodSync(file, 0o644);
    const isRoot = process.getuid?.() === 0;
    if (isRoot) chownSync(file, 4321, 4322);
    const b = await backup(file, backupStamp(new Date('2026-12-01T23:05:01.024Z')));
    expect(b).toBe(`${file}.bak-20261201T230501024Z`);
    expect(statSync(b).mode & 0o777).toBe(0o600);
    expect(readFileSync(b).equals(bytes)).toBe(true);
    // Same instant again: a second name, never over the first.
    expect(await backup(file, backupStamp(new Date('2026-12-01T23:05:01.024Z')))).toBe(`${b}-2`);

    await atomicReplace(file, '{"a": 2}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a": 2}\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
    if (isRoot) expect([statSync(file).uid, statSync(file).gid]).toEqual([4321, 4322]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await unchangedSince(file, '{"a": 2}\n')).toBe(true);
    expect(await unchangedSince(file, '{"a": 1}\n')).toBe(false);

    // Undo: the newest run's first backup of each file, byte for byte.
    const [found, ...more] = await latestBackups([dir]);
    expect(more).toEqual([]);
    expect(found).toMatchObject({ path: b, original: file });
    await restore(found!);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('never writes through a symbolic link, and a rename never replaces a file', async () => {
    const dir = tmp();
    const target = join(dir, 'target.json');
    writeFileSync(target, '{}');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    await expect(atomicReplace(link, '{"x":1}')).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(backup(link, 'x')).rejects.toMatchObject({ code: 'ELOOP' });
    expect(readFileSync(target, 'utf8')).toBe('{}');
    const other = join(dir, 'other.json');
    writeFileSync(other, 'keep');
    await expect(renameNoReplace(target, other)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(other, 'utf8')).toBe('keep');
  });
});

describe('undo picks the newest run; a file changed since the plan is never written', () => {
  it('two runs: --undo restores the newer run (each file once)', async () => {
    const dir = tmp();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, 'a1');
    writeFileSync(b, 'b1');
    await backup(a, backupStamp(new Date('2026-12-01T10:00:00.000Z')));
    writeFileSync(a, 'a2');
    await backup(a, backupStamp(new Date('2026-12-01T11:00:00.000Z')));
    await backup(b, backupStamp(new Date('2026-12-01T11:00:00.000Z')));
    writeFileSync(a, 'a3');
    writeFileSync(b, 'b3');
    const found = await latestBackups([dir, dir]);
    expect(found.map((x) => x.original).sort()).toEqual([a, b]);
    for (const x of found) await restore(x);
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['a2', 'b1']);
    expect(await latestBackups([join(dir, 'none')])).toEqual([]);
  });

  it('changedSincePlan names a file edited after it was read, and refuses a symbolic link', async () => {
    const dir = tmp();
    const f = join(dir, 'p.json');
    writeFileSync(f, '{}');
    const plan = { changes: [], explanations: [], files: [{ role: 'settings' as const, path: f, before: '{}', after: '{"a":1}' }] };
    expect(await changedSincePlan(plan)).toEqual([]);
    writeFileSync(f, '{"b":2}');
    expect(await changedSincePlan(plan)).toEqual([f]);
    const link = join(dir, 'l.json');
    symlinkSync(f, link);
    await expect(changedSincePlan({ ...plan, files: [{ ...plan.files[0]!, path: link }] })).rejects.toMatchObject({ code: 'ELOOP', path: link });
  });
});

describe('edits keep the document', () => {
  it('indentation style, line endings, order and comments kept', () => {
    const crlf = '{\r\n    // c\r\n    "b": 1,\r\n    "a": "x"\r\n}\r\n';
    expect(formattingOf(crlf)).toEqual({ insertSpaces: true, tabSize: 4, eol: '\r\n' });
    expect(applyEdit(crlf, { file: 'settings', op: 'set', path: ['a'], value: 'y' })).toBe(crlf.replace('"x"', '"y"'));
    expect(applyEdit(crlf, { file: 'settings', op: 'rename-key', path: ['b'], to: 'c' })).toBe(crlf.replace('"b"', '"c"'));
    expect(applyEdit(crlf, { file: 'settings', op: 'set', path: ['z'], value: 1 })).toContain('\r\n    "z": 1\r\n}');
  });
});

describe('the diff a person sees', () => {
  it('shows every credential as its fingerprint: the key field, a misspelt key field, a credential header, a Bearer value, a key-shaped name', () => {
    const doc = JSON.stringify(
      {
        inferenceGatewayApiKey: KEY,
        inferenceGatewayApikey: `Bearer ${KEY}`,
        inferenceCustomHeaders: { 'x-portkey-api-key': 'short-one', Authorization: `Bearer ${KEY}` },
        [KEY]: 'pasted as a name',
        inferenceGatewayBaseUrl: 'https://user:hunter2pass@gw.example.test',
      },
      null,
      2,
    );
    const shown = maskDocument(doc);
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain('short-one');
    expect(shown).not.toContain('hunter2pass');
    expect(shown).toMatch(/"inferenceGatewayApiKey": "<key sha256:[0-9a-f]{12}>"/);
    const diff = maskedDiff(doc, doc.replace(`Bearer ${KEY}`, KEY));
    expect(JSON.stringify(diff)).not.toContain(KEY);
  });

  it('a corrupt file: key-shaped text still masked', () => {
    expect(maskDocument(`{"inferenceGatewayApiKey": "${KEY}",,`)).not.toContain(KEY);
  });

  it('removed lines come before added ones, with context and gaps', () => {
    const a = ['{', '"1": 1,', '"2": 2,', '"3": 3,', '"4": 4,', '"5": 5,', '"6": 6', '}'].join('\n');
    const b = a.replace('"5": 5', '"5": 50');
    expect(diffLines(a, b)).toEqual([
      { op: ' ', text: '…' },
      { op: ' ', text: '"3": 3,' },
      { op: ' ', text: '"4": 4,' },
      { op: '-', text: '"5": 5,' },
      { op: '+', text: '"5": 50,' },
      { op: ' ', text: '"6": 6' },
      { op: ' ', text: '}' },
    ]);
  });
});

describe('the policy for IT', () => {
  const before = { inferenceGatewayBaseUrl: 'https://gw.example.test/v1', inferenceGatewayApiKey: KEY, inferenceGatewayAPIKey: 'x', disableAutoUpdates: true };
  const after = { inferenceGatewayBaseUrl: 'https://gw.example.test', inferenceGatewayApiKey: KEY.trim(), disableAutoUpdates: true };

  it('the delta: set, remove; the key never among what is written', () => {
    expect(policyDelta(before, after)).toEqual({
      set: { inferenceGatewayBaseUrl: 'https://gw.example.test' },
      remove: ['inferenceGatewayAPIKey'],
      credentialChanged: [],
    });
    expect(policyDelta(before, { ...after, inferenceGatewayApiKey: 'changed' }).credentialChanged).toEqual(['inferenceGatewayApiKey']);
  });

  it('.reg: the hive spelt out, strings escaped, booleans as DWORD, removals as =-', () => {
    const text = regFile({ set: { a: 'C:\\x "y"', b: true, c: ['m'] }, remove: ['old'], credentialChanged: [] }, 'HKLM\\SOFTWARE\\Policies\\Claude');
    expect(text.split('\r\n')).toEqual(
      expect.arrayContaining([
        'Windows Registry Editor Version 5.00',
        '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Claude]',
        '"a"="C:\\\\x \\"y\\""',
        '"b"=dword:00000001',
        '"c"="[\\"m\\"]"',
        '"old"=-',
      ]),
    );
  });

  it('plist fragment and the Linux file: never the key', () => {
    expect(plistFragment(policyDelta(before, after))).not.toContain(KEY);
    const linux = JSON.parse(linuxManagedFile(after));
    expect(linux).toEqual({ inferenceGatewayBaseUrl: 'https://gw.example.test', disableAutoUpdates: true });
  });
});
