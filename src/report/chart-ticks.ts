// Axis ticks for the HTML report's chart: round UTC times (seconds, minutes, hours, days, Monday-started weeks,
// the 1st and 16th of each month, calendar months and years), the finest step whose labels keep a minimum gap on the axis. Labels are ISO-8601 UTC
// with `Z`, split in two lines (date, then `Thh:mm:ssZ`) so that more of them fit side by side.

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;
const W = 7 * D;
const AVG_MONTH = 30.436875 * D;
/** 1970-01-01 was a Thursday: weeks start on the Monday four days later. */
const MONDAY = 4 * D;

/** A tick step: a fixed length (up to a week), half months (the 1st and the 16th), or calendar months (a year is 12). */
export type TickStep = { ms: number } | { halfMonths: true } | { months: number };

const FIXED = [1, 2, 5, 10, 15, 30].map((n) => n * S)
  .concat([1, 2, 5, 10, 15, 30].map((n) => n * MIN))
  .concat([1, 2, 3, 6, 12].map((n) => n * H))
  .concat([D, 2 * D, W]);
const YEARS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];
export const TICK_STEPS: readonly TickStep[] = [
  ...FIXED.map((ms) => ({ ms })),
  { halfMonths: true },
  ...[1, 2, 3, 6].map((months) => ({ months })),
  ...YEARS.map((y) => ({ months: 12 * y })),
];

/** A step's nominal length, for estimates only. */
export function stepLength(step: TickStep): number {
  return 'ms' in step ? step.ms : 'halfMonths' in step ? AVG_MONTH / 2 : step.months * AVG_MONTH;
}

/** Past this many candidate ticks a step is not even computed: it could never keep the gap. */
const MAX_COMPUTED = 400;

/** The ticks of one step in [lo, hi], or null when there would be more than `limit`. */
export function ticksOf(lo: number, hi: number, step: TickStep, limit = MAX_COMPUTED): number[] | null {
  if (!(hi >= lo) || (hi - lo) / stepLength(step) > limit * 1.2 + 2) return null;
  const at: number[] = [];
  if ('ms' in step) {
    const offset = step.ms === W ? MONDAY : 0;
    for (let t = Math.ceil((lo - offset) / step.ms) * step.ms + offset; t <= hi; t += step.ms) {
      if (at.push(t) > limit) return null;
    }
    return at;
  }
  if ('halfMonths' in step) {
    for (let idx = monthIndex(lo); monthStart(idx) <= hi; idx++) {
      for (const t of [monthStart(idx), monthStart(idx) + 15 * D]) if (t >= lo && t <= hi && at.push(t) > limit) return null;
    }
    return at;
  }
  const first = monthIndex(lo);
  let idx = Math.ceil(first / step.months) * step.months;
  if (monthStart(idx) < lo) idx += step.months;
  for (let t = monthStart(idx); t <= hi; idx += step.months, t = monthStart(idx)) {
    if (at.push(t) > limit) return null;
  }
  return at;
}

export interface Ticks {
  step: TickStep;
  at: number[];
}

/**
 * The finest step whose ticks, on an axis `width` units wide spanning [lo, hi], are at least `minGap` units apart;
 * the coarsest step when none is (a span of a million years).
 */
export function chooseTicks(lo: number, hi: number, width: number, minGap: number): Ticks {
  const scale = width / Math.max(hi - lo, 1);
  for (const step of TICK_STEPS) {
    if (stepLength(step) * scale < minGap * 0.9) continue;
    const at = ticksOf(lo, hi, step);
    if (at && minGapOf(at) * scale >= minGap) return { step, at };
  }
  const step = TICK_STEPS.at(-1)!;
  const at = ticksOf(lo, hi, step) ?? [];
  return { step, at: at.length > 1 && minGapOf(at) * scale < minGap ? [at[0]!] : at };
}

/** ['2026-03-14', 'T11:05:00Z']: together, the ISO-8601 UTC time of the tick. */
export function tickLabel(t: number): [string, string] {
  const iso = new Date(t).toISOString();
  const at = iso.indexOf('T');
  return [iso.slice(0, at), `${iso.slice(at, at + 9)}Z`];
}

function minGapOf(at: readonly number[]): number {
  let gap = Infinity;
  for (let i = 1; i < at.length; i++) gap = Math.min(gap, at[i]! - at[i - 1]!);
  return gap;
}

/** Months since year 0, January (UTC) of the month holding t. */
function monthIndex(t: number): number {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

/** The first instant of month `idx` (as monthIndex counts them); Date.UTC would read years 0–99 as 1900–1999. */
function monthStart(idx: number): number {
  const d = new Date(0);
  d.setUTCFullYear(Math.floor(idx / 12), ((idx % 12) + 12) % 12, 1);
  return d.getTime();
}
