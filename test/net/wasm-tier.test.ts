import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The V8 flags are watched, not set: a flag set in the test worker would change the worker's own
// code caches (src/net/wasm-tier.ts says why the doctor sets them so late).
const flags = vi.hoisted(() => [] as string[]);
vi.mock('node:v8', async (original) => ({
  ...(await original<typeof import('node:v8')>()),
  setFlagsFromString: (f: string) => {
    flags.push(f);
  },
}));

const { createHttpClient } = await import('../../src/net/http.js');
const { undici } = await import('../../src/net/undici.js');
const { startHttpServer } = await import('../support/servers.js');

let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  server = await startHttpServer((_q, r) => r.end('ok'));
});
afterAll(() => server.close());

describe('WebAssembly tiering (issue 15: a flag change costs every later code cache)', () => {
  it('sets no flag when undici loads or a client is made, and baseline-only wasm once the first connection is handed to undici', async () => {
    undici();
    const client = createHttpClient({ proxy: 'none', env: {} });
    expect(flags).toEqual([]);
    const first = await client.request({ url: server.url, timeoutMs: 5000, maxBodyBytes: 1024 });
    expect(first.ok).toBe(true);
    // All three: Node 24's V8 does not derive the last two from --liftoff-only at run time.
    expect(flags).toEqual(['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering']);
    await client.close();
    const again = createHttpClient({ proxy: 'none', env: {} });
    expect((await again.request({ url: server.url, timeoutMs: 5000, maxBodyBytes: 1024 })).ok).toBe(true);
    await again.close();
    expect(flags).toHaveLength(3);
  });
});
