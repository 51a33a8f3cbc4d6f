import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCured, goodProfile, makeLayout, read } from './harness.js';

describe('claude-settings fixer (uppercase appliedId) on real files', () => {
  it('appliedId and its entry lower-cased, the profile file renamed to match, its bytes kept', async () => {
    const id = 'AB12CD34-0000-4000-8000-00000000ABCD';
    const layout = makeLayout({ id, profile: goodProfile({ other: 1 }) });
    const lib = join(layout.claude3p, 'configLibrary');
    const bytes = read(join(lib, `${id}.json`));
    await expectCured(layout, { check: 'claude-settings', code: 'SETTINGS_APPLIED_ID_UPPERCASE' });
    const meta = JSON.parse(read(join(lib, '_meta.json'))) as { appliedId: string; entries: { id: string; name: string }[] };
    expect(meta).toEqual({ appliedId: id.toLowerCase(), entries: [{ id: id.toLowerCase(), name: 'Work' }] });
    expect(existsSync(join(lib, `${id}.json`))).toBe(false);
    expect(read(join(lib, `${id.toLowerCase()}.json`))).toBe(bytes);
  });
});
