// Small formatting helpers for the HTML report: times in UTC, durations, severities, timeline queries.
// They return plain strings; the caller escapes them (through the `html` tag) like any other value.
import { SEVERITIES, type Severity } from '../findings/finding.js';
import type { TimelineQuery } from '../timeline/types.js';

/** A timestamp without a zone (`2026-03-01 12:00:00`, as DuckDB prints) is UTC, never the host's local time. */
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Epoch milliseconds, or null for anything that is not a usable timestamp (log fields can hold anything). */
export function parseTs(value: string | null | undefined): number | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const t = Date.parse(NO_ZONE.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  return Number.isFinite(t) ? t : null;
}

/** [date, time] in UTC, e.g. ['2026-03-01', '12:05'] (with seconds when asked). */
export function formatUtc(t: number, seconds: boolean): [string, string] {
  const iso = new Date(t).toISOString();
  return [iso.slice(0, 10), iso.slice(11, seconds ? 19 : 16)];
}

/** A severity we know, whatever the input says (it picks CSS classes, so it must come from our list). */
export function safeSeverity(value: unknown): Severity {
  return SEVERITIES.includes(value as Severity) ? (value as Severity) : 'info';
}

/** `+2h 05m`, `+45s`, `+3d 4h`: the time since the previous line of a timeline. */
export function formatGap(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const sign = seconds < 0 ? '−' : '+';
  let s = Math.round(Math.abs(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${sign}${m}m ${String(s).padStart(2, '0')}s`;
  return `${sign}${s}s`;
}

const QUERY_KEYS: (keyof TimelineQuery)[] = ['jti', 'sub', 'sid', 'ip', 'token', 'since', 'until'];

/** `jti=abc sub=alice since=…`: what a timeline was asked for. */
export function timelineLabel(q: TimelineQuery): string {
  const parts = QUERY_KEYS.filter((k) => typeof q[k] === 'string' && q[k] !== '').map((k) => `${k}=${q[k]}`);
  return parts.length > 0 ? parts.join(' ') : '(all)';
}

/** The place of a timeline line: `Lyon, FR (45.76, 4.84)`. */
export function formatPlace(geo: { country: string | null; city: string | null; lat: number | null; lon: number | null } | null): string {
  if (!geo) return '';
  const name = [geo.city, geo.country].filter((v) => typeof v === 'string' && v !== '').join(', ');
  const coords = typeof geo.lat === 'number' && typeof geo.lon === 'number' ? `(${geo.lat.toFixed(2)}, ${geo.lon.toFixed(2)})` : '';
  return [name, coords].filter(Boolean).join(' ');
}
