/** Every diagnosis code the doctor can emit, from the check registry and the engine: one table. */
import { CHECKS } from '../checks/index.js';
import type { CodeInfo, CodeTable } from '../contract/check.js';
import { ENGINE_CODES } from './runner.js';

export interface CodeRow extends CodeInfo {
  code: string;
  /** The check that emits it, or `engine`. */
  check: string;
}

export function allCodes(): CodeRow[] {
  // Codes shared by several checks (the network failure table) are listed once, with every check.
  const byCode = new Map<string, CodeRow>();
  for (const check of CHECKS) {
    const table: CodeTable = check.codes;
    for (const [code, info] of Object.entries(table)) {
      const row = byCode.get(code);
      if (row) row.check = `${row.check}, ${check.id}`;
      else byCode.set(code, { code, check: check.id, ...info });
    }
  }
  const rows = [...byCode.values()];
  for (const [code, info] of Object.entries(ENGINE_CODES)) rows.push({ code, check: '(engine)', ...info });
  return rows;
}

/** The markdown table in the README. */
export function codesTable(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| code | check | meaning | what to do |',
    '| --- | --- | --- | --- |',
    ...allCodes().map((r) => `| \`${r.code}\` | ${r.check} | ${esc(r.title)} | ${esc(r.fix)} |`),
  ].join('\n');
}
