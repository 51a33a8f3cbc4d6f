/**
 * Target: keys drawn from short words and JSON-special characters (issue 12 #5), through the real
 * run (`prepare` + `runOnce`: discovery, target, the settings checks, the output scrub) and both
 * renderers. Whatever the key — `e`, `ok`, `status`, `gateway`, `"`, `\`, a word with quotes —
 * the JSON report stays valid, every check keeps its id, status and code (no redaction mark lands
 * in the report's own names and vocabulary), and a key long enough to scrub (8 characters or more)
 * appears nowhere whole.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { CHECKS } from '../../src/checks/index.js';
import { parseDoctorFlags } from '../../src/config/flags.js';
import { REPORT_FIELDS } from '../../src/core/output-scrub.js';
import { MIN_SCRUB_LENGTH } from '../../src/core/secret.js';
import { renderConsole } from '../../src/reporters/console.js';
import { palette } from '../../src/reporters/color.js';
import { renderJson } from '../../src/reporters/json.js';
import { prepare, runOnce } from '../../src/run/index.js';
import { forgetDroppedSecrets } from '../cli/leak-check.js';
import { params, testTimeout } from './support.js';

const ROOT = mkdtempSync(join(tmpdir(), 'pkd-fuzz-oddkeys-'));
afterAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
  forgetDroppedSecrets();
});

const SETTINGS_IDS = CHECKS.filter((c) => c.group === 'settings').map((c) => c.id);
const STATUSES = new Set(['ok', 'warn', 'fail', 'skip', 'error']);

/** Words the doctor itself writes, and characters that are special in JSON, Markdown or a regex. */
const WORDS = ['e', 'ok', 'status', 'gateway', 'code', 'id', 'fail', 'settings', 'true', 'null', 'key', 'Bearer', 'api', 'x', '1', 'pk-'];
const SPECIAL = ['"', '\\', '\\"', '\\u0000', '{', '}', '[', ']', ',', ':', '|', '*', '$', '.', '/', ' ', "'", '`', '\u2028'];
const oddKey = fc.oneof(
  fc.constantFrom(...WORDS, ...SPECIAL),
  fc.array(fc.constantFrom(...WORDS, ...SPECIAL), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
  fc.string({ minLength: 1, maxLength: 12 }),
);

let n = 0;
async function runWithKey(key: string) {
  const home = join(ROOT, String(n++));
  const dir = join(home, '.config', 'Claude-3p', 'configLibrary');
  mkdirSync(dir, { recursive: true });
  const id = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';
  writeFileSync(join(dir, '_meta.json'), JSON.stringify({ appliedId: id }));
  writeFileSync(
    join(dir, `${id}.json`),
    JSON.stringify({
      inferenceProvider: 'gateway',
      inferenceGatewayBaseUrl: 'https://api.portkey.ai',
      inferenceGatewayApiKey: key,
      inferenceGatewayAuthScheme: 'bearer',
    }),
  );
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PORTKEY_DOCTOR_POLICY: join(home, 'no-policy.json') };
  const prepared = await prepare(parseDoctorFlags(['--only', 'settings', '--no-policy']), env);
  const report = await runOnce(prepared);
  return { json: renderJson(report), text: renderConsole(report, { verbose: true, color: palette(false) }) };
}

describe('keys from short words and JSON-special characters', () => {
  it(
    'the JSON stays valid, ids, statuses and codes stay intact, and a scrubbable key never shows',
    async () => {
      await fc.assert(
        fc.asyncProperty(oddKey, async (key) => {
          // Each input alone: the registry keeps recent keys (a daemon's text can outlive them).
          await forgetDroppedSecrets();
          const { json, text } = await runWithKey(key);
          const parsed = JSON.parse(json) as { checks: { id: string; status: string; code?: string }[] };
          // A key of 8 characters or more that is itself part of a check id (`settings`) is
          // replaced inside that id too: the whole key is never shown, wherever it is.
          if (!SETTINGS_IDS.some((id) => key.length >= MIN_SCRUB_LENGTH && id.toLowerCase().includes(key.toLowerCase()))) {
            expect(parsed.checks.map((c) => c.id)).toEqual(SETTINGS_IDS);
          } else expect(parsed.checks).toHaveLength(SETTINGS_IDS.length);
          for (const c of parsed.checks) {
            expect(STATUSES.has(c.status), `${c.id}: status ${c.status}`).toBe(true);
            expect(c.status, `${c.id} errored`).not.toBe('error');
            if (c.code !== undefined) expect(c.code, `${c.id}: code ${c.code}`).toMatch(/^[A-Z][A-Z0-9_]*$/);
          }
          // The whole key, as written or JSON-escaped, never shows. (Its 8-character runs are
          // hunted by the leak tests with keys that are not made of the doctor's own words: a run
          // such as "settings" of the key "settingscode{:" is also the report's field name.)
          // (A key that is one of the doctor's own words — a report field name, part of a check
          // id — is left in those words: they are the doctor's, not the key's.)
          const ownWord = REPORT_FIELDS.has(key) || SETTINGS_IDS.some((id) => id.toLowerCase().includes(key.toLowerCase()));
          if (key.length >= MIN_SCRUB_LENGTH && key.trim() === key && !ownWord) {
            expect(json.includes(JSON.stringify(key).slice(1, -1)), 'JSON').toBe(false);
            expect(text.includes(key), 'console').toBe(false);
          }
        }),
        params(40, 15_000),
      );
    },
    testTimeout(15_000),
  );
});
