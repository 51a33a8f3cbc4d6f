/**
 * One daemon per state folder, also when several start in the same instant (issue 12 #10): real
 * processes racing for the lock in a fresh folder and in a folder holding a stale lock, many
 * times, and daemons from the built CLI started together. Exactly one wins each time.
 */
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, spawnDaemon, tmp, until } from './support/daemon.js';

// The lock module alone (build/modules/: every src module transpiled by npm run build).
const LOCK_MODULE = pathToFileURL(join(CLI, '..', '..', 'build', 'modules', 'daemon', 'lock.js')).href;

/**
 * Processes that load the lock module, say `ready`, wait for `go` on stdin, take the lock, print
 * `ok` or `held <pid>` and keep running (so their pids stay alive) until stdin closes.
 */
async function race(stateDir: string, n: number): Promise<string[]> {
  const script = `
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    process.stdin.setEncoding('utf8');
    let input = '';
    let went = false;
    process.stdin.on('data', async (d) => {
      input += d;
      if (went || !input.includes('go')) return;
      went = true;
      const r = await acquireLock(${JSON.stringify(stateDir)});
      process.stdout.write(r.ok ? 'ok\\n' : 'held ' + r.pid + '\\n');
    });
    process.stdout.write('ready\\n');
  `;
  const children = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const lines = (want: number) =>
      new Promise<string[]>((resolve, reject) => {
        const check = () => {
          const got = out.split('\n').filter((l) => l !== '');
          if (got.length >= want) resolve(got);
        };
        child.stdout.on('data', check);
        child.once('exit', () => reject(new Error(`contender exited: ${out} ${err}`)));
        check();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    return { child, lines, exited };
  });
  try {
    await Promise.all(children.map((c) => c.lines(1)));
    for (const c of children) c.child.stdin.write('go\n');
    return (await Promise.all(children.map((c) => c.lines(2)))).map((l) => l[1]!);
  } finally {
    for (const c of children) c.child.stdin.end();
    await Promise.race([Promise.all(children.map((c) => c.exited)), new Promise((r) => setTimeout(r, 5_000))]);
    for (const c of children) c.child.kill('SIGKILL');
  }
}

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

const bootTime = (): number => Math.round((Date.now() / 1000 - uptime()) / 60) * 60;

describe('the daemon lock under a race', () => {
  it('six processes at once on a fresh state folder, twelve times (four at a time): exactly one takes it each time', { timeout: 120_000 }, async () => {
    for (let trial = 0; trial < 12; trial++) {
      const dir = tmp('pkd-lock-');
      const results = await race(dir, 6);
      expect(
        results.filter((r) => r === 'ok'),
        results.join(', '),
      ).toHaveLength(1);
      // The others name a holder; no temporary file is left behind.
      expect(results.filter((r) => r.startsWith('held '))).toHaveLength(5);
      expect(readdirSync(dir)).toEqual(['daemon.pid']);
    }
  });

  it('six processes at once on a folder with a stale lock (a dead pid), eight times (four at a time): exactly one takes it over', {
    timeout: 120_000,
  }, async () => {
    for (let trial = 0; trial < 8; trial++) {
      const dir = tmp('pkd-lock-');
      writeFileSync(join(dir, 'daemon.pid'), JSON.stringify({ pid: await deadPid(), boot: bootTime() }) + '\n');
      const results = await race(dir, 6);
      expect(
        results.filter((r) => r === 'ok'),
        results.join(', '),
      ).toHaveLength(1);
    }
  });

  it('garbage or an empty file as the lock is taken over by one', { timeout: 60_000 }, async () => {
    for (const content of ['', 'not json', '{"pid":"x"}']) {
      const dir = tmp('pkd-lock-');
      writeFileSync(join(dir, 'daemon.pid'), content);
      const results = await race(dir, 4);
      expect(
        results.filter((r) => r === 'ok'),
        `${JSON.stringify(content)}: ${results.join(', ')}`,
      ).toHaveLength(1);
    }
  });

  it('three daemons of the built CLI started together on a new state folder: one runs, the others exit 2', { timeout: 120_000 }, async () => {
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        const dir = tmp();
        const stateDir = join(dir, 'state');
        const args = ['--offline', '--no-policy', '--schedule', '0 0 1 1 *', '--splay', '0', '--heartbeat', '0', '--state-dir', stateDir];
        const home = tmp('pkd-home-');
        const daemons = Array.from({ length: 3 }, () => spawnDaemon(args, {}, home));
        // The loser exits at once; the winner runs until stopped.
        const exits = await Promise.all(
          daemons.map((d) =>
            Promise.race([d.exited.then((e) => e.code), until(() => (/"daemon started"/.test(d.stderr()) ? 'running' : undefined), 60_000, 'a start')]),
          ),
        );
        // Give a loser that logged "started" before the winner's lock time to exit too.
        await new Promise((r) => setTimeout(r, 500));
        const running = daemons.filter((d) => d.child.exitCode === null);
        for (const d of daemons) d.kill();
        await Promise.all(daemons.map((d) => d.exited));
        expect(running, exits.join(', ') + daemons.map((d) => d.stderr()).join('\n')).toHaveLength(1);
        expect(daemons.filter((d) => d.child.exitCode === 2)).toHaveLength(2);
      }),
    );
  });
});
