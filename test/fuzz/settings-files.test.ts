/**
 * Target 1: generated Claude-3p folders (current layout, legacy layout, both) holding valid and
 * near-valid settings JSON → discovery → target → the settings checks → the reports. No input may
 * crash a check (`error`), yield a non-ok result without a declared code, take longer than the
 * per-input deadline, or let the API key (or 8 characters of it) into the output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigValue, jsonFileOf, jsonValue, renderJsonFile, settingsObject, settingsObjectWithBig, weirdString, type JsonFileSpec } from './arbitraries.js';
import { bigParts, brief, expectNoLeak, expectSoundResults, params, printable, runSettings, TempRoot, testTimeout, Watchdog, withDeadline } from './support.js';

const ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';

/** What a file slot holds: generated JSON, or one of the ways a file goes wrong outside JSON. */
type FileSlot =
  | { kind: 'json'; spec: JsonFileSpec }
  | { kind: 'empty' }
  | { kind: 'whitespace' }
  | { kind: 'directory' }
  | { kind: 'oversize' }
  | { kind: 'absent' };

const oddFile = fc.constantFrom<FileSlot>({ kind: 'empty' }, { kind: 'whitespace' }, { kind: 'directory' }, { kind: 'oversize' }, { kind: 'absent' });

function slot(value: fc.Arbitrary<unknown>): fc.Arbitrary<FileSlot> {
  return fc.oneof({ arbitrary: jsonFileOf(value).map((spec): FileSlot => ({ kind: 'json', spec })), weight: 20 }, { arbitrary: oddFile, weight: 1 });
}

const metaValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: weirdString.map((name) => ({
      appliedId: ID,
      entries: [
        { id: ID, name },
        { id: 'other', name: 'Other' },
      ],
    })),
    weight: 10,
  },
  { arbitrary: fc.constant({ appliedId: ID }), weight: 2 },
  { arbitrary: fc.constant({ appliedId: ID, entries: [{ id: ID, name: { nested: true } }, null, 'x'] }), weight: 1 },
  {
    arbitrary: fc.record(
      {
        appliedId: fc.oneof(
          jsonValue,
          fc.constantFrom('..', '.', 'a/b', 'a\\b', 'x\u0000y', '', ' ', 'a'.repeat(300), 'not-there', '_meta', 'CON', 'ünï-cødé'),
        ),
        entries: jsonValue,
      },
      { requiredKeys: [] },
    ),
    weight: 2,
  },
  { arbitrary: jsonValue, weight: 1 },
);

/** A case: which layout, and what each file of it holds. With `big`, the settings carry one huge/long/deep value. */
function caseOf(big: boolean) {
  const settings = big ? settingsObjectWithBig : settingsObject;
  const profileValue = fc.oneof({ arbitrary: settings, weight: 12 }, { arbitrary: jsonValue, weight: 1 });
  const legacyValue: fc.Arbitrary<unknown> = fc
    .record(
      {
        deploymentMode: fc.oneof(
          { arbitrary: fc.constantFrom('3p', '1p', ' 1P ', '1p\u200b', '', 'cloud'), weight: 10 },
          { arbitrary: jsonValue, weight: 5 },
          { arbitrary: big ? bigValue : jsonValue, weight: 1 },
        ),
        enterpriseConfig: fc.oneof({ arbitrary: settings, weight: 8 }, { arbitrary: jsonValue, weight: 1 }),
        other: fc.dictionary(weirdString, jsonValue, { maxKeys: 3 }),
      },
      { requiredKeys: [] },
    )
    .map(({ other, ...rest }) => ({ ...(other ?? {}), ...rest }));
  return fc
    .record({
      layout: fc.constantFrom('current', 'current', 'legacy', 'both'),
      meta: fc.oneof(
        {
          arbitrary: metaValue.map((value): FileSlot => ({ kind: 'json', spec: { value, indent: 0, text: { kind: 'none' }, bytes: { kind: 'utf8' } } })),
          weight: 6,
        },
        { arbitrary: slot(metaValue), weight: 1 },
      ),
      profile: slot(profileValue),
      legacy: slot(legacyValue),
    })
    .map(printable);
}

type Case = ReturnType<typeof caseOf> extends fc.Arbitrary<infer T> ? T : never;

const OVERSIZE = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);

function writeSlot(file: string, s: FileSlot): void {
  switch (s.kind) {
    case 'json':
      writeFileSync(file, renderJsonFile(s.spec));
      return;
    case 'empty':
      writeFileSync(file, '');
      return;
    case 'whitespace':
      writeFileSync(file, ' \n\t\r\n');
      return;
    case 'directory':
      mkdirSync(file);
      return;
    case 'oversize':
      writeFileSync(file, OVERSIZE);
      return;
    case 'absent':
      return;
  }
}

function writeCase(root: string, c: Case): string {
  const dir = join(root, 'Claude-3p');
  mkdirSync(dir);
  if (c.layout === 'current' || c.layout === 'both') {
    mkdirSync(join(dir, 'configLibrary'));
    writeSlot(join(dir, 'configLibrary', '_meta.json'), c.meta);
    writeSlot(join(dir, 'configLibrary', `${ID}.json`), c.profile);
  }
  if (c.layout === 'legacy' || c.layout === 'both') writeSlot(join(dir, 'claude_desktop_config.json'), c.legacy);
  return dir;
}

describe('fuzz: settings files', () => {
  const temp = new TempRoot();
  const watchdog = new Watchdog();
  beforeAll(() => watchdog.start());
  afterAll(() => {
    watchdog.stop();
    temp.cleanup();
  });

  /** One input: write the folder, run the doctor's settings layer on it, check what came out. */
  async function property(c: Case): Promise<void> {
    const root = temp.dir();
    try {
      const claudeDir = writeCase(root, c);
      const run = await withDeadline(watchdog, `settings ${c.layout} ${bigParts(c).join(' ')} ${brief(c, 40)}`, () => runSettings({ home: root, claudeDir }));
      expectSoundResults(run.results);
      expectNoLeak(run);
      // A source the app cannot read is never reported as fine.
      const settings = run.results[0]!;
      if (run.discovery.inForce?.problem) expect(settings.status).toBe('fail');
      if (settings.code === 'SETTINGS_INVALID_JSON') {
        expect(settings.details?.line).toBeGreaterThanOrEqual(1);
        expect(settings.details?.column).toBeGreaterThanOrEqual(1);
      }
    } finally {
      temp.remove(root);
    }
  }

  it(
    'any Claude-3p folder: no crash, codes on every finding, within the deadline, no key in the output',
    async () => {
      await fc.assert(fc.asyncProperty(caseOf(false), property), params(1_600, 30_000));
    },
    testTimeout(30_000),
  );

  it(
    'huge strings, long lists and deep nesting: the same, within the deadline',
    async () => {
      await fc.assert(fc.asyncProperty(caseOf(true), property), params(50, 30_000));
    },
    testTimeout(30_000),
  );
});
