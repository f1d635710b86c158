// The raw lines of a story as read from the store, and the selected auth events with their tokens. Tokens are
// looked up by sha afterwards, in one bound list, rather than joined: a join would read the whole tokens table.
import type { Params, Store } from '../store/db.js';
import { uaFamilySql } from '../util/ua-family.js';
import type { ResolvedQuery } from './query.js';
import { Binder, selectionSql, type Branch } from './select.js';
import type { TimelineEvent } from './types.js';

/** A line as read from the store, before gaps, notes and findings are added. */
export interface RawLine {
  kind: TimelineEvent['kind'];
  source: string;
  source_id: number | null;
  line: number | null;
  /** epoch milliseconds: for order and gaps */
  ms: number;
  ts: string;
  event: string | null;
  jti: string | null;
  token: string | null;
  sha: string | null;
  sub: string | null;
  sid: string | null;
  ip: string | null;
  country: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  ua: string | null;
  ua_family: string | null;
  client_id: string | null;
  aud: string | null;
  outcome: string | null;
  parent_jti: string | null;
  reason: string | null;
  kid: string | null;
  sig_kid: string | null;
  sig_status: string | null;
  alg: string | null;
  token_jti: string | null;
  actor: string | null;
  origin: string | null;
  capture_note: string | null;
}

export const TS = (col: string): string => `epoch_ms(${col}) AS ms, strftime(${col}, '%Y-%m-%dT%H:%M:%S.%g') AS ts`;

// the place as logged, else as the store's IP geolocation has it (filled from an MMDB at ingest)
const UNPLACED = `(e.country IS NULL AND e.city IS NULL AND e.lat IS NULL AND e.lon IS NULL)`;
const place = (col: string): string => `CASE WHEN ${UNPLACED} THEN g.${col} ELSE e.${col} END AS ${col}`;

/** Events with their source and place (tokens come from attachTokens); append WHERE. */
export const EVENTS_SELECT = `SELECT 'event' AS kind, s.path AS source, e.source_id, e.line, ${TS('e.ts')}, e.event,
  e.jti, e.token_sha AS sha, e.sub, e.sid, e.ip, ${['country', 'city', 'lat', 'lon'].map(place).join(', ')},
  e.ua, ${uaFamilySql('e.ua')} AS ua_family, e.client_id, e.aud, e.outcome, e.parent_jti, e.reason
FROM events e JOIN sources s ON s.id = e.source_id LEFT JOIN ip_locations g ON g.ip = e.ip`;

/** The events every selector matches, within --since/--until. */
export async function selectEvents(store: Store, rq: ResolvedQuery, sets: readonly Branch[][]): Promise<RawLine[]> {
  const b = new Binder();
  return readLines(store, `${EVENTS_SELECT} WHERE e.rowid IN (${selectionSql(sets, rq, b)})`, b.params);
}

interface TokenInfo {
  sha256: string;
  fingerprint: string;
  jti: string | null;
  sub: string | null;
  sid: string | null;
  kid: string | null;
  sig_kid: string | null;
  sig_status: string;
  alg: string | null;
}

/**
 * Fill in each line's token: fingerprint, signing key, signature status, and the jti/sub/sid the log left out.
 * What the log says comes first; a token's sid claim counts only when its signature holds.
 */
export async function attachTokens(store: Store, lines: RawLine[]): Promise<RawLine[]> {
  const shas = [...new Set(lines.map((l) => l.sha).filter((s): s is string => s !== null))].sort();
  if (shas.length === 0) return lines;
  const b = new Binder();
  const rows = await store.json<TokenInfo>(
    `SELECT sha256, fingerprint, jti, sub, CASE WHEN sig_status = 'valid' THEN claims->>'sid' END AS sid, kid, sig_kid,
       sig_status, alg FROM tokens WHERE ${b.in('sha256', shas)}`,
    b.params,
  );
  const bySha = new Map(rows.map((t) => [t.sha256, t]));
  return lines.map((l) => {
    const t = l.sha === null ? undefined : bySha.get(l.sha);
    if (!t) return l;
    return {
      ...l, token: t.fingerprint, token_jti: t.jti, jti: l.jti ?? t.jti, sub: l.sub ?? t.sub, sid: l.sid ?? t.sid,
      kid: t.kid, sig_kid: t.sig_kid, sig_status: t.sig_status, alg: t.alg,
    };
  });
}

export async function readLines(store: Store, sql: string, params: Params): Promise<RawLine[]> {
  const rows = await store.json<Partial<RawLine> & Pick<RawLine, 'kind' | 'source' | 'ms' | 'ts'>>(sql, params);
  return rows.map(normalize);
}

export function normalize(r: Partial<RawLine> & Pick<RawLine, 'kind' | 'source' | 'ms' | 'ts'>): RawLine {
  const text = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
  const num = (v: unknown): number | null => (v === undefined || v === null || !Number.isFinite(Number(v)) ? null : Number(v));
  const ts = r.ts ? `${r.ts.replace(/\.000$/, '')}Z` : '';
  return {
    kind: r.kind, source: r.source, source_id: num(r.source_id), line: num(r.line), ms: Number(r.ms), ts,
    event: text(r.event), jti: text(r.jti), token: text(r.token), sha: text(r.sha), sub: text(r.sub), sid: text(r.sid),
    ip: text(r.ip), country: text(r.country), city: text(r.city), lat: num(r.lat), lon: num(r.lon), ua: text(r.ua),
    ua_family: text(r.ua_family), client_id: text(r.client_id), aud: text(r.aud), outcome: text(r.outcome), parent_jti: text(r.parent_jti),
    reason: text(r.reason), kid: text(r.kid), sig_kid: text(r.sig_kid), sig_status: text(r.sig_status), alg: text(r.alg),
    token_jti: text(r.token_jti), actor: text(r.actor), origin: text(r.origin), capture_note: text(r.capture_note),
  };
}

/** The complete, deterministic order: time, kind, source, line. */
export function compareLines(a: RawLine, b: RawLine): number {
  return a.ms - b.ms || cmp(a.kind, b.kind) || cmp(a.source, b.source) || (a.line ?? -1) - (b.line ?? -1);
}

function cmp(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
