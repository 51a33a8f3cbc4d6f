/**
 * Files the daemon writes: whole documents replaced atomically (a reader sees the old or the
 * new file, never a torn one) and JSON-lines logs rotated by line count and size. Everything
 * is created mode 0600 in folders created mode 0700: reports name the user's settings files.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openForWrite, readRegularText } from '../core/safe-fs.js';

/** The most of a JSON-lines file read back (to count its lines, or by {@link readJsonl}). */
const MAX_JSONL_READ_BYTES = 64 * 1024 * 1024;

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder, fsync, rename over
 * the target, fsync of the folder (best effort). The folder is created if missing (it may have
 * been removed while the daemon ran). On failure the temporary file is removed and the error
 * thrown; the target keeps its previous content.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = FILE_MODE): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    try {
      await fh.chmod(mode); // independent of the umask
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await renameWithRetry(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** Windows refuses to replace a file another process has open; a few short retries cover readers. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 5 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  }
}

export interface RotatingJsonlOptions {
  path: string;
  /** Rotate when the file would exceed this many lines (0: no line limit). */
  maxLines?: number;
  /** Rotate when the file would exceed this many bytes (0: no size limit). */
  maxBytes?: number;
  /** Rotated files kept: `path.1` (newest) … `path.<keep>`. */
  keep?: number;
}

/**
 * An append-only JSON-lines file with rotation: `path` is current, `path.1` the one before,
 * and so on up to `keep`. Appends are serialized; line and byte counts are read from the file
 * the first time and kept in memory after that.
 */
export class RotatingJsonl {
  readonly path: string;
  readonly maxLines: number;
  readonly maxBytes: number;
  readonly keep: number;
  #lines: number | undefined;
  #bytes = 0;
  #chain: Promise<void> = Promise.resolve();

  constructor(opts: RotatingJsonlOptions) {
    this.path = opts.path;
    this.maxLines = opts.maxLines ?? 0;
    this.maxBytes = opts.maxBytes ?? 0;
    this.keep = Math.max(1, opts.keep ?? 1);
  }

  /** Appends records (one line each); resolves when they are written, rejects when they could not be. */
  append(records: readonly unknown[]): Promise<void> {
    const text = records.map((r) => JSON.stringify(r) + '\n');
    const run = this.#chain.then(() => this.#append(text));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #append(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await mkdir(dirname(this.path), { recursive: true, mode: DIR_MODE });
    if (this.#lines === undefined) await this.#measure();
    const chunk = lines.join('');
    const bytes = Buffer.byteLength(chunk);
    const overLines = this.maxLines > 0 && this.#lines! > 0 && this.#lines! + lines.length > this.maxLines;
    const overBytes = this.maxBytes > 0 && this.#bytes > 0 && this.#bytes + bytes > this.maxBytes;
    if (overLines || overBytes) await this.#rotate();
    try {
      // Never through a symbolic link, never into a FIFO or a device; narrowed to 0600 through the handle.
      const { handle } = await openForWrite(this.path, { append: true, mode: FILE_MODE });
      try {
        await handle.writeFile(chunk, 'utf8');
      } finally {
        await handle.close();
      }
    } catch (err) {
      // The file may have been removed or replaced behind our back: count again next time.
      this.#lines = undefined;
      throw err;
    }
    this.#lines! += lines.length;
    this.#bytes += bytes;
  }

  async #measure(): Promise<void> {
    try {
      // Bounded by maxBytes / maxLines, so reading it once is cheap; a regular file only, bounded.
      const text = await readRegularText(this.path, MAX_JSONL_READ_BYTES);
      this.#bytes = Buffer.byteLength(text);
      let n = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
      this.#lines = n;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EFBIG') {
        // Far over any limit (written by something else): rotate it away at this append.
        this.#bytes = MAX_JSONL_READ_BYTES;
        this.#lines = Math.max(this.maxLines, 1);
        return;
      }
      if (code !== 'ENOENT') throw err;
      this.#bytes = 0;
      this.#lines = 0;
    }
  }

  async #rotate(): Promise<void> {
    await rm(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    await rename(this.path, `${this.path}.1`).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.#lines = 0;
    this.#bytes = 0;
  }

  /** Waits for pending appends. */
  async settle(): Promise<void> {
    await this.#chain;
  }
}

/** Reads a JSON-lines file (and its rotated predecessors, oldest first); bad lines are skipped. */
export async function readJsonl(path: string, rotated = 0): Promise<unknown[]> {
  const out: unknown[] = [];
  const files = [...Array.from({ length: rotated }, (_, i) => `${path}.${rotated - i}`), path];
  for (const file of files) {
    let text: string;
    try {
      text = await readRegularText(file, MAX_JSONL_READ_BYTES);
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // a line cut by a crash: skip it
      }
    }
  }
  return out;
}
