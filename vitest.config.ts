import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files mostly wait: on the built CLI as a child process, on real loopback servers, on a daemon's
 * one-second schedule, on rsyslog. Vitest's default (one worker per core less one: a single worker on a
 * 2-core machine) runs them one after another and leaves the CPU idle during every wait; one worker
 * more than there are cores overlaps those waits. Files that are CPU-heavy bound their own process
 * count (test/secrets/no-leak.test.ts), and every deadline in a test is a generous hang guard, so a
 * busier machine makes a run slower, never red. PKD_TEST_WORKERS overrides (e.g. 1 to debug).
 */
const workers = Number(process.env.PKD_TEST_WORKERS) || Math.max(2, availableParallelism() + 1);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Network tests start real servers; give hangs a generous deadline, never a tight one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child processes, not threads: tests change the working folder and environment, and load a native keyring module.
    pool: 'forks',
    maxWorkers: workers,
    reporters: ['default'],
  },
});
