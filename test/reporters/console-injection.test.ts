/**
 * Issue 12, finding 12: terminal and log injection. What a gateway says reaches the console,
 * the daemon's console lines and syslog without anything a terminal or a log acts on: no ESC
 * (CSI colour/erase, OSC title), no CR, no BEL, no C1, no bidi override, and no forged line.
 */
import { PassThrough } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cleanText } from '../../src/core/clean-text.js';
import { ConsoleEventReporter } from '../../src/reporters/console-events.js';
import type { RaisedEvent } from '../../src/reporters/events.js';
import { eventToSyslog, formatRfc5424 } from '../../src/reporters/syslog-format.js';
import { runCli, TEST_KEY } from '../cli/run-cli.js';
import { startHttpServer, type TestServer } from '../support/servers.js';

/** A gateway's message that erases the line, draws a green check, sets the title and forges a line. */
const EVIL = '\x1b[2K\r\x1b[32m[✓] Key accepted\x1b[0m\x1b]0;pwned\x07\nFORGED cleared: all good\r\n\u009b31m\u202eevil\u202c';
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

let gateway: TestServer;
beforeAll(async () => {
  gateway = await startHttpServer((_q, r) =>
    r
      .writeHead(401, { 'content-type': 'application/json', 'x-portkey-note': 'fine' })
      .end(JSON.stringify({ status: 'failure', message: EVIL, error: { message: EVIL, type: EVIL } })),
  );
});
afterAll(() => gateway.close());

describe('terminal and log injection', () => {
  it('cleanText removes sequences and controls, keeps the words', () => {
    const one = cleanText(EVIL);
    expect(one).not.toMatch(UNSAFE);
    expect(one).not.toContain('\n');
    expect(one).toContain('Key accepted');
    expect(cleanText('a\tb\nc', { multiline: true })).toBe('a\tb\nc');
    expect(cleanText('plain text ✓ é')).toBe('plain text ✓ é');
  });

  it('the built CLI console (-v) has no ESC/OSC/CR from the gateway, and every line is its own', async () => {
    const run = await runCli(
      ['--no-policy', '--base-url', `http://127.0.0.1:${gateway.port}`, '--only', 'network,gateway', '--timeout', '10', '-v'],
      { PORTKEY_DOCTOR_API_KEY: TEST_KEY, NO_COLOR: '1' },
      60_000,
      { network: true },
    );
    expect(run.stdout).toContain('Key accepted'); // the gateway's words did reach the console
    expect(run.stdout).not.toMatch(UNSAFE);
    expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toContain('\r');
    // No line starts with the forged text: it stays inside the line of the check that quoted it.
    for (const line of run.stdout.split('\n')) expect(line.trimStart().startsWith('FORGED')).toBe(false);
  }, 90_000);

  const raised: RaisedEvent = {
    type: 'raised',
    at: '2026-01-01T00:00:00.000Z',
    check: 'key-validity',
    status: 'fail',
    code: 'KEY_REJECTED',
    runs: 1,
    summary: EVIL,
  } as RaisedEvent;

  it('a daemon console line is one line, without controls', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
    await new ConsoleEventReporter(out).event(raised);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).not.toContain('\n');
    expect(text).not.toMatch(UNSAFE);
  });

  it('a syslog message is one line, without controls, in MSG and structured data', () => {
    const msg = formatRfc5424(eventToSyslog({ ...raised, code: `X${EVIL}` } as RaisedEvent, { facility: 'user', appName: 'portkey-doctor', hostname: 'h' }));
    expect(msg).not.toContain('\n');
    expect(msg).not.toMatch(UNSAFE);
  });
});
