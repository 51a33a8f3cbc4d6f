/**
 * Claude Desktop's own log, `main.log`, as facts and pure functions (docs/claude-desktop.md,
 * "The app's log"): where the app writes it, the shape of its entries, how to tell the app's
 * last start, and the lines it writes about third-party settings. The log is untrusted text:
 * everything here is bounded, strips control characters and removes what looks like a secret
 * before a line is quoted. Reading the file is src/io/app-log.ts.
 */
import * as path from 'node:path';

import { envVar } from '../config/paths.js';
import { OUTPUT_SCRUB } from '../core/output-scrub.js';

// ---------------------------------------------------------------------------------------------
// Where the log is

/** Which folder a log is in; see `AppLogFolder` in src/contract/io.ts. */
export type LogFolder = 'third-party' | 'first-party' | 'user-data-dir';

export interface LogCandidate {
  path: string;
  folder: LogFolder;
}

/** MSIX package families of Claude Desktop seen on real machines (docs/claude-desktop.md). */
export const MSIX_FAMILIES = ['Claude_pzs8sxrjxfjjc', 'AnthropicPBC.Claude_fnn82j28hfe8t'] as const;
/** A folder name under `%LOCALAPPDATA%\Packages` that is a Claude Desktop package family. */
export const MSIX_FAMILY_PATTERN = /^(?:AnthropicPBC\.)?Claude_[a-z0-9]{6,20}$/i;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every place the app's `main.log` may be, for one OS (docs/claude-desktop.md, "The app's log"):
 * the folder `CLAUDE_USER_DATA_DIR` names, the third-party folders, then the first-party ones
 * (where the app logs when it did not start in third-party mode). `msixFamilies`: package
 * folders found under `%LOCALAPPDATA%\Packages` (the known families are always tried).
 */
export function appLogCandidates(platform: NodeJS.Platform, env: Env, home: string, msixFamilies: readonly string[] = []): LogCandidate[] {
  const out: LogCandidate[] = [];
  const add = (folder: LogFolder, ...paths: string[]) => {
    for (const p of paths) {
      const key = platform === 'win32' ? p.toLowerCase() : p;
      if (!out.some((c) => (platform === 'win32' ? c.path.toLowerCase() : c.path) === key)) out.push({ path: p, folder });
    }
  };
  const p = platform === 'win32' ? path.win32 : path.posix;
  const userData = envVar(env, 'CLAUDE_USER_DATA_DIR', platform);
  if (userData && p.isAbsolute(userData)) add('user-data-dir', p.join(userData, 'logs', 'main.log'));

  const byName = (name: 'Claude-3p' | 'Claude'): string[] => {
    if (platform === 'darwin') return [p.join(home, 'Library', 'Logs', name, 'main.log')];
    if (platform === 'win32') {
      const local = envVar(env, 'LOCALAPPDATA', platform) ?? p.join(home, 'AppData', 'Local');
      const roaming = envVar(env, 'APPDATA', platform) ?? p.join(home, 'AppData', 'Roaming');
      const families = [...MSIX_FAMILIES, ...msixFamilies.filter((f) => MSIX_FAMILY_PATTERN.test(f))];
      return [
        p.join(local, name, 'Logs', 'main.log'),
        p.join(roaming, name, 'logs', 'main.log'),
        ...families.flatMap((f) => [
          p.join(local, 'Packages', f, 'LocalCache', 'Local', name, 'Logs', 'main.log'),
          p.join(local, 'Packages', f, 'LocalCache', 'Roaming', name, 'logs', 'main.log'),
        ]),
      ];
    }
    const xdg = envVar(env, 'XDG_CONFIG_HOME', platform);
    const roots = [...(xdg && p.isAbsolute(xdg) ? [xdg] : []), p.join(home, '.config')];
    return roots.map((r) => p.join(r, name, 'logs', 'main.log'));
  };
  add('third-party', ...byName('Claude-3p'));
  add('first-party', ...byName('Claude'));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Untrusted text

/** Longest line kept from the file; longer ones are cut. */
export const MAX_LOG_LINE = 2_000;
/** Longest quote of a log entry in a finding. */
export const MAX_QUOTE = 300;

/** Terminal escape sequences (CSI `ESC [ … m`, OSC `ESC ] … BEL`, two-character ones), removed whole. */
const ESCAPES = /\u001b(?:\[[0-?]{0,32}[ -/]{0,8}[@-~]?|\][^\u0007\u001b]{0,512}(?:\u0007|\u001b\\)?|[@-Z\\-_])|\u009b[0-?]{0,32}[ -/]{0,8}[@-~]?/g;

/**
 * Removes terminal escape sequences, control characters (C0, DEL, C1), line and paragraph
 * separators, bidirectional overrides and the replacement character of undecodable bytes, so a
 * log line cannot drive a terminal or reorder text; tabs become spaces. At most `max` characters.
 */
export function cleanLine(line: string, max = MAX_LOG_LINE): string {
  // Cut first (a bounded amount of work), then clean what is kept.
  return line
    .slice(0, max * 2)
    .replace(ESCAPES, '')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g, '')
    .slice(0, max);
}

