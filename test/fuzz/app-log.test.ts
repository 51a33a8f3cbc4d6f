/**
 * Target: Claude Desktop's own log. Generated `main.log` files (entries in the app's shape, known
 * lines whole and cut short, continuation lines, random text and bytes, control characters and
 * terminal escapes, very long lines, many lines, keys in the places a log might hold them) are
 * written where the app writes its log, read by the real reader and judged by the app-log check
 * through the engine. No input may crash the check or hang it, give a status or code the check
 * does not declare, or let a key into its result: not the key this process knows (as the API key
 * it read), nor key-shaped values the log puts after `apiKey:`, `Bearer`, `token=`, `--api-key`, in a
 * credential helper's path or arguments, or in a URL.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import appLog from '../../src/checks/app-log.js';
import appRunning from '../../src/checks/app-running.js';
import { Secret } from '../../src/core/secret.js';
import { realAppLog } from '../../src/io/app-log.js';
import { given, runCheck } from '../checks/check-tester.js';
import { weirdString } from './arbitraries.js';
import { brief, findLeak, params, printable, TempRoot, TEST_KEY, testTimeout, Watchdog, withDeadline } from './support.js';

// Keys this process has read, as the doctor's own run would have them: the test key, and one with
// no telling shape (lower case), which only the output scrub can recognise.
const PLAIN_KNOWN = 'zq9plainknownkey7731';
// Held for the whole file: the registry forgets a Secret nothing refers to (issue 12 #6).
(globalThis as { heldSecrets?: Secret[] }).heldSecrets = [new Secret(TEST_KEY), new Secret(PLAIN_KNOWN)];

/** Known lines the app writes (docs/claude-desktop.md, "The app's log"), and near misses. */
const KNOWN = [
  "Starting app { appVersion: '1.52386.6', isPackaged: true }",
  'Starting app {',
  'Not main instance, returning early from app ready',
  "[custom-3p] 3P mode active { provider: 'gateway' }",
  '[custom-3p] 3P mode active (degraded — no valid credentials)',
  'Invalid custom3p enterprise config: inferenceModels: configured model "openai/gpt-5.5" is not an Anthropic model',
  'Invalid custom3p enterprise config: baseUrl: must use https (or http on loopback)',
  'no credential configured for provider "gateway": set inferenceCredentialKind or one of the credential fields',
  'Ignoring local configuration key "inferenceGatewayBaseURL": not a recognized configuration key',
  '[managedConfig] Ignoring /etc/claude-desktop/managed-settings.json: unrecognized configuration key "x"',
  'Failed to parse enterprise config invalid_string',
  '[custom-3p] Credentials read failed for provider gateway: baseUrl: Required',
  'gateway SSO: server does not advertise device_authorization_endpoint',
  '[custom-3p] helper exited code=1 (elapsed=1008ms stdoutBytes=0)',
  "[custom-3p] Credentials loaded from managed config { provider: 'gateway' }",
  // The third-party lines captured on real machines (FIELD-NOTES §8).
  'Ignoring local configuration value "models": not a recognized configuration key',
  "[custom-3p] running helper { helperPath: '/usr/local/bin/portkey-key', args: [] }",
  "[custom-3p] running helper { helperPath: '/usr/local/bin/portkey-key', args: [ '--x' ] }",
  "[custom-3p] ConfigHealth recomputed { state: 'provider_error', provider: 'gateway' }",
  "[custom-3p] ConfigHealth recomputed { state: 'ready' }",
  '[custom-3p] inference apiHost=http://127.0.0.1:11436',
  '[custom-3p] Model discovery: skipped (inferenceModels obviates discovery); picker = 0 (empty)',
  '[custom-3p] Model discovery: skipped (inferenceModels obviates discovery); picker = 3',
  '[custom-3p] helper spawn failed: Failed to spawn /opt/k --desktop: spawn /opt/k --desktop ENOENT',
];

