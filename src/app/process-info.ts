/**
 * What the doctor knows about a process, whichever way the OS listed it (ps-list, `ps`,
 * PowerShell's CIM). Pure types and helpers: the listing itself is src/platform/processes.ts.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The executable's name (ps-list: basename of the exe path on Linux; image name on Windows). */
  name: string;
  /** The full command line, when the OS tells it. */
  cmd?: string;
  /** The executable's full path, when known. */
  path?: string;
  /** Owner (POSIX only). */
  uid?: number;
  startTime?: Date;
}

/** A process list and how it was obtained. */
export interface ProcessListing {
  processes: ProcessInfo[];
  source: 'ps-list' | 'ps' | 'powershell' | 'ps-list (no start times)';
  /**
   * How far a reported start time may be from the true one, in ms. `ps` prints whole seconds,
   * and procps adds a boot time that is itself rounded to the second: the true start lies in
   * [reported, reported + 2 s). Windows' CreationDate is exact.
   */
  startTimeUncertaintyMs: number;
  /** Problems met on the way (a fallback was used), for details. */
  notes: string[];
}

/**
 * A name for a process known only by its command line: the basename of the first word, or of
 * a macOS bundle executable whose path has spaces (`…/Claude Helper (GPU).app/Contents/MacOS/Claude Helper (GPU) --type=gpu`).
 */
export function nameFromCmd(cmd: string): string {
  // The bundle path may hold spaces; it ends before an option (` -`) or another path (` /`).
  const bundle = /^(\/(?:(?! \/).)*?\.app\/Contents\/MacOS\/[^/]+?)(?= -| \/|$)/.exec(cmd);
  const exe = bundle?.[1] ?? cmd.split(/\s+/, 1)[0] ?? '';
  return exe.split(/[\\/]/).pop() ?? exe;
}

/** Why listing processes failed, in a few words: the error code, or the first line of the message. */
export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string') return e.code;
  return err instanceof Error ? err.message.split('\n', 1)[0]!.slice(0, 200) : String(err);
}
