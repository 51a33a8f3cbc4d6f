/**
 * The Linux managed-settings file's owner and permission rules (docs/claude-desktop.md, "Managed
 * sources"): the app honours `/etc/claude-desktop/managed-settings.json` only when the user it
 * configures cannot edit it. A file that fails a rule is rejected: none of it applies and local
 * settings are disabled too. The rules are a pure function of two `lstat`s, so tests can show a
 * file owned by someone else or a group-writable folder without root.
 */
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';

/** What the rules need to know about a path (from `lstat`: a symlink is not followed). */
export interface OwnerStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  uid: number;
  /** Permission bits (`st_mode & 0o7777`). */
  mode: number;
}

/** `lstat` for the rules: undefined when the path does not exist; throws for any other failure. */
export type OwnerLstat = (file: string) => Promise<OwnerStat | undefined>;

/** The real `lstat`. */
export const nodeOwnerLstat: OwnerLstat = async (file) => {
  try {
    const st = await lstat(file);
    const type = st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    return { type, uid: st.uid, mode: st.mode & 0o7777 };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
};

const ROOT_UID = 0;
const GROUP_WRITE = 0o020;
const WORLD_WRITE = 0o002;

/** The rules one path breaks, each as a short sentence naming the path. */
function broken(name: string, st: OwnerStat | undefined, want: 'file' | 'directory'): string[] {
  if (st === undefined) return [`${name} does not exist`];
  const out: string[] = [];
  if (st.type === 'symlink') out.push(`${name} is a symbolic link`);
  else if (st.type !== want) out.push(`${name} is not a ${want === 'file' ? 'regular file' : 'directory'}`);
  if (st.uid !== ROOT_UID) out.push(`${name} is owned by uid ${st.uid}, not root`);
  if (st.mode & GROUP_WRITE) out.push(`${name} is group-writable`);
  if (st.mode & WORLD_WRITE) out.push(`${name} is world-writable`);
  return out;
}

/**
 * Why the app would reject the managed file: every rule the file and its folder break, the
 * folder's first; empty when it is honoured. A path that cannot be examined (permission denied on
 * the way) is one reason too: the doctor cannot show that the file is safe.
 */
export async function managedFileRejection(file: string, stat: OwnerLstat = nodeOwnerLstat): Promise<string[]> {
  const dir = path.posix.dirname(file);
  const examine = async (p: string): Promise<OwnerStat | undefined | string> => {
    try {
      return await stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return `${p} cannot be examined (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'error')})`;
    }
  };
  const dirStat = await examine(dir);
  const fileStat = await examine(file);
  return [
    ...(typeof dirStat === 'string' ? [dirStat] : broken(dir, dirStat, 'directory')),
    ...(typeof fileStat === 'string' ? [fileStat] : broken(file, fileStat, 'file')),
  ];
}
