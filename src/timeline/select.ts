// Which auth events belong to a timeline. Every value is a bound parameter. On a large store each string column
// read costs tens of milliseconds: so a selection first reads only the columns it tests (`jti IN ($a, $b) OR
// sid IN ($c) …`, values found first in the refresh family and the tokens table) for rowids, and then reads just
// those rows whole — never a join or filter over `events` that would read every column of every row.
import type { Store } from '../store/db.js';
import type { ResolvedQuery } from './query.js';

/** How far the refresh family is followed each way: a real chain is a few dozen generations at most. */
export const MAX_FAMILY_DEPTH = 50;

/** Above this many values a list is bound as one JSON parameter and joined, instead of one parameter each. */
const MAX_INLINE_VALUES = 500;

/**
 * Ancestors (`up`, through parent_jti) and descendants (`down`, refreshes naming a jti as parent_jti) of $jti, each
 * with the sessions its refreshes ran in. A refresh event's new token is its logged `jti`, else its token's. Each
 * direction is fixed, so a chain stops at its ends; UNION on (jti, depth) plus the depth bound keeps a cyclic or
 * colliding log finite.
 */
export const FAMILY_SQL = `
WITH RECURSIVE
refreshes AS MATERIALIZED (
  SELECT e.parent_jti AS parent, coalesce(e.jti, t.jti) AS child, e.sid
  FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'refresh' AND e.parent_jti IS NOT NULL),
links AS MATERIALIZED (SELECT DISTINCT parent, child FROM refreshes WHERE child IS NOT NULL AND child <> parent),
up(jti, depth) AS (
  SELECT $jti::VARCHAR, 0
  UNION SELECT l.parent, u.depth + 1 FROM up u JOIN links l ON l.child = u.jti WHERE u.depth < ${MAX_FAMILY_DEPTH}),
down(jti, depth) AS (
  SELECT $jti::VARCHAR, 0
  UNION SELECT l.child, d.depth + 1 FROM down d JOIN links l ON l.parent = d.jti WHERE d.depth < ${MAX_FAMILY_DEPTH}),
family AS (
  SELECT jti, min(generation) AS generation
  FROM (SELECT jti, -depth AS generation FROM up UNION ALL SELECT jti, depth FROM down) GROUP BY jti)
SELECT f.jti, f.generation, list_sort(list(DISTINCT r.sid) FILTER (WHERE r.sid IS NOT NULL)) AS sids
FROM family f LEFT JOIN refreshes r ON r.child = f.jti OR r.parent = f.jti
GROUP BY f.jti, f.generation ORDER BY f.generation, f.jti`;

export interface Family {
  /** jti → generation relative to the queried one (parents negative, children positive) */
  generations: Map<string, number>;
  /** the sessions the family's refreshes ran in */
  sids: Set<string>;
}

export async function refreshFamily(store: Store, jti: string): Promise<Family> {
  const rows = await store.json<{ jti: string; generation: number; sids: string[] }>(FAMILY_SQL, { jti });
  return { generations: new Map(rows.map((r) => [r.jti, Number(r.generation)])), sids: new Set(rows.flatMap((r) => r.sids)) };
}

/** One `events` column against a list of values. */
export interface Branch {
  col: 'jti' | 'parent_jti' | 'token_sha' | 'sid' | 'sub' | 'ip';
  values: string[];
}

/** SQL parameters under construction; `bind` names each value and returns its placeholder. */
export class Binder {
  readonly params: Record<string, string> = {};
  private n = 0;

  bind(value: string): string {
    const name = `p${this.n++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  /** `col IN (…)` with every value bound: one parameter each, or for a long list one JSON parameter. */
  in(col: string, values: readonly string[]): string {
    if (values.length === 0) return 'FALSE';
    if (values.length > MAX_INLINE_VALUES) return `${col} IN (SELECT unnest(from_json(${this.bind(JSON.stringify(values))}, '["VARCHAR"]')))`;
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

export interface Selection {
  /** per selector, its branches; selectors AND together */
  sets: Branch[][];
  /** the refresh family (for --jti; empty otherwise), to annotate generations */
  family: Map<string, number>;
  /** which set is the family's, for widenSessions */
  familySet: number | null;
}

export async function selectorBranches(store: Store, rq: ResolvedQuery): Promise<Selection> {
  const q = rq.query;
  const sel: Selection = { sets: [], family: new Map(), familySet: null };
  if (q.jti !== undefined) {
    const family = await refreshFamily(store, q.jti);
    sel.family = family.generations;
    sel.familySet = sel.sets.push(await familyBranches(store, family)) - 1;
  }
  if (q.sub !== undefined) {
    const shas = await tokenShas(store, 'sub = $v', q.sub);
    sel.sets.push([{ col: 'sub', values: [q.sub] }, { col: 'token_sha', values: shas }]);
  }
  if (q.sid !== undefined) {
    const shas = await tokenShas(store, `claims->>'sid' = $v AND sig_status = 'valid'`, q.sid);
    sel.sets.push([{ col: 'sid', values: [q.sid] }, { col: 'token_sha', values: shas }]);
  }
  if (q.ip !== undefined) sel.sets.push([{ col: 'ip', values: [q.ip] }]);
  if (q.token !== undefined) sel.sets.push(await fingerprintBranches(store, q.token));
  return sel;
}

/**
 * The family's sessions come from its refreshes and its tokens' sid claims; a family event may still name another
 * (a token never refreshed, without a sid claim). Given the selected events, the selection widened to those
 * sessions, or null when it already holds them all: one more pass then tells the whole story.
 */
export function widenSessions(sel: Selection, events: readonly { sid: string | null }[]): Selection | null {
  if (sel.familySet === null) return null;
  const set = sel.sets[sel.familySet]!;
  const known = new Set(set.flatMap((x) => (x.col === 'sid' ? x.values : [])));
  const more = [...new Set(events.map((e) => e.sid).filter((s): s is string => s !== null && !known.has(s)))].sort();
  if (more.length === 0) return null;
  const widened = [...set, { col: 'sid' as const, values: more }];
  return { ...sel, sets: sel.sets.map((x, i) => (i === sel.familySet ? widened : x)) };
}

async function tokenShas(store: Store, where: string, v: string): Promise<string[]> {
  return (await store.json<{ sha256: string }>(`SELECT sha256 FROM tokens WHERE ${where} ORDER BY sha256`, { v })).map((r) => r.sha256);
}

/**
 * The family's events: by jti, by token, as a parent, and the sessions they ran in (the access tokens issued with
 * each refresh share its sid, not a parent_jti). A forged token's sid claim is no evidence of a session.
 */
async function familyBranches(store: Store, family: Family): Promise<Branch[]> {
  const jtis = [...family.generations.keys()];
  const b = new Binder();
  const tokens = await store.json<{ sha256: string; sid: string | null }>(
    `SELECT sha256, CASE WHEN sig_status = 'valid' THEN claims->>'sid' END AS sid FROM tokens WHERE ${b.in('jti', jtis)}`,
    b.params,
  );
  const sids = new Set([...family.sids, ...tokens.map((t) => t.sid).filter((s): s is string => s !== null)]);
  return [
    { col: 'jti', values: jtis },
    { col: 'parent_jti', values: jtis },
    { col: 'token_sha', values: tokens.map((t) => t.sha256).sort() },
    { col: 'sid', values: [...sids].sort() },
  ];
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
