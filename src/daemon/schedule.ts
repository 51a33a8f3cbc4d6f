/**
 * The schedule: a cron expression (5 fields, or 6 with seconds first), and a per-machine
 * splay so that a fleet sharing one schedule spreads its probes over the interval instead of
 * hitting the gateway in the same second. The splay is derived from the machine id and user
 * name, so it is stable across restarts and different on every machine.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { CronTime, validateCronExpression } from 'cron';

export const DEFAULT_SCHEDULE = '*/5 * * * *';

/** Why an expression is not a usable schedule, or undefined when it is. Presets such as `@hourly` are allowed. */
export function scheduleProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (!expr.trim().startsWith('@') && fields.length !== 5 && fields.length !== 6) return `a cron expression has 5 fields (6 with seconds first), found ${fields.length}`;
  const check = validateCronExpression(expr);
  if (!check.valid) return check.error?.message ?? 'not a valid cron expression';
  try {
    scheduleIntervalMs(expr);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/** The shortest gap between the next few firings (ms): the interval a splay must fit in. */
export function scheduleIntervalMs(expr: string): number {
  const dates = new CronTime(expr).sendAt(8).map((d) => d.toMillis());
  let min = Infinity;
  for (let i = 1; i < dates.length; i++) min = Math.min(min, dates[i]! - dates[i - 1]!);
  if (!Number.isFinite(min) || min <= 0) throw new Error('the schedule never fires');
  return min;
}

/** Identifies this machine: the OS machine id where there is one, else the host name. */
export function machineId(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux') {
    for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
      try {
        const id = readFileSync(file, 'utf8').trim();
        if (id) return id;
      } catch {
        // try the next
      }
    }
  }
  return hostname();
}

function username(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

/** A stable number in [0, 1) for this machine and user. */
export function machineFraction(key: string = `${machineId()}\0${username()}`): number {
  const digest = createHash('sha256').update(`portkey-doctor splay\0${key}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * The default splay: a stable fraction of the room the interval leaves after a run that uses
 * its whole deadline, so a splayed run still ends before the next firing.
 */
export function defaultSplayMs(intervalMs: number, runTimeoutMs: number, fraction: number): number {
  const room = Math.max(0, intervalMs - runTimeoutMs);
  return Math.floor(fraction * room / 1000) * 1000;
}
