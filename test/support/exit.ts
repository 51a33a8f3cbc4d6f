/**
 * Last-resort cleanup for test servers and child processes: one `exit` hook for all of them
 * (rather than one listener each), run synchronously when the test process exits.
 */
const hooks = new Set<() => void>();
let installed = false;

/** Runs `fn` at process exit unless the returned function is called first. */
export function onExit(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', () => {
      for (const hook of hooks) {
        try {
          hook();
        } catch {
          // keep cleaning up the rest
        }
      }
    });
  }
  hooks.add(fn);
  return () => {
    hooks.delete(fn);
  };
}
