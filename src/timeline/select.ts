// Which auth events belong to a timeline. Every value is a bound parameter. On a large store each string column
// read costs tens of milliseconds: so a selection first reads only the columns it tests (`jti IN ($a, $b) OR
// sid IN ($c) …`, values found first in the small tables: refresh family, tokens) for rowids, and then reads just
// those rows whole — never a join or filter over `events` that would read every column of every row.
import type { Store } from '../store/db.js';
import type { ResolvedQuery } from './query.js';

/** How far the refresh family is followed each way: a real chain is a few dozen generations at most. */
export const MAX_FAMILY_DEPTH = 50;

/** Above this many values a list is bound as one JSON parameter and joined, instead of one parameter each. */
const MAX_INLINE_VALUES = 500;

/**
 * Ancestors (`up`, through parent_jti) and descendants (`down`, refreshes naming a jti as parent_jti) of $jti.
 * A refresh event's new token is its logged `jti`, else its token's. Each direction is fixed, so a chain stops at
 * its ends; UNION on (jti, depth) plus the depth bound keeps a cyclic or colliding log finite.
 */
export const FAMILY_SQL = `
WITH RECURSIVE
refreshes AS MATERIALIZED (
  SELECT e.parent_jti AS parent, coalesce(e.jti, t.jti) AS child
  FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'refresh' AND e.parent_jti IS NOT NULL),
links AS MATERIALIZED (SELECT DISTINCT parent, child FROM refreshes WHERE child IS NOT NULL AND child <> parent),
up(jti, depth) AS (
  SELECT $jti::VARCHAR, 0
  UNION SELECT l.parent, u.depth + 1 FROM up u JOIN links l ON l.child = u.jti WHERE u.depth < ${MAX_FAMILY_DEPTH}),
down(jti, depth) AS (
  SELECT $jti::VARCHAR, 0
  UNION SELECT l.child, d.depth + 1 FROM down d JOIN links l ON l.parent = d.jti WHERE d.depth < ${MAX_FAMILY_DEPTH})
SELECT jti, min(generation) AS generation
FROM (SELECT jti, -depth AS generation FROM up UNION ALL SELECT jti, depth FROM down)
GROUP BY jti ORDER BY generation, jti`;

/** The refresh family of a jti: jti → generation relative to it (parents negative, children positive). */
export async function refreshFamily(store: Store, jti: string): Promise<Map<string, number>> {
  const rows = await store.json<{ jti: string; generation: number }>(FAMILY_SQL, { jti });
  return new Map(rows.map((r) => [r.jti, Number(r.generation)]));
}

/** One `events` column against a list of values (rowids are bigints: rows already found). */
export type Branch =
  | { col: 'jti' | 'parent_jti' | 'token_sha' | 'sid' | 'sub' | 'ip'; values: string[] }
  | { col: 'rowid'; values: bigint[] };

/** SQL parameters under construction; `bind` names each value and returns its placeholder. */
export class Binder {
  readonly params: Record<string, string | bigint> = {};
  private n = 0;

