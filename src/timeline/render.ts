// Renderers of a timeline: pure functions of it. Only the table knows colour. Tokens appear as fingerprints only
// (the Timeline never holds a raw token), and every value from a log is escaped or stripped where it is printed.
import type { ChalkInstance } from 'chalk';
import { escapeMarkdown, toMarkdownTable } from '../format/markdown.js';
import { toJson, toNdjson } from '../format/serialize.js';
import { Styled, paint, renderTable, type Column } from '../format/table.js';
import type { Finding } from '../findings/finding.js';
import { stripControlInline } from '../util/sanitize.js';
import { SEVERITY_PAINT } from '../report/render-findings.js';
import { shortJti } from './annotate.js';
import { hiddenLine } from './min-severity.js';
import { describeQuery } from './query.js';
import type { Timeline, TimelineEvent, TimelineGeo } from './types.js';

const HEAD = ['time', '+gap', 'event', 'jti', 'token', 'ip', 'place', 'user agent', 'api', 'outcome', 'note', 'findings'];
/** The terminal's columns: ids whole; user agent, api, place and gap go first on a narrow screen (the CSV has all). */
const COLUMNS: Column[] = [
  { name: 'time', kind: 'time' },
  { name: '+gap', kind: 'id', drop: 3 },
  { name: 'event', kind: 'id' },
  { name: 'jti', kind: 'id', drop: 2 },
  { name: 'token', kind: 'id' },
  { name: 'ip', kind: 'id' },
  { name: 'place', kind: 'text', drop: 4 },
  { name: 'user agent', kind: 'text', drop: 6 },
  { name: 'api', kind: 'text', drop: 5 },
  { name: 'outcome', kind: 'id', drop: 1 },
  { name: 'note', kind: 'text' },
  { name: 'findings', kind: 'text' },
];

export const NO_CHECKS = 'No checks have been run on this store: run `jwt-forensics check` to see findings inline.';

/**
 * The line an empty story opens with. It never contradicts what follows: when findings touch the query without an
 * event in the logs, it says how many and where they are (`below` in the table and Markdown; for the machine
 * formats, whose note goes to stderr, where they can be read).
 */
export function noEventsLine(t: Timeline, where = 'below'): string {
  const q = describeQuery(t.query);
  const n = t.findings.length;
  if (n === 0) return `no events for ${q}`;
  return `no events in the logs for ${q}; ${n} finding${n === 1 ? ' touches' : 's touch'} it (${where})`;
}

/** The DESIGN.md shape: {query, events:[{ts, event, jti, token, …, source, line, then the annotations}], findings}. */
export function timelineJson(t: Timeline): { query: Timeline['query']; events: Record<string, unknown>[]; findings: Finding[] } {
  return { query: t.query, events: t.events.map(eventJson), findings: t.findings };
}

function eventJson(e: TimelineEvent): Record<string, unknown> {
  return {
    ts: e.ts, event: e.event, jti: e.jti, token: e.token, sub: e.sub, sid: e.sid, ip: e.ip, geo: e.geo, ua: e.ua, aud: e.aud,
    outcome: e.outcome, parent_jti: e.parent_jti, source: e.source, line: e.line,
    kind: e.kind, gap_seconds: e.gap_seconds, place_change: e.place_change, note: e.note, finding_ids: e.finding_ids,
  };
}

export function renderTimelineJson(t: Timeline): string {
  return toJson(timelineJson(t));
}

export function renderTimelineNdjson(t: Timeline): Promise<string> {
  return toNdjson(t.events.map(eventJson));
}

export function renderTimelineTable(t: Timeline, color: ChalkInstance): string {
  if (t.events.length === 0) return `${noEventsLine(t)}\n${findingsBlock(t, color)}`;
  const byId = new Map(t.findings.map((f) => [f.id, f]));
  const rows = t.events.map((e) => [
    e.ts,
    gapText(e.gap_seconds),
    eventLabel(e),
    e.jti ? shortJti(e.jti) : '',
    e.token ?? '',
    e.ip ?? '',
    e.place_change ? paint(color.yellow.bold, `→ ${placeText(e.geo)}`) : placeText(e.geo),
    e.ua_family ?? e.ua ?? '',
    apiText(e.aud),
    e.outcome === 'failure' ? paint(color.red, e.outcome) : (e.outcome ?? ''),
    e.note ?? '',
    new Styled(marks(e, byId).map((f) => paint(SEVERITY_PAINT[f.severity](color), `[${f.severity} ${f.check}]`).text).join(' ')),
  ]);
  const title = color.bold(`Timeline of ${stripControlInline(describeQuery(t.query))}: ${t.events.length} line(s)`);
  // findings cells hold several marks: a wider cap than the rest
  return `${title}\n${renderTable(COLUMNS, rows, { maxCell: 90 })}${legend(t)}${findingsBlock(t, color)}`;
}

