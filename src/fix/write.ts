/**
 * How fix touches a file (docs/fix.md, "Safe writes"):
 *
 * - a byte-for-byte backup beside it first: `<name>.bak-<stamp>`, mode 0600, created exclusively
 *   (never over a file, never through a symbolic link) — a name the app never reads (it reads
 *   `_meta.json` and `<appliedId>.json` only);
 * - then an atomic replace: a temporary file in the same folder (created exclusively, mode 0600),
 *   the new text written and fsynced, the original's mode and owner given to it, renamed over the
 *   original, the folder fsynced. A reader sees the old file or the new one, never half of one.
 * - never written through a symbolic link, never into anything but a regular file, and never when
 *   the file changed since it was read (the plan was made from what was read).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileError, readRegularFile } from '../core/safe-fs.js';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** `20261201T230512123Z`: sorts in time order, no characters a file system refuses. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[-:.]/g, '');
}

/** `<name>.bak-<stamp>` (the stamp of {@link backupStamp}). */
export const BACKUP_PATTERN = /^(.+)\.bak-(\d{8}T\d{9}Z)(?:-(\d+))?$/;

/** Refuses anything but a regular file reached without a symbolic link. */
async function regularFile(path: string): Promise<import('node:fs').Stats> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) throw new FileError('ELOOP', `${path} is a symbolic link: fix does not write through it`);
  if (!st.isFile()) throw new FileError('ENOTREG', `${path} is not a regular file`);
  return st;
}

/** Creates `path` exclusively (mode 0600, no symbolic link followed), writes `data`, fsyncs. */
async function writeExclusive(path: string, data: Buffer | string): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Copies the file byte for byte to `<name>.bak-<stamp>` beside it; returns the backup's path. */
export async function backup(path: string, stamp: string): Promise<string> {
  await regularFile(path);
  const bytes = await readRegularFile(path);
  for (let n = 1; n <= 100; n++) {
    const name = `${path}.bak-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      await writeExclusive(name, bytes);
      return name;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new FileError('EEXIST', `${path}: 100 backups of this instant exist`);
}

/** The file's bytes equal what the plan was made from. */
export async function unchangedSince(path: string, text: string): Promise<boolean> {
  try {
    await regularFile(path);
    return (await readRegularFile(path)).equals(Buffer.from(text, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Replaces the content of the regular file at `path` atomically, keeping its mode and owner.
 * When the owner cannot be kept (another user's file), nothing is written.
 */
export async function atomicReplace(path: string, data: Buffer | string): Promise<void> {
  const st = await regularFile(path);
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.pkd-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await writeExclusive(temp, data);
  try {
    const handle = await open(temp, constants.O_RDONLY | O_NOFOLLOW);
    try {
      await handle.chmod(st.mode & 0o7777);
      const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
      const gid = typeof process.getgid === 'function' ? process.getgid() : undefined;
      if (uid !== undefined && (st.uid !== uid || st.gid !== gid)) await handle.chown(st.uid, st.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncFolder(dir);
}

/** Renames `from` to `to` (same folder) without ever replacing an existing `to`. */
export async function renameNoReplace(from: string, to: string): Promise<void> {
  const st = await regularFile(from);
  try {
    await link(from, to); // EEXIST when `to` exists: nothing replaced
  } catch (err) {
    // A case-only rename on a case-insensitive file system (macOS, Windows): `to` is `from` itself.
    const other = (err as NodeJS.ErrnoException).code === 'EEXIST' ? await lstat(to).catch(() => undefined) : undefined;
    if (other && other.ino === st.ino && other.dev === st.dev && from.toLowerCase() === to.toLowerCase()) {
      await rename(from, to);
      await syncFolder(dirname(from));
      return;
    }
    throw err;
  }
  await unlink(from);
  await syncFolder(dirname(from));
}

async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // A folder that cannot be fsynced (some file systems): the rename is done anyway.
  }
}

/** One backup found beside a file. */
export interface FoundBackup {
  /** The backup's path. */
  path: string;
  /** The file it is a copy of. */
  original: string;
  stamp: string;
}

/** The backups of the newest fix run in `dirs` (every file it backed up has the same stamp). */
export async function latestBackups(dirs: readonly string[]): Promise<FoundBackup[]> {
  const found: FoundBackup[] = [];
  for (const dir of new Set(dirs)) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = BACKUP_PATTERN.exec(name);
      if (m) found.push({ path: join(dir, name), original: join(dir, m[1]!), stamp: `${m[2]!}${m[3] ? `-${m[3].padStart(3, '0')}` : ''}` });
    }
  }
  if (found.length === 0) return [];
  const newest = found
    .map((b) => b.stamp.slice(0, 19))
    .sort()
    .at(-1)!;
  const run = found.filter((b) => b.stamp.startsWith(newest));
  // Several backups of one file at that instant (-2, -3): the first is the original.
  const byOriginal = new Map<string, FoundBackup>();
  for (const b of run.sort((x, y) => x.stamp.localeCompare(y.stamp))) if (!byOriginal.has(b.original)) byOriginal.set(b.original, b);
  return [...byOriginal.values()];
}

/** Restores a backup over its original (atomically; created, mode 0600, when the original is gone). */
export async function restore(b: FoundBackup): Promise<void> {
  await regularFile(b.path);
  const bytes = await readRegularFile(b.path);
  const exists = await lstat(b.original).then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
  if (exists) await atomicReplace(b.original, bytes);
  else {
    const temp = `${b.original}.pkd-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeExclusive(temp, bytes);
    await link(temp, b.original).finally(() => unlink(temp).catch(() => undefined));
  }
}
