/**
 * The README cannot drift (issue 13, point 12): every `portkey-doctor …` example in it is parsed
 * with the real flag parsers, and the safe ones (no network, no keychain, no service) are run;
 * every option and environment variable `--help` names is in it; the report name it shows is the
 * one the report command writes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/commands/help.js';
import { parseFixArgs } from '../../src/commands/fix.js';
import { defaultName } from '../../src/commands/report.js';
import { parseDoctorFlags } from '../../src/config/flags.js';
import { parseDaemonArgs } from '../../src/daemon/config.js';
import { GOOD_PROFILE, runCli, writeProfile } from './run-cli.js';
import { ROOT } from './schema.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Shell words: quotes grouped, no expansion. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Every example: command lines in ```sh blocks and `portkey-doctor …` code spans in the prose. */
function examples(): string[] {
  const out: string[] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (/^(sudo |npx )?portkey-doctor\b/.test(line)) out.push(line.replace(/^(sudo |npx )/, ''));
    }
  }
  const prose = README.replace(/```[\s\S]*?```/g, '');
  for (const m of prose.matchAll(/`(portkey-doctor(?: [^`]*)?)`/g)) out.push(m[1]!);
  return out;
}

const dir = writeProfile(structuredClone(GOOD_PROFILE));
const file = join(mkdtempSync(join(tmpdir(), 'pkd-readme-')), 'file.json');
writeFileSync(file, '{}');
/** Placeholders in the examples, as a person would fill them in. */
const fill = (w: string): string => ({ DIR: dir, FILE: file, NAME: 'PORTKEY_API_KEY' })[w] ?? w;

const REPORT_OWN = new Set(['--output', '-o', '--format']);

/** Parses one example with the parser its command uses; throws what the CLI would refuse. */
function parseExample(argv: string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case 'report': {
      const doctor: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        if (REPORT_OWN.has(rest[i]!)) i++;
        else if (rest[i] !== '--include-personal' && rest[i] !== '--json') doctor.push(rest[i]!);
      }
      parseDoctorFlags(doctor);
      return;
    }
    case 'daemon':
      parseDaemonArgs(rest);
      return;
    case 'fix':
      parseDoctorFlags(parseFixArgs(rest).rest);
      return;
    case 'agent': {
      const dashes = rest.indexOf('--');
      const own = dashes === -1 ? rest : rest.slice(0, dashes);
      expect(['install', 'uninstall', 'status']).toContain(own[0]);
      for (const f of own.slice(1)) expect(['--system', '--dry-run']).toContain(f);
      if (dashes !== -1) parseDaemonArgs(rest.slice(dashes + 1));
      return;
    }
    case 'key':
      expect(['set', 'status', 'delete']).toContain(rest[0]);
      for (let i = 1; i < rest.length; i++) expect(['--from-env', '--from-file', '--json', '--keychain-service', '--keychain-account']).toContain(rest[i++]);
      return;
    default:
      parseDoctorFlags(command === 'doctor' ? rest : argv);
  }
}

describe('README examples', () => {
  const all = examples();

  it('there are examples, and the Install section comes before the first one', () => {
    expect(all.length).toBeGreaterThan(15);
    const install = README.indexOf('## Install');
    const firstBlock = README.search(/```sh\n(?:.*\n)*?(sudo |npx )?portkey-doctor\b/);
    expect(install).toBeGreaterThan(0);
    expect(install).toBeLessThan(firstBlock);
  });

  it.each(all.map((e) => [e]))('%s: its flags parse', (example) => {
    // A synopsis (`key set|status|delete`, `--help`) is only checked for its command.
    const argv = words(example).slice(1).map(fill);
    if (argv.some((w) => w.includes('|') || w.includes('…')) || argv.includes('--help') || argv.length === 0) return;
    expect(() => parseExample(argv)).not.toThrow();
  });

  const safe = all.filter((e) => {
    const argv = words(e).slice(1);
    const command = argv[0] === undefined || argv[0].startsWith('-') ? 'doctor' : argv[0];
    return (
      (command === 'doctor' || command === 'report') && !argv.some((w) => w.includes('…') || ['--live', '--base-url', '--use-credential-helper'].includes(w))
    );
  });

  it.each(safe.map((e) => [e]))('%s: runs (offline, against a fixture) without a usage error', async (example) => {
    let argv = words(example).slice(1).map(fill);
    if (argv[0] === 'report') argv = [...argv, '--output', '-', '--offline'];
    if (!argv.includes('--policy')) argv = [...argv, '--no-policy'];
    const run = await runCli(argv, { PORTKEY_API_KEY: 'pk-ReadmeExampleKey-Zq9Xw7', PORTKEY_DOCTOR_POLICY: '' });
    expect(run.stderr).not.toMatch(/^portkey-doctor: (?!report written)/m);
    expect([0, 1]).toContain(run.code);
  });
});

describe('README and --help agree', () => {
  it('every option --help names is in the README', () => {
    const options = new Set([...HELP.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]));
    const missing = [...options].filter((o) => !README.includes(`\`${o}`) && !README.includes(` ${o} `) && !README.includes(`${o}\``));
    // The daemon's own options are in docs/daemon.md and `daemon --help`.
    const daemonOnly =
      /^--(schedule|splay|raise-after|clear-after|heartbeat|state-dir|history-max|console|json-file|syslog|syslog-facility|app-name|log-level|max-runs|system|dry-run|from-env|from-file|include-personal)$/;
    expect(missing.filter((o) => !daemonOnly.test(o))).toEqual([]);
  });

  it('every environment variable --help names is in the README', () => {
    const vars = new Set([...HELP.matchAll(/\b(PORTKEY_DOCTOR_[A-Z_]+|NO_COLOR|NODE_EXTRA_CA_CERTS|HTTPS_PROXY|NO_PROXY)\b/g)].map((m) => m[1]!));
    expect([...vars].filter((v) => !README.includes(`\`${v}\``))).toEqual([]);
  });

  it('the report file name the README shows is the one the report command writes', () => {
    const shown = /portkey-doctor-report-<([A-Z-]+)>\.md/.exec(README)?.[1];
    expect(shown).toBe('YYYY-MM-DD-HHMM');
    const pattern = new RegExp(`^portkey-doctor-report-${shown!.replace(/[A-Z]/g, '\\d')}\\.md$`);
    expect(defaultName('markdown', new Date())).toMatch(pattern);
  });

  it('exit code 2 lists the keychain being unavailable', () => {
    const row = README.split('\n').find((l) => l.startsWith('| 2 |'));
    expect(row).toMatch(/keychain/);
  });
});