  bind(value: string | bigint): string {
    const name = `p${this.n++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  /** `col IN (…)` with every value bound: one parameter each, or for a long list one JSON parameter. */
  in(col: string, values: readonly (string | bigint)[]): string {
    if (values.length === 0) return 'FALSE';
    if (values.length > MAX_INLINE_VALUES) {
      const type = typeof values[0] === 'bigint' ? 'BIGINT' : 'VARCHAR';
      const json = JSON.stringify(values.map((v) => (typeof v === 'bigint' ? v.toString() : v)));
      return `${col} IN (SELECT unnest(from_json(${this.bind(json)}, '["${type}"]')))`;
    }
    return `${col} IN (${values.map((v) => this.bind(v)).join(', ')})`;
  }
}

/**
 * The rowids a selector matches, read from its columns only; callers fetch the rows with `e.rowid IN (…)` and no
 * other filter, so that DuckDB reads just those rows (another outer filter makes it scan every column instead).
 */
export function rowidsSql(branches: readonly Branch[], b: Binder, where: readonly string[] = []): string {
  const live = branches.filter((x) => x.values.length > 0);
  const any = live.length ? `(${live.map((x) => b.in(x.col, x.values)).join(' OR ')})` : 'FALSE';
  return `SELECT rowid AS rid FROM events WHERE ${[any, ...where].join(' AND ')}`;
}

/** Rowids every selector matches (each selector a set; selectors AND together), within --since/--until. */
export function selectionSql(sets: readonly Branch[][], rq: ResolvedQuery, b: Binder): string {
  if (sets.length === 0) return 'SELECT NULL::BIGINT AS rid WHERE FALSE';
  return sets.map((set) => rowidsSql(set, b, timePredicates(rq, b, 'ts'))).join('\nINTERSECT ');
}

/** Per selector, its branches; selectors AND together. Also the family (for --jti) to annotate generations. */
export async function selectorBranches(store: Store, rq: ResolvedQuery): Promise<{ sets: Branch[][]; family: Map<string, number> }> {
  const q = rq.query;
  const sets: Branch[][] = [];
  let family = new Map<string, number>();
  if (q.jti !== undefined) {
    family = await refreshFamily(store, q.jti);
    sets.push(await familyBranches(store, [...family.keys()]));
  }
  if (q.sub !== undefined) {
    const shas = await tokenShas(store, 'sub = $v', q.sub);
    sets.push([{ col: 'sub', values: [q.sub] }, { col: 'token_sha', values: shas }]);
  }
  if (q.sid !== undefined) {
    const shas = await tokenShas(store, `claims->>'sid' = $v AND sig_status = 'valid'`, q.sid);
    sets.push([{ col: 'sid', values: [q.sid] }, { col: 'token_sha', values: shas }]);
  }
  if (q.ip !== undefined) sets.push([{ col: 'ip', values: [q.ip] }]);
  if (q.token !== undefined) sets.push(await fingerprintBranches(store, q.token));
  return { sets, family };
}

async function tokenShas(store: Store, where: string, v: string): Promise<string[]> {
  return (await store.json<{ sha256: string }>(`SELECT sha256 FROM tokens WHERE ${where} ORDER BY sha256`, { v })).map((r) => r.sha256);
}

/**
 * The family's events (by jti, by token, as a parent) and the sessions they ran in: the access tokens issued with
 * each refresh share its sid, not a parent_jti. The events found here are kept by rowid, so the selection reads
 * these columns once. A forged token's sid claim is no evidence of a session.
 */
async function familyBranches(store: Store, jtis: string[]): Promise<Branch[]> {
  const b = new Binder();
  const tokens = await store.json<{ sha256: string; sid: string | null }>(
    `SELECT sha256, CASE WHEN sig_status = 'valid' THEN claims->>'sid' END AS sid FROM tokens WHERE ${b.in('jti', jtis)}`,
    b.params,
  );
  const direct: Branch[] = [
    { col: 'jti', values: jtis },
    { col: 'parent_jti', values: jtis },
    { col: 'token_sha', values: tokens.map((t) => t.sha256).sort() },
  ];
  const sids = new Set(tokens.map((t) => t.sid).filter((s): s is string => s !== null));
  const s = new Binder();
  const rows = await store.all<{ rid: bigint; sid: string | null }>(
    `SELECT rowid AS rid, sid FROM events WHERE rowid IN (${rowidsSql(direct, s)}) ORDER BY rowid`,
    s.params,
  );
  for (const r of rows) if (r.sid !== null) sids.add(r.sid);
  return [{ col: 'rowid', values: rows.map((r) => r.rid) }, { col: 'sid', values: [...sids].sort() }];
}

/** One token by fingerprint; refreshes present a refresh token by jti, so those are its uses too (if genuine). */
async function fingerprintBranches(store: Store, fp: string): Promise<Branch[]> {
  const rows = await store.json<{ sha256: string; jti: string | null }>(
    `SELECT sha256, CASE WHEN sig_status = 'valid' THEN jti END AS jti FROM tokens WHERE fingerprint = $fp ORDER BY sha256`,
    { fp },
  );
  return [
    { col: 'token_sha', values: rows.map((r) => r.sha256) },
    { col: 'parent_jti', values: rows.map((r) => r.jti).filter((j): j is string => j !== null) },
  ];
}

/** Sessions the selection holds whole: a lone selector's sid lookup (another selector could narrow it). */
export function coveredSessions(sets: readonly Branch[][]): Set<string> {
  const only = sets.length === 1 ? sets[0]! : [];
  return new Set(only.flatMap((x) => (x.col === 'sid' ? x.values : [])));
}

/** --since / --until on a timestamp column, bound. */
export function timePredicates(rq: ResolvedQuery, b: Binder, col: string): string[] {
  const out: string[] = [];
  if (rq.since) out.push(`${col} >= CAST(${b.bind(rq.since)} AS TIMESTAMP)`);
  if (rq.until) out.push(`${col} <= CAST(${b.bind(rq.until)} AS TIMESTAMP)`);
  return out;
}
