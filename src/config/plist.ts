/**
 * Reading a managed-preferences plist (macOS MDM, or a file given with `--managed`): XML plists
 * with `plist`, binary ones (`bplist00…`) with `bplist-parser`. The result is the top-level dict,
 * untouched, or a {@link ReadProblem}; this module never throws.
 */
import type { parse as ParseXml } from 'plist';
import type BplistModule from 'bplist-parser';
import { requireLazy } from '../core/lazy.js';
import type { ReadProblem } from './settings.js';
import { isPlainObject, readBytes, typeName, type FileAccess } from './read-file.js';
import { lineColumn, stripBom } from './json.js';

/** A plist file read. `dict` is set exactly when `problem` is not. */
export type PlistFileRead =
  | { exists: false }
  | { exists: true; mtimeMs?: number; problem: ReadProblem; dict?: undefined }
  | { exists: true; mtimeMs: number; format: 'xml' | 'binary'; dict: Record<string, unknown>; problem?: undefined };

/** The magic at the start of every binary plist. */
const BINARY_MAGIC = 'bplist';

/** What a parser said, cut to one short line with long tokens elided, so no value (a key) leaks. */
function safeReason(message: string): string {
  const first = message.split(/\r?\n/, 1)[0] ?? '';
  const elided = first.replace(/[A-Za-z0-9_\-+/=.]{16,}/g, '…');
  return elided.length > 120 ? `${elided.slice(0, 119)}…` : elided;
}

interface XmlOutcome {
  value?: unknown;
  error?: { reason: string; line?: number; column?: number };
}

/**
 * Parses XML plist text. `plist` builds its own xmldom parser, which reports recoverable errors
 * (an unescaped `&`, say) on `console.error` and carries on; Apple's parser rejects such a file,
 * so those count as failures here, and they are caught rather than printed (printing would break
 * the JSON report on stdout's neighbour and could echo file content).
 */
function parseXmlPlist(text: string, parseXml: typeof ParseXml): XmlOutcome {
  const reports: { level: string; message: string; line?: number; column?: number }[] = [];
  const original = console.error;
  console.error = (...args: unknown[]): void => {
    const head = typeof args[0] === 'string' ? args[0] : '';
    const m = /^\[xmldom (\w+)\]\t([\s\S]*)$/.exec(head);
    if (!m) {
      original.apply(console, args);
      return;
    }
    const loc = /\[line:(\d+),col:(\d+)\]/.exec(typeof args[1] === 'string' ? args[1] : '');
    const report: { level: string; message: string; line?: number; column?: number } = { level: m[1] ?? '', message: m[2] ?? '' };
    if (loc) {
      report.line = Number(loc[1]);
      report.column = Number(loc[2]);
    }
    reports.push(report);
  };
  let value: unknown;
  let thrown: unknown;
  try {
    value = parseXml(text);
  } catch (err) {
    thrown = err;
  } finally {
    console.error = original;
  }
  const bad = reports.find((r) => r.level === 'error' || r.level === 'fatalError');
  if (bad) {
    const error: XmlOutcome['error'] = { reason: safeReason(bad.message) };
    if (bad.line !== undefined && bad.line > 0) error.line = bad.line;
    if (bad.column !== undefined && bad.column > 0) error.column = bad.column;
    return { error };
  }
  if (thrown !== undefined) {
    return { error: { reason: safeReason(thrown instanceof Error ? thrown.message : 'parse failed') } };
  }
  return { value };
}

/**
 * Finds a bare `&` (one that does not start an entity such as `&amp;`). xmldom accepts
 * `a & b` silently; Apple's parser rejects the whole file, and a URL with a query string is the
 * usual way one gets in. Returns its offset, or -1.
 */
function findBareAmpersand(text: string): number {
  const entity = /&(?:[A-Za-z_][\w.-]*|#\d+|#x[0-9a-fA-F]+);/y;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      if (end < 0) return -1; // unterminated: xmldom reports that
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) return -1;
      i = end + 3;
      continue;
    }
    if (text[i] === '&') {
      entity.lastIndex = i;
      if (!entity.test(text)) return i;
    }
    i++;
  }
  return -1;
}

/** The parser would expand more nodes than this (a settings dict has a few dozen). */
const MAX_BINARY_PLIST_NODES = 100_000;

/** `bplist-parser`'s way of reading a big-endian integer (32-bit, sign included), so the walk below sees what it will. */
function readUIntLikeParser(buf: Buffer, start: number, size: number): number {
  let l = 0;
  for (let i = start; i < Math.min(start + size, buf.length); i++) {
    l <<= 8;
    l |= buf[i]! & 0xff;
  }
  return l;
}

/**
 * `bplist-parser` trusts the file. It expands references recursively without remembering what it
 * expanded, so a small file whose containers share children layer upon layer expands
 * exponentially; and a container whose reference size is 0, or whose length runs past the end
 * of the file, makes it loop up to 2^31 times. Either hangs or exhausts the doctor synchronously,
 * where no deadline can stop it. This walks the object graph the way the parser will, bounded, and
 * says what is wrong; undefined when the parser can be let loose on it.
 */