function findingsBlock(t: Timeline, color: ChalkInstance): string {
  if (t.checks_run === false) return `\n${NO_CHECKS}\n`;
  const hidden = hiddenLine(t);
  const tail = hidden ? `${hidden}\n` : '';
  if (t.findings.length === 0) return `\n${noFindingsLine(t)}\n${tail}`;
  const lines = t.findings.map(
    (f) => `  ${SEVERITY_PAINT[f.severity](color)(f.severity)} ${f.check} ${stripControlInline(f.title)}${f.token ? ` (token ${f.token})` : ''}  ${f.id}`,
  );
  return `\n${color.bold(`Findings touching this timeline: ${t.findings.length}`)}\n${lines.join('\n')}\n${tail}`;
}

const noFindingsLine = (t: Timeline): string =>
  t.hidden && t.hidden.count > 0 ? `No findings at or above ${t.hidden.below} touch this timeline.` : 'No findings touch this timeline.';

export function renderTimelineMarkdown(t: Timeline): string {
  const head = `# Timeline: ${escapeMarkdown(stripControlInline(describeQuery(t.query)))}\n\n`;
  const notice = t.checks_run === false ? `${escapeMarkdown(NO_CHECKS)}\n` : '';
  if (t.events.length === 0) return `${head}${escapeMarkdown(stripControlInline(noEventsLine(t)))}\n\n${notice}${findingsMarkdown(t)}`;
  const byId = new Map(t.findings.map((f) => [f.id, f]));
  const rows = t.events.map((e) => [
    e.ts, gapText(e.gap_seconds), eventLabel(e), e.jti ?? '', e.token ?? '', e.ip ?? '',
    e.place_change ? `→ ${placeText(e.geo)}` : placeText(e.geo), e.ua_family ?? e.ua ?? '', e.aud ?? '', e.outcome ?? '', e.note ?? '',
    marks(e, byId).map((f) => `[${f.severity} ${f.check}]`).join(' '),
  ]);
  return `${head}${toMarkdownTable(HEAD, rows)}${legend(t) ? `\n${legend(t)}` : ''}\n${notice}${findingsMarkdown(t)}`;
}

function findingsMarkdown(t: Timeline): string {
  if (t.checks_run === false) return '';
  const hidden = hiddenLine(t);
  const tail = hidden ? `\n${escapeMarkdown(hidden)}\n` : '';
  if (t.findings.length === 0) return `${escapeMarkdown(noFindingsLine(t))}\n${tail}`;
  const items = t.findings.map((f) => `- **${f.severity}** \`${f.check}\`: ${escapeMarkdown(stripControlInline(f.title))}${f.token ? ` (token ${f.token})` : ''}`);
  return `## Findings\n\n${items.join('\n')}\n${tail}`;
}

/** The findings to mark on a line: one per check, the most severe (finding_ids follow the findings' order). */
export function marks(e: TimelineEvent, byId: ReadonlyMap<string, Finding>): Finding[] {
  const byCheck = new Map<string, Finding>();
  for (const id of e.finding_ids) {
    const f = byId.get(id);
    if (f && !byCheck.has(f.check)) byCheck.set(f.check, f);
  }
  return [...byCheck.values()];
}

const legend = (t: Timeline): string => (t.events.some((e) => e.place_change) ? '→ marks a place change.\n' : '');

function eventLabel(e: TimelineEvent): string {
  if (e.kind === 'event') return e.event ?? '';
  if (e.kind === 'key') return `key ${e.event ?? ''}`;
  return e.kind;
}

/** The API without its scheme: the host and path are what tell two APIs apart. */
const apiText = (aud: string | null): string => (aud ?? '').replace(/^https?:\/\//i, '');

function placeText(g: TimelineGeo | null): string {
  if (!g) return '';
  const named = [g.city, g.country].filter(Boolean).join(', ');
  if (named) return named;
  return g.lat !== null && g.lon !== null ? `${g.lat.toFixed(2)}, ${g.lon.toFixed(2)}` : '';
}

/** "+40s", "+14m10s", "+2h03m", "+3d04h": the time since the previous line at a glance. */
export function gapText(seconds: number | null): string {
  if (seconds === null) return '';
  const s = Math.round(seconds);
  if (s < 60) return `+${s}s`;
  if (s < 3600) return `+${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `+${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `+${Math.floor(s / 86400)}d${pad(Math.floor((s % 86400) / 3600))}h`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
