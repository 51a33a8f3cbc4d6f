/** `--only`: the checks a run is limited to. */
import { GROUPS, type AnyCheck } from '../contract/check.js';
import { needIds } from '../engine/runner.js';
import { UsageError } from '../core/usage-error.js';

/** The checks named by group or id, plus everything they need (transitively), in registry order. */
export function selectChecks<C extends AnyCheck>(all: readonly C[], names: readonly string[], opts: { offline?: boolean } = {}): C[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const unknown = names.filter((n) => !byId.has(n) && !GROUPS.includes(n as never));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown group or check ${unknown.join(', ')}.`, `Groups: ${GROUPS.join(', ')}; checks: ${all.map((c) => c.id).join(', ')}.`);
  }
  const chosen = new Set<string>();
  const add = (id: string) => {
    if (chosen.has(id)) return;
    chosen.add(id);
    // A plain-JavaScript plugin may name its needs by id: needIds reads both forms.
    const check = byId.get(id);
    if (check) for (const need of needIds(check)) add(need);
  };
  for (const c of all) if (names.includes(c.id) || names.includes(c.group)) add(c.id);
  const selected = all.filter((c) => chosen.has(c.id));
  // --offline with --only: settings and app checks are fine, anything that goes on the network is not.
  const online = opts.offline ? selected.filter((c) => c.group === 'network' || c.group === 'gateway') : [];
  if (online.length > 0) {
    throw new UsageError(
      `--offline sends nothing on the network, so it cannot run ${online.map((c) => c.id).join(', ')}.`,
      'Drop --offline, or choose settings or app checks with --only.',
    );
  }
  return selected;
}
