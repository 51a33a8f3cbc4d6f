#!/usr/bin/env node
// Prints the table of diagnosis codes from the check registry (the single source), or with
// --write replaces the table between the markers of docs/codes.md. A test keeps them equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { codesTable } from '../build/modules/engine/codes.js';

const readme = new URL('../docs/codes.md', import.meta.url);
const START = '<!-- codes:start -->';
const END = '<!-- codes:end -->';
const table = codesTable();
if (process.argv.includes('--write')) {
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < 0) throw new Error('docs/codes.md has no codes markers');
  writeFileSync(readme, `${text.slice(0, a + START.length)}\n${table}\n${text.slice(b)}`);
} else {
  process.stdout.write(`${table}\n`);
}
