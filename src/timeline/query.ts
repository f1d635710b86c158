// Validating a TimelineQuery before any store is opened: a person's typo is a usage error (exit 2) that names
// the option, never an empty story or a SQL error.
import { UsageError } from '../errors.js';
import { excerpt } from '../util/sanitize.js';
import type { TimelineQuery } from './types.js';

export const SELECTORS = ['jti', 'sub', 'sid', 'ip', 'token'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The query with its values checked and normalised (fingerprint lower-cased, bounds as UTC timestamps). */
export interface ResolvedQuery {
  query: TimelineQuery;
  /** 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, for binding as TIMESTAMP */
  since: string | null;
  until: string | null;
}

export function resolveQuery(q: TimelineQuery): ResolvedQuery {
  const query: TimelineQuery = {};
  for (const key of [...SELECTORS, 'since', 'until'] as const) {
    const v = q[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${key} needs a value`);
    query[key] = v.trim();
  }
  if (!SELECTORS.some((k) => query[k] !== undefined)) {
    throw new UsageError('timeline needs at least one of --jti, --sub, --sid, --ip, --token (--since/--until only narrow it)');
  }
  if (query.token !== undefined) query.token = fingerprintOption(query.token);
  const since = query.since === undefined ? null : bound('since', query.since, false);
  const until = query.until === undefined ? null : bound('until', query.until, true);
  if (since && until && since > until) throw new UsageError(`--since (${query.since}) is after --until (${query.until})`);
  return { query, since, until };
}

/** A fingerprint, the start of one (resolved against the store: timeline/prefix.ts), or a token's whole sha256. */
function fingerprintOption(value: string): string {
  if (/^[0-9a-f]{1,64}(?:…|\.\.\.)?$/iu.test(value)) return value.toLowerCase();
  // a pasted raw token must not be echoed back: excerpt() cuts anything JWT-shaped
  throw new UsageError(
    `--token takes a token fingerprint (12 hex digits as printed by check or inspect, or the start of one); got '${excerpt(value, 40)}'`,
  );
}

/** An ISO-8601 bound as a UTC timestamp string. A bare date as --until means the end of that day (inclusive). */
function bound(name: 'since' | 'until', value: string, endOfDay: boolean): string {
  const dateOnly = ISO_DATE.test(value);
  if (!dateOnly && !ISO_TIME.test(value)) throw badBound(name, value);
  // no zone means UTC, as everywhere in the store
  const text = dateOnly ? `${value}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw badBound(name, value);
  const at = new Date(dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms).toISOString();
  const micros = dateOnly && endOfDay ? '999' : '000';
  return `${at.slice(0, 10)} ${at.slice(11, 23)}${micros}`;
}

function badBound(name: string, value: string): UsageError {
  return new UsageError(`--${name} must be an ISO-8601 date or time (2026-03-14, 2026-03-14T10:00:00Z); got '${excerpt(value, 40)}'`);
}

/** "jti X and ip Y, from A to B": the selection in words, for "no events for …". */
export function describeQuery(q: TimelineQuery): string {
  const parts = SELECTORS.filter((k) => q[k] !== undefined).map((k) => `${k} ${q[k]}`);
  const range = q.since && q.until ? `, from ${q.since} to ${q.until}` : q.since ? `, since ${q.since}` : q.until ? `, until ${q.until}` : '';
  return `${parts.join(' and ')}${range}`;
}
