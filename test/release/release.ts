/** The release artifacts for the release tests: built here when missing (scripts/package.mjs). */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const EXECUTABLE = join(ROOT, 'release', `portkey-doctor-${process.platform}-${process.arch}${process.platform === 'win32' ? '.exe' : ''}`);

/** The newest modification time of a file under src/, of package.json, or of the scripts that build the executable. */
function newestSource(): number {
  let newest = Math.max(
    ...['package.json', 'scripts/build.mjs', 'scripts/package.mjs', 'scripts/sea-cache.cjs', 'scripts/sea-main.cjs'].map(
      (f) => statSync(join(ROOT, f)).mtimeMs,
    ),
  );
  for (const e of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** The single executable for this machine, built (without the tarball) if missing or older than src/. */
export function ensureExecutable(): string {
  if (!existsSync(EXECUTABLE) || statSync(EXECUTABLE).mtimeMs < newestSource())
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--no-tarball'], { cwd: ROOT, stdio: 'ignore' });
  return EXECUTABLE;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with exactly this environment (nothing inherited). */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
