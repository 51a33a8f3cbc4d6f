/**
 * Runs `portkey-doctor key …` as a separate process, the way IT's scripts do, against the built
 * module (build/modules/commands/key.js) with cli.ts's handling of usage errors (exit 2). Once the CLI
 * dispatches `key`, test/app/cli-key.test.ts covers the same through dist/cli.js.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const KEY_MODULE = fileURLToPath(new URL('../../build/modules/commands/key.js', import.meta.url));
const USAGE_MODULE = fileURLToPath(new URL('../../build/modules/core/usage-error.js', import.meta.url));

const SCRIPT = `
const { keyCommand } = await import(process.env.PKD_KEY_MODULE);
const { UsageError } = await import(process.env.PKD_USAGE_MODULE);
try {
  process.exitCode = await keyCommand(process.argv.slice(Number(process.env.PKD_ARGS_FROM ?? 1)), process.env);
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write('portkey-doctor: ' + err.message + '\\n');
  process.exitCode = 2;
}`;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runKey(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT, '--', ...args],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...opts.env, PKD_KEY_MODULE: KEY_MODULE, PKD_USAGE_MODULE: USAGE_MODULE },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin!.end(opts.stdin ?? '');
  });
}

/**
 * Runs `key …` at a real terminal (a pty from util-linux `script`) and types `typed` once the
 * prompt shows, as a person would. Returns everything the terminal showed.
 */
export async function runKeyInTerminal(args: string[], opts: { env?: NodeJS.ProcessEnv; typed: string }): Promise<Run> {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { spawn } = await import('node:child_process');
  const file = join(mkdtempSync(join(tmpdir(), 'pkd-key-tty-')), 'key.mjs');
  writeFileSync(file, SCRIPT);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, file, ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LANG: 'C.UTF-8',
        TERM: 'dumb',
        ...opts.env,
        PKD_ARGS_FROM: '2',
        PKD_KEY_MODULE: KEY_MODULE,
        PKD_USAGE_MODULE: USAGE_MODULE,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let typed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!typed && stdout.includes('input hidden')) {
        typed = true;
        child.stdin.write(`${opts.typed}\r`);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
