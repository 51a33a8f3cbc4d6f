/**
 * Listing processes with their start times. macOS and Linux: ps-list (which runs `ps`), with a
 * `LC_ALL=C ps` of our own to fill in start times ps-list could not parse (it reads `lstart` in the
 * user's locale) and to stand in when ps-list fails. Windows: ps-list has no start times or
 * command lines there, so PowerShell's `Get-CimInstance Win32_Process` is asked, with ps-list as
 * the fallback. The parsers are pure so they are tested on captured outputs on any OS.
 */
import { execFile } from 'node:child_process';
import { errorText, nameFromCmd, type ProcessInfo, type ProcessListing } from '../app/process-info.js';
import { runPowerShell } from './powershell.js';

export const PS_START_UNCERTAINTY_MS = 2_000;
export const PROCESS_LIST_TIMEOUT_MS = 15_000;

/** The `ps` invocation whose output {@link parsePsOutput} reads (POSIX options: macOS and procps). */
export const PS_ARGS = ['-A', '-ww', '-o', 'pid=,ppid=,uid=,lstart=,args='] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `lstart` in the C locale: `Fri Nov 27 13:47:13 2026` (day of month space-padded), local time.
 * Returns undefined for anything else (a localised date).
 */
export function parseLstart(text: string): Date | undefined {
  const m = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] ?? '');
  if (month < 0) return undefined;
  const d = new Date(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const PS_LINE = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})(?: (.*))?$/;

/** Parses the stdout of `LC_ALL=C ps -A -ww -o pid=,ppid=,uid=,lstart=,args=` (see {@link PS_ARGS}). */
export function parsePsOutput(stdout: string): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = PS_LINE.exec(line);
    if (!m) continue;
    const cmd = (m[5] ?? '').trim();
    const info: ProcessInfo = {
      pid: Number(m[1]),
      ppid: Number(m[2]),
      uid: Number(m[3]),
      name: nameFromCmd(cmd),
      cmd,
    };
    const start = parseLstart(m[4] ?? '');
    if (start) info.startTime = start;
    out.push(info);
  }
  return out;
}

/** .NET's JSON date (`/Date(1700000000000)/`, what Windows PowerShell 5.1 writes) or an ISO string. */
export function parseJsonDate(value: unknown): Date | undefined {
  if (value && typeof value === 'object' && 'value' in value) return parseJsonDate((value as { value: unknown }).value);
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  if (ms?.[1]) return new Date(Number(ms[1]));
  // PowerShell writes 7 fractional digits; keep 3 so every JS engine parses it.
  const iso = value.replace(/(\.\d{3})\d+/, '$1');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Parses `ConvertTo-Json` of `Get-CimInstance Win32_Process | Select ProcessId,ParentProcessId,Name,
 * CommandLine,ExecutablePath,CreationDate`: an array, or a single object when only one process
 * matched. CommandLine/ExecutablePath are null for other users' processes without elevation.
 */
export function parseWin32Processes(json: string): ProcessInfo[] {
  const text = json.replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  const parsed: unknown = JSON.parse(text);
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  const out: ProcessInfo[] = [];
  for (const row of rows) {
    if (!row || typeof row !== 'object') continue;
    const r = row as Record<string, unknown>;
    const pid = Number(r['ProcessId']);
    if (!Number.isInteger(pid)) continue;
    const info: ProcessInfo = { pid, ppid: Number(r['ParentProcessId'] ?? 0) || 0, name: typeof r['Name'] === 'string' ? r['Name'] : '' };
    if (typeof r['CommandLine'] === 'string') info.cmd = r['CommandLine'];
    if (typeof r['ExecutablePath'] === 'string') info.path = r['ExecutablePath'];
    const start = parseJsonDate(r['CreationDate']);
    if (start) info.startTime = start;
    out.push(info);
  }
  return out;
}

/**
 * The PowerShell script that lists processes for {@link parseWin32Processes}. CreationDate is
 * turned into an ISO UTC string so Windows PowerShell 5.1 and PowerShell 7 print the same thing.
 */
export const WIN32_PROCESS_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  'Get-CimInstance -ClassName Win32_Process | Select-Object ProcessId,ParentProcessId,Name,CommandLine,ExecutablePath,' +
    "@{Name='CreationDate';Expression={ if ($_.CreationDate) { $_.CreationDate.ToUniversalTime().ToString('o') } }} | ConvertTo-Json -Compress -Depth 2",
].join('; ');

