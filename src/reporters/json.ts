/** The machine report: stdout carries only this document. Shape: schema/report.schema.json. */
import type { Report } from '../report/report.js';

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
