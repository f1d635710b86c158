// The HTML chart's window and ticks (pure functions), and the chart drawn over that window: the incident, not the key
// history; what lies outside at the edge, with its dates; the key strip from the rotation records; every value escaped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding.js';
import { TICK_STEPS, chooseTicks, stepLength, tickLabel, ticksOf } from '../../src/report/chart-ticks.js';
import {
  DATE_MAX, DATE_MIN, MIN_MARGIN_MS, MIN_SPAN_MS, chartWindow, placement, windowTimes,
} from '../../src/report/chart-window.js';
import { escapeHtml } from '../../src/report/html-escape.js';
import { keyRows } from '../../src/report/html-chart-keys.js';
import { renderChart } from '../../src/report/html-chart.js';
import { lifeSpan } from '../../src/report/key-lifecycle.js';
import { renderHtml } from '../../src/report/render-html.js';
import { PAYLOADS, hostileFindings, hostileKeys, makeReport, normalFindings, normalKeys } from './html-fixtures.js';

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const T = Date.parse('2026-03-14T11:00:00Z');
const iso = (t: number): string => new Date(t).toISOString();
const WIDTH = 730;
const GAP = 104;

describe('chartWindow: the incident window', () => {
  it('spans the findings with 5% each side', () => {
    const w = chartWindow([T, T + 4 * H, T + H])!;
    expect(w.from).toBe(T);
    expect(w.to).toBe(T + 4 * H);
    expect(w.lo).toBe(T - 12 * MIN);
    expect(w.hi).toBe(T + 4 * H + 12 * MIN);
  });

  it('keeps at least a two-minute margin when 5% is less', () => {
    const w = chartWindow([T, T + 20 * MIN])!;
    expect([w.lo, w.hi]).toEqual([T - MIN_MARGIN_MS, T + 20 * MIN + MIN_MARGIN_MS]);
  });

  it('near miss: findings within one minute (or one instant) still get a ten-minute window around them', () => {
    for (const times of [[T, T + MIN], [T], [T, T, T]]) {
      const w = chartWindow(times)!;
      expect(w.hi - w.lo).toBe(MIN_SPAN_MS);
      expect((w.lo + w.hi) / 2).toBe((Math.min(...times) + Math.max(...times)) / 2);
      for (const t of times) expect(placement(t, w)).toBe('inside');
    }
  });

  it('spans years when the findings do', () => {
    const w = chartWindow([Date.parse('2020-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z')])!;
    expect(w.hi - w.lo).toBeCloseTo((Date.parse('2026-01-01T00:00:00Z') - Date.parse('2020-01-01T00:00:00Z')) * 1.1, -3);
  });

  it('uses the fallback times only when the findings have none; null when nothing has a time', () => {
    expect(chartWindow([T], [T - 400 * D])!.lo).toBe(T - 5 * MIN);
    expect(chartWindow([], [T - 400 * D, T])!.lo).toBeLessThan(T - 400 * D);
    expect(chartWindow([], [])).toBeNull();
    expect(chartWindow([NaN, Infinity])).toBeNull();
  });

  it('stays inside the range a Date can print, whatever the times', () => {
    for (const times of [[DATE_MIN], [DATE_MAX], [DATE_MIN, DATE_MAX], [DATE_MAX - 1]]) {
      const w = chartWindow(times)!;
      expect(w.lo).toBeGreaterThanOrEqual(DATE_MIN);
      expect(w.hi).toBeLessThanOrEqual(DATE_MAX);
      expect(w.hi).toBeGreaterThan(w.lo);
      expect(() => iso(w.lo) + iso(w.hi)).not.toThrow();
    }
  });

  it("windowTimes: a finding's first and last seen set it, not its event references (an old rotation record)", () => {
    const old = Date.parse('2025-11-01T12:00:00Z');
    expect(windowTimes([{ first: T, last: T + H, events: [old, T] }])).toEqual([T, T + H]);
    // near miss: a finding without first/last seen falls back to its events
    expect(windowTimes([{ first: null, last: null, events: [old, T] }])).toEqual([old, T]);
    expect(windowTimes([{ first: null, last: T, events: [old] }])).toEqual([T]);
  });
});

