import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCured, fixOnce, makeLayout, read } from './harness.js';

describe('inference-mode fixer (deploymentMode "1p") on real files', () => {
  it('removed from claude_desktop_config.json, asked even with --yes (confirm), other keys kept', async () => {
    const config = '{\n    "deploymentMode": "1p",\n    "mcpServers": {}\n}\n';
    const layout = makeLayout({ desktopConfig: config });
    const run = await expectCured(layout, { check: 'inference-mode', code: 'MODE_NOT_3P' });
    expect(run.plan.changes.find((c) => c.code === 'MODE_NOT_3P')?.confirm).toBe(true);
    expect(read(join(layout.claude3p, 'claude_desktop_config.json'))).toBe('{\n    "mcpServers": {}\n}\n');
  });

  it('declined (a person said no): nothing written', async () => {
    const config = '{"deploymentMode": "1p"}';
    const layout = makeLayout({ desktopConfig: config });
    const run = await fixOnce(layout, undefined, (c) => !c.confirm);
    expect(run.plan.files).toEqual([]);
    expect(read(join(layout.claude3p, 'claude_desktop_config.json'))).toBe(config);
  });
});
