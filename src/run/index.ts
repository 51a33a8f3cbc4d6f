/** The run module: prepare a target, run the checks once. Used by the doctor, report and daemon commands. */
export { prepare, type Prepared } from './prepare.js';
export { runOnce, type OnProgress } from './run-once.js';
export { selectChecks } from './select.js';