describe('chooseTicks: round UTC times that keep their labels apart', () => {
  const pick = (lo: number, hi: number) => chooseTicks(lo, hi, WIDTH, GAP);
  const gapOk = (at: number[], lo: number, hi: number) => at.every((t, i) => i === 0 || ((t - at[i - 1]!) * WIDTH) / (hi - lo) >= GAP);

  it('ten minutes: ticks on whole minutes', () => {
    const { step, at } = pick(T - 5 * MIN, T + 5 * MIN);
    expect(step).toEqual({ ms: 2 * MIN });
    expect(at.map(iso)).toEqual(['2026-03-14T10:56:00.000Z', '2026-03-14T10:58:00.000Z', '2026-03-14T11:00:00.000Z', '2026-03-14T11:02:00.000Z', '2026-03-14T11:04:00.000Z']);
  });

  it('a day: ticks on whole hours', () => {
    const { at } = pick(T - 12 * H, T + 6 * H);
    expect(at.length).toBeGreaterThanOrEqual(4);
    expect(at.every((t) => t % H === 0)).toBe(true);
    expect(gapOk(at, T - 12 * H, T + 6 * H)).toBe(true);
  });

  it('weeks: ticks on midnights, Mondays when the step is a week', () => {
    const lo = Date.parse('2026-03-01T00:00:00Z');
    const { step, at } = pick(lo, lo + 40 * D);
    expect(step).toEqual({ ms: 7 * D });
    expect(at.every((t) => new Date(t).getUTCDay() === 1 && t % D === 0)).toBe(true);
  });

  it('two months: the 1st and the 16th', () => {
    const lo = Date.parse('2026-03-03T18:00:00Z');
    const { step, at } = pick(lo, lo + 57 * D);
    expect(step).toEqual({ halfMonths: true });
    expect(at.map((t) => iso(t).slice(0, 10))).toEqual(['2026-03-16', '2026-04-01', '2026-04-16']);
  });

  it('years: ticks on the first of a month or year', () => {
    const lo = Date.parse('2023-05-17T08:00:00Z');
    const { step, at } = pick(lo, Date.parse('2026-03-14T16:00:00Z'));
    expect('months' in step).toBe(true);
    expect(at.every((t) => new Date(t).getUTCDate() === 1 && t % D === 0)).toBe(true);
    expect(at.length).toBeGreaterThanOrEqual(3);
  });

  it('calendar steps count years 0–99 as such (not 1900–1999)', () => {
    const at = ticksOf(Date.parse('0040-01-01T00:00:00Z'), Date.parse('0050-06-01T00:00:00Z'), { months: 60 })!;
    expect(at.map((t) => iso(t).slice(0, 10))).toEqual(['0040-01-01', '0045-01-01', '0050-01-01']);
  });

  it('the steps grow', () => {
    const lengths = TICK_STEPS.map(stepLength);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
  });

  it('any window from ten minutes to five centuries: sorted round ticks inside it, at least two, labels apart (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: Date.parse('1900-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }),
      fc.double({ min: Math.log(MIN_SPAN_MS), max: Math.log(500 * 365 * D), noNaN: true }),
      (lo, logSpan) => {
        const hi = lo + Math.exp(logSpan);
        const { at } = pick(lo, hi);
        expect(at.length).toBeGreaterThanOrEqual(2);
        expect(at.every((t, i) => t >= lo && t <= hi && (i === 0 || t > at[i - 1]!))).toBe(true);
        expect(at.every((t) => t % 1000 === 0)).toBe(true);
        expect(gapOk(at, lo, hi)).toBe(true);
      },
    ), { numRuns: 300 });
  });

  it('the whole range of a Date: a few ticks, no throw', () => {
    const { at } = pick(DATE_MIN, DATE_MAX);
    expect(at.length).toBeLessThanOrEqual(8);
    for (const t of at) expect(() => tickLabel(t)).not.toThrow();
  });

  it('labels a tick in ISO-8601 UTC, date over time', () => {
    expect(tickLabel(Date.parse('2026-03-14T11:05:00Z'))).toEqual(['2026-03-14', 'T11:05:00Z']);
    expect(tickLabel(Date.parse('2026-03-14T11:05:00Z')).join('')).toBe('2026-03-14T11:05:00Z');
  });
});

