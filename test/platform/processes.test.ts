/**
 * Process listing: the parsers on captured/format outputs of `ps` and PowerShell, and the real
 * listing on this machine finding a spawned stand-in with its start time.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fillStartTimes,
  listPosixProcesses,
  parseJsonDate,
  parseLstart,
  parsePsOutput,
  parseWin32Processes,
  PS_START_UNCERTAINTY_MS,
} from '../../src/platform/processes.js';
import { nameFromCmd, type ProcessInfo } from '../../src/app/process-info.js';
import { startStandIn, uniqueAppPath, type StandIn } from '../app/stand-in.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/platform/${name}`, import.meta.url), 'utf8');

describe('ps output', () => {
  it('parses lstart in the C locale as local time, and rejects localised dates', () => {
    const d = parseLstart('Mon Nov 24 09:12:44 2025')!;
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([2025, 10, 24, 9, 12, 44]);
    expect(parseLstart('Mon Jan  5 07:00:01 2026')?.getDate()).toBe(5);
    expect(parseLstart('Mo 24 Nov 09:12:44 2025')).toBeUndefined();
    expect(parseLstart('Mon Foo 24 09:12:44 2025')).toBeUndefined();
  });

  it('reads the captured Linux listing: pids, parents, owners, start times, command lines', () => {
    const list = parsePsOutput(fixture('ps-linux-community.txt'));
    expect(list.length).toBe(8);
    const main = list.find((p) => p.cmd?.endsWith('/tmp/pkd-cap/app.asar'))!;
    expect(main).toMatchObject({ pid: 24420, ppid: 24409, uid: 0, name: 'electron' });
    expect(main.startTime).toBeInstanceOf(Date);
    expect(list.find((p) => p.pid === 2)).toMatchObject({ name: '[kthreadd]', cmd: '[kthreadd]' });
  });

  it('reads the macOS listing, including bundle paths with spaces', () => {
    const list = parsePsOutput(fixture('ps-macos.txt'));
    expect(list.length).toBe(13);
    expect(list.find((p) => p.pid === 733)).toMatchObject({ name: 'Claude', uid: 501, cmd: '/Applications/Claude.app/Contents/MacOS/Claude' });
    expect(list.find((p) => p.pid === 752)?.name).toBe('Claude Helper (Renderer)');
    expect(list.find((p) => p.pid === 913)?.name).toBe('-zsh');
  });

  it('names processes from command lines', () => {
    expect(nameFromCmd('/Applications/Claude.app/Contents/Frameworks/Claude Helper (GPU).app/Contents/MacOS/Claude Helper (GPU) --type=gpu-process')).toBe(
      'Claude Helper (GPU)',
    );
    expect(nameFromCmd('/usr/bin/electron /usr/lib/claude-desktop/app.asar')).toBe('electron');
    expect(nameFromCmd('/Applications/Claude.app/Contents/MacOS/Claude /tmp/x --y /tmp/Claude Helper.app/Contents/MacOS/Claude Helper')).toBe('Claude');
    expect(nameFromCmd('')).toBe('');
  });
});

describe('PowerShell process listings', () => {
  it('reads the CIM listing with ISO creation dates and hidden command lines', () => {
    const list = parseWin32Processes(fixture('win32-processes.json'));
    expect(list.length).toBe(9);
    const main = list.find((p) => p.pid === 5120)!;
    expect(main).toMatchObject({ ppid: 4412, name: 'claude.exe' });
    expect(main.startTime?.toISOString()).toBe('2025-11-24T08:12:44.123Z');
    expect(main.path).toBe('C:\\Users\\alex\\AppData\\Local\\AnthropicClaude\\app-1.8089.0\\claude.exe');
    const other = list.find((p) => p.pid === 9001)!;
    expect(other.cmd).toBeUndefined();
    expect(other.path).toBeUndefined();
  });

  it('reads Windows PowerShell 5.1 DateTime JSON (/Date(ms)/) with CRLF', () => {
    const list = parseWin32Processes(fixture('win32-processes-ps51-datetime.json'));
    expect(list.map((p) => p.pid)).toEqual([5120, 5344]);
    expect(list[0]?.startTime?.toISOString()).toBe('2025-11-24T08:12:44.123Z');
  });

  it('reads a single process (an object, not an array) and empty output', () => {
    expect(parseWin32Processes(fixture('win32-processes-single.json')).map((p) => p.pid)).toEqual([5120]);
    expect(parseWin32Processes('')).toEqual([]);
    expect(() => parseWin32Processes('not json')).toThrow();
  });

  it('parses the date forms PowerShell writes', () => {
    expect(parseJsonDate('/Date(1763971964123)/')?.toISOString()).toBe('2025-11-24T08:12:44.123Z');
    expect(parseJsonDate('/Date(1763971964123+0100)/')?.toISOString()).toBe('2025-11-24T08:12:44.123Z');
    expect(parseJsonDate({ value: '/Date(1763971964123)/', DisplayHint: 2 })?.toISOString()).toBe('2025-11-24T08:12:44.123Z');
    expect(parseJsonDate('2025-11-24T09:12:44.1234567+01:00')?.toISOString()).toBe('2025-11-24T08:12:44.123Z');
    expect(parseJsonDate(null)).toBeUndefined();
    expect(parseJsonDate('garbage')).toBeUndefined();
  });
});

describe('listing on this machine', () => {
  let standIn: StandIn | undefined;
  afterEach(async () => {
    await standIn?.stop();
    standIn = undefined;
  });

  it.skipIf(process.platform === 'win32')('finds a spawned stand-in with its command line and a start time within the uncertainty', async () => {
    const argv0 = uniqueAppPath('pkd-standin-list');
    const before = Date.now();
    standIn = await startStandIn(argv0);
    const listing = await listPosixProcesses();
    expect(listing.source).toBe('ps-list');
    const p = listing.processes.find((x) => x.pid === standIn!.pid)!;
    expect(p.cmd?.startsWith(argv0)).toBe(true);
    expect(p.startTime).toBeInstanceOf(Date);
    // ps truncates to the second: reported ≤ true start < reported + uncertainty.
    expect(p.startTime!.getTime()).toBeLessThanOrEqual(standIn.readyAt);
    expect(p.startTime!.getTime()).toBeGreaterThan(before - PS_START_UNCERTAINTY_MS);
  });

  it.skipIf(process.platform === 'win32')('fills in missing start times with LC_ALL=C ps', async () => {
    standIn = await startStandIn(uniqueAppPath('pkd-standin-fill'));
    const procs: ProcessInfo[] = [
      { pid: standIn.pid, ppid: process.pid, name: 'node' },
      { pid: 999_999_9, ppid: 1, name: 'gone' },
    ];
    await fillStartTimes(procs);
    expect(procs[0]?.startTime).toBeInstanceOf(Date);
    expect(procs[1]?.startTime).toBeUndefined();
  });
});
