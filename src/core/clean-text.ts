/**
 * Text from a remote party or a file, made safe for a terminal, a log line or Markdown: what a
 * gateway says, a header it sends, a profile name, a path. Applied where text leaves the
 * process (the console renderer, the daemon's console lines, syslog messages, the Markdown
 * report), so a message with `ESC[2K\r` cannot erase a line and draw a fake check, an OSC
 * sequence cannot set the terminal's title, a newline cannot forge a log line, and a bidi
 * override cannot reverse what is shown. JSON output needs none of this for C0 (JSON escapes
 * it) and is left lossless.
 *
 * Removed: whole escape sequences (CSI, OSC, DCS/SOS/PM/APC, two-character ESC sequences), then
 * any remaining C0 control but tab, DEL, C1 controls (U+0080–U+009F, which include 8-bit CSI
 * and OSC), and the bidi embedding/override/isolate marks. Line breaks (LF, CR, VT, FF, NEL,
 * U+2028, U+2029) become a space in one-line text; in multi-line text LF is kept and the rest
 * become LF (CR alone goes).
 */

// CSI: ESC [ params intermediates final. OSC, DCS, SOS, PM, APC: ESC ] / P / X / ^ / _ … up to BEL
// or ST (ESC \), or to the end of the text when unterminated. Two-character: ESC and one byte.
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\?)?|\x1b[\s\S]?|\x9b[0-?]*[ -/]*[@-~]?|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*[\x07\x9c]?/g;
const BREAKS = /\r\n|[\n\r\v\f\x85\u2028\u2029]/g;
const CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

export interface CleanTextOptions {
  /** Keep line breaks (as LF): for text that is shown on several lines (a fix, a paragraph). */
  multiline?: boolean;
}

/** The text without anything a terminal, a log or a Markdown viewer would act on (see the module comment). */
export function cleanText(text: string, opts: CleanTextOptions = {}): string {
  // Fast path: nothing to do for plain printable text (the common case).
  if (!/[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text)) return text;
  const noEscapes = text.replace(ESCAPES, '');
  const lines = noEscapes.replace(BREAKS, opts.multiline ? '\n' : ' ');
  return opts.multiline
    ? lines
        .split('\n')
        .map((l) => l.replace(CONTROLS, ''))
        .join('\n')
    : lines.replace(CONTROLS, '');
}

/** True when {@link cleanText} would change the text. */
export function needsCleaning(text: string): boolean {
  return cleanText(text) !== text;
}
