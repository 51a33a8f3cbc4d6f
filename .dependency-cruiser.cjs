/**
 * Boundary rules for src/ (`npm run boundaries`, run in CI): layers point down only, no import cycles.
 *
 * Every module under src/ belongs to one layer. A module may import its own layer or a lower one, never a higher one:
 * a lower layer that reaches up depends on policy it should not know about, cannot be tested or reused alone, and is
 * one import away from a cycle. Type-only imports count too (`tsPreCompilationDeps: true`): a type import is still
 * knowledge of the layer above, and it is how cycles creep in unnoticed.
 *
 * To add a folder under src/, give it a layer below; until then `src-module-has-a-layer` fails.
 */

/** Layers, lowest first. Layers in the same entry are peers (may import each other unless a rule below says no). */
const LAYERS = [
  { name: 'core', paths: ['^src/core/'], role: 'shared types, secrets, logging: depends on nothing of ours' },
  { name: 'config', paths: ['^src/config/'], role: 'reading flags, settings files and policy' },
  { name: 'app', paths: ['^src/app/'], role: 'pure knowledge of Claude Desktop (versions, files, process names)' },
  {
    name: 'services',
    paths: ['^src/net/', '^src/platform/'],
    role: 'real network and OS access (net: sockets, HTTP, TLS; platform: files, processes, keychain)',
  },
  { name: 'contract', paths: ['^src/contract/'], role: 'the Check API: defineCheck, outcomes, the I/O service interfaces' },
  { name: 'io', paths: ['^src/io/'], role: 'real and fake implementations of the check I/O services' },
  { name: 'domain', paths: ['^src/gateway/', '^src/inference/'], role: 'pure gateway and inference helpers the checks share' },
  { name: 'checks', paths: ['^src/checks/'], role: 'one diagnosis per file, I/O only through ctx' },
  { name: 'engine', paths: ['^src/engine/'], role: 'the runner that orders and runs checks' },
  { name: 'report', paths: ['^src/report/'], role: 'the report model and redaction' },
  { name: 'run', paths: ['^src/run/', '^src/run\\.ts$'], role: 'prepare + runOnce, shared by doctor, report and daemon' },
  { name: 'reporters', paths: ['^src/reporters/'], role: 'console, JSON, markdown, syslog and file outputs' },
  { name: 'fix', paths: ['^src/fix/'], role: 'the fix engine (plan, diff, backup, atomic write) and its pure fixers' },
  { name: 'daemon', paths: ['^src/daemon/', '^src/daemon\\.ts$'], role: 'the scheduled agent: schedule, state, lock, service' },
  { name: 'commands', paths: ['^src/commands/'], role: 'one CLI command per file' },
  { name: 'cli', paths: ['^src/cli\\.ts$'], role: 'argument dispatch, the entry point' },
];

/** Not code: ambient declarations for untyped packages. */
const UNLAYERED_OK = ['^src/types/'];

const ALL_LAYER_PATHS = LAYERS.flatMap((l) => l.paths);

/** One rule per layer: nothing in it imports a layer above it. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `layer-${layer.name}-points-down`,
    severity: 'error',
    comment:
      `${layer.name} (${layer.role}) must not import a higher layer (${above.map((l) => l.name).join(', ')}). ` +
      'A lower layer that reaches up depends on policy above it, cannot be tested alone and invites import cycles. ' +
      'Move the shared piece down (often to core or contract) or pass it in from above.',
    from: { path: layer.paths },
    to: { path: above.flatMap((l) => l.paths) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'src-module-has-a-layer',
      severity: 'error',
      comment:
        'Every module under src/ belongs to a layer in .dependency-cruiser.cjs; a folder outside the list would escape the layering rules. ' +
        'Add the new folder to LAYERS.',
      from: { path: '^src/', pathNot: [...ALL_LAYER_PATHS, ...UNLAYERED_OK] },
      to: {},
    },
    {
      name: 'net-is-self-contained',
      severity: 'error',
      comment:
        'src/net is a generic network toolkit (sockets, HTTP, TLS, SSE): it must not know about configuration, the platform or Claude Desktop, ' +
        'so that it can be tested against loopback servers alone and reused by any layer above. Pass such facts in as arguments.',
      from: { path: '^src/net/' },
      to: { path: ['^src/config/', '^src/platform/', '^src/app/'] },
    },
    {
      name: 'checks-use-injected-io',
      severity: 'error',
      comment:
        'Checks reach the network, the OS and the keychain only through ctx services (src/contract/io.ts), so that the CheckTester can run ' +
        'every check with fakes and no process or server. Types included: import them from src/contract/io.ts (re-export there if needed).',
      from: { path: '^src/checks/' },
      to: { path: ['^src/net/', '^src/platform/', '^src/io/'] },
    },
    {
      name: 'fixers-are-pure',
      severity: 'error',
      comment:
        'A fixer (src/fix/fixers/) is a pure function of the documents and findings it is given (src/fix/fixer.ts): it reads no file, runs no ' +
        'process and touches no network, so it can be tested and property-tested alone and can never write anything by itself. ' +
        'The engine (src/fix/engine.ts) does all I/O.',
      from: { path: '^src/fix/fixers/' },
      to: { path: ['^src/(net|platform|io|run|engine|reporters)/', '^src/fix/(engine|write|it-policy)\\.ts$'] },
    },
    {
      name: 'fixers-are-pure-no-node',
      severity: 'error',
      comment: 'A fixer imports no Node built-in module (fs, child_process, net…): it is a pure function (src/fix/fixer.ts).',
      from: { path: '^src/fix/fixers/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'commands-are-independent',
      severity: 'error',
      comment:
        'A command must not import another command: what two commands share (e.g. prepare/runOnce) lives in a lower layer (src/run), ' +
        'so a change to one command cannot break another. Only a commands index and help.ts may be imported.',
      from: { path: '^src/commands/', pathNot: '^src/commands/index\\.ts$' },
      to: { path: '^src/commands/', pathNot: '^src/commands/(index|help)\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles (type-only ones included) make load order matter, hide layering mistakes and keep modules from being understood ' +
        'or tested alone. Break the cycle by moving the shared piece down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-dev-dependencies',
      severity: 'error',
      comment:
        'src is what ships: a devDependency is not installed for users (`npm install -g portkey-doctor`), so importing one from src breaks ' +
        'the installed CLI, and even a type-only import ties shipped code to a test or build tool. Move the package to dependencies, ' +
        'or keep the code in test/ or bench/. (@types packages are exempt: they exist only to type what ships.)',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: '(^|/)node_modules/@types/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file fails at run time (or is a typo that tsc would report late).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'A package imported from src but not listed in package.json works only by accident (hoisted by another package) and breaks on install.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Report packages as node_modules/<name>, also where node_modules is a symlink.
    preserveSymlinks: true,
    exclude: { path: '^dist/' },
    // Type-only imports are dependencies too: a layering violation or a cycle through `import type` still counts.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