describe('key lifecycles', () => {
  const rec = (ts: string, action: string) => ({ ts, action, actor: null, reason: null });
  const parse = (s: string) => (Number.isFinite(Date.parse(s)) ? Date.parse(s) : null);

  it('lifeSpan: from created/activated to the first retired/revoked; compromised is not an end', () => {
    expect(lifeSpan([rec('2025-01-01T00:00:00Z', 'created'), rec('2025-02-01T00:00:00Z', 'activated'), rec('2026-01-01T00:00:00Z', 'retired'), rec('2026-02-01T00:00:00Z', 'revoked')], parse))
      .toEqual({ start: Date.parse('2025-01-01T00:00:00Z'), end: Date.parse('2026-01-01T00:00:00Z') });
    expect(lifeSpan([rec('2025-01-01T00:00:00Z', 'created'), rec('2026-03-14T15:00:00Z', 'compromised')], parse))
      .toEqual({ start: Date.parse('2025-01-01T00:00:00Z'), end: null });
    expect(lifeSpan([rec('2026-03-14T15:00:00Z', 'compromised')], parse)).toEqual({ start: Date.parse('2026-03-14T15:00:00Z'), end: null });
    expect(lifeSpan([rec('not a time', 'created')], parse)).toBeNull();
  });

  it('keyRows: keys the findings name come first, most severe first; then the others in their order', () => {
    const keys = normalKeys();
    const kid = (k: string, severity: Finding['severity']) => ({ ...normalFindings()[0]!, kid: k, severity });
    expect(keyRows(keys, [kid('acme-2027-rsa', 'low'), kid('acme-2026-rsa', 'critical')]).map((k) => k.kid))
      .toEqual(['acme-2026-rsa', 'acme-2027-rsa', 'acme-2024-legacy']);
    expect(keyRows(keys, []).map((k) => k.kid)).toEqual(keys.map((k) => k.kid));
  });
});

