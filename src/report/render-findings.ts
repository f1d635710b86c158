// The terminal table of findings (the only renderer that knows colour): a pure function of the report.
// The Markdown form is render-markdown.ts, shared with `report`.
import type { ChalkInstance } from 'chalk';
import { SEVERITIES, type Severity } from '../findings/finding.js';
import { paint, renderTable } from '../format/table.js';
import type { Report } from './report.js';

/** The terminal colour of each severity, shared by every table that shows one. */
export const SEVERITY_PAINT: Record<Severity, (c: ChalkInstance) => ChalkInstance> = {
  critical: (c) => c.bgRed.white.bold,
  high: (c) => c.red.bold,
  medium: (c) => c.yellow,
  low: (c) => c.cyan,
  info: (c) => c.dim,
};

export function summaryLine(report: Report): string {
  return SEVERITIES.map((s) => `${report.summary[s]} ${s}`).join(', ');
}

export function renderFindingsTable(report: Report, color: ChalkInstance): string {
  if (report.findings.length === 0) return `No findings. (${summaryLine(report)})\n`;
  const rows = report.findings.map((f) => [
    paint(SEVERITY_PAINT[f.severity](color), f.severity),
    f.check,
    f.first_seen ?? '',
    f.token ?? '',
    f.sub ?? '',
    f.kid ?? '',
    f.title,
  ]);
  return `${renderTable(['severity', 'check', 'first seen', 'token', 'sub', 'kid', 'title'], rows, { maxCell: 60 })}${summaryLine(report)}\n`;
}
