/** Runs the built CLI on a pseudo-terminal (util-linux `script` gives a real pty), as a person sees it. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CLI, type CliRun, emptyHome } from './run-cli.js';

export const hasScript = await new Promise<boolean>((resolve) => execFile('script', ['--version'], (err) => resolve(!err)));

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** stdout and stderr arrive mixed on the terminal: returned as `stdout`, colours and carriage returns removed. */
export function runTty(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliRun> {
  const home = env.HOME ?? emptyHome();
  const cmd = [process.execPath, CLI, ...args].map(quote).join(' ');
  return new Promise((resolve) =>
    execFile(
      'script',
      ['-qfec', cmd, '/dev/null'],
      {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          TERM: 'xterm',
          LANG: 'C.UTF-8',
          PORTKEY_DOCTOR_POLICY: join(home, 'none'),
          ...env,
        },
        timeout: timeoutMs,
      },
      (err, stdout) => {
        const code = err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : err ? -1 : 0;
        const clean = stdout
          .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
          .replace(/\r\n/g, '\n')
          .replace(/^.*\r/gm, '');
        resolve({ code, stdout: clean, stderr: '' });
      },
    ),
  );
}

/** The console report's structure: each group's title and its rows (lines starting with `[x]`). */
export function consoleRows(text: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line) && !line.startsWith('portkey-doctor')) {
      current = [];
      groups.set(line.trim(), current);
    } else if (current && /^ {2}\[.\] /.test(line)) current.push(line.trim());
  }
  return groups;
}
