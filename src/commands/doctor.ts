/**
 * `portkey-doctor [doctor]`: gather settings, policy and flags into one target, run every
 * check once, print the console or JSON report, and return the exit code.
 */
import { parseDoctorFlags } from '../config/flags.js';
import type { Report } from '../report/report.js';
import { colorEnabled, palette } from '../reporters/color.js';
import { renderConsole } from '../reporters/console.js';
import { renderJson } from '../reporters/json.js';
import { createProgress } from '../reporters/progress.js';
import { prepare, runOnce } from '../run/index.js';

export async function doctorCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseDoctorFlags(args);
  const prepared = await prepare(flags, env);
  const progress = flags.json ? undefined : createProgress(process.stderr);
  let report: Report;
  try {
    report = await runOnce(prepared, progress ? (e) => progress.update(e) : undefined);
  } finally {
    progress?.stop();
  }
  // The report has passed the output scrub as it left the run: what is printed is made from it alone.
  const text = flags.json
    ? renderJson(report)
    : renderConsole(report, { verbose: flags.verbose, color: palette(!flags.noColor && colorEnabled(process.stdout, env)) });
  process.stdout.write(text);
  return report.exitCode;
}
