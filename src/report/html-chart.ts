// The incident timeline chart: inline SVG, no script. x = time (UTC) over the incident window (chart-window.ts: the
// findings' first to last seen, with a margin), not the whole history: one row per finding (per check when there
// are many), then one row per timeline; what lies outside the window is an arrow at the edge with its count and
// dates, never a squeezed axis. Below the axis, a strip of the keys' lifecycles from the rotation records
// (html-chart-keys.ts), clipped to the same window. Colours come from CSS classes keyed by severity, never from
// input; every label and tooltip goes through the escaping `html` tag. Only rect, line, circle, text and title.
import { SEVERITIES, severityRank, type Finding, type Severity } from '../findings/finding.js';
import type { Timeline } from '../timeline/types.js';
import { chooseTicks, tickLabel } from './chart-ticks.js';
import { chartTime as ts, chartWindow, extent, placement, windowTimes, type ChartWindow } from './chart-window.js';
import { renderKeyStrip, type Geometry } from './html-chart-keys.js';
import { html, joinHtml, type SafeHtml } from './html-escape.js';
import { safeSeverity, timelineLabel } from './html-format.js';
import type { KeyLifecycle } from './key-lifecycle.js';

/** Above this many findings the chart draws one row per check. */
const MAX_FINDING_ROWS = 40;
const MAX_TIMELINE_ROWS = 12;
const W = 1000;
const LABEL_X = 236;
const X0 = 250;
const X1 = 980;
const ROW_H = 22;
const TOP = 6;
const AXIS_H = 46;
/** Tick labels (10 characters of 11px monospace, about 67 units) keep at least this gap, also when one at an edge is
 * anchored at its start or end (tickAnchor). */
const MIN_TICK_GAP = 104;
/** Half a tick label, generously. */
const HALF_LABEL = 36;

interface Mark {
  t: number;
  kind: 'first' | 'last' | 'event' | 'point';
  severity: Severity | null;
  /** built only for the marks drawn */
  tip: () => string;
}

interface Row {
  label: string;
  tip: string;
  severity: Severity | null;
  anchor: string | null;
  marks: Mark[];
}

const KINDS: Mark['kind'][] = ['first', 'last', 'event', 'point'];

function findingMarks(f: Finding): Mark[] {
  const sev = safeSeverity(f.severity);
  const marks: Mark[] = [];
  for (const e of Array.isArray(f.events) ? f.events : []) {
    const t = ts(e.ts);
    if (t !== null) marks.push({ t, kind: 'event', severity: sev, tip: () => `${e.source}:${e.line} @ ${e.ts}` });
  }
  const first = ts(f.first_seen);
  const last = ts(f.last_seen);
  if (first !== null) marks.push({ t: first, kind: 'first', severity: sev, tip: () => `first seen ${f.first_seen}` });
  if (last !== null) marks.push({ t: last, kind: 'last', severity: sev, tip: () => `last seen ${f.last_seen}` });
  return marks;
}

function findingRows(findings: readonly Finding[], anchors: ReadonlyMap<Finding, string>): Row[] {
  if (findings.length <= MAX_FINDING_ROWS) {
    return findings.map((f) => ({
      label: `${f.check} ${f.token ?? f.kid ?? f.sub ?? ''}`.trim(),
      tip: `${safeSeverity(f.severity)}: ${f.title}`,
      severity: safeSeverity(f.severity),
      anchor: anchors.get(f) ?? null,
      marks: findingMarks(f),
    }));
  }
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byCheck.get(f.check);
    if (list) list.push(f);
    else byCheck.set(f.check, [f]);
  }
  return [...byCheck].map(([check, fs]) => {
    const worst = fs.map((f) => safeSeverity(f.severity)).sort((a, b) => severityRank(a) - severityRank(b))[0]!;
    return { label: `${check} (${fs.length})`, tip: `${check}: ${fs.length} findings, worst ${worst}`, severity: worst,
      anchor: anchors.get(fs[0]!) ?? null, marks: fs.flatMap(findingMarks) };
  });
}

function timelineRows(timelines: readonly Timeline[], sevOf: ReadonlyMap<string, Severity>): Row[] {
  return timelines.slice(0, MAX_TIMELINE_ROWS).map((tl, i) => ({
    label: `timeline ${timelineLabel(tl.query)}`,
    tip: `timeline ${i + 1}: ${timelineLabel(tl.query)}`,
    severity: null,
    anchor: `t-${i + 1}`,
    marks: tl.events.flatMap((e): Mark[] => {
      const t = ts(e.ts);
      if (t === null) return [];
      const sevs = e.finding_ids.map((id) => sevOf.get(id)).filter((s): s is Severity => s !== undefined);
      const severity = sevs.sort((a, b) => severityRank(a) - severityRank(b))[0] ?? null;
      return [{ t, kind: 'point', severity, tip: () => `${e.ts} ${e.event ?? e.kind}${e.ip ? ` from ${e.ip}` : ''}${e.note ? `: ${e.note}` : ''}` }];
    }),
  }));
}

