/**
 * Reads `package.json` out of an Electron `app.asar` without unpacking it: Electron's
 * `app.getVersion()` is that file's `version`, so this gives the app's version where no
 * Info.plist or installer record does (Windows per-user installs, Linux community builds).
 *
 * Format (electron/asar): UInt32LE 4, UInt32LE header size; the header is a Chromium pickle:
 * UInt32LE payload size, UInt32LE string length, the JSON directory tree. File data starts at
 * 8 + header size; an entry is `{ size, offset: "<decimal string>" }` relative to that, or
 * `{ unpacked: true }` for a file kept in `app.asar.unpacked/`.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';

import { readRegularFile } from '../core/safe-fs.js';

/** Claude's header lists thousands of files; anything far bigger is not an asar. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

export type AsarPackageRead = { ok: true; packageJson: Record<string, unknown> } | { ok: false; reason: string };

export async function readAsarPackageJson(file: string): Promise<AsarPackageRead> {
  let handle;
  try {
    // A regular file only, opened without blocking: a FIFO named app.asar must not hang the run.
    const st = await stat(file);
    if (!st.isFile()) return { ok: false, reason: `${file} is not a regular file` };
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return { ok: false, reason: `cannot open ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    if (bytesRead < 16 || head.readUInt32LE(0) !== 4) return { ok: false, reason: 'not an asar archive' };
    const headerSize = head.readUInt32LE(4);
    const jsonLength = head.readUInt32LE(12);
    if (headerSize > MAX_HEADER_BYTES || jsonLength > headerSize - 8) return { ok: false, reason: 'asar header size is implausible' };
    const json = Buffer.alloc(jsonLength);
    await handle.read(json, 0, jsonLength, 16);
    let tree: unknown;
    try {
      tree = JSON.parse(json.toString('utf8'));
    } catch {
      return { ok: false, reason: 'asar header is not JSON' };
    }
    const entry = (tree as { files?: Record<string, unknown> } | null)?.files?.['package.json'] as
      | { size?: unknown; offset?: unknown; unpacked?: unknown }
      | undefined;
    if (!entry) return { ok: false, reason: 'no package.json in the archive' };
    let bytes: Buffer;
    if (entry.unpacked === true) {
      bytes = await readRegularFile(`${file}.unpacked/package.json`, MAX_PACKAGE_JSON_BYTES);
    } else {
      const size = Number(entry.size);
      const offset = Number(entry.offset);
      if (!Number.isSafeInteger(size) || !Number.isSafeInteger(offset) || size < 0 || size > MAX_PACKAGE_JSON_BYTES) {
        return { ok: false, reason: 'package.json entry is malformed' };
      }
      bytes = Buffer.alloc(size);
      await handle.read(bytes, 0, size, 8 + headerSize + offset);
    }
    const value: unknown = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'package.json is not an object' };
    return { ok: true, packageJson: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, reason: `cannot read the archive (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    await handle.close();
  }
}
