/**
 * JSON file reporter: a reader polling the file (another process) never sees a torn
 * document; mode 0600; events as JSON lines with rotation; a folder that disappears or cannot
 * be written is logged and retried, never fatal.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DaemonEvent, RunSummary } from '../../src/reporters/events.js';
import { readJsonl, RotatingJsonl, writeFileAtomic } from '../../src/reporters/rotating-file.js';
import { ReporterSet } from '../../src/reporters/reporter-set.js';
import { createLogger } from '../../src/core/log.js';
import type { Report } from '../../src/report/report.js';
import { eventsPathFor, JsonFileReporter } from '../../src/reporters/json-file.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'pkd-json-'));
const summary: RunSummary = { at: '2025-01-01T00:00:00.000Z', durationMs: 1, exitCode: 0, totals: {}, checks: [] };

/** A report-shaped document of about `kb` kilobytes, numbered. */
function bigReport(n: number, kb: number): Report {
  return {
    schemaVersion: '1.0.0',
    generatedAt: new Date().toISOString(),
    checks: Array.from({ length: kb }, (_, i) => ({ id: `c${i}`, status: 'ok', summary: `run ${n} ${'x'.repeat(1000)}` })),
    totals: { ok: kb, warn: 0, fail: 0, skip: 0, error: 0, total: kb },
    exitCode: 0,
    run: n,
  } as unknown as Report;
}

const heartbeat = (runs: number): DaemonEvent => ({
  type: 'heartbeat',
  at: new Date().toISOString(),
  host: 'h',
  runs,
  totalRuns: runs,
  lastRunAt: null,
  uptimeSeconds: 1,
  raised: [],
  process: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1, handles: 1 },
});

/** Another process reads the file as fast as it can until `stop` exists; prints {ok, torn, missing}. */
const READER = `
const fs = require('node:fs');
const [file, stop] = process.argv.slice(1);
let ok = 0, torn = 0, missing = 0, last = -1, backwards = 0;
while (!fs.existsSync(stop)) {
  let text;
  try { text = fs.readFileSync(file, 'utf8'); } catch { missing++; continue; }
  try { const doc = JSON.parse(text); ok++; if (doc.run < last) backwards++; last = doc.run; } catch { torn++; }
}
process.stdout.write(JSON.stringify({ ok, torn, missing, backwards }));
`;