/** Attributes of the chart's elements with this class. */
function elements(page: string, cls: string): Record<string, string>[] {
  const svg = page.slice(0, page.indexOf('</svg>')); // the chart, not the legend's swatches
  return [...svg.matchAll(new RegExp(`<(\\w+) class="[^"]*\\b${cls}\\b[^"]*"([^>]*)>`, 'g'))]
    .map((m) => Object.fromEntries([...m[2]!.matchAll(/(\S+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}
const texts = (svg: string, cls: string): string[] => [...svg.matchAll(new RegExp(`<text class="[^"]*\\b${cls}\\b[^"]*"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]!);

describe('renderChart over the incident window', () => {
  const findings = normalFindings();
  const chart = (keys = normalKeys(), fs: Finding[] = findings) => renderChart({ findings: fs }, [], new Map(), keys).value;

  it("spans the findings' first to last seen, not the keys' history", () => {
    const svg = chart();
    // normalFindings: 2026-03-01 09:12:04 to 15:30:00; 5% of 6h18m each side
    expect(svg).toMatch(/aria-label="incident timeline from 2026-03-01T08:53:10Z to 2026-03-01T15:48:53Z, 6 rows, 3 keys"/);
    const days = texts(svg, 'tick-day');
    const times = texts(svg, 'tick-time');
    expect(days.length).toBeGreaterThanOrEqual(4);
    expect(new Set(days)).toEqual(new Set(['2026-03-01']));
    expect(times.every((t) => /^T\d\d:00:00Z$/.test(t))).toBe(true);
  });

  it('draws every finding mark inside the plot; an event reference outside the window is a chevron at the edge with its date', () => {
    const old: Finding = { ...findings[0]!, id: 'x:old', events: [...findings[0]!.events, { source: 'keys/rotation.ndjson', line: 5, ts: '2025-11-01T12:00:00Z' }] };
    const svg = chart(normalKeys(), [old, ...findings.slice(1)]);
    const xs = [...elements(svg, 'first'), ...elements(svg, 'last'), ...elements(svg, 'pt')].map((a) => Number(a.cx))
      .concat(elements(svg, 'ev').flatMap((a) => [Number(a.x1), Number(a.x2)]));
    expect(xs.length).toBeGreaterThan(10);
    for (const x of xs) expect(x >= 250 && x <= 980, String(x)).toBe(true);
    expect(svg).toContain('<g class="edge-mark before"><title>1 mark before the window: 2025-11-01T12:00:00Z</title>');
    expect(texts(svg, 'edge-count')).toEqual(['1']);
    // near miss: without the old reference, no edge mark
    expect(chart()).not.toContain('edge-mark');
  });

  it('draws the key strip apart from the rows: lives clipped at the window with their real dates', () => {
    const svg = chart();
    expect(svg.indexOf('<g class="keys">')).toBeGreaterThan(svg.indexOf('<g class="axis">'));
    expect(svg.match(/<g class="key-row">/g)).toHaveLength(3);
    const notes = texts(svg, 'key-note');
    expect(notes).toContain('← created 2024-01-10T09:00:00Z … retired 2025-01-10T09:00:00Z');
    expect(notes).toContain('← created 2025-12-20T09:00:00Z (+1 more)');
    expect(notes).toContain('no retired/revoked record →');
    expect(notes).toContain('created 2026-12-20T09:00:00Z →');
    // the compromise at 12:30 lies inside the window: a square there
    const [krec] = elements(svg, 'k-compromised');
    expect(Number(krec!.x)).toBeGreaterThan(250);
    expect(Number(krec!.x) + 8).toBeLessThan(980);
    expect(elements(svg, 'life')).toHaveLength(1);
    expect(elements(svg, 'arrow').length).toBe(2 * 4);
  });

  it('anchors a tick label at an edge on its start or end: off the row labels, inside the picture', () => {
    const at = (ts: string) => chart([], [{ ...findings[0]!, first_seen: ts, last_seen: ts, events: [] }]);
    // window 10:55:50–11:05:50: the 10:56 tick is 12 units into the plot
    const left = elements(at('2026-03-01T11:00:50Z'), 'tick-day');
    expect(left[0]).toMatchObject({ 'text-anchor': 'start' });
    expect(Number(left[0]!.x)).toBeGreaterThanOrEqual(247);
    expect(left.slice(1).every((a) => a['text-anchor'] === 'middle')).toBe(true);
    // window 10:54:10–11:04:10: the 11:04 tick is 12 units from the right end
    const right = elements(at('2026-03-01T10:59:10Z'), 'tick-time');
    expect(right.at(-1)).toMatchObject({ 'text-anchor': 'end' });
    expect(right.slice(0, -1).every((a) => a['text-anchor'] === 'middle')).toBe(true);
  });

  it('no keys loaded: no strip; none recorded: the strip says so', () => {
    expect(renderChart({ findings }, [], new Map()).value).not.toContain('class="keys"');
    expect(chart([])).toContain('No key rotation records in the store.');
  });

  it('counts the keys past the strip', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({ kid: `k-${i}`, records: [{ ts: '2026-03-01T10:00:00Z', action: 'created', actor: null, reason: null }] }));
    const svg = chart(many);
    expect(svg.match(/<g class="key-row">/g)).toHaveLength(10);
    expect(svg).toContain('… and 4 more keys with rotation records');
  });

  it('escapes every value of the rotation records, and draws only our elements and classes', () => {
    const page = renderHtml(makeReport(hostileFindings()), { timelines: [], keys: hostileKeys() });
    const chartPart = page.slice(page.indexOf('<section class="part" id="chart">'), page.indexOf('<section class="part" id="findings">'));
    expect(chartPart).toContain('class="keys"');
    for (const [name, payload] of Object.entries(PAYLOADS)) {
      if (/[<>"']/.test(payload)) expect(chartPart.includes(payload), name).toBe(false);
    }
    expect(chartPart).toContain(escapeHtml(PAYLOADS.script));
    expect(chartPart).toContain(escapeHtml(PAYLOADS.styleBreak));
    expect(chartPart).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
    const tags = [...chartPart.matchAll(/<([a-zA-Z0-9]+)([^<>]*)>/g)];
    expect(new Set(tags.map((m) => m[1]))).toEqual(new Set(['section', 'h2', 'svg', 'g', 'rect', 'line', 'circle', 'text', 'title', 'a', 'p', 'span']));
    const classes = tags.flatMap((m) => [...m[2]!.matchAll(/class="([^"]*)"/g)].flatMap((c) => c[1]!.split(' ')));
    expect(classes.filter((c) => !/^[a-z][a-z0-9-]*$/.test(c))).toEqual([]);
    expect(classes).toContain('k-other');
  });
});
