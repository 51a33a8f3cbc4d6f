import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files mostly wait: on the built CLI as a child process, on real loopback servers, on a daemon's
 * one-second schedule, on rsyslog. Vitest's default (one worker per core less one: a single worker on a
 * 2-core machine) runs them one after another and leaves the CPU idle during every wait; one worker
 * more than there are cores overlaps those waits. Files that are CPU-heavy bound their own process
 * count (test/secrets/no-leak.test.ts), and every deadline in a test is a generous hang guard, so a
 * busier machine makes a run slower, never red. PKD_TEST_WORKERS overrides (e.g. 1 to debug).
 */
const workers = Number(process.env.PKD_TEST_WORKERS) || Math.max(2, availableParallelism() + 1);

/**
 * In-process unit tests (fakes, no process, server or global state changed): they share a worker
 * process instead of each starting a fresh one, which costs more than most of these files take to run.
 * Only folders whose tests restore whatever they touch belong here.
 */
const IN_PROCESS = ['test/checks/**/*.test.ts', 'test/config/**/*.test.ts', 'test/core/**/*.test.ts', 'test/engine/**/*.test.ts'];

export default defineConfig({
  test: {
    // Network tests start real servers; give hangs a generous deadline, never a tight one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child processes, not threads: tests change the working folder and environment, and load a native keyring module.
    pool: 'forks',
    maxWorkers: workers,
    reporters: ['default'],
    // Every test file is in exactly one project (`include` lives there: projects extending this config would add to it).
    projects: [
      { extends: true, test: { name: 'in-process', include: IN_PROCESS, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...IN_PROCESS] } },
    ],
  },
});
