// The terminal table of findings (the only renderer that knows colour): a pure function of the report.
// The Markdown form is render-markdown.ts, shared with `report`.
import type { ChalkInstance } from 'chalk';
import { coverageLine, type CoverageEntry } from '../findings/coverage.js';
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
  if (report.findings.length === 0) return `No findings. (${summaryLine(report)})${idleNote(report.coverage)}\n`;
  const rows = report.findings.map((f) => [
    paint(SEVERITY_PAINT[f.severity](color), f.severity),
    f.check,
    f.first_seen ?? '',
    f.token ?? '',
    f.sub ?? '',
    f.kid ?? '',
    f.title,
  ]);
  const table = renderTable(['severity', 'check', 'first seen', 'token', 'sub', 'kid', 'title'], rows, { maxCell: 60 });
  return `${table}${summaryLine(report)}${idleNote(report.coverage)}\n`;
}

/** Said next to the counts: how many checks found nothing because they had nothing to look at. */
function idleNote(coverage: readonly CoverageEntry[]): string {
  const idle = coverage.filter((e) => !e.evaluated).length;
  return idle === 0 ? '' : ` — ${idle} check(s) not evaluated: nothing to look at (see Coverage)`;
}

/** Each check, evaluated or not: how much it examined of what, or why it could not look. */
export function renderCoverage(coverage: readonly CoverageEntry[], color: ChalkInstance): string {
  if (coverage.length === 0) return '';
  const width = Math.max(...coverage.map((e) => e.check.length));
  const lines = coverage.map((e) => {
    const text = coverageLine(e);
    return `  ${e.check.padEnd(width)}  ${e.evaluated ? text : color.yellow(text)}`;
  });
  return `\n${color.bold('Coverage')}\n${lines.join('\n')}\n`;
}