describe('JSON file reporter', () => {
  it('a reader polling the file in another process never sees a torn document', async () => {
    const dir = tmp();
    const file = join(dir, 'status.json');
    const stop = join(dir, 'stop');
    const reporter = new JsonFileReporter({ path: file });
    await reporter.run(bigReport(0, 256), summary);
    const reader = spawn(process.execPath, ['-e', READER, file, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<void>((r) => reader.once('exit', () => r()));
    const started = Date.now();
    let writes = 0;
    // ~256 KB documents, rewritten back to back for at least 3 s.
    while (Date.now() - started < 3_000 || writes < 50) {
      writes += 1;
      await reporter.run(bigReport(writes, 128 + (writes % 3) * 64), summary);
    }
    writeFileSync(stop, '');
    await done;
    const result = JSON.parse(out) as { ok: number; torn: number; missing: number; backwards: number };
    expect(result.torn).toBe(0);
    expect(result.missing).toBe(0);
    expect(result.backwards).toBe(0);
    expect(result.ok).toBeGreaterThan(50);
    expect(JSON.parse(readFileSync(file, 'utf8')).run).toBe(writes);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temporary files left behind.
    expect(readdir(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('control: the same reader does catch torn documents from a plain, non-atomic writeFile', async () => {
    const { writeFile } = await import('node:fs/promises');
    const dir = tmp();
    const file = join(dir, 'naive.json');
    const stop = join(dir, 'stop');
    writeFileSync(file, JSON.stringify(bigReport(0, 1)));
    const reader = spawn(process.execPath, ['-e', READER, file, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<void>((r) => reader.once('exit', () => r()));
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < 2_000) await writeFile(file, JSON.stringify(bigReport(++n, 192)));
    writeFileSync(stop, '');
    await done;
    expect((JSON.parse(out) as { torn: number }).torn).toBeGreaterThan(0);
  }, 60_000);

  it('events go to the .jsonl beside it, mode 0600, and rotate by size', async () => {
    const dir = tmp();
    const file = join(dir, 'status.json');
    const reporter = new JsonFileReporter({ path: file, eventsMaxBytes: 2_000, eventsKeep: 2 });
    expect(eventsPathFor(file)).toBe(join(dir, 'status.jsonl'));
    for (let i = 1; i <= 40; i++) await reporter.event(heartbeat(i));
    const events = eventsPathFor(file);
    expect(statSync(events).mode & 0o777).toBe(0o600);
    expect(statSync(events).size).toBeLessThanOrEqual(2_000);
    expect(existsSync(`${events}.1`)).toBe(true);
    expect(existsSync(`${events}.2`)).toBe(true);
    expect(existsSync(`${events}.3`)).toBe(false);
    // The newest are kept, in order, across the rotated files.
    const all = (await readJsonl(events, 2)) as { runs: number }[];
    expect(all.at(-1)!.runs).toBe(40);
    expect(all.map((e) => e.runs)).toEqual([...all.map((e) => e.runs)].sort((a, b) => a - b));
  });

  it('a folder removed while running is created again; an unwritable path is logged and retried without losing events', async () => {
    const dir = tmp();
    const sub = join(dir, 'out');
    const file = join(sub, 'status.json');
    const logs: string[] = [];
    const log = createLogger({ level: 'debug', destination: { write: (s: string) => void logs.push(s) } as unknown as NodeJS.WritableStream });
    const reporter = new JsonFileReporter({ path: file });
    const set = new ReporterSet([reporter], log);
    set.run(bigReport(1, 1), summary);
    set.event(heartbeat(1));
    await set.flush(Date.now() + 5_000);
    expect(JSON.parse(readFileSync(file, 'utf8')).run).toBe(1);

    rmSync(sub, { recursive: true });
    set.run(bigReport(2, 1), summary);
    await set.flush(Date.now() + 5_000);
    expect(JSON.parse(readFileSync(file, 'utf8')).run).toBe(2);

    // The folder becomes a file: writes fail (ENOTDIR/EEXIST) until it is a folder again.
    rmSync(sub, { recursive: true });
    writeFileSync(sub, 'not a folder');
    set.run(bigReport(3, 1), summary);
    set.event(heartbeat(2));
    set.event(heartbeat(3));
    await set.flush(Date.now() + 5_000);
    const warnings = logs.map((l) => JSON.parse(l) as { level: string; reporter?: string }).filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1); // the first failure warns; repeats are debug
    expect(warnings[0]!.reporter).toBe(`json ${file}`);

    rmSync(sub);
    mkdirSync(sub);
    set.run(bigReport(4, 1), summary);
    set.event(heartbeat(4));
    await set.flush(Date.now() + 5_000);
    expect(JSON.parse(readFileSync(file, 'utf8')).run).toBe(4);
    // Events that could not be written were kept and written, in order.
    expect(((await readJsonl(eventsPathFor(file))) as { runs: number }[]).map((e) => e.runs)).toEqual([2, 3, 4]);
    expect(logs.map((l) => JSON.parse(l) as { msg: string; level: string }).some((l) => l.level === 'info' && l.msg === 'reporter works again')).toBe(true);
  });

  it('one failing reporter does not stop the others', async () => {
    const dir = tmp();
    const good = new JsonFileReporter({ path: join(dir, 'good.json') });
    const broken = {
      name: 'broken',
      run: () => Promise.reject(new Error('disk full')),
      event: () => {
        throw new Error('sync throw');
      },
    };
    const set = new ReporterSet([broken, good], createLogger({ level: 'silent' }));
    set.run(bigReport(7, 1), summary);
    set.event(heartbeat(1));
    await set.flush(Date.now() + 5_000);
    expect(JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8')).run).toBe(7);
  });
});

describe('writeFileAtomic and RotatingJsonl', () => {
  it('replaces a 0644 file with a 0600 one and keeps the old content when the write fails', async () => {
    const dir = tmp();
    const file = join(dir, 'f.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A target that is a folder: rename fails, the temporary file is removed.
    const folder = join(dir, 'is-a-folder');
    mkdirSync(join(folder, 'inside'), { recursive: true });
    await expect(writeFileAtomic(folder, 'x')).rejects.toThrow();
    expect(readdir(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rotates by line count', async () => {
    const dir = tmp();
    const j = new RotatingJsonl({ path: join(dir, 'h.jsonl'), maxLines: 3, keep: 1 });
    for (let i = 1; i <= 8; i++) await j.append([{ i }]);
    expect(((await readJsonl(join(dir, 'h.jsonl'))) as { i: number }[]).map((x) => x.i)).toEqual([7, 8]);
    expect(((await readJsonl(join(dir, 'h.jsonl'), 1)) as { i: number }[]).map((x) => x.i)).toEqual([4, 5, 6, 7, 8]);
    // A new writer on the same file counts what is there.
    const again = new RotatingJsonl({ path: join(dir, 'h.jsonl'), maxLines: 3, keep: 1 });
    await again.append([{ i: 9 }]);
    await again.append([{ i: 10 }]);
    expect(((await readJsonl(join(dir, 'h.jsonl'))) as { i: number }[]).map((x) => x.i)).toEqual([10]);
  });
});

const readdir = (dir: string): string[] => readdirSync(dir);
