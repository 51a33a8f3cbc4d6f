/**
 * The one way this program reads and writes the files people point it at. Reads: regular files
 * only (a FIFO would block forever, `/dev/zero` would fill memory), opened without blocking, and
 * never more than a byte bound. Writes: never through a symbolic link, never into a device or a
 * FIFO, and permissions narrowed only on a regular file this user owns, through the open handle.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';

/** The default bound of {@link readRegularFile}: far above any settings, policy or key file. */
export const MAX_READ_BYTES = 5 * 1024 * 1024;

/** `O_NONBLOCK`, `O_NOFOLLOW`, `O_NOCTTY` where the platform has them (Windows has none). */
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NOCTTY = constants.O_NOCTTY ?? 0;

/** An error with a code, as `fs` throws them (`ENOTREG`: not a regular file; `EFBIG`: over the bound). */
export class FileError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'FileError';
    this.code = code;
  }
}

/** What a path is, in words, for a message. */
export function fileKind(st: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isDirectory' | 'isSymbolicLink'>): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function notRegular(path: string, st: Stats): FileError {
  return st.isDirectory()
    ? new FileError('EISDIR', `${path} is a folder, not a file`)
    : new FileError('ENOTREG', `${path} is ${fileKind(st)}, not a regular file`);
}

/**
 * Reads a regular file (symbolic links followed), at most `maxBytes`. Rejects as `fs` does
 * (`ENOENT`, `EACCES`, …), with `EISDIR` for a folder, `ENOTREG` for a FIFO, device or socket
 * (checked before opening, and again on the open handle, which was opened without blocking) and
 * `EFBIG` when the file holds more than `maxBytes` (only `maxBytes + 1` bytes are ever read).
 */
export async function readRegularFile(path: string, maxBytes: number = MAX_READ_BYTES): Promise<Buffer> {
  const before = await stat(path);
  if (!before.isFile()) throw notRegular(path, before);
  if (before.size > maxBytes) throw tooLarge(path, before.size, maxBytes);
  const fh = await open(path, constants.O_RDONLY | O_NONBLOCK | O_NOCTTY);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw notRegular(path, st);
    if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    // The file may grow while it is read: never more than the bound plus one byte.
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(path, total, maxBytes);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** {@link readRegularFile} as UTF-8 text. */
export async function readRegularText(path: string, maxBytes: number = MAX_READ_BYTES): Promise<string> {
  return (await readRegularFile(path, maxBytes)).toString('utf8');
}

function tooLarge(path: string, size: number, maxBytes: number): FileError {
  return new FileError('EFBIG', `${path} holds ${size > maxBytes ? 'more than ' : ''}${maxBytes} bytes or more: too large to read`);
}

/** Options of {@link openForWrite}. */
export interface OpenForWriteOptions {
  /** Append (logs) instead of replacing the content. */
  append?: boolean;
  /** The mode of a file created now, and the mode an existing regular file of this user is narrowed to. */
  mode: number;
}

/**
 * Opens a file for writing without following a symbolic link at `path` and without writing into
 * anything but a regular file: a symlink is refused (`ELOOP`), a FIFO, device or socket too
 * (`ENOTREG`, found on the handle, opened without blocking). A file created now gets `mode`;
 * an existing one is narrowed to it through the handle only when it is a regular file this user
 * owns with a single link. Replacing (not appending) truncates only after those checks.
 */
export async function openForWrite(path: string, opts: OpenForWriteOptions): Promise<{ handle: FileHandle; created: boolean }> {
  const base = constants.O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | (opts.append ? constants.O_APPEND : 0);
  let handle: FileHandle;
  let created = false;
  try {
    handle = await open(path, base | constants.O_CREAT | constants.O_EXCL, opts.mode);
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw symlinkError(path, err);
    try {
      handle = await open(path, base);
    } catch (err2) {
      throw symlinkError(path, err2);
    }
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw notRegular(path, st);
    if (created) {
      await handle.chmod(opts.mode); // independent of the umask
    } else {
      const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
      if ((uid === undefined || st.uid === uid) && st.nlink <= 1 && (st.mode & 0o777 & ~opts.mode) !== 0) await handle.chmod(opts.mode);
      if (!opts.append) await handle.truncate(0);
    }
    // Writes must block normally from here on: a regular file never returns EAGAIN anyway.
    return { handle, created };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

/** `ELOOP` from `O_NOFOLLOW` means the path is a symbolic link: say so. */
function symlinkError(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'EMLINK') return new FileError('ELOOP', `${path} is a symbolic link: not written through`);
  return err;
}

/**
 * Whether a folder can be written by other users (group or world write bit, without the sticky
 * bit's protection for world): files in it could be swapped for links by someone else.
 * Undefined when it cannot be examined, and always false on Windows (no such bits).
 */
export async function folderWritableByOthers(dir: string): Promise<{ mode: number; writable: boolean; ownedBySelf: boolean; sticky: boolean } | undefined> {
  if (process.platform === 'win32') return { mode: 0, writable: false, ownedBySelf: true, sticky: false };
  try {
    const st = await stat(dir);
    const mode = st.mode & 0o7777;
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    return { mode, writable: (mode & 0o022) !== 0, ownedBySelf: uid === undefined || st.uid === uid, sticky: (mode & 0o1000) !== 0 };
  } catch {
    return undefined;
  }
}
