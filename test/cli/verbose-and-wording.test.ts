/**
 * Issue 13, points 9-11 end to end: a Portkey error body without x-portkey-* headers, -v without
 * "undefined" or long fractions, TLS on plain http, a refused port named, columns aligned.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { palette } from '../../src/reporters/color.js';
import { renderConsole } from '../../src/reporters/console.js';
import type { Report } from '../../src/report/report.js';
import { startHttpServer, type TestServer } from '../support/servers.js';
import { parseReport, runCli, TEST_KEY } from './run-cli.js';

let gateway: TestServer;
let closedPort: number;
beforeAll(async () => {
  // Portkey's 401 as a proxy in front of it passes it on: no x-portkey-* header at all.
  gateway = await startHttpServer((_q, r) =>
    r.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'failure', message: 'Invalid API Key. Error Code: 03' })),
  );
  // A port that was just free: nothing listens on it.
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(() => gateway.close());

const run = (args: string[]) =>
  runCli(['--no-policy', '--only', 'network,gateway', '--timeout', '15', ...args], { PORTKEY_DOCTOR_API_KEY: TEST_KEY, NO_COLOR: '1' }, 60_000, {
    network: true,
  });

describe('a Portkey error body without x-portkey-* headers (point 9)', () => {
  it('Gateway answers is ok (Portkey), API key accepted fails KEY_INVALID', async () => {
    const report = parseReport(await run(['--json', '--base-url', `http://127.0.0.1:${gateway.port}`]));
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('gateway-http')).toMatchObject({ status: 'ok', details: { kind: 'portkey' } });
    expect(byId.get('key-validity')).toMatchObject({ status: 'fail', code: 'KEY_INVALID' });
  });
});

describe('-v (point 10)', () => {
  it('prints no absent values and no long fractions', async () => {
    const out = (await run(['-v', '--base-url', `http://127.0.0.1:${gateway.port}`])).stdout;
    expect(out).not.toMatch(/: undefined$/m);
    expect(out).not.toMatch(/: null$/m);
    // Times: at most one decimal (0.1 ms below 10 ms, whole ms above).
    expect(out).not.toMatch(/\d\.\d{2,}/);
    expect(out).toMatch(/\(\d+(\.\d)? ms\)/);
  });
});

describe('wording and layout (point 11)', () => {
  it('TLS on an http:// URL is "not applicable", not blocked; the refused port is named; one check is named as the blocker', async () => {
    const report = parseReport(await run(['--json', '--base-url', `http://127.0.0.1:${closedPort}`]));
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('tcp')).toMatchObject({ status: 'fail', code: 'TCP_REFUSED' });
    expect(byId.get('tcp')!.summary).toContain(`127.0.0.1:${closedPort}`);
    const tls = byId.get('tls') as { status: string; summary: string; fix?: string };
    expect(tls.status).toBe('skip');
    expect(tls.summary).not.toMatch(/blocked/);
    expect(tls.fix).toBeUndefined();
    for (const c of report.checks.filter((x) => x.code === 'BLOCKED' && x.id !== 'tls')) expect(c.summary).toMatch(/^blocked by [a-z-]+$/);
  });

  it('summaries start in one column, a long title included (it puts its summary on the next line)', async () => {
    const report = parseReport(await runCli(['--json', '--no-policy', '--offline'])) as unknown as Report;
    for (const verbose of [false, true]) {
      const rows = renderConsole(report, { verbose, color: palette(false) }).split('\n');
      const columns = new Set<number>();
      rows.forEach((row, i) => {
        const m = /^ {2}\[.\] (.*?\S)(\s{2,})(\S.*)?$/.exec(row);
        if (m) {
          columns.add(row.length - row.trimStart().length + 4 + m[1]!.length + m[2]!.length);
          return;
        }
        if (/^ {2}\[[^ ]\] /.test(row) && !/^ {2}\[.\] \d+ \w+ checks? /.test(row) && row.length > 50) {
          // A long title alone on its line: the summary is on the next one, at the column.
          const next = rows[i + 1]!;
          columns.add(next.length - next.trimStart().length);
        }
      });
      expect(columns.size, [...columns].join()).toBe(1);
    }
  });
});
