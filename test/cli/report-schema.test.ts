/** Every --json report validates against the published schema; docs/codes.md's code table is current. */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codesTable } from '../../src/engine/codes.js';
import { reportValidator, ROOT } from './schema.js';
import { FIXTURES, GOOD_PROFILE, parseReport, runCli, writeProfile } from './run-cli.js';

const root = ROOT;

describe('JSON report', () => {
  const validate = reportValidator();
  const dirs = existsSync(join(FIXTURES, 'claude-3p')) ? readdirSync(join(FIXTURES, 'claude-3p')).map((n) => join(FIXTURES, 'claude-3p', n)) : [];

  it.each([writeProfile(structuredClone(GOOD_PROFILE)), ...dirs])('validates against the schema: %s', async (dir) => {
    const run = await runCli(['--json', '--no-policy', '--claude-dir', dir]);
    const report = parseReport(run);
    const valid = validate(report);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(run.code).toBe(report.exitCode);
  });

  it('validates when no settings exist at all', async () => {
    const run = await runCli(['--json', '--no-policy']);
    const report = parseReport(run);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.checks[0]).toMatchObject({ id: 'claude-settings', status: 'fail', code: 'SETTINGS_NOT_FOUND' });
    expect(run.code).toBe(1);
  });

  it('a report of schema 1.0.0 still validates against the current schema', () => {
    const old = JSON.parse(readFileSync(join(root, 'schema/examples/report-1.0.0.json'), 'utf8'));
    expect(old.schemaVersion).toBe('1.0.0');
    expect(validate(old), JSON.stringify(validate.errors)).toBe(true);
  });

  it('docs/codes.md lists every diagnosis code (npm run codes:docs)', () => {
    const codes = readFileSync(join(root, 'docs/codes.md'), 'utf8');
    expect(codes).toContain(codesTable());
  });
});
