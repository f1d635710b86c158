// The chart's key strip: one row per signing key with rotation records, on the chart's time axis but below it and
// apart from the incident rows. A key's life (its first created/activated record to its first retired/revoked one)
// is a bar clipped to the window; a life that goes on past an edge gets a chevron there and the real date beside
// it, so a key created a year before the incident is shown without squeezing the incident. Records inside the
// window are squares with their action, actor and reason as a tooltip.
import { severityRank, type Finding } from '../findings/finding.js';
import { chartTime as ts, type ChartWindow } from './chart-window.js';
import { html, type SafeHtml } from './html-escape.js';
import { safeSeverity } from './html-format.js';
import { lifeSpan, type KeyLifecycle, type KeyRecord } from './key-lifecycle.js';

export interface Geometry {
  w: ChartWindow;
  x: (t: number) => number;
  X0: number;
  X1: number;
  LABEL_X: number;
  W: number;
  /** the axis ticks, for the strip's grid lines */
  ticks: readonly number[];
}

/** Keys drawn; the rest are counted. Keys named by findings come first. */
export const MAX_KEY_ROWS = 10;
const ROW_H = 26;
const HEAD = 24;
/** The record actions we draw in their own colour (a CSS class): anything else is `other`. */
const ACTIONS = new Set(['created', 'activated', 'retired', 'revoked', 'compromised']);

const fmt = (n: number): string => n.toFixed(1);
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const short = (r: KeyRecord): string => `${cut(r.action, 14)} ${r.ts}`;

interface Timed {
  r: KeyRecord;
  t: number;
}

/** The keys to draw: those the findings name (most severe first), then the others, each group by first record. */
export function keyRows(keys: readonly KeyLifecycle[], findings: readonly Finding[]): KeyLifecycle[] {
  const rank = new Map<string, number>();
  for (const f of findings) {
    if (typeof f.kid !== 'string') continue;
    const r = severityRank(safeSeverity(f.severity));
    rank.set(f.kid, Math.min(rank.get(f.kid) ?? r, r));
  }
  const order = keys.map((k, i) => ({ k, i, r: rank.get(k.kid) ?? Infinity }));
  return order.sort((a, b) => a.r - b.r || a.i - b.i).map((o) => o.k);
}

export function renderKeyStrip(keys: readonly KeyLifecycle[], findings: readonly Finding[], g: Geometry, top: number):
  { svg: SafeHtml; bottom: number; count: number } {
  const shown = keyRows(keys, findings).slice(0, MAX_KEY_ROWS);
  const more = keys.length - shown.length;
  const rowsTop = top + HEAD;
  const lines = shown.length + (more > 0 || shown.length === 0 ? 1 : 0);
  const bottom = rowsTop + lines * ROW_H + 6;
  const grid = g.ticks.map((t) => html`<line class="grid" x1="${fmt(g.x(t))}" y1="${rowsTop}" x2="${fmt(g.x(t))}" y2="${rowsTop + lines * ROW_H}"/>`);
  const rows = shown.map((k, i) => keyRow(k, i, rowsTop + i * ROW_H, g));
  const note = shown.length === 0
    ? html`<text class="empty" x="${g.X0 + 4}" y="${rowsTop + 17}">No key rotation records in the store.</text>`
    : more > 0 ? html`<text class="key-note" x="${g.X0 + 4}" y="${rowsTop + shown.length * ROW_H + 17}">… and ${more} more key${more === 1 ? '' : 's'} with rotation records (query key_events)</text>` : null;
  const svg = html`<g class="keys"><line class="strip-rule" x1="0" y1="${top + 2}" x2="${g.W}" y2="${top + 2}"/><text class="strip-title" x="${g.LABEL_X}" y="${top + 17}" text-anchor="end">keys (rotation records)</text><rect class="key-strip" x="${g.X0}" y="${rowsTop}" width="${g.X1 - g.X0}" height="${lines * ROW_H}"/>${grid}${rows}${note}</g>`;
  return { svg, bottom, count: shown.length + more };
}

