/**
 * Strict JSON parsing with an exact error position and a hint for the usual hand-editing
 * mistakes. `JSON.parse` decides what is valid (Claude Desktop parses its files with it, so
 * anything it rejects the app rejects too); a small scanner of our own then finds where and why,
 * because V8's messages only sometimes carry a position and sometimes quote the input — and the
 * input may hold an API key, so V8's message is never passed on.
 */

/** Why the text is not JSON. Stable identifiers: tests and checks match on these, not on prose. */
export type JsonErrorCode =
  | 'unexpected-character' // a character that cannot start or continue a value here
  | 'unexpected-end' // the text ends before the value is complete
  | 'trailing-comma' // a comma right before `}` or `]`
  | 'unterminated-string' // a string with no closing double quote
  | 'control-character' // a raw line break or tab inside a string (must be escaped)
  | 'invalid-escape' // a backslash sequence JSON does not know
  | 'invalid-number' // a number JSON does not allow (leading zero, `1.`, `+1`, …)
  | 'trailing-content' // something after the complete top-level value
  | 'unknown'; // JSON.parse refused the text but the scanner did not see why (should not happen)

/** The likely human cause behind a syntax error. */
export type JsonHintCode = 'trailing-comma' | 'single-quotes' | 'typographic-quotes' | 'bom' | 'comment' | 'utf16' | 'unquoted-key';

/** A JSON syntax error, located. Never contains more than one character of the input. */
export interface JsonSyntaxError {
  ok: false;
  code: JsonErrorCode;
  /** `Invalid JSON at line L, column C: <what>`; safe to show (no input beyond one character). */
  message: string;
  /** 1-based line (a line ends at `\n`, `\r\n` or `\r`). */
  line: number;
  /** 1-based column, counted in UTF-16 code units (a tab counts as one). */
  column: number;
  /** 0-based offset into the text (UTF-16 code units). */
  offset: number;
  hintCode?: JsonHintCode;
  /** What probably caused it and how to fix it. */
  hint?: string;
}

export type JsonParseResult = { ok: true; value: unknown } | JsonSyntaxError;

/** U+FEFF, which Notepad and some editors put at the start of a UTF-8 file. */
const BOM = '\uFEFF';

/** Removes one leading byte-order mark, which `JSON.parse` (and Claude Desktop) rejects. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** True when the text starts with a byte-order mark. */
export function hasBom(text: string): boolean {
  return text.startsWith(BOM);
}

/** The hints, in one table so the wording can be corrected in one place. */
export const JSON_HINTS: Record<JsonHintCode, string> = {
  'trailing-comma': 'remove the comma before the closing bracket or brace: JSON allows no trailing comma',
  'single-quotes': 'JSON strings and property names need double quotes ("), not single quotes (\')',
  'typographic-quotes': 'typographic (curly) quotes “ ” ‘ ’ are not JSON quotes; an editor or auto-correct replaced the straight quotes: retype them as "',
  bom: 'the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM',
  comment: 'JSON does not allow comments (// or /* */); remove them',
  utf16: 'the file is saved as UTF-16; save it as UTF-8 (without BOM)',
  'unquoted-key': 'property names must be in double quotes, e.g. "inferenceProvider"',
};

const WHAT: Record<JsonErrorCode, string> = {
  'unexpected-character': 'unexpected character',
  'unexpected-end': 'unexpected end of input',
  'trailing-comma': 'trailing comma',
  'unterminated-string': 'string is not closed',
  'control-character': 'unescaped control character in string',
  'invalid-escape': 'invalid escape sequence in string',
  'invalid-number': 'invalid number',
  'trailing-content': 'unexpected content after the JSON value',
  unknown: 'not valid JSON',
};

/**
 * Parses strict JSON. On failure, says where and what kind of mistake, with a hint for trailing
 * commas, single or typographic quotes, a BOM, comments. The position is that of the character
 * where parsing failed, as `JSON.parse` sees it (for a trailing comma: the `}` or `]` after it;
 * at the end of the text: just past the last character), except that a string with no closing
 * quote points at its opening quote, since the end of the text would say nothing. The message
 * quotes at most the single offending character.
 */
export function parseJsonStrict(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const found = locateJsonError(text);
    if (found) return makeError(text, found);
    // The scanner and V8 disagree (a bug of ours): fall back on V8's position, if it gave one,
    // but never on its message, which may quote the input.
    const m = /at position (\d+)/.exec(err instanceof Error ? err.message : '');
    const offset = m?.[1] !== undefined ? Math.min(Number(m[1]), text.length) : text.length;
    return makeError(text, { code: 'unknown', offset });
  }
}

