/**
 * Managed settings are never written by fix (they belong to IT, and the app re-reads them from
 * the OS). Their correction goes to a file for IT instead, in the form of the source in force
 * (docs/fix.md, "Managed settings"):
 *
 * - macOS plist (`com.anthropic.claudefordesktop`): a plist fragment with the keys to set, each a
 *   `<string>` (arrays and objects JSON-encoded: the form every app version reads, see
 *   docs/claude-desktop.md "Managed sources"), and the keys to remove listed in a comment;
 * - Windows registry (`HKLM|HKCU\SOFTWARE\Policies\Claude`): a `.reg` file (UTF-16LE, as regedit
 *   writes them) setting `REG_SZ` values (`REG_DWORD` for booleans) and deleting removed ones (`=-`);
 * - Linux (`/etc/claude-desktop/managed-settings.json`): the whole corrected file (flat keys, native
 *   JSON), since one unrecognised key discards the whole file and a fragment could not express a removal.
 *
 * The key is never in the file: a change to the key is said in words (IT holds the key), and the
 * Linux file leaves it out (the person deploying puts the current key back; the output says so).
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { SettingsSource } from '../config/settings.js';
import { FileError } from '../core/safe-fs.js';
import type { Plan } from './plan.js';

/** Keys whose value is a credential: never written to the IT file. */
const CREDENTIAL_KEYS = new Set(['inferenceGatewayApiKey']);

/** What IT must change, top-level key by key. */
export interface PolicyDelta {
  set: Record<string, unknown>;
  remove: string[];
  /** A credential key the fix would change: said, never written. */
  credentialChanged: string[];
}

/** The top-level difference between the managed values before and after the plan. */
export function policyDelta(before: unknown, after: unknown): PolicyDelta {
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  const delta: PolicyDelta = { set: {}, remove: [], credentialChanged: [] };
  for (const [k, v] of Object.entries(a)) {
    if (Object.hasOwn(b, k) && JSON.stringify(b[k]) === JSON.stringify(v)) continue;
    if (CREDENTIAL_KEYS.has(k)) delta.credentialChanged.push(k);
    else delta.set[k] = v;
  }
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) delta.remove.push(k);
  return delta;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A managed value in its portable string form (managed plist and registry values are strings). */
function asString(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A plist fragment: the keys to set; the keys to remove in a comment. */
export function plistFragment(delta: PolicyDelta): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by portkey-doctor fix for the preference domain com.anthropic.claudefordesktop.',
    '     Set these keys in the configuration profile (MDM) that delivers the managed settings.',
    ...(delta.remove.length ? [`     Remove these keys from it: ${delta.remove.map((k) => xml(k).replace(/--/g, '- -')).join(', ')}.`] : []),
    ...(delta.credentialChanged.length ? ['     The API key needs a change too (see the doctor output); it is never written here.'] : []),
    '-->',
    '<plist version="1.0">',
    '<dict>',
  ];
  for (const [k, v] of Object.entries(delta.set)) {
    lines.push(`\t<key>${xml(k)}</key>`);
    lines.push(typeof v === 'boolean' ? `\t<${v}/>` : `\t<string>${xml(asString(v))}</string>`);
  }
  lines.push('</dict>', '</plist>', '');
  return lines.join('\n');
}

const regString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, ' ')}"`;

/** A .reg file (text; written as UTF-16LE with a BOM): values to set, values to delete. */
export function regFile(delta: PolicyDelta, key: string): string {
  const hive = key.replace(/^HKLM\\/i, 'HKEY_LOCAL_MACHINE\\').replace(/^HKCU\\/i, 'HKEY_CURRENT_USER\\');
  const lines = [
    'Windows Registry Editor Version 5.00',
    '',
    '; Written by portkey-doctor fix: the corrected Claude policy values.',
    ...(delta.credentialChanged.length ? ['; The API key needs a change too (see the doctor output); it is never written here.'] : []),
    '',
    `[${hive}]`,
  ];
  for (const [k, v] of Object.entries(delta.set)) {
    lines.push(typeof v === 'boolean' ? `${regString(k)}=dword:0000000${v ? 1 : 0}` : `${regString(k)}=${regString(asString(v))}`);
  }
  for (const k of delta.remove) lines.push(`${regString(k)}=-`);
  lines.push('', '');
  return lines.join('\r\n');
}

/** The Linux managed file, whole and corrected, without the key. */
export function linuxManagedFile(after: unknown): string {
  const out: Record<string, unknown> = {};
  if (isObject(after)) for (const [k, v] of Object.entries(after)) if (!CREDENTIAL_KEYS.has(k)) out[k] = v;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** What the IT file is and who deploys it. */
export interface ItPolicy {
  /** Suffix of the file name: `.plist`, `.reg`, `managed-settings.json`. */
  format: 'plist' | 'reg' | 'managed-settings.json';
  bytes: Buffer;
  /** Who must deploy it, in words. */
  deployer: string;
  delta: PolicyDelta;
  /** The Linux file left the key out: the person deploying keeps the current one. */
  keyLeftOut: boolean;
}

/** The IT file for the managed source in force, from the plan made on its values; undefined when nothing changes. */
export function itPolicy(source: SettingsSource, p: Plan): ItPolicy | undefined {
  const file = p.files.find((f) => f.role === 'settings');
  if (!file) return undefined;
  const before = JSON.parse(file.before) as unknown;
  let after: unknown;
  try {
    after = JSON.parse(file.after);
  } catch {
    return undefined;
  }
  const delta = policyDelta(before, after);
  if (Object.keys(delta.set).length === 0 && delta.remove.length === 0 && delta.credentialChanged.length === 0) return undefined;
  if (source.kind === 'managed-registry') {
    const text = regFile(delta, source.location);
    return {
      format: 'reg',
      bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      deployer: `your Windows administrators (Group Policy or Intune) must deploy it to ${source.location}`,
      delta,
      keyLeftOut: false,
    };
  }
  if (source.kind === 'managed-plist') {
    return {
      format: 'plist',
      bytes: Buffer.from(plistFragment(delta), 'utf8'),
      deployer: `your Mac administrators must deploy it in the configuration profile (MDM) for com.anthropic.claudefordesktop (now read from ${source.location})`,
      delta,
      keyLeftOut: false,
    };
  }
  const keyLeftOut = isObject(after) && Object.keys(after).some((k) => CREDENTIAL_KEYS.has(k));
  return {
    format: 'managed-settings.json',
    bytes: Buffer.from(linuxManagedFile(after), 'utf8'),
    deployer: `an administrator (root) must install it as ${source.location} (root-owned, not group- or world-writable)`,
    delta,
    keyLeftOut,
  };
}

/** `portkey-doctor-policy-2026-12-01-2305.plist` (or `.reg`, `-managed-settings.json`) in `dir`, never replacing a file. */
export async function writeItFile(dir: string, policy: ItPolicy, now: Date): Promise<string> {
  const stamp = now.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  const ext = policy.format === 'managed-settings.json' ? '-managed-settings.json' : `.${policy.format}`;
  for (let n = 1; n <= 100; n++) {
    const path = join(dir, `portkey-doctor-policy-${stamp}${n === 1 ? '' : `-${n}`}${ext}`);
    let handle;
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        if ((await lstat(path).catch(() => undefined))?.isSymbolicLink()) throw new FileError('ELOOP', `${path} is a symbolic link: not written through`);
        continue;
      }
      throw err;
    }
    try {
      await handle.chmod(0o600);
      await handle.writeFile(policy.bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return path;
  }
  throw new FileError('EEXIST', `${dir}: 100 policy files of this minute exist`);
}
