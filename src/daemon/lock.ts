/**
 * One daemon per state folder: a second one would report every change twice. The lock is a
 * pid file holding the process id and the boot time, so a file left by a crash or from before
 * a reboot (where the pid may now belong to another program) does not block a new daemon.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, rm, unlink } from 'node:fs/promises';
import { uptime } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readRegularText } from '../core/safe-fs.js';
import { FILE_MODE } from '../reporters/rotating-file.js';

/** A lock file is one short line; a FIFO or a device in its place is never read (it would block). */
const readLockFile = (file: string): Promise<string> => readRegularText(file, 4096);

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

/** The lock's identity on disk, to tell the file read from one put there since. */
type Seen = { id: string; text: string | undefined };

async function look(file: string): Promise<Seen | undefined> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let text: string | undefined;
  try {
    text = await readLockFile(file);
  } catch {
    text = undefined; // a FIFO, a device, too large, unreadable: stale whatever it is
  }
  return { id: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`, text };
}

/** The live daemon a lock's text names (this process included), if any. */
function holder(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    const held = JSON.parse(text) as Partial<LockInfo>;
    if (typeof held.pid !== 'number' || typeof held.boot !== 'number') return undefined;
    if (held.pid === process.pid) return held.pid;
    return Math.abs(held.boot - bootTime()) <= 120 && alive(held.pid) ? held.pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `file` holding `content` only if it does not exist, content and all at once: written to
 * a private temporary file, then hard-linked to the name (which fails if the name exists), so
 * no reader ever sees it empty. Where hard links are refused, an exclusive create.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
  try {
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, file);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    }
    let direct;
    try {
      direct = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      await direct.writeFile(content);
    } finally {
      await direct.close();
    }
    return true;
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** A break lock older than this was left by a process that died while breaking (it takes milliseconds). */
const STALE_BREAK_MS = 10_000;
/** An empty lock younger than this may be one being written by an exclusive create (no hard links). */
const FRESH_EMPTY_MS = 2_000;

/**
 * Removes a stale lock, but only the one that was read: under a second exclusive lock
 * (`daemon.pid.break`), so two starters that both found it stale cannot remove the fresh lock
 * the other has just taken. Returns with the stale lock gone, or someone else breaking it.
 */
async function breakStale(file: string, seen: Seen, mine: string): Promise<void> {
  const brk = `${file}.break`;
  if (!(await createExclusive(brk, mine))) {
    try {
      const st = await lstat(brk);
      if (Date.now() - st.mtimeMs > STALE_BREAK_MS) await rm(brk, { force: true });
    } catch {
      // gone already
    }
    await sleep(10 + Math.random() * 40);
    return;
  }
  try {
    const now = await look(file);
    if (now !== undefined && now.id === seen.id && now.text === seen.text) await unlink(file);
  } finally {
    await rm(brk, { force: true });
  }
}

/**
 * Takes the lock, or returns the pid of the live daemon holding it. Safe when several daemons
 * start in the same instant: the lock is created exclusively, and a stale one (crash, reboot,
 * garbage) is removed by one of them only (see {@link breakStale}) before they try again.
 */
export async function acquireLock(stateDir: string): Promise<{ ok: true } | { ok: false; pid: number }> {
  const file = join(stateDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, boot: bootTime() };
  const mine = JSON.stringify(info) + '\n';
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await createExclusive(file, mine)) return { ok: true };
    const seen = await look(file);
    if (seen === undefined) continue; // released meanwhile: try again
    const pid = holder(seen.text);
    if (pid === process.pid) return { ok: true };
    if (pid !== undefined) return { ok: false, pid };
    if (seen.text === '') {
      // Possibly being written right now (exclusive create without a hard link): wait, unless old.
      const st = await lstat(file).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs < FRESH_EMPTY_MS) {
        await sleep(20);
        continue;
      }
    }
    await breakStale(file, seen, mine);
  }
  throw new Error(`cannot take the lock ${file}: it keeps changing`);
}

export async function releaseLock(stateDir: string): Promise<void> {
  const file = join(stateDir, LOCK_FILE);
  try {
    const held = JSON.parse(await readLockFile(file)) as Partial<LockInfo>;
    if (held.pid === process.pid) await rm(file, { force: true });
  } catch {
    // nothing to release
  }
}
