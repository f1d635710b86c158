// The incident timeline chart: inline SVG, no script. x = time (UTC) from the first to the last thing seen; one row
// per finding (per check when there are many), then one row per timeline. Colours come from CSS classes keyed by
// severity, never from input; every label and tooltip goes through the escaping `html` tag.
import { SEVERITIES, severityRank, type Finding, type Severity } from '../findings/finding.js';
import type { Timeline } from '../timeline/types.js';
import { html, joinHtml, type SafeHtml } from './html-escape.js';
import { formatUtc, parseTs, safeSeverity, timelineLabel } from './html-format.js';

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

const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
  604800, 1209600, 2592000, 7776000, 31536000].map((s) => s * 1000);

const KINDS: Mark['kind'][] = ['first', 'last', 'event', 'point'];
const parsed = new Map<string, number | null>();

/** parseTs, remembered for the render (event refs repeat the same few timestamps many times). */
function ts(value: string | null): number | null {
  if (value === null || typeof value !== 'string') return null;
  let t = parsed.get(value);
  if (t === undefined) {
    t = parseTs(value);
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(value, t);
  }
  return t;
}

function findingMarks(f: Finding): Mark[] {
  const sev = safeSeverity(f.severity);
  const marks: Mark[] = [];
  for (const e of f.events) {
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

function ticks(min: number, max: number): { step: number; at: number[] } {
  const span = max - min;
  const step = STEPS.find((s) => span / s <= 8) ?? span / 6;
  const at: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) at.push(t);
  return { step, at };
}

const fmt = (n: number): string => n.toFixed(1);

/** [min, max] without spreading (a big report has more marks than a call takes arguments). */
function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function renderChart(report: { findings: readonly Finding[] }, timelines: readonly Timeline[],
  anchors: ReadonlyMap<Finding, string>): SafeHtml {
  const sevOf = new Map<string, Severity>();
  for (const f of [...report.findings, ...timelines.flatMap((t) => t.findings)]) sevOf.set(f.id, safeSeverity(f.severity));
  const rows = [...findingRows(report.findings, anchors), ...timelineRows(timelines, sevOf)];
  const times = rows.flatMap((r) => r.marks.map((m) => m.t));
  if (times.length === 0) {
    return html`<svg class="chart" viewBox="0 0 ${W} 40" width="100%" role="img" aria-label="incident timeline (empty)"><text class="empty" x="${W / 2}" y="24" text-anchor="middle">No timestamps to chart.</text></svg>`;
  }
  let [min, max] = extent(times);
  if (max - min < 60_000) { min -= 30_000; max += 30_000; }
  const pad = (max - min) * 0.02;
  const lo = min - pad;
  const hi = max + pad;
  const x = (t: number): number => X0 + ((t - lo) / (hi - lo)) * (X1 - X0);
  const height = TOP + rows.length * ROW_H + AXIS_H;
  const axisY = TOP + rows.length * ROW_H;
  const { step, at } = ticks(lo, hi);

  const grid = at.map((t) => {
    const [day, time] = formatUtc(t, step < 60_000);
    return html`<line class="grid" x1="${fmt(x(t))}" y1="${TOP}" x2="${fmt(x(t))}" y2="${axisY + 4}"/><text class="tick" x="${fmt(x(t))}" y="${axisY + 17}" text-anchor="middle">${day}</text><text class="tick" x="${fmt(x(t))}" y="${axisY + 30}" text-anchor="middle">${time}</text>`;
  });

  const body = rows.map((r, i) => {
    const cy = TOP + i * ROW_H + ROW_H / 2;
    const sev = r.severity ?? 'none';
    const [from, to] = extent(r.marks.map((m) => m.t));
    const span = r.marks.length > 0 ? html`<line class="span s-${sev}" x1="${fmt(x(from))}" y1="${cy}" x2="${fmt(x(to))}" y2="${cy}"/>` : null;
    // one mark per pixel, kind and colour: a big report draws as fast as a small one and looks the same
    const seen = new Set<number>();
    const visible = r.marks.filter((m) => {
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
    return html`<g class="row"><rect class="${i % 2 ? 'stripe odd' : 'stripe'}" x="0" y="${TOP + i * ROW_H}" width="${W}" height="${ROW_H}"/><rect class="chip-${sev}" x="${LABEL_X + 4}" y="${cy - 5}" width="8" height="10"/>${linked}${span}${marks}</g>`;
  });

  const legend = SEVERITIES.filter((s) => rows.some((r) => r.severity === s || r.marks.some((m) => m.severity === s)));
  const aria = `incident timeline from ${formatUtc(min, true).join(' ')} to ${formatUtc(max, true).join(' ')} UTC, ${rows.length} rows`;
  return html`<svg class="chart" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${aria}">
<g class="rows">${body}</g>
<g class="axis">${grid}<line class="axis-line" x1="${X0}" y1="${axisY}" x2="${X1}" y2="${axisY}"/><text class="tick" x="${LABEL_X}" y="${axisY + 24}" text-anchor="end">time (UTC)</text></g>
</svg>
<p class="legend"><span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><circle class="first m-none" cx="7" cy="7" r="5"/></svg> first seen</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><circle class="last m-none" cx="7" cy="7" r="5"/></svg> last seen</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><line class="ev m-none" x1="7" y1="1" x2="7" y2="13"/></svg> event</span> <span class="key"><svg viewBox="0 0 14 14" width="14" height="14"><circle class="pt m-none" cx="7" cy="7" r="3.5"/></svg> timeline event</span> ${joinHtml(legend.map((s) => html`<span class="chip sev-${s}">${s}</span>`), ' ')}</p>`;
}
