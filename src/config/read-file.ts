/**
 * Reading a settings file without ever throwing: a missing file is "not there", anything else
 * that goes wrong is a {@link ReadProblem} the checks can show. Shared by the JSON and plist readers.
 */
import { readdir, stat } from 'node:fs/promises';
import { readRegularFile } from '../core/safe-fs.js';
import type { ReadProblem } from './settings.js';
import { hasBom, JSON_HINTS, jsonNestsDeeperThan, MAX_JSON_DEPTH, parseJsonStrict, stripBom } from './json.js';

/**
 * Settings files are a few hundred bytes; anything this big is not one, and reading it whole
 * could exhaust memory.
 */
export const MAX_SETTINGS_FILE_BYTES = 5 * 1024 * 1024;

/** The raw bytes of a file, or why there are none. */
export type BytesRead = { exists: false } | { exists: true; mtimeMs?: number; problem: ReadProblem } | { exists: true; mtimeMs: number; bytes: Buffer };

/** A parsed JSON file. `value` is set exactly when `problem` is not. */
export type JsonFileRead =
  | { exists: false }
  | { exists: true; mtimeMs?: number; bom: boolean; problem: ReadProblem; value?: undefined }
  | {
      exists: true;
      mtimeMs: number;
      bom: boolean;
      value: unknown;
      problem?: undefined;
      /** The text that was parsed (BOM removed), for locating things in it. */
      text: string;
    };

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** "does not exist" errors: the path, or a folder on the way to it, is missing. */
function isMissing(err: unknown): boolean {
  const code = errCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A short reason for an I/O failure: the error code, never file contents. */
export function ioReason(err: unknown): string {
  const code = errCode(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTREG':
      return 'not a regular file (a FIFO, device or socket)';
    case 'EFBIG':
      return `far too large for a settings file (over ${MAX_SETTINGS_FILE_BYTES} bytes)`;
    case undefined:
      return err instanceof Error ? err.name : 'unknown error';
    default:
      return `I/O error ${code}`;
  }
}

/**
 * The two file operations the readers use. Node's by default; a check passes its `ctx.os`
 * (which has both), so the same reading rules apply to fake files in its tests.
 */
export interface FileAccess {
  /** `isFile` false (a FIFO, a device, a socket): not read at all. */
  stat(path: string): Promise<{ isDirectory: boolean; isFile?: boolean; size: number; mtimeMs: number }>;
  /** Must read regular files only, bounded (Node's: {@link readRegularFile}). */
  readBytes(path: string): Promise<Buffer>;
}

/** {@link FileAccess} and listing a folder: what settings discovery does with the disk. */
export interface DiscoveryFiles extends FileAccess {
  readdir(path: string): Promise<string[]>;
}

/** Node's own file operations. */
export const NODE_FILES: DiscoveryFiles = {
  async stat(path) {
    const st = await stat(path);
    return { isDirectory: st.isDirectory(), isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs };
  },
  readBytes: (path) => readRegularFile(path, MAX_SETTINGS_FILE_BYTES),
  readdir: (path) => readdir(path),
};

/** Reads a file's bytes and modification time. Never throws. */
export async function readBytes(file: string, files: FileAccess = NODE_FILES): Promise<BytesRead> {
  let mtimeMs: number | undefined;
  try {
    const st = await files.stat(file);
    mtimeMs = st.mtimeMs;
    if (st.isDirectory) {
      return { exists: true, mtimeMs, problem: { kind: 'unreadable', file, message: 'Cannot read: is a folder, not a file' } };
    }
    if (st.isFile === false) {
      return { exists: true, mtimeMs, problem: { kind: 'unreadable', file, message: `Not read: ${ioReason({ code: 'ENOTREG' })}` } };
    }
    if (st.size > MAX_SETTINGS_FILE_BYTES) {
      return {
        exists: true,
        mtimeMs,
        problem: { kind: 'unreadable', file, message: `Not read: ${st.size} bytes is far too large for a settings file` },
      };
    }
    const bytes = await files.readBytes(file);
    return { exists: true, mtimeMs, bytes };
  } catch (err) {
    if (isMissing(err)) return { exists: false };
    const problem: ReadProblem = { kind: 'unreadable', file, message: `Cannot read: ${ioReason(err)}` };
    return mtimeMs === undefined ? { exists: true, problem } : { exists: true, mtimeMs, problem };
  }
}

/** True when the bytes start with a UTF-16 byte-order mark (Notepad's "Unicode"). */
function isUtf16(bytes: Buffer): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/**
 * Decodes and parses a JSON settings file as the app would, except that a leading UTF-8 BOM is
 * stripped first (and reported as `bom: true`): the app fails on such a file, and the checks say
 * so, but the values behind it are still worth showing. Positions are in the text after the BOM,
 * which is what an editor shows.
 */
export async function readJsonFile(file: string, files: FileAccess = NODE_FILES): Promise<JsonFileRead> {
  const read = await readBytes(file, files);
  if (!read.exists) return read;
  if ('problem' in read) return { ...read, bom: false };
  const { bytes, mtimeMs } = read;
  if (isUtf16(bytes)) {
    return {
      exists: true,
      mtimeMs,
      bom: false,
      problem: {
        kind: 'invalid-json',
        file,
        message: 'Invalid JSON at line 1, column 1: the file is UTF-16 encoded',
        line: 1,
        column: 1,
        hint: JSON_HINTS.utf16,
        hintCode: 'utf16',
      },
    };
  }
  const raw = bytes.toString('utf8');
  const bom = hasBom(raw);
  const text = stripBom(raw);
  if (text.trim() === '') {
    return {
      exists: true,
      mtimeMs,
      bom,
      problem: { kind: 'empty', file, message: bytes.length === 0 ? 'The file is empty (0 bytes)' : 'The file holds only whitespace' },
    };
  }
  if (jsonNestsDeeperThan(text)) {
    // Bounded work before any deadline: never handed to JSON.parse (seconds for millions of levels).
    return {
      exists: true,
      mtimeMs,
      bom,
      problem: { kind: 'unreadable', file, message: `Not read: nested more than ${MAX_JSON_DEPTH} levels deep, which no settings file is` },
    };
  }
  const parsed = parseJsonStrict(text);
  if (!parsed.ok) {
    const problem: ReadProblem = {
      kind: 'invalid-json',
      file,
      message: parsed.message,
      line: parsed.line,
      column: parsed.column,
    };
    if (parsed.hint !== undefined) problem.hint = parsed.hint;
    if (parsed.hintCode !== undefined) problem.hintCode = parsed.hintCode;
    return { exists: true, mtimeMs, bom, problem };
  }
  return { exists: true, mtimeMs, bom, value: parsed.value, text };
}

/** A plain JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** What a value is, for a message: `array`, `string`, `null`, … */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'data';
  if (v instanceof Date) return 'date';
  return typeof v;
}
