/**
 * A real process standing in for Claude Desktop: node running test/fixtures/app/stand-in.cjs
 * with argv0 set to the app's path, so `ps` (and ps-list) show the app's command line. Helpers,
 * when asked for, are its children with `--type=renderer`, as Electron's are.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onExit } from '../support/exit.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/app/stand-in.cjs', import.meta.url));

export interface StandIn {
  pid: number;
  helperPids: number[];
  /** When the test saw it ready (ms since epoch). */
  readyAt: number;
  stop(): Promise<void>;
}

export async function startStandIn(argv0: string, opts: { helpers?: number; helperArgv0?: string } = {}): Promise<StandIn> {
  const args = [SCRIPT];
  if (opts.helpers) args.push('--helpers', String(opts.helpers));
  if (opts.helperArgv0) args.push('--helper-argv0', opts.helperArgv0);
  const child: ChildProcess = spawn(process.execPath, args, { argv0, stdio: ['pipe', 'pipe', 'inherit'] });
  const cancel = onExit(() => child.kill('SIGKILL'));
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('stand-in did not start within 20 s')), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stand-in exited early (${code})`));
    });
  });
  return standInHandle(child, line.split(' ').slice(1).filter(Boolean).map(Number), cancel);
}

/** A started child as a {@link StandIn}: `stop` ends it (SIGTERM) and drops its exit-time kill. */
export function standInHandle(child: ChildProcess, helperPids: number[], cancelOnExit: () => void): StandIn {
  return {
    pid: child.pid!,
    helperPids,
    readyAt: Date.now(),
    stop: async () => {
      cancelOnExit();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A unique path for a stand-in named NAME, so parallel test files never see each other's. */
export function uniqueAppPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'pkd-app-')), name);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
