/** Every regular file under a folder (recursively): where the leak tests look for a secret written to disk. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files larger than `maxBytes` are skipped (nothing the doctor writes is that big; a stray core file would be). */
export function filesUnder(dir: string, maxBytes = 4 * 1024 * 1024): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...filesUnder(path, maxBytes));
    else if (st.isFile() && st.size < maxBytes) out.push(path);
  }
  return out;
}
