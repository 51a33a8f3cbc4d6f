/**
 * A real Secret Service for the keychain tests: a private D-Bus session bus with gnome-keyring's
 * secrets component and a throw-away, unlocked keyring (docs/decisions.md, dependencies). Reused when the tests run
 * under scripts/with-secret-service.sh; otherwise started here and ended by pid afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit } from '../support/exit.js';

export const SCRIPT = new URL('../../scripts/with-secret-service.sh', import.meta.url).pathname;

/** Why no Secret Service can be had here (tools missing), or undefined. */
export function secretServiceMissing(): string | undefined {
  if (process.platform !== 'linux') return 'the Secret Service tests need Linux (gnome-keyring)';
  for (const tool of ['dbus-daemon', 'dbus-send', 'gnome-keyring-daemon']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      return `${tool} is not installed (apt-get install dbus gnome-keyring libsecret-tools; .ci/run installs them)`;
    }
  }
  return undefined;
}

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS of the bus the service is on. */
  address: string;
  stop(): Promise<void>;
}

const waitFor = async (what: string, test: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

export interface StartOptions {
  /** Keep the keyrings here (to start a second service on the same keyring); default: a fresh folder. */
  dataDir?: string;
  /** Unlock the login keyring with the test password (default true); false leaves an existing one locked. */
  unlock?: boolean;
  /** Use the bus of scripts/with-secret-service.sh when running under it (default true). */
  reuse?: boolean;
}

export async function startSecretService(opts: StartOptions = {}): Promise<SecretService> {
  const existing = process.env.DBUS_SESSION_BUS_ADDRESS;
  if ((opts.reuse ?? true) && process.env.PORTKEY_DOCTOR_SECRET_SERVICE === '1' && existing) return { address: existing, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'pkd-secrets-'));
  const dataDir = opts.dataDir ?? join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700, recursive: true });
  mkdirSync(join(dir, 'runtime'), { mode: 0o700 });
  const children: ChildProcess[] = [];
  const cancel = onExit(() => children.forEach((c) => c.kill('SIGKILL')));
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(bus);
  let address = '';
  bus.stdout!.on('data', (d: Buffer) => (address += d.toString()));
  await waitFor('dbus-daemon printing its address', () => address.includes('\n'));
  address = address.trim();
  // No DISPLAY: an unlock prompt (gcr-prompter) fails at once instead of waiting.
  const env = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: address,
    XDG_DATA_HOME: dataDir,
    XDG_RUNTIME_DIR: join(dir, 'runtime'),
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
  };
  const unlock = opts.unlock ?? true;
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', ...(unlock ? ['--unlock'] : []), '--components=secrets'], {
    env,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  children.push(keyring);
  keyring.stdin!.end(unlock ? 'portkey-doctor-test' : '');
  await waitFor('gnome-keyring on the bus', () => {
    const r = spawnSync(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.secrets',
      ],
      { env, encoding: 'utf8' },
    );
    return r.stdout.includes('boolean true');
  });
  return {
    address,
    stop: async () => {
      cancel();
      for (const c of children.reverse()) {
        if (c.exitCode === null && c.signalCode === null) {
          const exited = new Promise((r) => c.once('exit', r));
          c.kill('SIGTERM');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