/** A key-shaped value nobody registered: mixed case and digits, 24 characters (random-looking wherever it is). */
const mixedKey = fc
  .tuple(fc.stringMatching(/^[A-Z]{4}$/), fc.stringMatching(/^[a-z]{4}$/), fc.stringMatching(/^[0-9]{4}$/), fc.stringMatching(/^[A-Za-z0-9]{12}$/))
  .map(([a, b, c, d]) => `${a}${c}${b}${d}`);
/** A secret with no telling shape (a lower-case password or hex token): only its place says it is one. */
const plainKey = fc.stringMatching(/^[a-z0-9]{12,32}$/).map((k) => `q${k}`);

/** Places that say a secret follows (`@K@` is replaced by it): after a name, after a scheme, in a URL. */
const NAMED_PLACES = [
  "apiKey: '@K@'",
  'Authorization: Bearer @K@',
  'https://user:@K@@gw.example.test',
  'token=@K@',
  '"x-api-key": "@K@"',
  'inferenceGatewayApiKey=@K@',
  'password=@K@',
  "running helper { helperPath: '/opt/get-key --api-key @K@', args: [] }",
  "running helper { helperPath: '/opt/get-key', args: [ '--token', '@K@' ] }",
  '--token @K@',
  'inference apiHost=https://alex:@K@@gw.example.test/v1',
  'inference apiHost=https://gw.example.test/v1?api_key=@K@',
];
/** Places that do not: only a random-looking key can be recognised there. */
const BARE_PLACES = ['configured model "@K@"', '@K@', '(@K@)'];

type Piece =
  | { kind: 'known'; text: string; cut: number }
  | { kind: 'random'; text: string }
  | { kind: 'secret'; place: string; key: 'known' | 'plain-known' | string }
  | { kind: 'long'; n: number }
  | { kind: 'escape'; text: string };

const piece: fc.Arbitrary<Piece> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('known' as const), text: fc.constantFrom(...KNOWN), cut: fc.nat({ max: 200 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('random' as const), text: weirdString }), weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('secret' as const),
      place: fc.constantFrom(...NAMED_PLACES),
      key: fc.oneof(fc.constant('known' as const), mixedKey, plainKey),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('secret' as const),
      place: fc.constantFrom(...BARE_PLACES),
      key: fc.oneof(
        { arbitrary: fc.constant('plain-known' as const), weight: 2 },
        { arbitrary: fc.constant('known' as const), weight: 1 },
        { arbitrary: mixedKey, weight: 1 },
      ),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('long' as const), n: fc.constantFrom(3_000, 70_000, 400_000) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('escape' as const),
      text: fc.constantFrom('\u001b[31m', '\u001b]0;x\u0007', '\u0000', '\r', '\u202e', '\u009b2J', '\ufffd', '\u2028'),
    }),
    weight: 2,
  },
);

type Line =
  | { kind: 'entry'; day: number; second: number; level: string; pieces: Piece[] }
  | { kind: 'continuation'; indent: string; pieces: Piece[] }
  | { kind: 'close' }
  | { kind: 'bytes'; bytes: Uint8Array };

const line: fc.Arbitrary<Line> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('entry' as const),
      day: fc.constantFrom(2, 2, 2, 1),
      second: fc.nat({ max: 3599 }),
      level: fc.constantFrom('info', 'warn', 'error', 'debug', 'INFO', 'x'),
      pieces: fc.array(piece, { maxLength: 4 }),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('continuation' as const),
      indent: fc.constantFrom('  ', '\t', '                '),
      pieces: fc.array(piece, { maxLength: 3 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant<Line>({ kind: 'close' }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 64 }) }), weight: 1 },
);

interface Case {
  lines: Line[];
  /** Filler lines before them (a long log whose tail only is read). */
  filler: number;
  /** When the running app started (minutes into day 2), or not running. */
  appStartMinute: number | null;
  crlf: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    lines: fc.array(line, { maxLength: 40 }),
    filler: fc.constantFrom(0, 0, 0, 10, 20_000),
    appStartMinute: fc.option(fc.nat({ max: 59 }), { nil: null, freq: 1 }),
    crlf: fc.boolean(),
  })
  .map((c) => printable(c));

const pad = (n: number) => String(n).padStart(2, '0');