const REDACTED = '[redacted]';
/** `scheme://user:password@host`: the user part and password. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,20}:\/\/)[^\s/@'"<>]{1,256}@/gi;
/** `Bearer <token>`, `Basic <token>`. */
const AUTH_SCHEME_VALUE = /\b(bearer|basic)(\s+)(?!\[redacted\])[A-Za-z0-9._~+/=-]{4,}/gi;
/** `apiKey: '…'`, `"authorization": "…"`, `password=…`: the value after a name that holds a secret. */
const NAMED_SECRET =
  /\b(authorization|proxy-authorization|x-api-key|api[-_]?key|inferenceGatewayApiKey|access[-_]?token|refresh[-_]?token|id[-_]?token|client[-_]?secret|token|secret|password|passwd|credential)(["']?\s*[:=]\s*)(["']?)(?!\[redacted\])[^\s"',;}\]]{1,400}/gi;
/** A command-line option that takes a secret (`--api-key VALUE`, `--token VALUE`, `'--token', 'VALUE'` in an array): the value. */
const FLAG_SECRET =
  /((?:^|\s|['"`])--?(?:api[-_]?key|key|token|secret|password|passwd|pass|credentials?|auth|bearer)[\w-]{0,30})(["'`]?\s*,\s*|\s+)(["'`]?)(?!\[redacted\])[^\s"'`,\]]{1,400}/gi;
/** Key shapes with a well-known prefix (Anthropic, OpenAI-style, Portkey test keys, GitHub, Slack, AWS, JWTs). */
const PREFIXED_TOKEN =
  /\b(?:sk-ant-[A-Za-z0-9_-]{6,}|sk-[A-Za-z0-9_-]{12,}|pk-[A-Za-z0-9_-]{8,}|gh[pousr]_[A-Za-z0-9]{16,}|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?)/g;
/** A long run of letters and digits in both cases: random, so most likely a key (`/` ends a run: paths stay readable). */
const RANDOM_RUN = /[A-Za-z0-9_+=-]{20,}/g;

function looksRandom(run: string): boolean {
  const word = run.replace(/^[-_+=]+|[-_+=]+$/g, '');
  return word.length >= 20 && /[A-Z]/.test(word) && /[a-z]/.test(word) && /\d/.test(word) && !/^[A-Za-z]+(?:[-_][A-Za-z]+)*$/.test(word);
}

/**
 * A log text as it may be quoted: every secret this process has read removed (the output scrub
 * of src/core), then whatever has the shape of a credential (a URL's user and password, a
 * bearer token, the value of `apiKey:`/`token=`/`--api-key …`/…, prefixed keys, long random runs), control
 * characters removed, whitespace collapsed, and cut to `max` characters.
 */
export function quoteLogText(text: string, max = MAX_QUOTE): string {
  let out = cleanLine(text.replace(/\s+/g, ' '), 8_000);
  out = OUTPUT_SCRUB.text(out);
  out = out
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(AUTH_SCHEME_VALUE, `$1$2${REDACTED}`)
    .replace(NAMED_SECRET, `$1$2$3${REDACTED}`)
    .replace(FLAG_SECRET, `$1$2$3${REDACTED}`)
    .replace(PREFIXED_TOKEN, REDACTED)
    .replace(RANDOM_RUN, (run) => (looksRandom(run) ? REDACTED : run));
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

// ---------------------------------------------------------------------------------------------
// Entries

/** One log entry: a header line `YYYY-MM-DD HH:MM:SS [level] text` and its continuation lines. */
export interface LogEntry {
  /** Local time, as the app wrote it (seconds). */
  time: Date;
  /** The time as written (`2026-09-13 19:36:41`). */
  timeText: string;
  level: string;
  /** The header's text and its continuation lines, joined with newlines, bounded. */
  text: string;
  /** Index of the header line in the lines read. */
  line: number;
}

/** Continuation lines kept per entry, and characters per entry. */
const MAX_CONTINUATION = 40;
const MAX_ENTRY_CHARS = 4_000;
/** A line that continues an entry: indented, or closing the object (`}`, `]`, `)`). */
const CONTINUATION = /^(?:[ \t]|[}\])][,;]?\s*$)/;
const HEADER = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,]\d{1,6})?\s+\[([A-Za-z]{1,12})\]\s*(.*)$/;

