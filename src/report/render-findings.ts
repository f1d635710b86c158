// Renderers of findings for the terminal and for text formats: pure functions of the report.
import type { ChalkInstance } from 'chalk';
import { SEVERITIES, type Finding, type Severity } from '../findings/finding.js';
import { escapeMarkdown, renderTable, toMarkdownTable } from '../cli/output.js';
import { stripControlInline } from '../util/sanitize.js';
import type { Report } from './report.js';

const PAINT: Record<Severity, (c: ChalkInstance) => ChalkInstance> = {
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
    PAINT[f.severity](color)(f.severity),
    f.check,
    f.first_seen ?? '',
    f.token ?? '',
    f.sub ?? '',
    f.kid ?? '',
    f.title,
  ]);
  return `${renderTable(['severity', 'check', 'first seen', 'token', 'sub', 'kid', 'title'], rows, { maxCell: 60 })}${summaryLine(report)}\n`;
}

export function renderFindingsMarkdown(report: Report): string {
  const head = `# jwt-forensics findings\n\n${escapeMarkdown(summaryLine(report))}\n\n`;
  if (report.findings.length === 0) return `${head}No findings.\n`;
  const table = toMarkdownTable(
    ['severity', 'check', 'first seen', 'token', 'sub', 'kid', 'title'],
    report.findings.map((f) => [f.severity, f.check, f.first_seen, f.token, f.sub, f.kid, f.title]),
  );
  return `${head}${table}\n${report.findings.map(detail).join('\n')}`;
}

function detail(f: Finding): string {
  const evidence = Object.entries(f.evidence)
    .filter(([, v]) => v !== undefined) // checks leave optional evidence undefined; JSON drops it, so do we
    .map(([k, v]) => `- ${escapeMarkdown(k)}: ${escapeMarkdown(stripControlInline(typeof v === 'string' ? v : JSON.stringify(v)))}`)
    .join('\n');
  return `## ${escapeMarkdown(`${f.severity}: ${f.check} — ${f.title}`)}\n\n${evidence}\n\nRemediation: ${escapeMarkdown(f.remediation)}\n`;
}
