/**
 * `portkey-doctor daemon [options]`: the process around {@link Daemon}: logger on stderr,
 * signals (SIGHUP reload; SIGTERM/SIGINT stop within the bound, a second one exits at once),
 * stray console output routed into the JSON log, last-resort error handlers.
 */
import { format } from 'node:util';
import { Daemon } from '../daemon.js';
import { createLogger, isLogLevel, LOG_LEVEL_ENV_VAR, type Logger } from '../core/log.js';

/** Libraries that print (cron's "missed execution" warning) go into the JSON log instead. */
function routeConsole(log: Logger): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  console.log = console.info = (...a: unknown[]) => log.info({ source: 'console' }, format(...a));
  console.debug = (...a: unknown[]) => log.debug({ source: 'console' }, format(...a));
  console.warn = (...a: unknown[]) => log.warn({ source: 'console' }, format(...a));
  console.error = (...a: unknown[]) => log.error({ source: 'console' }, format(...a));
  return () => Object.assign(console, saved);
}

export async function daemonCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // On a terminal a person reads the console lines: the JSON log repeating each event at info
  // is noise there, so it shows warnings and errors only unless a level is asked for
  // (--log-level, the policy, PORTKEY_DOCTOR_LOG_LEVEL). Under a service manager: info.
  const asked = isLogLevel(env[LOG_LEVEL_ENV_VAR]);
  const quiet = process.stderr.isTTY === true && !asked;
  const runEnv = quiet ? { ...env, [LOG_LEVEL_ENV_VAR]: 'warn' } : env;
  const envLevel = runEnv[LOG_LEVEL_ENV_VAR];
  const log = createLogger({ level: isLogLevel(envLevel) ? envLevel : 'info', base: { name: 'portkey-doctor' } });
  const daemon = await Daemon.create(args, { env: runEnv, log });
  const restoreConsole = routeConsole(log);

  let signalled = false;
  const onStop = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(0);
    }
    signalled = true;
    // The bound holds even if something below hangs.
    const watchdog = setTimeout(() => {
      log.warn({ boundMs: daemon.config.shutdownMs }, 'shutdown took too long; exiting');
      process.exit(0);
    }, daemon.config.shutdownMs + 500);
    watchdog.unref();
    void daemon.stop('signal', signal);
  };
  const onHup = () => {
    log.info('SIGHUP: reloading');
    void daemon.reload();
  };
  const onRejection = (err: unknown) => log.error({ err }, 'unhandled rejection (ignored)');
  const onException = (err: unknown) => {
    log.fatal({ err }, 'uncaught exception; stopping');
    void daemon.stop('error').finally(() => process.exit(1));
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  if (process.platform !== 'win32') process.on('SIGHUP', onHup);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);

  let code: number;
  try {
    await daemon.start();
    code = await daemon.done;
  } catch (err) {
    await daemon.stop('error');
    throw err;
  } finally {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    restoreConsole();
  }
  // Whatever a check left open (keep-alive sockets) must not keep a stopped daemon alive.
  setTimeout(() => process.exit(code), 1_000).unref();
  return code;
}
