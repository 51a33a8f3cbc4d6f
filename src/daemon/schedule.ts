/**
 * The per-machine splay, so that a fleet sharing one schedule (src/config/schedule.ts) spreads
 * its probes over the interval instead of hitting the gateway in the same second. The splay is
 * derived from the machine id and user name, so it is stable across restarts and different on
 * every machine.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

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
  return Math.floor((fraction * room) / 1000) * 1000;
}
