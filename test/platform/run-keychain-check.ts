/**
 * Runs the keychain check in a separate process (built modules, build/modules/checks/keychain.js with the
 * real I/O services of build/modules/io/real.js), so it meets the D-Bus environment of that process: the
 * keyring library connects once per process.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHECK_MODULE = fileURLToPath(new URL('../../build/modules/checks/keychain.js', import.meta.url));
const IO_MODULE = fileURLToPath(new URL('../../build/modules/io/real.js', import.meta.url));

const SCRIPT = `
const { default: check } = await import(process.env.PKD_CHECK_MODULE);
const { realIO } = await import(process.env.PKD_IO_MODULE);
const outcome = await check.run({
  ...realIO(process.env),
  env: process.env,
  target: { flagHeaders: [], managed: false },
  discovery: { searched: [], sources: [], shadowed: [] },
  policy: undefined,
  options: { live: false, samples: 1, insecure: false },
  signal: new AbortController().signal,
  timeoutMs: 10_000,
  upstream: () => undefined,
});
process.stdout.write(JSON.stringify(outcome));`;

export function runKeychainCheck(env: NodeJS.ProcessEnv): Promise<{ status: string; code?: string; summary: string; details?: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PKD_CHECK_MODULE: CHECK_MODULE, PKD_IO_MODULE: IO_MODULE }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`check process failed: ${stderr.slice(0, 500)}`));
        resolve(JSON.parse(stdout));
      },
    );
  });
}
