/**
 * One daemon per state folder: a second one would report every change twice. The lock is a
 * pid file holding the process id and the boot time, so a file left by a crash or from before
 * a reboot (where the pid may now belong to another program) does not block a new daemon.
 */
import { readFile, rm } from 'node:fs/promises';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../reporters/rotating-file.js';

export const LOCK_FILE = 'daemon.pid';

interface LockInfo {
  pid: number;
  /** Boot time (epoch seconds, rounded to the minute). */
  boot: number;
}

const bootTime = (): number => Math.round((Date.now() / 1000 - uptime()) / 60) * 60;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock, or returns the pid of the live daemon holding it. */
export async function acquireLock(stateDir: string): Promise<{ ok: true } | { ok: false; pid: number }> {
  const file = join(stateDir, LOCK_FILE);
  try {
    const held = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    if (
      typeof held.pid === 'number' &&
      held.pid !== process.pid &&
      typeof held.boot === 'number' &&
      Math.abs(held.boot - bootTime()) <= 120 &&
      alive(held.pid)
    ) {
      return { ok: false, pid: held.pid };
    }
  } catch {
    // absent or unreadable: take it
  }
  const info: LockInfo = { pid: process.pid, boot: bootTime() };
  await writeFileAtomic(file, JSON.stringify(info) + '\n');
  return { ok: true };
}

export async function releaseLock(stateDir: string): Promise<void> {
  const file = join(stateDir, LOCK_FILE);
  try {
    const held = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    if (held.pid === process.pid) await rm(file, { force: true });
  } catch {
    // nothing to release
  }
}
