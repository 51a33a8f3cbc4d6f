/**
 * Keys the app ignores in the settings in force (docs/claude-desktop.md, "Keys and their shapes"):
 * the app reads top-level keys it knows and drops every other one without telling the user
 * (its log: `Ignoring local configuration key`), so a misspelt key silently does nothing. Each
 * unknown key is named; a near miss of a known key gets "did you mean …" and fails when it leaves
 * a setting the gateway needs unset. Settings nested under an object, or written as the app's
 * nested export document, are named as such: the app sees none of them.
 *
 * Only key names are reported, never values (an unknown key may well hold a credential).
 */
import { KEY_TABLE_STAMP } from '../app/config-keys.js';
import { describeSource } from '../config/describe-source.js';
import { defineCheck, findings, ok, problem, type CodeOf, type CodeTable, type Finding } from '../contract/check.js';
import { settingsLayout } from '../inference/settings-layout.js';
import claudeSettings from './claude-settings.js';
import { showSetting } from '../core/key-shape.js';

const codes = {
  KEYS_NESTED: {
    title: 'The settings are nested under an object key; the app reads top-level keys only, so it sees none of them',
    fix: 'Move every key out of the wrapping object to the top level of the file (flat keys, as the app’s own window writes them).',
  },
  KEYS_SCHEMA_V2_DOCUMENT: {
    title: 'The settings are a nested {"$schemaVersion": 2, …} document; the app reads flat top-level keys here',
    fix: 'Write the settings as flat top-level keys (inferenceProvider, inferenceGatewayBaseUrl, …): apply them again from the app’s window, or convert the document by hand.',
  },
  KEYS_NEAR_MISS_REQUIRED: {
    title: 'A misspelt key leaves a setting the gateway needs unset (the app ignores the misspelt key)',
    fix: 'Rename the key to the spelling shown (keys are case-sensitive).',
  },
  KEYS_NEAR_MISS: {
    title: 'A key looks like a misspelling of a known key; the app ignores it',
    fix: 'Rename the key to the spelling shown (keys are case-sensitive), or remove it.',
  },
  KEYS_UNKNOWN: {
    title: 'A key the app does not know; it ignores it',
    fix: 'Remove the key, or check its name against Anthropic’s configuration reference.',
  },
  KEYS_TOOL_MARKER: {
    title: 'A marker written by a settings tool; the app ignores it',
    fix: 'Nothing to do: the key is harmless, and the tool that wrote it may need it.',
  },
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;

/** At most this many keys get a finding of their own; the rest are counted in the details. */
const MAX_FINDINGS = 20;
const quote = (name: string) => `"${showSetting(name, 80)}"`;

export default defineCheck({
  id: 'unknown-keys',
  title: 'Keys the app reads',
  group: 'settings',
  needs: [claudeSettings],
  codes,
  run({ discovery }) {
    const source = discovery.inForce;
    if (!source) return ok('no Claude Desktop settings to check (probing from flags)');
    const layout = settingsLayout(source);
    const where = describeSource(source.kind);
    const details: Record<string, unknown> = {
      keys: layout.names.length,
      ...(layout.unknown.length > 0 ? { unknown: layout.unknown } : {}),
      ...(layout.nearMisses.length > 0 ? { nearMisses: layout.nearMisses } : {}),
      ...(layout.markers.length > 0 ? { markers: layout.markers } : {}),
      ...(layout.renamed.length > 0 ? { renamed: layout.renamed } : {}),
      ...(layout.nested ? { nested: layout.nested } : {}),
      keyTable: KEY_TABLE_STAMP,
    };
    const list: Finding<Code>[] = [];
    const nested = layout.nested;
    if (nested?.kind === 'schema-v2') {
      list.push(
        problem(
          'fail',
          'KEYS_SCHEMA_V2_DOCUMENT',
          `${where} is a nested {"$schemaVersion": …, ${quote(nested.container)}: {…}} document; the app reads none of it`,
          {
            details,
          },
        ),
      );
    } else if (nested) {
      const some = nested.keys.slice(0, 3).join(', ');
      list.push(
        problem(
          'fail',
          'KEYS_NESTED',
          `the settings (${some}${nested.keys.length > 3 ? ', …' : ''}) are nested under ${quote(nested.container)}; the app reads top-level keys only`,
          {
            details,
            fix: `Move the keys inside ${quote(nested.container)} to the top level of the file and remove ${quote(nested.container)}.`,
          },
        ),
      );
    }
    for (const miss of layout.nearMisses) {
      const fix = `Rename ${quote(miss.name)} to "${miss.meant}".`;
      if (miss.leavesRequiredUnset) {
        list.push(
          problem(
            'fail',
            'KEYS_NEAR_MISS_REQUIRED',
            `${quote(miss.name)} is not a key the app reads (did you mean "${miss.meant}"?), so ${miss.meant} is not set`,
            { fix },
          ),
        );
      } else {
        list.push(problem('warn', 'KEYS_NEAR_MISS', `${quote(miss.name)} is ignored by the app (did you mean "${miss.meant}"?)`, { fix }));
      }
    }
    for (const name of layout.unknown) list.push(problem('warn', 'KEYS_UNKNOWN', `${quote(name)} is not a key the app knows; it is ignored`));
    for (const name of layout.markers) list.push(problem('warn', 'KEYS_TOOL_MARKER', `${quote(name)} is a settings tool's marker; the app ignores it`));

    const shown = list.slice(0, MAX_FINDINGS);
    if (list.length > MAX_FINDINGS) details['notListed'] = list.length - MAX_FINDINGS;
    // The details go with the primary finding (the first failure, else the first listed).
    const primary = shown.findIndex((f) => f.status === 'fail');
    const withDetails = shown.map((f, i) => (i === Math.max(primary, 0) && !f.details ? { ...f, details } : f));
    const summary = `${layout.names.length} key(s), all known to the app${layout.renamed.length > 0 ? ` (older names still read: ${layout.renamed.map((r) => r.name).join(', ')})` : ''}`;
    return findings(withDetails, ok(summary, details));
  },
});