/**
 * The entries of a log's lines. A line that is not a header continues the entry before it (the
 * app writes an object over several indented lines, ending with `}`); any other line (junk, or
 * the tail beginning mid-entry) belongs to no entry and is dropped. Lines are cleaned again: the
 * caller may not have.
 */
export function parseLogEntries(lines: readonly string[]): LogEntry[] {
  const entries: LogEntry[] = [];
  let current: { entry: LogEntry; continued: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    // Only the start of a line can be a header; cheap test first.
    const m = raw.length >= 20 && raw.charCodeAt(0) >= 48 && raw.charCodeAt(0) <= 57 ? HEADER.exec(cleanLine(raw)) : null;
    if (m) {
      const [, y, mo, d, h, mi, s, level, text] = m;
      const time = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
      if (!Number.isNaN(time.getTime())) {
        current = { entry: { time, timeText: `${y}-${mo}-${d} ${h}:${mi}:${s}`, level: level!.toLowerCase(), text: text!.trim(), line: i }, continued: 0 };
        entries.push(current.entry);
        continue;
      }
    }
    // A continuation is indented or closes the object; anything else (junk) ends the entry.
    if (!current || !CONTINUATION.test(raw) || raw.includes('\ufffd')) {
      current = undefined;
      continue;
    }
    if (current.continued >= MAX_CONTINUATION || current.entry.text.length >= MAX_ENTRY_CHARS) continue;
    const more = cleanLine(raw).trim();
    if (more === '') continue;
    current.continued += 1;
    current.entry.text = `${current.entry.text}\n${more}`.slice(0, MAX_ENTRY_CHARS);
  }
  return entries;
}

