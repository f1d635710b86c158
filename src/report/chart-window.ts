// The time window the HTML report's chart spans: the incident, not the whole history. The findings' first and last
// seen (or, for a finding without them, its events) set it; a margin each side keeps the first and last marks off
// the frame, and a minimum width keeps a one-minute incident readable. Whatever lies outside (a key created a year
// before, an event reference to an old rotation record) is drawn at the edge by the chart, never squeezed in.
import { parseTs } from './html-format.js';

/** Each side: this share of the findings' span, but never less than MIN_MARGIN_MS. */
export const MARGIN_FRACTION = 0.05;
export const MIN_MARGIN_MS = 2 * 60_000;
/** A window narrower than this (findings within a few minutes, or a single instant) is widened around its middle. */
export const MIN_SPAN_MS = 10 * 60_000;
/** The range a JS Date holds: a hostile timestamp near it must not push a tick past it (toISOString would throw). */
export const DATE_MIN = -8.64e15;
export const DATE_MAX = 8.64e15;

export interface ChartWindow {
  /** the earliest and latest time that set the window (before the margin) */
  from: number;
  to: number;
  /** the chart's x axis: [lo, hi], margin included, lo < hi */
  lo: number;
  hi: number;
}

export type Placement = 'before' | 'inside' | 'after';

/** What sets the window for one finding: its first and last seen, or else its events' times. */
export interface WindowSource {
  first: number | null;
  last: number | null;
  events: readonly number[];
}

/** The times that set the window: every finding's first/last seen, and the events of those that have neither. */
export function windowTimes(findings: readonly WindowSource[]): number[] {
  const out: number[] = [];
  for (const f of findings) {
    const own = [f.first, f.last].filter((t): t is number => t !== null && Number.isFinite(t));
    if (own.length > 0) out.push(...own);
    else for (const t of f.events) if (Number.isFinite(t)) out.push(t);
  }
  return out;
}

/**
 * The window over `times` (the findings'), or over `fallback` (every other time the chart has: timelines, key
 * records) when the findings have none; null when neither has any.
 */
export function chartWindow(times: readonly number[], fallback: readonly number[] = []): ChartWindow | null {
  const [from, to] = extent(times.length > 0 ? times : fallback);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  let lo = from;
  let hi = to;
  if (hi - lo < MIN_SPAN_MS - 2 * MIN_MARGIN_MS) {
    const mid = lo + (hi - lo) / 2;
    lo = mid - (MIN_SPAN_MS / 2 - MIN_MARGIN_MS);
    hi = mid + (MIN_SPAN_MS / 2 - MIN_MARGIN_MS);
  }
  const margin = Math.max((hi - lo) * MARGIN_FRACTION, MIN_MARGIN_MS);
  lo = Math.max(DATE_MIN, lo - margin);
  hi = Math.min(DATE_MAX, hi + margin);
  if (hi <= lo) hi = Math.min(DATE_MAX, lo + MIN_SPAN_MS);
  if (hi <= lo) lo = hi - MIN_SPAN_MS;
  return { from, to, lo, hi };
}

export function placement(t: number, w: ChartWindow): Placement {
  return t < w.lo ? 'before' : t > w.hi ? 'after' : 'inside';
}

/** [min, max] without spreading (a big report has more marks than a call takes arguments); [Infinity, -Infinity] when empty. */
export function extent(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

const parsed = new Map<string, number | null>();

/**
 * parseTs for the chart, remembered for the render (event refs repeat the same few timestamps many times), and
 * null for a time a Date cannot print (a hostile `+275760-…` parses, but a label past it would throw).
 */
export function chartTime(value: string | null | undefined): number | null {
  if (typeof value !== 'string') return null;
  let t = parsed.get(value);
  if (t === undefined) {
    const p = parseTs(value);
    t = p !== null && p >= DATE_MIN && p <= DATE_MAX ? p : null;
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(value, t);
  }
  return t;
}