function render(p: Piece): string {
  switch (p.kind) {
    case 'known':
      return p.cut > 0 && p.cut < p.text.length ? p.text.slice(0, p.cut) : p.text;
    case 'random':
    case 'escape':
      return p.text;
    case 'secret':
      return p.place.replace('@K@', p.key === 'known' ? TEST_KEY : p.key === 'plain-known' ? PLAIN_KNOWN : p.key);
    case 'long':
      return 'L'.repeat(p.n);
  }
}

/** The file's bytes. */
function fileOf(c: Case): Buffer {
  const eol = c.crlf ? '\r\n' : '\n';
  const parts: Buffer[] = [];
  if (c.filler) parts.push(Buffer.from(`2026-12-01 08:00:00 [info] filler${eol}`.repeat(c.filler)));
  for (const l of c.lines) {
    if (l.kind === 'bytes') parts.push(Buffer.from(l.bytes), Buffer.from(eol));
    else if (l.kind === 'close') parts.push(Buffer.from(`}${eol}`));
    else if (l.kind === 'continuation') parts.push(Buffer.from(`${l.indent}${l.pieces.map(render).join(' ')}${eol}`));
    else {
      const time = `2026-12-0${l.day} 09:${pad(Math.floor(l.second / 60))}:${pad(l.second % 60)}`;
      parts.push(Buffer.from(`${time} [${l.level}] ${l.pieces.map(render).join(' ')}${eol}`));
    }
  }
  return Buffer.concat(parts);
}

/** The foreign keys the case puts in a key's place: none may be shown. */
function foreignKeys(c: Case): string[] {
  return c.lines
    .flatMap((l) => ('pieces' in l ? l.pieces : []))
    .flatMap((p) => (p.kind === 'secret' && p.key !== 'known' && p.key !== 'plain-known' ? [p.key] : []));
}

describe('fuzz: the app’s log', () => {
  const temp = new TempRoot();
  const watchdog = new Watchdog();
  beforeAll(() => watchdog.start());
  afterAll(() => {
    watchdog.stop();
    temp.cleanup();
  });

  const property = async (c: Case) => {
    const home = temp.dir();
    try {
      const dir = join(home, '.config', 'Claude-3p', 'logs');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.log'), fileOf(c));
      const running = given(appRunning, {
        main: c.appStartMinute === null ? undefined : { pid: 100, startTime: new Date(2026, 11, 2, 9, c.appStartMinute, 0) },
        startTimeUncertaintyMs: 2_000,
      });
      const { result } = await withDeadline(watchdog, `app-log ${brief(c, 60)}`, async () => {
        const tail = await realAppLog('linux', {}, home).tail();
        return runCheck(appLog, { name: 'fuzz', appLog: tail, upstream: [running], expect: { status: 'ok' } });
      });
      expect(['ok', 'warn', 'fail', 'skip'], `${result.status} ${result.code}: ${result.summary}`).toContain(result.status);
      if (result.status !== 'ok') expect(Object.keys(appLog.codes)).toContain(result.code);
      for (const f of result.moreFindings ?? []) expect(Object.keys(appLog.codes)).toContain(f.code);
      const out = JSON.stringify(result);
      expect(out.length, 'the result is bounded').toBeLessThan(40_000);
      expect(findLeak(out, TEST_KEY), 'the known key leaks').toBeUndefined();
      expect(findLeak(out, PLAIN_KNOWN), 'a known key with no telling shape leaks').toBeUndefined();
      for (const key of foreignKeys(c)) expect(out, `a key-shaped value leaks: ${key}`).not.toContain(key);
      expect(out, 'a control character or escape in the result').not.toMatch(/\\u00(?:0[0-8bcef]|1[0-9a-f])|\\u001b|\u001b|\u009b|\u202e/);
    } finally {
      temp.remove(home);
    }
  };

  it(
    'generated logs: no crash, no hang, declared codes only, no key in the result',
    async () => {
      await fc.assert(fc.asyncProperty(caseArb, property), params(400, 30_000));
    },
    testTimeout(30_000),
  );
});
