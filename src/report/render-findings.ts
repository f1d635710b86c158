// The terminal table of findings (the only renderer that knows colour): a pure function of the report.
// The Markdown form is render-markdown.ts, shared with `report`.
import type { ChalkInstance } from 'chalk';
import { CHECKS } from '../checks/registry.js';
import { coverageLine, type CoverageEntry } from '../findings/coverage.js';
import { SEVERITIES, type Severity } from '../findings/finding.js';
import { firstFew, groupFindings } from './group-findings.js';
import { Lines, paint, renderTable, terminalWidth, type Column } from '../format/table.js';
import { wrapText } from '../format/wrap.js';
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

export interface FindingsTableOptions {
  /** at most this many rows (groups); the rest are counted under the table */
  maxRows?: number;
  /** what to run for the rest, said under a cut table */
  more?: string;
}

/**
 * One row per group of near-identical findings (same check, severity and title): a count and the first few tokens,
 * subjects and kids, each whole on its own line. Columns fit the terminal; kid, then sub, go before an id is cut.
 */
export function renderFindingsTable(report: Report, color: ChalkInstance, opts: FindingsTableOptions = {}): string {
  const shown = report.findings;
  const hiddenNote = report.filter?.findings_below ? ` — ${report.filter.findings_below} below ${report.filter.min_severity} not listed (--min-severity)` : '';
  if (shown.length === 0) {
    const none = report.filter ? `No findings at or above ${report.filter.min_severity}.` : 'No findings.';
    return `${none} (${summaryLine(report)})${hiddenNote}${idleNote(report.coverage)}\n`;
  }
  const groups = groupFindings(shown, checkTitle);
  const rows = groups.slice(0, opts.maxRows ?? Infinity).map((g) => [
    paint(SEVERITY_PAINT[g.severity](color), g.severity),
    g.check,
    g.first_seen ?? '',
    g.findings.length,
    new Lines(firstFew(g.tokens)),
    new Lines(firstFew(g.subs)),
    new Lines(firstFew(g.kids)),
    g.title,
  ]);
  const table = renderTable(FINDING_COLUMNS, rows, { maxCell: 200 });
  const cut = groups.length > rows.length
    ? `… ${groups.length - rows.length} more row(s) (${groups.slice(rows.length).reduce((n, g) => n + g.findings.length, 0)} finding(s))${opts.more ? `: ${opts.more}` : ''}\n`
    : '';
  return `${table}${cut}${summaryLine(report)}${hiddenNote}${idleNote(report.coverage)}\n`;
}

const FINDING_COLUMNS: Column[] = [
  { name: 'severity', kind: 'id' },
  { name: 'check', kind: 'id' },
  { name: 'first seen', kind: 'time' },
  { name: 'n', kind: 'number' },
  { name: 'token', kind: 'id' },
  { name: 'sub', kind: 'id', drop: 1 },
  { name: 'kid', kind: 'id', drop: 2 },
  { name: 'title', kind: 'text' },
];

/** A check's own title (the registry's), for a group of findings whose titles differ. */
export function checkTitle(check: string): string | undefined {
  return CHECKS.find((c) => c.id === check)?.title;
}

/** Said next to the counts: how many checks found nothing because they had nothing to look at. */
function idleNote(coverage: readonly CoverageEntry[]): string {
  const idle = coverage.filter((e) => !e.evaluated).length;
  return idle === 0 ? '' : ` — ${idle} check(s) not evaluated: nothing to look at (see Coverage)`;
}

/** Each check, evaluated or not: how much it examined of what, or why it could not look. */
export function renderCoverage(coverage: readonly CoverageEntry[], color: ChalkInstance, width = terminalWidth()): string {
  if (coverage.length === 0) return '';
  const name = Math.max(...coverage.map((e) => e.check.length));
  const indent = ' '.repeat(name + 4);
  const lines = coverage.map((e) => {
    // the text wraps under itself when the terminal is narrow; the check id stays whole on the first line
    const text = Number.isFinite(width) ? wrapText(coverageLine(e), Math.max(20, width - indent.length)).join(`\n${indent}`) : coverageLine(e);
    return `  ${e.check.padEnd(name)}  ${e.evaluated ? text : color.yellow(text)}`;
  });
  return `\n${color.bold('Coverage')}\n${lines.join('\n')}\n`;
}
