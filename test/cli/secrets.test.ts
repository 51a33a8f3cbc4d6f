/**
 * The API key never appears in anything the doctor prints: every fixture, in every output
 * mode, and the cases where the key is pasted where it does not belong.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeak } from './leak-check.js';
import { FIXTURES, GOOD_PROFILE, runCli, TEST_KEY, writeProfile } from './run-cli.js';

const MODES = [['--json'], [], ['-v']];

function fixtureRuns(): { name: string; args: string[] }[] {
  const runs: { name: string; args: string[] }[] = [];
  const claudeDirs = join(FIXTURES, 'claude-3p');
  if (existsSync(claudeDirs)) {
    for (const name of readdirSync(claudeDirs)) runs.push({ name: `claude-3p/${name}`, args: ['--claude-dir', join(claudeDirs, name)] });
  }
  const managed = join(FIXTURES, 'managed');
  if (existsSync(managed)) {
    for (const name of readdirSync(managed).filter((n) => n.endsWith('.plist'))) {
      runs.push({ name: `managed/${name}`, args: ['--managed', join(managed, name), '--claude-dir', join(claudeDirs, 'profile-ok')] });
    }
  }
  return runs;
}

/** Profiles where the key sits in odd places (pasted into the wrong field, or mangled). */
const MISPLACED: Record<string, unknown>[] = [
  { ...GOOD_PROFILE, inferenceGatewayBaseUrl: `https://api.portkey.ai ${TEST_KEY}` },
  { ...GOOD_PROFILE, inferenceGatewayBaseUrl: `https://api.portkey.ai/?key=${TEST_KEY}` },
  { ...GOOD_PROFILE, inferenceGatewayBaseUrl: TEST_KEY },
  { ...GOOD_PROFILE, inferenceGatewayAuthScheme: TEST_KEY },
  { ...GOOD_PROFILE, inferenceProvider: TEST_KEY },
  { ...GOOD_PROFILE, inferenceGatewayApiKey: `Bearer ${TEST_KEY}` },
  { ...GOOD_PROFILE, inferenceGatewayApiKey: ` ${TEST_KEY}\n` },
  { ...GOOD_PROFILE, inferenceCustomHeaders: { 'x-portkey-metadata': `{"key":"${TEST_KEY}",}` } },
  { ...GOOD_PROFILE, inferenceCustomHeaders: { Authorization: `Bearer ${TEST_KEY}` } },
  { ...GOOD_PROFILE, inferenceCustomHeaders: `{"x-portkey-api-key": ${TEST_KEY}}` },
  { ...GOOD_PROFILE, inferenceModels: [TEST_KEY, TEST_KEY] },
];

// Every test spawns its own CLI runs in its own folders: they run concurrently (vitest's maxConcurrency bounds how many).
describe.concurrent('the key never leaks', () => {
  const runs = fixtureRuns();

  it('has fixtures to run', () => {
    expect(runs.length).toBeGreaterThanOrEqual(8);
  });

  it.each(runs)('fixture $name', async ({ args }) => {
    for (const mode of MODES) {
      const run = await runCli([...args, '--no-policy', ...mode]);
      expect(run.code, run.stderr).not.toBe(-1);
      expect(findLeak(run.stdout, TEST_KEY)).toBeUndefined();
      expect(findLeak(run.stderr, TEST_KEY)).toBeUndefined();
    }
  });

  it.each(MISPLACED.map((profile, i) => ({ i, profile })))('misplaced key #$i', async ({ profile }) => {
    const dir = writeProfile(profile);
    for (const mode of MODES) {
      const run = await runCli(['--claude-dir', dir, '--no-policy', ...mode]);
      expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
    }
  });

  it('a key given by file or environment is not printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkd-key-'));
    const file = join(dir, 'key');
    writeFileSync(file, `${TEST_KEY}\n`);
    for (const args of [
      ['--api-key-file', file],
      ['--api-key-env', 'MY_KEY'],
    ]) {
      const run = await runCli([...args, '--base-url', 'https://api.portkey.ai', '--no-policy', '--json'], { MY_KEY: TEST_KEY });
      expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
    }
  });

  it.each([[['--api-key-env', TEST_KEY]], [['--api-key-file', TEST_KEY]], [[TEST_KEY]], [['--', `--api-key=${TEST_KEY}`]], [['key', 'status', TEST_KEY]]])(
    'a key pasted in the wrong place on the command line is not echoed: %j',
    async (args) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
    },
  );

  it('refuses the key as a command-line value without echoing it', async () => {
    const run = await runCli(['--api-key', TEST_KEY]);
    expect(run.code).toBe(2);
    expect(findLeak(run.stdout + run.stderr, TEST_KEY)).toBeUndefined();
  });
});