/** The entry's text on one line (continuations joined with spaces), for matching. */
export function flatText(entry: LogEntry): string {
  return entry.text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// The app's last start

/** The app starting: `Starting app { appVersion: '…', … }`. */
const START_MARKER = /^Starting app\b/;
/** A second copy of the app (opened by a `claude://` link or a second click) that quits at once. */
const SECOND_INSTANCE = /^Not main instance\b|returning early from app ready/;
/** How soon after its `Starting app` a second copy says so. */
const SECOND_INSTANCE_WINDOW_MS = 60_000;

export interface LogSession {
  /** The entries written since the app last started (and not before `appStartedAt`). */
  entries: LogEntry[];
  /** The `Starting app` entry of the last start, when the tail holds it. */
  start?: LogEntry;
  /** The version the app reported when it started (`appVersion`). */
  appVersion?: string;
  /** Entries left out because they came before the last `Starting app`. */
  beforeStart: number;
  /** Entries left out because they are older than the running app's start. */
  olderThanApp: number;
  /** Starts of second copies that quit at once (not the app's start). */
  secondInstances: number;
}

/**
 * The entries since the app last started: after the last `Starting app` that was not a second
 * copy quitting at once (`Not main instance, returning early from app ready`), and, when the
 * running app's start time is known, none older than it (the log's times have whole seconds).
 * With no start in the tail, every entry read is after the last start.
 */
export function lastSession(entries: readonly LogEntry[], appStartedAt?: Date): LogSession {
  const starts: number[] = [];
  const markers = new Set<number>();
  let secondInstances = 0;
  entries.forEach((e, i) => {
    const text = e.text;
    if (START_MARKER.test(text)) {
      starts.push(i);
      markers.add(i);
    } else if (SECOND_INSTANCE.test(text)) {
      markers.add(i);
      const last = starts.at(-1);
      if (last !== undefined && e.time.getTime() - entries[last]!.time.getTime() <= SECOND_INSTANCE_WINDOW_MS) {
        starts.pop();
        secondInstances += 1;
      }
    }
  });
  const startIndex = starts.at(-1);
  const start = startIndex !== undefined ? entries[startIndex] : undefined;
  const afterStart = entries.filter((_, i) => (startIndex === undefined || i > startIndex) && !markers.has(i));
  const beforeStart = startIndex === undefined ? 0 : entries.filter((_, i) => i < startIndex && !markers.has(i)).length;
  // A line written at the start's second shows that second: keep lines up to 1 s before.
  const limit = appStartedAt ? appStartedAt.getTime() - 1_000 : undefined;
  const kept = limit === undefined ? afterStart : afterStart.filter((e) => e.time.getTime() > limit);
  const version = start ? loggedVersion(start) : undefined;
  return {
    entries: kept,
    ...(start ? { start } : {}),
    ...(version ? { appVersion: version } : {}),
    beforeStart,
    olderThanApp: afterStart.length - kept.length,
    secondInstances,
  };
}

/**
 * The version a `Starting app { appVersion: '2.110.0', … }` entry reports (the object may go
 * over several indented lines). Only a version's shape is taken from the untrusted line (a key
 * cannot pass for one): two to four dot-separated numbers, quoted or not, nothing else
 * inside the quotes.
 */
function loggedVersion(start: LogEntry): string | undefined {
  const m = /\bappVersion\s*["']?\s*[:=]\s*(?:(["'`])(\d{1,6}(?:\.\d{1,9}){1,3})\1|(\d{1,6}(?:\.\d{1,9}){1,3})(?=[\s,;}\]]|$))/.exec(flatText(start));
  return m?.[2] ?? m?.[3];
}

/**
 * The version the running app logged at its latest start, and when: the last `Starting app`
 * that was not a second copy quitting at once (a second copy may be a newer binary on disk,
 * which is not what runs). Undefined when the entries hold no start, or the latest start
 * names no version (an older start's version would not be the running one's).
 */
export function startedAppVersion(entries: readonly LogEntry[]): { version: string; at?: Date } | undefined {
  const { start, appVersion } = lastSession(entries);
  if (!start || !appVersion) return undefined;
  return { version: appVersion, at: start.time };
}

// ---------------------------------------------------------------------------------------------
// Lines the app writes about third-party settings

/** What a known line means. */
export type KnownLineKind =
  | 'config-parse-failed'
  | 'models-rejected'
  | 'config-invalid'
  | 'managed-key-unrecognized'
  | 'credentials-read-failed'
  | 'no-credential'
  | 'helper-failed'
  | 'sso-discovery'
  | 'degraded'
  | 'config-health'
  | 'key-ignored'
  | 'model-discovery'
  | 'healthy'
  | 'credentials-loaded'
  | 'helper-running'
  | 'api-host'
  | 'egress-proxy-pinned';

interface LineRule {
  kind: KnownLineKind;
  test: RegExp;
  /** The part worth naming (a model id, a key, a provider): the first of these that matches. */
  subject?: readonly RegExp[];
  /** The app recomputes this and logs it again: only its latest entry since the start counts. */
  latest?: true;
  /** Rewrites the entry before it is quoted (e.g. a helper's arguments, which may hold a key). */
  redact?: (text: string) => string;
}

/** A state word (`provider_error`), a count: only these shapes are taken from the line. */
const WORD = /^[A-Za-z][\w-]{0,40}$/;

/**
 * The lines, in the order a person should act on them (docs/claude-desktop.md, "The app's
 * log"); the first rule that matches an entry decides. Whether a line is a finding or evidence
 * shown with `-v` is the check's decision (src/checks/app-log.ts): `healthy` (third-party mode
 * active), `credentials-loaded`, `helper-running` and `api-host` are evidence; `config-health`
 * and `model-discovery` are a finding only in an error state or with an empty model picker.
 */
export const KNOWN_LINES: readonly LineRule[] = [
  { kind: 'config-parse-failed', test: /Failed to parse enterprise config/i },
  {
    kind: 'models-rejected',
    test: /Invalid custom3p enterprise config:.{0,200}\binferenceModels\b/i,
    subject: [/configured model\s+["'`]([^"'`]{1,200})["'`]/i],
  },
  { kind: 'config-invalid', test: /Invalid custom3p enterprise config/i, subject: [/config:\s*([A-Za-z][\w.]{0,80})\s*:/] },
  {
    kind: 'managed-key-unrecognized',
    test: /\[managedConfig\].{0,400}unrecognized configuration key/i,
    subject: [/unrecognized configuration key\s*:?\s*["'`]([^"'`]{1,100})["'`]/i, /Ignoring\s+(?:[\w ]{0,40}(?:key|value)\s+)?["'`]([^"'`]{1,100})["'`]/i],
  },
  { kind: 'credentials-read-failed', test: /Credentials read failed/i, subject: [/\b([A-Za-z][\w.]{0,80}):\s*Required\b/] },
  { kind: 'no-credential', test: /no credential configured for provider/i, subject: [/for provider\s+["'`]?([\w-]{1,40})/i] },
  {
    kind: 'helper-failed',
    test: /\bhelper exited code=(?!0\b)-?\d+|\bhelper spawn failed\b/i,
    subject: [/code=(-?\d{1,6})/i, /\b(E[A-Z]{2,12})\b/],
  },
  { kind: 'sso-discovery', test: /gateway SSO:.{0,200}does not advertise/i, subject: [/advertise\s+([\w-]{1,80})/i] },
  { kind: 'degraded', test: /3P mode active\s*\(degraded/i },
  {
    kind: 'config-health',
    test: /\bConfigHealth recomputed\b/i,
    subject: [/\bstate\s*["']?\s*:\s*["'`]?([A-Za-z][\w-]{0,40})/i],
    latest: true,
  },
  {
    kind: 'key-ignored',
    test: /Ignoring local configuration (?:key|value)/i,
    subject: [/Ignoring local configuration (?:key|value)\s*:?\s*["'`]?([A-Za-z_$][\w$.-]{0,100})["'`]?/i],
  },
  { kind: 'model-discovery', test: /\bModel discovery:/i, subject: [/\bpicker\s*=\s*(\d{1,6})\b/i], latest: true },
  // The app's own proxy in use (egressProxyUrl/egressProxyPacUrl, 1.44121.1): evidence for the network-path check, not an app-log finding.
  { kind: 'egress-proxy-pinned', test: /\[egress-proxy\]\s*pinned\b/i, subject: [/pinned\s+([^\s;,]{1,200})/i] },
  { kind: 'healthy', test: /3P mode active\s*\{\s*provider:\s*['"`]?[\w-]{1,40}/i, subject: [/provider:\s*['"`]?([\w-]{1,40})/i] },
  { kind: 'credentials-loaded', test: /\bCredentials loaded from\b/i, subject: [/provider:\s*['"`]?([\w-]{1,40})/i] },
  {
    kind: 'helper-running',
    test: /\brunning helper\b/i,
    subject: [/helperPath:\s*'([^']{1,400})'/i, /helperPath:\s*"([^"]{1,400})"/i, /helperPath:\s*`([^`]{1,400})`/i],
    // The helper runs with no arguments; any there are may hold a key: only their number is kept.
    redact: (t) =>
      t.replace(
        /\bargs:\s*\[([^\]]{0,2000})\]?/gi,
        (_all, inner: string) => `args: [${inner.trim() === '' ? '' : `${inner.split(',').filter((a) => a.trim()).length} hidden`}]`,
      ),
    latest: true,
  },
  { kind: 'api-host', test: /\binference apiHost=/i, subject: [/\bapiHost=([^\s,;'"`}]{1,400})/i], latest: true },
];

/** Kinds whose subject must be a word or a count (a state, a picker size), nothing else. */
const WORD_SUBJECT: ReadonlySet<KnownLineKind> = new Set(['config-health', 'model-discovery']);

/** One known line found in the log. */
export interface KnownLine {
  kind: KnownLineKind;
  /** When the app wrote it (the first time, when it wrote it several times). */
  time: Date;
  timeText: string;
  level: string;
  /** The entry, quotable: secrets removed, bounded. */
  quote: string;
  /** The model id, key or provider the line names, quotable. */
  subject?: string;
  /** How many times the app wrote this same line since it started. */
  count: number;
}

/**
 * The known lines among `entries`, the same line written again counted once (with its count),
 * in {@link KNOWN_LINES} order, then in the order the app wrote them. For a line the app
 * recomputes (`latest`), only its latest entry is kept: an earlier state is no longer the app's.
 */
export function knownLines(entries: readonly LogEntry[]): KnownLine[] {
  const found = new Map<string, KnownLine>();
  const latest = new Map<KnownLineKind, string>();
  for (const entry of entries) {
    const text = flatText(entry);
    const rule = KNOWN_LINES.find((r) => r.test.test(text));
    if (!rule) continue;
    const quote = quoteLogText(rule.redact ? rule.redact(text) : text);
    const key = `${rule.kind}\u0000${quote}`;
    if (rule.latest) {
      const before = latest.get(rule.kind);
      if (before !== undefined && before !== key) found.delete(before);
      latest.set(rule.kind, key);
    }
    const seen = found.get(key);
    if (seen) {
      seen.count += 1;
      continue;
    }
    const subject = rule.subject?.map((r) => r.exec(text)?.[1]).find((x) => x !== undefined);
    const usable = subject !== undefined && (!WORD_SUBJECT.has(rule.kind) || WORD.test(subject) || /^\d{1,6}$/.test(subject));
    const quotedSubject = usable ? quoteSubject(rule.kind, subject) : undefined;
    found.set(key, {
      kind: rule.kind,
      time: entry.time,
      timeText: entry.timeText,
      level: entry.level,
      quote,
      ...(quotedSubject ? { subject: quotedSubject } : {}),
      count: 1,
    });
  }
  const order = (k: KnownLineKind) => KNOWN_LINES.findIndex((r) => r.kind === k);
  return [...found.values()].sort((a, b) => order(a.kind) - order(b.kind) || a.time.getTime() - b.time.getTime());
}

/** A subject as it may be quoted; an address only as scheme, host and port. */
function quoteSubject(kind: KnownLineKind, subject: string): string | undefined {
  if (kind === 'api-host') return hostOf(subject);
  const quoted = quoteLogText(subject, 120);
  return quoted === '' ? undefined : quoted;
}

/**
 * `scheme://host[:port]` of an address the app logged, or undefined when it is not an http(s)
 * URL: no user, password, path or query (where a key could ride) is ever kept.
 */
export function hostOf(address: string): string | undefined {
  try {
    const url = new URL(cleanLine(address, 400));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}
