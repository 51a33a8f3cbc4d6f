/**
 * The daemon's schedule as configuration: a cron expression (5 fields, or 6 with seconds first,
 * or a preset such as `@hourly`), checked with the same rules wherever it is given (a flag, the
 * policy). The cron library is loaded only when a schedule is checked: a doctor run whose policy
 * has no daemon section never loads it.
 */
import type * as Cron from 'cron';
import { requireLazy } from '../core/lazy.js';

export const DEFAULT_SCHEDULE = '*/5 * * * *';

const cron = (): typeof Cron => requireLazy('cron') as typeof Cron;

/** Why an expression is not a usable schedule, or undefined when it is. Presets such as `@hourly` are allowed. */
export function scheduleProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  if (!expr.trim().startsWith('@') && fields.length !== 5 && fields.length !== 6)
    return `a cron expression has 5 fields (6 with seconds first), found ${fields.length}`;
  const check = cron().validateCronExpression(expr);
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
  const dates = new (cron().CronTime)(expr).sendAt(8).map((d) => d.toMillis());
  let min = Infinity;
  for (let i = 1; i < dates.length; i++) min = Math.min(min, dates[i]! - dates[i - 1]!);
  if (!Number.isFinite(min) || min <= 0) throw new Error('the schedule never fires');
  return min;
}
