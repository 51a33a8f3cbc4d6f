/**
 * undici, loaded on first use rather than at start-up: a settings-only run (`--offline`, the
 * daemon's settings checks, `--version`) never pays for it. Only the two pieces the HTTP layer
 * uses are required — the Agent and the connector — which loads about a third of what the
 * package's index does (measured: ~65 ms against ~175 ms on this machine). undici 7 has no
 * `exports` map, so these paths are reachable; if a release moves them, the package index is
 * used instead, so a moved file costs time, never correctness.
 */
import { createRequire } from 'node:module';
import type { Agent as AgentType, buildConnector as BuildConnectorType } from 'undici';

const require = createRequire(import.meta.url);

export interface Undici {
  Agent: typeof AgentType;
  buildConnector: typeof BuildConnectorType;
}

let loaded: Undici | undefined;

export function undici(): Undici {
  if (loaded) return loaded;
  // WebAssembly is restricted to V8's baseline compiler just before llhttp is compiled, by the
  // connector (wasm-tier.ts says why not here).
  try {
    const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentType;
    const buildConnector = require('undici/lib/core/connect.js') as typeof BuildConnectorType;
    if (typeof Agent !== 'function' || typeof buildConnector !== 'function') throw new Error('unexpected undici layout');
    loaded = { Agent, buildConnector };
  } catch {
    const full = require('undici') as Undici;
    loaded = { Agent: full.Agent, buildConnector: full.buildConnector };
  }
  return loaded;
}