const fmt = (n: number): string => n.toFixed(1);
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const iso = (t: number): string => `${new Date(t).toISOString().slice(0, 19)}Z`;

/** The window's times: the findings'; else (no finding has a time) everything the chart would draw. */
function windowOf(findings: readonly Finding[], rows: readonly Row[], keys: readonly KeyLifecycle[]): ChartWindow | null {
  const times = windowTimes(findings.map((f) => ({
    first: ts(f.first_seen), last: ts(f.last_seen),
    events: (Array.isArray(f.events) ? f.events : []).map((e) => ts(e.ts)).filter((t): t is number => t !== null),
  })));
  const rest = [...rows.flatMap((r) => r.marks.map((m) => m.t)),
    ...keys.flatMap((k) => k.records.map((r) => ts(r.ts)).filter((t): t is number => t !== null))];
  return chartWindow(times, rest);
}

/**
 * The chart. `keys`: the keys' rotation records (key-lifecycle.ts) for the key strip; undefined draws no strip
 * (a caller that did not load them), [] says there are none.
 */
export function renderChart(report: { findings: readonly Finding[] }, timelines: readonly Timeline[],
  anchors: ReadonlyMap<Finding, string>, keys?: readonly KeyLifecycle[]): SafeHtml {
  const sevOf = new Map<string, Severity>();
  for (const f of [...report.findings, ...timelines.flatMap((t) => t.findings)]) sevOf.set(f.id, safeSeverity(f.severity));
  const rows = [...findingRows(report.findings, anchors), ...timelineRows(timelines, sevOf)];
  const w = windowOf(report.findings, rows, keys ?? []);
  if (w === null) {
    return html`<svg class="chart" viewBox="0 0 ${W} 40" width="100%" role="img" aria-label="incident timeline (empty)"><text class="empty" x="${W / 2}" y="24" text-anchor="middle">No timestamps to chart.</text></svg>`;
  }
  const x = (t: number): number => X0 + ((t - w.lo) / (w.hi - w.lo)) * (X1 - X0);
  const axisY = TOP + rows.length * ROW_H;
  const { at } = chooseTicks(w.lo, w.hi, X1 - X0, MIN_TICK_GAP);
  const geometry: Geometry = { w, x, X0, X1, LABEL_X, W, ticks: at };
  const strip = keys === undefined ? null : renderKeyStrip(keys, report.findings, geometry, axisY + AXIS_H);
  const height = strip ? strip.bottom : axisY + AXIS_H;

  const grid = at.map((t) => html`<line class="grid" x1="${fmt(x(t))}" y1="${TOP}" x2="${fmt(x(t))}" y2="${axisY + 4}"/>`);
  const labels = at.map((t) => {
    const [day, time] = tickLabel(t);
    const [lx, anchor] = tickAnchor(x(t));
    return html`<text class="tick tick-day" x="${fmt(lx)}" y="${axisY + 17}" text-anchor="${anchor}">${day}</text><text class="tick tick-time" x="${fmt(lx)}" y="${axisY + 30}" text-anchor="${anchor}">${time}</text>`;
  });
  const body = rows.map((r, i) => rowHtml(r, i, w, x));
  const legend = SEVERITIES.filter((s) => rows.some((r) => r.severity === s || r.marks.some((m) => m.severity === s)));
  const aria = `incident timeline from ${iso(w.lo)} to ${iso(w.hi)}, ${rows.length} rows${strip ? `, ${strip.count} keys` : ''}`;
  return html`<svg class="chart" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${aria}">
<g class="rows">${body}</g>
<g class="axis">${grid}${labels}<line class="axis-line" x1="${X0}" y1="${axisY}" x2="${X1}" y2="${axisY}"/><text class="tick" x="${LABEL_X}" y="${axisY + 24}" text-anchor="end">time (UTC)</text></g>
${strip?.svg ?? null}
</svg>
<p class="legend"><span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><circle class="first m-none" cx="7" cy="7" r="5"/></svg> first seen</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><circle class="last m-none" cx="7" cy="7" r="5"/></svg> last seen</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><line class="ev m-none" x1="7" y1="1" x2="7" y2="13"/></svg> event</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><circle class="pt m-none" cx="7" cy="7" r="3.5"/></svg> timeline event</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><line class="edge" x1="10" y1="2" x2="3" y2="7"/><line class="edge" x1="3" y1="7" x2="10" y2="12"/></svg> more outside the window</span>${strip ? html` <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><line class="life" x1="1" y1="7" x2="13" y2="7"/></svg> key in use (rotation records)</span>` : null} ${joinHtml(legend.map((s) => html`<span class="chip sev-${s}">${s}</span>`), ' ')}</p>`;
}

