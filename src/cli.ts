#!/usr/bin/env node
/**
 * Entry point. Kept tiny so `--version` and `--help` load nothing else (start-up is measured
 * against bare node); commands are imported only when used. Sets process.exitCode rather than
 * calling process.exit, so output is flushed.
 */
import * as nodeModule from 'node:module';
import { isSea } from 'node:sea';
import { VERSION } from './core/version.js';

/**
 * Node ≥ 22: V8's compiled code for the chunks a command loads is kept on disk (Node's own cache
 * folder under the temporary folder, or NODE_COMPILE_CACHE), so later runs skip compiling them.
 * Changes nothing else; Node 20 has no such call. Not for `--version` (nothing to compile, and
 * opening the cache costs more than that), nor in the single executable (it carries its own).
 */
function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
  if (typeof enable !== 'function' || isSea()) return;
  try {
    enable();
  } catch {
    // a cache that cannot be used is no cache: nothing to say
  }
}

const COMMANDS = new Set(['doctor', 'report', 'daemon', 'agent', 'key', 'fix']);

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  enableCompileCache();
  if (first !== 'key' && (first === '--help' || first === '-h' || first === 'help' || argv.includes('--help') || argv.includes('-h'))) {
    // Each command its own short help (as `key --help`); the doctor's options in the general one.
    // Only options before `--` count: `agent install -- --help` is not a request for help.
    const own = argv.indexOf('--') === -1 ? argv : argv.slice(0, argv.indexOf('--'));
    if (own.includes('--help') || own.includes('-h') || first === '--help' || first === '-h' || first === 'help') {
      const help = await import('./commands/help.js');
      const topic = first === 'help' ? rest[0] : first;
      const text = topic === 'report' ? help.REPORT_HELP : topic === 'daemon' ? help.DAEMON_HELP : topic === 'agent' ? help.AGENT_HELP : help.HELP;
      process.stdout.write(
        topic === 'key' ? (await import('./commands/key.js')).KEY_HELP : topic === 'fix' ? (await import('./commands/fix.js')).FIX_HELP : text,
      );
      return 0;
    }
  }
  const command = first !== undefined && COMMANDS.has(first) ? first : 'doctor';
  const args = first !== undefined && COMMANDS.has(first) ? rest : argv;
  if (first !== undefined && !first.startsWith('-') && !COMMANDS.has(first)) {
    const { UsageError, safeArg } = await import('./core/usage-error.js');
    throw new UsageError(`unknown command "${safeArg(first)}".`, 'Run portkey-doctor --help for the commands.');
  }
  switch (command) {
    case 'key': {
      const { keyCommand } = await import('./commands/key.js');
      return keyCommand(args, process.env);
    }
    case 'daemon': {
      const { daemonCommand } = await import('./commands/daemon.js');
      return daemonCommand(args, process.env);
    }
    case 'agent': {
      const { agentCommand } = await import('./commands/agent.js');
      return agentCommand(args, process.env);
    }
    case 'fix': {
      const { fixCommand } = await import('./commands/fix.js');
      return fixCommand(args, process.env);
    }
    case 'report': {
      const { reportCommand } = await import('./commands/report.js');
      return reportCommand(args, process.env);
    }
    default: {
      const { doctorCommand } = await import('./commands/doctor.js');
      return doctorCommand(args, process.env);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const { UsageError } = await import('./core/usage-error.js');
    if (err instanceof UsageError) {
      process.stderr.write(`portkey-doctor: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
      process.exitCode = 2;
      return;
    }
    // An unexpected failure of the doctor itself: one line, no stack (it could carry values);
    // PORTKEY_DOCTOR_DEBUG=1 shows the stack for a developer.
    const { OUTPUT_SCRUB } = await import('./core/output-scrub.js');
    const clean = (t: string) => OUTPUT_SCRUB.text(t);
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(
      `portkey-doctor: internal error: ${clean(message).slice(0, 500)}\n  Please report this (run with PORTKEY_DOCTOR_DEBUG=1 for details).\n`,
    );
    if (process.env.PORTKEY_DOCTOR_DEBUG === '1' && err instanceof Error) process.stderr.write(`${clean(err.stack ?? '')}\n`);
    process.exitCode = 2;
  },
);
