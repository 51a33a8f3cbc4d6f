/**
 * Reading a managed-preferences plist (macOS MDM, or a file given with `--managed`): XML plists
 * with `plist`, binary ones (`bplist00…`) with `bplist-parser`. The result is the top-level dict,
 * untouched, or a {@link ReadProblem}; this module never throws.
 */
import { parse as parseXml } from 'plist';
import bplist from 'bplist-parser';
import type { ReadProblem } from './settings.js';
import { isPlainObject, readBytes, typeName } from './read-file.js';
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
function parseXmlPlist(text: string): XmlOutcome {
  const reports: { level: string; message: string; line?: number; column?: number }[] = [];
  const original = console.error;
  console.error = (...args: unknown[]): void => {
    const head = typeof args[0] === 'string' ? args[0] : '';
    const m = /^\[xmldom (\w+)\]\t([\s\S]*)$/.exec(head);
    if (!m) return original.apply(console, args);
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

/** Reads a plist file into its top-level dict. */
export async function readPlistFile(file: string): Promise<PlistFileRead> {
  const read = await readBytes(file);
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
    try {
      value = bplist.parseBuffer(bytes)[0];
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
    const outcome = parseXmlPlist(text);
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
