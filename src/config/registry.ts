/**
 * Windows policy settings live in the registry (`HKLM|HKCU\SOFTWARE\Policies\Claude`). We read
 * them with `reg query`, which ships with every Windows, instead of a native module, and parse its
 * text output here. The parser is pure so it is tested on captured outputs on any OS.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Registry value types `reg query` prints. */
export type RegistryType = 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ' | 'REG_DWORD' | 'REG_QWORD' | 'REG_BINARY' | 'REG_NONE' | (string & {});

/** One value under a key. */
export interface RegistryValue {
  /** As printed; `(Default)` for the key's unnamed value. */
  name: string;
  type: RegistryType;
  /**
   * Decoded data: a string for `REG_SZ`/`REG_EXPAND_SZ` (unexpanded, as the app would read it
   * raw), `string[]` for `REG_MULTI_SZ`, a number for `REG_DWORD`/`REG_QWORD`, bytes for
   * `REG_BINARY`, the printed text for anything else.
   */
  data: string | string[] | number | Uint8Array;
}

/** What a `reg query` of one key found. */
export type RegistryQueryResult =
  | { status: 'found'; key: string; values: RegistryValue[]; subkeys: string[] }
  | { status: 'missing' }
  /** The query could not be made here (not Windows). */
  | { status: 'unsupported' }
  | { status: 'error'; message: string };

/** `reg query`'s message for a key that does not exist (English Windows; see {@link classifyRegFailure}). */
export const REG_MISSING_MESSAGE = 'ERROR: The system was unable to find the specified registry key or value.';

/** How long `reg query` may take before we give up (it normally answers in ~50 ms). */
export const REG_QUERY_TIMEOUT_MS = 5_000;

const HIVE_PREFIX = /^HKEY_[A-Z_]+(\\|$)/;
/**
 * A value line: four spaces, the name, four spaces, the type, then (unless the data is empty)
 * four spaces and the data. The name is matched lazily up to the first run of four spaces that
 * is followed by a known-looking type, so names with single spaces survive.
 */
const VALUE_LINE = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

function decode(type: string, text: string): RegistryValue['data'] {
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return text;
    case 'REG_MULTI_SZ': {
      // reg.exe prints the NUL separators as the two characters `\0`; drop the list terminator's
      // empty entries should a version print it.
      if (text === '') return [];
      const parts = text.split('\\0');
      while (parts.length > 0 && parts.at(-1) === '') parts.pop();
      return parts;
    }
    case 'REG_DWORD':
    case 'REG_QWORD': {
      const m = /^0x([0-9a-fA-F]+)$/.exec(text.trim());
      return m?.[1] !== undefined ? Number.parseInt(m[1], 16) : text;
    }
    case 'REG_BINARY': {
      const hex = text.trim();
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return text;
      return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    }
    default:
      return text;
  }
}

const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

/** `HKLM\Foo` → `HKEY_LOCAL_MACHINE\FOO` (reg prints full hive names; keys are case-insensitive). */
function canonicalKey(key: string): string {
  const trimmed = key.trim().replace(/\\+$/, '');
  const i = trimmed.indexOf('\\');
  const hive = i < 0 ? trimmed : trimmed.slice(0, i);
  const rest = i < 0 ? '' : trimmed.slice(i);
  return ((HIVES[hive.toUpperCase()] ?? hive) + rest).toUpperCase();
}

/**
 * Parses the stdout of `reg query <KEY>` (without `/s`): the values of the queried key and the
 * subkeys it lists. reg prints the key's own name only when it has values (a key with only
 * subkeys prints just their names), so pass `queriedKey` to tell the two apart exactly; without
 * it, the first key line counts as the queried key only when value lines follow it.
 * Returns `missing` for empty output or reg's "unable to find" message.
 */
export function parseRegQuery(stdout: string, queriedKey?: string): RegistryQueryResult {
  const lines = stdout.split(/\r\n|\n|\r/);
  if (lines.some((l) => l.trim() === REG_MISSING_MESSAGE)) return { status: 'missing' };
  const wanted = queriedKey === undefined ? undefined : canonicalKey(queriedKey);
  const headers: string[] = [];
  const valuesByHeader = new Map<number, RegistryValue[]>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (HIVE_PREFIX.test(line)) {
      headers.push(line.trim());
      continue;
    }
    const m = VALUE_LINE.exec(line);
    if (!m || headers.length === 0) continue;
    const type = m[2] ?? '';
    const list = valuesByHeader.get(headers.length - 1) ?? [];
    list.push({ name: m[1] ?? '', type, data: decode(type, m[3] ?? '') });
    valuesByHeader.set(headers.length - 1, list);
  }
  if (headers.length === 0) return { status: 'missing' };
  const own = wanted !== undefined ? headers.findIndex((h) => canonicalKey(h) === wanted) : valuesByHeader.has(0) ? 0 : -1;
  const key = own >= 0 ? (headers[own] ?? '') : (queriedKey ?? '');
  return {
    status: 'found',
    key,
    values: own >= 0 ? (valuesByHeader.get(own) ?? []) : [],
    subkeys: headers.filter((_, i) => i !== own),
  };
}

/**
 * Decides what a failed `reg query` means. reg's messages are localised, so a run that printed
 * nothing on stdout is taken as "key missing" unless stderr says access was denied in English;
 * a localised access-denied thus reads as missing (rare: policy keys are readable by all users).
 */
export function classifyRegFailure(stdout: string, stderr: string): RegistryQueryResult {
  if (stderr.includes(REG_MISSING_MESSAGE) || stdout.includes(REG_MISSING_MESSAGE)) return { status: 'missing' };
  if (/access is denied/i.test(stderr)) return { status: 'error', message: 'reg query: access is denied' };
  if (stdout.trim() === '') return { status: 'missing' };
  return { status: 'error', message: 'reg query failed' };
}

/**
 * Runs `reg query <key>` and parses it. Only on Windows (elsewhere: `unsupported`); bounded by
 * {@link REG_QUERY_TIMEOUT_MS}; never throws. reg.exe is taken from `%SystemRoot%\System32` so a
 * `reg.exe` earlier on PATH cannot stand in for it.
 *
 * Non-ASCII characters may come out garbled: reg.exe writes in the console's OEM code page.
 */
export function queryRegistryKey(
  key: string,
  opts: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RegistryQueryResult> {
  const platform = opts.platform ?? process.platform;
  if (platform !== 'win32' || process.platform !== 'win32') return Promise.resolve({ status: 'unsupported' });
  const env = opts.env ?? process.env;
  const systemRoot = env['SystemRoot'] ?? env['SYSTEMROOT'] ?? 'C:\\Windows';
  const reg = path.win32.join(systemRoot, 'System32', 'reg.exe');
  return new Promise((resolve) => {
    execFile(
      reg,
      ['query', key],
      { timeout: opts.timeoutMs ?? REG_QUERY_TIMEOUT_MS, windowsHide: true, encoding: 'utf8', maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) {
          resolve(parseRegQuery(stdout, key));
          return;
        }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null };
        if (e.killed || e.signal) {
          resolve({ status: 'error', message: `reg query timed out after ${opts.timeoutMs ?? REG_QUERY_TIMEOUT_MS} ms` });
        } else if (typeof e.code === 'string') {
          resolve({ status: 'error', message: `cannot run reg.exe (${e.code})` });
        } else {
          resolve(classifyRegFailure(stdout, stderr));
        }
      },
    );
  });
}
