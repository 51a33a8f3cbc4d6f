/**
 * A corrupt state file through the built CLI daemon (issue 12 #11): set aside, said in the log,
 * and what was raised before is not raised again (the state is rebuilt from the run history).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { jsonl, spawnDaemon, startFlipGateway, tmp, watchGateway } from './support/daemon.js';

it('a corrupt state.json between two daemons: kept aside, logged, the raised problem not raised again', { timeout: 90_000 }, async () => {
  const gw = await startFlipGateway(() => 'broken');
  const watch = watchGateway(gw);
  const dir = tmp();
  const stateDir = join(dir, 'state');
  const common = [
    ...watch.args,
    '--schedule',
    '* * * * * *',
    '--splay',
    '0',
    '--raise-after',
    '2',
    '--heartbeat',
    '0',
    '--state-dir',
    stateDir,
    '--json-file',
    join(dir, 'status.json'),
  ];
  const first = spawnDaemon([...common, '--max-runs', '2'], watch.env);
  expect((await first.exited).code, first.stderr()).toBe(0);
  const garbage = '{"version": 1, "checks": {"x": ';
  writeFileSync(join(stateDir, 'state.json'), garbage);
  const second = spawnDaemon([...common, '--max-runs', '3'], watch.env);
  expect((await second.exited).code, second.stderr()).toBe(0);
  await gw.close();

  const events = jsonl(join(dir, 'status.jsonl'));
  expect(events.map((e) => e.type)).toEqual(['started', 'raised', 'stopped', 'started', 'stopped']);
  expect(events[3]!.raised).toEqual([expect.objectContaining({ check: watch.checkId, code: watch.brokenCode })]);

  const aside = readdirSync(stateDir).filter((f) => f.startsWith('state.json.corrupt-'));
  expect(aside).toHaveLength(1);
  expect(readFileSync(join(stateDir, aside[0]!), 'utf8')).toBe(garbage);
  const warned = second.logs().find((l) => l.level === 'warn' && typeof l.setAside === 'string');
  expect(warned?.setAside).toBe(join(stateDir, aside[0]!));
});