function keyRow(k: KeyLifecycle, i: number, y: number, g: Geometry): SafeHtml {
  const { w, x } = g;
  const cy = y + 17;
  const timed = k.records.flatMap((r): Timed[] => {
    const t = ts(r.ts);
    return t === null ? [] : [{ r, t }];
  }).sort((a, b) => a.t - b.t);
  const life = lifeSpan(k.records, ts);
  const before = timed.filter((d) => d.t < w.lo);
  const inside = timed.filter((d) => d.t >= w.lo && d.t <= w.hi);
  const after = timed.filter((d) => d.t > w.hi);
  const tip = k.records.map(recordText).join('; ');
  const label = html`<text class="label key-kid" x="${g.LABEL_X}" y="${cy + 4}" text-anchor="end"><title>key ${k.kid}: ${tip}</title>${cut(k.kid, 31)}</text>`;
  const parts: SafeHtml[] = [];
  if (life) {
    const end = life.end ?? Infinity;
    if (end >= w.lo && life.start <= w.hi) {
      const x1 = x(Math.max(life.start, w.lo));
      const x2 = x(Math.min(end, w.hi));
      parts.push(html`<line class="life" x1="${fmt(x1)}" y1="${cy}" x2="${fmt(x2)}" y2="${cy}"/>`);
      if (life.start < w.lo) parts.push(chevron(g.X0 + 1, cy, 'left'));
      if (end > w.hi) parts.push(chevron(g.X1 - 1, cy, 'right'));
    } else {
      parts.push(end < w.lo ? chevron(g.X0 + 1, cy, 'left') : chevron(g.X1 - 1, cy, 'right'));
    }
  }
  const openEnded = life !== null && life.end === null && life.start <= w.hi;
  const both = before.length > 0 && (after.length > 0 || openEnded);
  if (before.length > 0) parts.push(html`<text class="key-note before" x="${g.X0 + 10}" y="${cy - 5}">${`← ${edgeText(before, both)}`}</text>`);
  const right = after.length > 0 ? edgeText(after, both) : openEnded ? 'no retired/revoked record' : null;
  if (right) parts.push(html`<text class="key-note after" x="${g.X1 - 10}" y="${cy - 5}" text-anchor="end">${`${right} →`}</text>`);
  for (const d of inside) {
    const cls = ACTIONS.has(d.r.action) ? d.r.action : 'other';
    parts.push(html`<rect class="krec k-${cls}" x="${fmt(x(d.t) - 4)}" y="${cy - 4}" width="8" height="8"><title>key ${k.kid} ${recordText(d.r)}</title></rect>`);
  }
  return html`<g class="key-row"><rect class="${i % 2 ? 'kstripe odd' : 'kstripe'}" x="0" y="${y}" width="${g.X0 - 2}" height="${ROW_H}"/>${label}${parts}</g>`;
}

/** `compromised 2026-03-14T15:00:00Z by secops: leaked in a CI log` (escaped by the caller, as every value). */
function recordText(r: KeyRecord): string {
  return `${r.action} ${r.ts}${r.actor ? ` by ${r.actor}` : ''}${r.reason ? `: ${r.reason}` : ''}`;
}

/**
 * The records beyond one edge, as text: the earliest (a life's start on the left, the next record on the right), and
 * the latest too when this edge has the row to itself; `crowded`: the other edge has a note as well.
 */
function edgeText(records: readonly Timed[], crowded: boolean): string {
  const first = records[0]!.r;
  const last = records.at(-1)!.r;
  if (records.length === 1) return short(first);
  return crowded ? `${short(first)} (+${records.length - 1} more)` : `${short(first)} … ${short(last)}`;
}

function chevron(tip: number, cy: number, dir: 'left' | 'right'): SafeHtml {
  const back = dir === 'left' ? tip + 6 : tip - 6;
  return html`<line class="arrow" x1="${back}" y1="${cy - 5}" x2="${tip}" y2="${cy}"/><line class="arrow" x1="${tip}" y1="${cy}" x2="${back}" y2="${cy + 5}"/>`;
}
