// The timelines section of the Markdown report: one table per story, gaps and place changes visible, the findings
// that touch a line marked by severity. Values are escaped like the rest of the report.
import { toMarkdownTable } from '../format/markdown.js';
import type { Finding } from '../findings/finding.js';
import type { Timeline, TimelineEvent } from '../timeline/types.js';
import { md } from './markdown-text.js';

/** Past this, a story is cut with a pointer to the `timeline` command, which has no limit. */
const SHOWN_LINES = 60;
/** User agents run long: the table stays readable; `timeline` and the HTML report show them whole. */
const UA_CHARS = 60;
const HEAD = ['time', 'since previous', 'what', 'token', 'sub', 'IP', 'place', 'user agent', 'API', 'outcome', 'note', 'findings'];

export function renderTimelinesMarkdown(timelines: readonly Timeline[]): string {
  if (timelines.length === 0) return '';
  return `## Timelines of the critical findings\n\n${timelines.map(timelineSection).join('\n')}`;
}

function timelineSection(t: Timeline): string {
  const title = queryText(t);
  if (t.events.length === 0) return `### ${md(title)}\n\nNo events.\n`;
  const byId = new Map(t.findings.map((f) => [f.id, f]));
  const rows = t.events.slice(0, SHOWN_LINES).map((e) => row(e, byId));
  const cut = t.events.length > SHOWN_LINES
    ? `\n${t.events.length - SHOWN_LINES} more line(s): \`jwt-forensics timeline ${cliArgs(t)}\`\n`
    : '';
  return `### ${md(title)}\n\n${toMarkdownTable(HEAD, rows)}${cut}`;
}

function row(e: TimelineEvent, findings: Map<string, Finding>): unknown[] {
  return [
    e.ts,
    e.gap_seconds === null ? '' : `+${duration(e.gap_seconds)}`,
    e.kind === 'event' ? e.event : e.kind,
    e.token,
    e.sub,
    e.ip,
    place(e),
    e.ua && e.ua.length > UA_CHARS ? `${e.ua.slice(0, UA_CHARS - 1)}…` : e.ua,
    e.aud,
    e.outcome,
    e.note,
    e.finding_ids.map((id) => findings.get(id)).filter((f) => f !== undefined).map((f) => `${f.severity} ${f.check}`).join(', '),
  ];
}

function place(e: TimelineEvent): string {
  const where = [e.geo?.city, e.geo?.country].filter(Boolean).join(', ');
  return where && e.place_change ? `${where} (moved)` : where;
}

/** 0s, 45s, 31m 30s, 5h 2m, 3d 4h: the unit a reader needs to see a gap or a jump. */
export function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${s % 86400 >= 3600 ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

function queryText(t: Timeline): string {
  const parts = Object.entries(t.query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${String(v)}`);
  return parts.length ? parts.join(', ') : 'everything';
}

function cliArgs(t: Timeline): string {
  // Inside a code span nothing is escaped, so only values of plain characters are shown there.
  return Object.entries(t.query)
    .filter(([, v]) => typeof v === 'string' && /^[\w.:@+-]+$/.test(v))
    .map(([k, v]) => `--${k} ${String(v)}`)
    .join(' ');
}