function runPs(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'ps',
      [...args],
      { env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => {
        // ps exits 1 when a -p list matches nothing; its stdout is still what we want.
        if (err && stdout === '') reject(err);
        else resolve(stdout);
      },
    );
  });
}

async function psListModule(): Promise<typeof import('ps-list').default> {
  return (await import('ps-list')).default;
}

function fromPsList(p: import('ps-list').ProcessDescriptor): ProcessInfo {
  const info: ProcessInfo = { pid: p.pid, ppid: p.ppid, name: p.name };
  if (p.cmd) info.cmd = p.cmd;
  if (p.path) info.path = p.path;
  if (p.uid !== undefined) info.uid = p.uid;
  if (p.startTime) info.startTime = p.startTime;
  return info;
}

/** macOS and Linux: ps-list, falling back on our own `ps`. */
export async function listPosixProcesses(timeoutMs = PROCESS_LIST_TIMEOUT_MS): Promise<ProcessListing> {
  const notes: string[] = [];
  try {
    const psList = await psListModule();
    const processes = (await psList()).map(fromPsList);
    return { processes, source: 'ps-list', startTimeUncertaintyMs: PS_START_UNCERTAINTY_MS, notes };
  } catch (err) {
    notes.push(`ps-list failed (${errorText(err)}); used ps directly`);
  }
  const processes = parsePsOutput(await runPs(PS_ARGS, timeoutMs));
  return { processes, source: 'ps', startTimeUncertaintyMs: PS_START_UNCERTAINTY_MS, notes };
}

/**
 * Fills in start times ps-list left out (its date parsing fails in a non-English locale) with a
 * `LC_ALL=C ps` of just those processes. Changes `processes` in place.
 */
export async function fillStartTimes(processes: ProcessInfo[], timeoutMs = PROCESS_LIST_TIMEOUT_MS): Promise<void> {
  const missing = processes.filter((p) => p.startTime === undefined);
  if (missing.length === 0) return;
  const stdout = await runPs(['-ww', '-o', 'pid=,ppid=,uid=,lstart=,args=', '-p', missing.map((p) => p.pid).join(',')], timeoutMs);
  const byPid = new Map(parsePsOutput(stdout).map((p) => [p.pid, p]));
  for (const p of missing) {
    const start = byPid.get(p.pid)?.startTime;
    if (start) p.startTime = start;
  }
}

/** Windows: PowerShell CIM, falling back on ps-list (names only, no start times). */
export async function listWin32Processes(env: NodeJS.ProcessEnv, timeoutMs = PROCESS_LIST_TIMEOUT_MS): Promise<ProcessListing> {
  const notes: string[] = [];
  const ps = await runPowerShell(WIN32_PROCESS_SCRIPT, { env, timeoutMs });
  if (ps.ok) {
    try {
      return { processes: parseWin32Processes(ps.stdout), source: 'powershell', startTimeUncertaintyMs: 0, notes };
    } catch (err) {
      notes.push(`PowerShell's process list is not JSON (${errorText(err)})`);
    }
  } else {
    notes.push(`PowerShell failed (${ps.reason})`);
  }
  const psList = await psListModule();
  const processes = (await psList()).map(fromPsList);
  return { processes, source: 'ps-list (no start times)', startTimeUncertaintyMs: 0, notes };
}