/** Deeper than any settings or policy file: real ones nest three or four levels. */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether brackets and braces nest deeper than `max` (outside strings). One linear pass, far
 * cheaper than parsing: text nested millions of levels deep is refused before `JSON.parse` and
 * every walk over the value spend seconds (or the stack) on it.
 */
export function jsonNestsDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Where and why strict JSON breaks, before it is turned into a message. */
export interface Located {
  code: JsonErrorCode;
  /** 0-based offset (UTF-16 code units). */
  offset: number;
  hintCode?: JsonHintCode;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x0d) {
      // \r\n is one break: let the \n count it.
      if (text.charCodeAt(i + 1) !== 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Shows one character safely: printable ones in backticks, others only as U+XXXX. */
function describeChar(ch: string | undefined): string {
  if (ch === undefined) return '';
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp < 0x20 || cp === 0x7f || cp === 0xfeff || (cp >= 0x80 && cp < 0xa0)) return ` (${hex})`;
  return ` \`${ch}\` (${hex})`;
}

function makeError(text: string, found: Located): JsonSyntaxError {
  const { line, column } = lineColumn(text, found.offset);
  const showChar = found.code === 'unexpected-character' || found.code === 'control-character' || found.code === 'trailing-content';
  const ch = showChar ? String.fromCodePoint(text.codePointAt(found.offset) ?? 0) : undefined;
  const what = WHAT[found.code] + (showChar && found.offset < text.length ? describeChar(ch) : '');
  const out: JsonSyntaxError = {
    ok: false,
    code: found.code,
    message: `Invalid JSON at line ${line}, column ${column}: ${what}`,
    line,
    column,
    offset: found.offset,
  };
  if (found.hintCode) {
    out.hintCode = found.hintCode;
    out.hint = JSON_HINTS[found.hintCode];
  }
  return out;
}

const TYPOGRAPHIC_QUOTES = new Set(['\u201C', '\u201D', '\u2018', '\u2019', '\u201E', '\u201F']);

/** A hint for a character found where a value, a key or punctuation was expected. */
function hintFor(text: string, offset: number): JsonHintCode | undefined {
  const ch = text[offset];
  if (ch === undefined) return undefined;
  if (ch === BOM) return 'bom';
  if (ch === "'") return 'single-quotes';
  if (TYPOGRAPHIC_QUOTES.has(ch)) return 'typographic-quotes';
  if (ch === '/' && (text[offset + 1] === '/' || text[offset + 1] === '*')) return 'comment';
  if (ch === '#') return 'comment';
  // UTF-16 read as UTF-8 shows up as NUL bytes between ASCII characters.
  if (ch === '\u0000') return 'utf16';
  return undefined;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/**
 * Finds the first place strict JSON (RFC 8259, as `JSON.parse` reads it) breaks, or undefined
 * when the text is valid. Iterative (an explicit stack), so deep nesting cannot overflow.
 */
export function locateJsonError(text: string): Located | undefined {
  const n = text.length;
  let pos = 0;
  const stack: ('{' | '[')[] = [];
  // Whether the value or key expected now follows a comma, to name a trailing comma.
  let lastComma = -1;
  type Mode = 'value' | 'key' | 'after';
  let mode: Mode = 'value';

  const skipWs = (): void => {
    while (pos < n && isWs(text.charCodeAt(pos))) pos++;
  };
  const unexpected = (at: number): Located => {
    if (at >= n) return { code: 'unexpected-end', offset: n };
    const hintCode = hintFor(text, at);
    return hintCode ? { code: 'unexpected-character', offset: at, hintCode } : { code: 'unexpected-character', offset: at };
  };

  /** Scans a string starting at the opening quote; returns an error or moves `pos` past it. */
  const scanString = (): Located | undefined => {
    const start = pos;
    pos++;
    let sawTypographic = false;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return undefined;
      }
      if (c < 0x20) {
        // A raw line break usually means the closing quote is missing or was a curly one.
        return sawTypographic ? { code: 'control-character', offset: pos, hintCode: 'typographic-quotes' } : { code: 'control-character', offset: pos };
      }
      if (TYPOGRAPHIC_QUOTES.has(text[pos] ?? '')) sawTypographic = true;
      if (c === 0x5c) {
        const e = text[pos + 1];
        if (e === undefined) break;
        if ('"\\/bfnrt'.includes(e)) {
          pos += 2;
          continue;
        }
        if (e === 'u') {
          for (let k = 2; k < 6; k++) {
            if (pos + k >= n) return { code: 'unterminated-string', offset: start };
            if (!isHex(text.charCodeAt(pos + k))) return { code: 'invalid-escape', offset: pos };
          }
          pos += 6;
          continue;
        }
        return { code: 'invalid-escape', offset: pos };
      }
      pos++;
    }
    return sawTypographic ? { code: 'unterminated-string', offset: start, hintCode: 'typographic-quotes' } : { code: 'unterminated-string', offset: start };
  };

  /** Scans a number at `pos` (which holds `-` or a digit). */
  const scanNumber = (): Located | undefined => {
    const start = pos;
    if (text[pos] === '-') pos++;
    if (pos >= n) return { code: 'unexpected-end', offset: n };
    if (text[pos] === '0') {
      pos++;
      if (pos < n && isDigit(text.charCodeAt(pos))) return { code: 'invalid-number', offset: start };
    } else if (isDigit(text.charCodeAt(pos))) {
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    } else {
      return { code: 'invalid-number', offset: start };
    }
    if (text[pos] === '.') {
      pos++;
      if (!(pos < n && isDigit(text.charCodeAt(pos)))) return { code: 'invalid-number', offset: start };
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    }
    if (text[pos] === 'e' || text[pos] === 'E') {
      pos++;
      if (text[pos] === '+' || text[pos] === '-') pos++;
      if (!(pos < n && isDigit(text.charCodeAt(pos)))) return { code: 'invalid-number', offset: start };
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    }
    return undefined;
  };

  for (;;) {
    skipWs();
    if (mode === 'value') {
      if (pos >= n) return { code: 'unexpected-end', offset: n };
      const c = text[pos];
      if (c === '{' || c === '[') {
        stack.push(c);
        lastComma = -1;
        pos++;
        skipWs();
        if (text[pos] === (c === '{' ? '}' : ']')) {
          stack.pop();
          pos++;
          mode = 'after';
        } else {
          mode = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (c === ']' && lastComma >= 0 && stack.at(-1) === '[') {
        return { code: 'trailing-comma', offset: pos, hintCode: 'trailing-comma' };
      }
      if (c === '"') {
        const e = scanString();
        if (e) return e;
        mode = 'after';
        continue;
      }
      if (c === '-' || isDigit(text.charCodeAt(pos))) {
        const e = scanNumber();
        if (e) return e;
        mode = 'after';
        continue;
      }
      const lit = ['true', 'false', 'null'].find((w) => text.startsWith(w, pos));
      if (lit) {
        pos += lit.length;
        mode = 'after';
        continue;
      }
      // Part of a literal (`tru`, `nul1`): the error is where it stops matching.
      for (const w of ['true', 'false', 'null']) {
        let k = 0;
        while (k < w.length && text[pos + k] === w[k]) k++;
        if (k > 0) return unexpected(pos + k);
      }
      return unexpected(pos);
    }
    if (mode === 'key') {
      if (pos >= n) return { code: 'unexpected-end', offset: n };
      const c = text[pos];
      if (c === '}' && lastComma >= 0) return { code: 'trailing-comma', offset: pos, hintCode: 'trailing-comma' };
      if (c !== '"') {
        const located = unexpected(pos);
        if (!located.hintCode && /[A-Za-z_$]/.test(c ?? '')) located.hintCode = 'unquoted-key';
        return located;
      }
      const e = scanString();
      if (e) return e;
      skipWs();
      if (text[pos] !== ':') return unexpected(pos);
      pos++;
      mode = 'value';
      continue;
    }
    // mode === 'after': a value just ended.
    const top = stack.at(-1);
    if (top === undefined) {
      if (pos >= n) return undefined;
      const located = unexpected(pos);
      return located.hintCode ? { ...located, code: 'trailing-content' } : { code: 'trailing-content', offset: pos };
    }
    if (pos >= n) return { code: 'unexpected-end', offset: n };
    const c = text[pos];
    if (c === ',') {
      lastComma = pos;
      pos++;
      mode = top === '{' ? 'key' : 'value';
      continue;
    }
    if (c === (top === '{' ? '}' : ']')) {
      stack.pop();
      pos++;
      lastComma = -1;
      mode = 'after';
      continue;
    }
    return unexpected(pos);
  }
}