function binaryPlistProblem(buf: Buffer): string | undefined {
  if (buf.length < 8 + 32) return 'too short';
  const t = buf.length - 32;
  const offsetSize = buf[t + 6]!;
  const refSize = buf[t + 7]!;
  if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8) return 'bad offset or reference size';
  // The parser reads only the low 32 bits of these 64-bit fields.
  const numObjects = buf.readUInt32BE(t + 12);
  const top = buf.readUInt32BE(t + 20);
  const tableOffset = buf.readUInt32BE(t + 28);
  if (buf.readUInt32BE(t + 8) !== 0 || buf.readUInt32BE(t + 16) !== 0 || buf.readUInt32BE(t + 24) !== 0) return 'trailer out of range';
  if (numObjects === 0 || top >= numObjects || tableOffset + numObjects * offsetSize > t) return 'trailer out of range';
  const offsets: number[] = [];
  for (let i = 0; i < numObjects; i++) offsets.push(readUIntLikeParser(buf, tableOffset + i * offsetSize, offsetSize));

  /** References of a container object; [] for any other object; a string when it cannot be read. */
  const children = (index: number): number[] | string => {
    const offset = offsets[index];
    if (offset === undefined) return []; // the parser reads a missing object as null
    if (offset < 0 || offset >= t) return 'object offset out of range';
    const marker = buf[offset]!;
    const type = marker >> 4;
    const info = marker & 0x0f;
    let length = info;
    let start = offset + 1;
    if (info === 0x0f && (type === 0x4 || type === 0x5 || type === 0x6 || type === 0xa || type === 0xd)) {
      const intMarker = buf[offset + 1] ?? 0;
      const intSize = 1 << (intMarker & 0x0f);
      if (intMarker >> 4 !== 0x1 || intSize > 4) return 'bad length';
      length = readUIntLikeParser(buf, offset + 2, intSize);
      start = offset + 2 + intSize;
    }
    if (type === 0x3 && info !== 0x3) return 'bad date';
    if (type !== 0xa && type !== 0xd) return [];
    const count = type === 0xa ? length : 2 * length;
    if (length < 0 || start + count * refSize > t) return 'container runs past the end';
    const refs: number[] = [];
    for (let k = 0; k < count; k++) refs.push(readUIntLikeParser(buf, start + k * refSize, refSize));
    return refs;
  };

  // Iterative depth-first walk: a reference back to an object being expanded is a cycle; the
  // number of nodes the parser will build is the number of paths, summed bottom-up.
  const state = new Uint8Array(numObjects); // 0 new, 1 on the path, 2 done
  const paths = new Float64Array(numObjects);
  const stack: { index: number; refs: number[]; next: number; sum: number }[] = [];
  const enter = (index: number): string | undefined => {
    const refs = children(index);
    if (typeof refs === 'string') return refs;
    state[index] = 1;
    stack.push({ index, refs, next: 0, sum: 1 });
    return undefined;
  };
  const first = enter(top);
  if (first) return first;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.refs.length) {
      const ref = frame.refs[frame.next++]!;
      if (ref < 0 || ref >= numObjects) {
        frame.sum += 1;
        continue;
      }
      if (state[ref] === 1) return 'an object contains itself';
      if (state[ref] === 2) {
        frame.sum += paths[ref]!;
      } else {
        const problem = enter(ref);
        if (problem) return problem;
        continue;
      }
    } else {
      stack.pop();
      state[frame.index] = 2;
      paths[frame.index] = frame.sum;
      const parent = stack[stack.length - 1];
      if (parent) parent.sum += frame.sum;
    }
    if ((stack[stack.length - 1]?.sum ?? 0) > MAX_BINARY_PLIST_NODES) return 'expands to too many objects';
  }
  return undefined;
}

/** Reads a plist file into its top-level dict. */
export async function readPlistFile(file: string, files?: FileAccess): Promise<PlistFileRead> {
  const read = await readBytes(file, files);
  if (!read.exists || 'problem' in read) return read;
  const { bytes, mtimeMs } = read;
  const invalid = (reason: string, line?: number, column?: number): PlistFileRead => {
    const problem: ReadProblem = { kind: 'invalid-plist', file, message: `Not a valid plist: ${reason}` };
    if (line !== undefined) problem.line = line;
    if (column !== undefined) problem.column = column;
    return { exists: true, mtimeMs, problem };
  };

  let value: unknown;
  let format: 'xml' | 'binary';
  if (bytes.subarray(0, BINARY_MAGIC.length).toString('latin1') === BINARY_MAGIC) {
    format = 'binary';
    const structural = binaryPlistProblem(bytes);
    if (structural) return invalid(`binary plist is damaged (${structural})`);
    try {
      value = (requireLazy('bplist-parser') as typeof BplistModule).parseBuffer(bytes)[0];
    } catch (err) {
      return invalid(`binary plist is damaged (${safeReason(err instanceof Error ? err.message : 'parse failed')})`);
    }
  } else {
    format = 'xml';
    const text = stripBom(bytes.toString('utf8'));
    if (text.trim() === '') {
      return {
        exists: true,
        mtimeMs,
        problem: { kind: 'empty', file, message: bytes.length === 0 ? 'The file is empty (0 bytes)' : 'The file holds only whitespace' },
      };
    }
    const amp = findBareAmpersand(text);
    if (amp >= 0) {
      const { line, column } = lineColumn(text, amp);
      return invalid('a bare "&" must be written "&amp;"', line, column);
    }
    // plist (and its XML parser) is an ES module: loaded here, when a plist is actually read.
    const { parse } = await import('plist');
    const outcome = parseXmlPlist(text, parse);
    if (outcome.error) return invalid(outcome.error.reason, outcome.error.line, outcome.error.column);
    value = outcome.value;
  }
  if (!isPlainObject(value)) {
    return {
      exists: true,
      mtimeMs,
      problem: { kind: 'not-object', file, message: `The plist's top level is ${typeName(value)}, not a dict` },
    };
  }
  return { exists: true, mtimeMs, format, dict: value };
}
