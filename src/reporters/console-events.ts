/**
 * Console reporter of the daemon: one line per event on stdout (the journal under systemd,
 * StandardOutPath under launchd); with `--verbose`, one line per run too.
 */
import type { DaemonEvent, RunSummary } from './events.js';
import { describeEvent } from './events.js';
import type { DaemonReporter } from './reporter-set.js';
import type { Report } from '../report/report.js';
import { cleanText } from '../core/clean-text.js';

export class ConsoleEventReporter implements DaemonReporter {
  readonly name = 'console';

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly verbose = false,
  ) {
    // A closed pipe on stdout must not crash the daemon.
    if (out.listenerCount('error') === 0) out.on('error', () => undefined);
  }

  event(e: DaemonEvent): Promise<void> {
    return this.#write(`${cleanText(`${e.at} ${e.type.padEnd(9)} ${describeEvent(e)}`)}\n`);
  }

  run(report: Report, summary: RunSummary): Promise<void> | void {
    if (!this.verbose) return;
    const bad = summary.checks.filter((c) => c.status === 'fail' || c.status === 'error');
    const line = `${summary.at} run       ${report.totals.ok} ok, ${report.totals.warn} warn, ${report.totals.fail} fail, ${report.totals.error} error, ${report.totals.skip} skip in ${summary.durationMs} ms${bad.length ? `: ${bad.map((c) => `${c.id} ${c.code ?? c.status}`).join(', ')}` : ''}\n`;
    return this.#write(`${cleanText(line.slice(0, -1))}\n`);
  }

  // What it prints is made from events and reports that have passed the output scrub (ReporterSet),
  // each line cleaned of control characters (a gateway's message must not forge a second line).
  #write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }
}
