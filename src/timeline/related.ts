// What concerns the selected events without being one of them: revoke and logout events and revocation records
// naming their jti, subject or session; the lifecycle events of the keys that signed their tokens; captures of
// their tokens. Found through the identities the selection holds.
import type { Store } from '../store/db.js';
import type { ResolvedQuery } from './query.js';
import { EVENTS_SELECT, TS, normalize, readLines, type RawLine } from './lines.js';
import { Binder, timePredicates } from './select.js';

export interface Identities {
  jtis: Set<string>;
  subs: Set<string>;
  sids: Set<string>;
  shas: Set<string>;
  kids: Set<string>;
  /** token fingerprints */
  tokens: Set<string>;
}

/** Identities of the lines, plus those the query names itself (its jti family, sub, sid). */
export function identitiesOf(rq: ResolvedQuery, family: Iterable<string>, lines: readonly RawLine[]): Identities {
  const ids: Identities = { jtis: new Set(family), subs: new Set(), sids: new Set(), shas: new Set(), kids: new Set(), tokens: new Set() };
  if (rq.query.sub !== undefined) ids.subs.add(rq.query.sub);
  if (rq.query.sid !== undefined) ids.sids.add(rq.query.sid);
  const add = (set: Set<string>, v: string | null): void => void (v !== null && set.add(v));
  for (const l of lines) {
    for (const j of [l.jti, l.token_jti, l.parent_jti]) add(ids.jtis, j);
    add(ids.subs, l.sub);
    add(ids.sids, l.sid);
    add(ids.shas, l.sha);
    add(ids.kids, l.kid);
    add(ids.kids, l.sig_kid);
    add(ids.tokens, l.token);
  }
  return ids;
}

/** Tokens the query names directly (by jti family or fingerprint), whether or not an event shows them. */
export async function namedTokens(store: Store, rq: ResolvedQuery, family: Iterable<string>): Promise<RawLine[]> {
  const b = new Binder();
  const conds: string[] = [];
  if (rq.query.jti !== undefined) conds.push(b.in('t.jti', [...family]));
  if (rq.query.token !== undefined) conds.push(`t.fingerprint = ${b.bind(rq.query.token)}`);
  if (conds.length === 0) return [];
  const sql = `SELECT t.sha256 AS sha, t.fingerprint AS token, t.jti AS token_jti, t.sub, t.kid, t.sig_kid FROM tokens t WHERE ${conds.join(' AND ')}`;
  const rows = await store.json<Partial<RawLine>>(sql, b.params);
  return rows.map((r) => normalize({ ...r, kind: 'event', source: '', ms: 0, ts: '' }));
}

type Query = (b: Binder, ids: Identities, rq: ResolvedQuery, covered: ReadonlySet<string>) => string;

const sorted = (set: Set<string>): string[] => [...set].sort();
const whom = (b: Binder, ids: Identities, a: string): string =>
  `(${b.in(`${a}.jti`, sorted(ids.jtis))} OR ${b.in(`${a}.sub`, sorted(ids.subs))} OR ${b.in(`${a}.sid`, sorted(ids.sids))})`;
const when = (b: Binder, rq: ResolvedQuery, col: string): string => ['TRUE', ...timePredicates(rq, b, col)].join(' AND ');

/**
 * Revoke events naming any identity, logout events ending one of the sessions: rowids first, then the rows (see
 * select.ts). Logouts are common, so they are matched on sid alone (reading four columns costs ~4x on a big
 * store), and not at all for sessions the selection already holds whole; a logout carrying a selected token is
 * already among the selected events.
 */
function endingsSql(b: Binder, ids: Identities, rq: ResolvedQuery, covered: ReadonlySet<string>): string {
  const sids = sorted(ids.sids).filter((s) => !covered.has(s));
  const rowids = (cond: string): string => `SELECT rowid FROM events x WHERE ${cond} AND ${when(b, rq, 'x.ts')}`;
  const revoked = rowids(`x.event = 'revoke' AND (${whom(b, ids, 'x')} OR ${b.in('x.token_sha', sorted(ids.shas))})`);
  const loggedOut = sids.length ? ` UNION ALL ${rowids(`x.event = 'logout' AND ${b.in('x.sid', sids)}`)}` : '';
  return `${EVENTS_SELECT} WHERE e.rowid IN (${revoked}${loggedOut})`;
}

const RELATED: Query[] = [
  endingsSql,
  (b, ids, rq) => `SELECT 'revocation' AS kind, s.path AS source, r.source_id, r.line, ${TS('r.ts')}, 'revocation' AS event,
     r.jti, r.sub, r.sid, r.reason
     FROM revocations r JOIN sources s ON s.id = r.source_id WHERE ${whom(b, ids, 'r')} AND ${when(b, rq, 'r.ts')}`,
  // the lifecycle records that change what a signature is worth; created/activated add nothing to the story
  (b, ids, rq) => `SELECT 'key' AS kind, s.path AS source, k.source_id, k.line, ${TS('k.ts')}, k.action AS event, k.kid,
     k.actor, k.reason FROM key_events k JOIN sources s ON s.id = k.source_id
     WHERE ${b.in('k.kid', sorted(ids.kids))} AND k.action IN ('retired', 'revoked', 'compromised') AND ${when(b, rq, 'k.ts')}`,
  // a capture without a time has no place in a time-ordered story
  (b, ids, rq) => `SELECT 'capture' AS kind, s.path AS source, c.source_id, c.line, ${TS('c.captured_at')}, 'capture' AS event,
     c.token_sha AS sha, c.origin, c.note AS capture_note
     FROM captures c JOIN sources s ON s.id = c.source_id
     WHERE ${b.in('c.token_sha', sorted(ids.shas))} AND c.captured_at IS NOT NULL AND ${when(b, rq, 'c.captured_at')}`,
];

/**
 * Revoke/logout events, revocations, key events and captures that concern the identities (tokens not yet
 * attached). `covered`: sessions whose every event is selected already.
 */
export async function relatedLines(store: Store, rq: ResolvedQuery, ids: Identities, covered: ReadonlySet<string>): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for (const make of RELATED) {
    const b = new Binder();
    const sql = make(b, ids, rq, covered);
    out.push(...(await readLines(store, sql, b.params)));
  }
  return out;
}
