import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCured, makeLayout, read, statuses } from './harness.js';

describe('developer-mode fixer on real files', () => {
  it.each([
    ['DEVELOPER_SETTINGS_EMPTY', ''],
    ['DEVELOPER_SETTINGS_INVALID_JSON', '{"allowDevTools": tru'],
    ['DEVELOPER_SETTINGS_NOT_OBJECT', '[true]'],
  ])('%s → {}: the app can start, the check no longer fails; idempotent', async (code, text) => {
    const layout = makeLayout({ developer: text });
    chmodSync(join(layout.dataDir, 'developer_settings.json'), 0o640);
    const run = await expectCured(layout, { check: 'developer-mode', code, file: 'developer-settings' });
    expect(run.plan.changes.map((c) => c.code)).toEqual([code]);
    expect(read(join(layout.dataDir, 'developer_settings.json'))).toBe('{}\n');
    expect(statuses(run.before)['developer-mode']).toBe('fail');
  });

  it('DEVELOPER_SETTINGS_BOM: the mark removed, the content kept', async () => {
    const layout = makeLayout({ developer: '\uFEFF{"allowDevTools": true}\n' });
    const run = await expectCured(layout, { check: 'developer-mode', code: 'DEVELOPER_SETTINGS_BOM', file: 'developer-settings' });
    expect(run.plan.changes.map((c) => c.code)).toEqual(['DEVELOPER_SETTINGS_BOM']);
    expect(read(join(layout.dataDir, 'developer_settings.json'))).toBe('{"allowDevTools": true}\n');
    expect(statuses(run.after)['developer-mode']).toBe('ok');
  });
});