/** A label centred on its tick, but kept off the row labels (left) and inside the picture (right). */
function tickAnchor(at: number): [number, 'start' | 'middle' | 'end'] {
  if (at - HALF_LABEL < X0 - 10) return [at - 3, 'start'];
  if (at + HALF_LABEL > W) return [at + 3, 'end'];
  return [at, 'middle'];
}

function rowHtml(r: Row, i: number, w: ChartWindow, x: (t: number) => number): SafeHtml {
  const cy = TOP + i * ROW_H + ROW_H / 2;
  const sev = r.severity ?? 'none';
  const inside = r.marks.filter((m) => placement(m.t, w) === 'inside');
  const before = r.marks.filter((m) => placement(m.t, w) === 'before');
  const after = r.marks.filter((m) => placement(m.t, w) === 'after');
  const [from, to] = extent(r.marks.map((m) => m.t));
  const span = r.marks.length > 0 && to >= w.lo && from <= w.hi
    ? html`<line class="span s-${sev}" x1="${fmt(x(Math.max(from, w.lo)))}" y1="${cy}" x2="${fmt(x(Math.min(to, w.hi)))}" y2="${cy}"/>`
    : null;
  // one mark per pixel, kind and colour: a big report draws as fast as a small one and looks the same
  const seen = new Set<number>();
  const visible = inside.filter((m) => {
    const key = (Math.round(x(m.t)) * 4 + KINDS.indexOf(m.kind)) * 8 + (m.severity ? severityRank(m.severity) : 7);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const marks = visible.map((m) => {
    const cls = `m-${m.severity ?? 'none'}`;
    const tip = html`<title>${m.tip()}</title>`;
    if (m.kind === 'event') return html`<line class="ev ${cls}" x1="${fmt(x(m.t))}" y1="${cy - 6}" x2="${fmt(x(m.t))}" y2="${cy + 6}">${tip}</line>`;
    if (m.kind === 'point') return html`<circle class="pt ${cls}" cx="${fmt(x(m.t))}" cy="${cy}" r="3.5">${tip}</circle>`;
    return html`<circle class="${m.kind} ${cls}" cx="${fmt(x(m.t))}" cy="${cy}" r="5">${tip}</circle>`;
  });
  const label = html`<text class="label" x="${LABEL_X}" y="${cy + 4}" text-anchor="end"><title>${r.tip}</title>${cut(r.label, 31)}</text>`;
  const linked = r.anchor ? html`<a href="#${r.anchor}">${label}</a>` : label;
  return html`<g class="row"><rect class="${i % 2 ? 'stripe odd' : 'stripe'}" x="0" y="${TOP + i * ROW_H}" width="${W}" height="${ROW_H}"/><rect class="chip-${sev}" x="${LABEL_X + 4}" y="${cy - 5}" width="8" height="10"/>${linked}${span}${marks}${edgeMark(before, 'before', cy)}${edgeMark(after, 'after', cy)}</g>`;
}

/** Marks outside the window: a chevron at the plot's edge, the count beside it, their dates in the tooltip. */
function edgeMark(marks: readonly Mark[], side: 'before' | 'after', cy: number): SafeHtml | null {
  if (marks.length === 0) return null;
  const [lo, hi] = extent(marks.map((m) => m.t));
  const what = `${marks.length} mark${marks.length === 1 ? '' : 's'} ${side} the window`;
  const tip = html`<title>${what}: ${lo === hi ? iso(lo) : `${iso(lo)} to ${iso(hi)}`}</title>`;
  const [tip0, back, text, anchor] = side === 'before' ? [X0 + 1, X0 + 7, X0 + 10, 'start'] : [X1 - 1, X1 - 7, X1 - 10, 'end'];
  return html`<g class="edge-mark ${side}">${tip}<line class="edge" x1="${back}" y1="${cy - 5}" x2="${tip0}" y2="${cy}"/><line class="edge" x1="${tip0}" y1="${cy}" x2="${back}" y2="${cy + 5}"/><text class="edge-count" x="${text}" y="${cy + 3.5}" text-anchor="${anchor}">${marks.length}</text></g>`;
}
