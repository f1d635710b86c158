// The same events loaded twice from different bytes (a reordered copy, a .gz of a file already loaded, a second
// export of the same log): each source keeps its rows (they are its evidence), but the checks count an event once.
// Two rows are the same event when their content is equal column by column (every column but source_id and line;
// NULL equals NULL); hash() only narrows the candidates, so a crafted collision never hides an event.
//
// Copies pair up in order: the k-th row of a content in one source is the same event as the k-th row of that
// content in another (a source may log an event twice for real: a copy of it has it twice too, a source that has
// it once more than the other brings one more). For each content and k the row of the first source (lowest id,
// loaded first) is the one counted; the others are listed in `event_copies` and left out of the counting views
// (events_src, uses, presentations), so finding references point to the first copy's lines.
import type { Store } from './db.js';

export const CONTENT_COLUMNS = [
  'ts', 'event', 'token_sha', 'jti', 'sub', 'sid', 'client_id', 'ip', 'country', 'city', 'lat', 'lon', 'ua',
  'app_version', 'aud', 'outcome', 'parent_jti', 'reason', 'extra',
] as const;

const COLS = CONTENT_COLUMNS.join(', ');
export const CONTENT_HASH = `hash(${COLS})`;

/** `a` and `b` have the same content (NULL equal to NULL). */
export const sameContent = (a: string, b: string): string => CONTENT_COLUMNS.map((c) => `${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`).join(' AND ');

/** (source_id, line) of every row that repeats an event of an earlier source. Rows pair up by hash and rank; each
 *  pair is then compared column by column, so a collision (`hashExpr` is a parameter: a test makes every row collide)
 *  can only leave a copy counted twice, never hide an event. */
export function eventCopiesSql(hashExpr = CONTENT_HASH): string {
  return `
WITH hashed AS (SELECT source_id, line, ${hashExpr} AS h FROM events),
shared AS (SELECT h FROM hashed GROUP BY h HAVING count(DISTINCT source_id) > 1),
ranked AS (SELECT *, row_number() OVER (PARTITION BY h, source_id ORDER BY line) AS k FROM hashed SEMI JOIN shared USING (h)),
firsts AS (SELECT *, min(source_id) OVER (PARTITION BY h, k) AS first FROM ranked),
pairs AS (SELECT l.source_id, l.line, f.source_id AS f_source, f.line AS f_line
  FROM firsts l JOIN firsts f ON f.h = l.h AND f.k = l.k AND f.source_id = l.first WHERE l.source_id <> l.first)
SELECT p.source_id, p.line FROM pairs p
  JOIN events a ON a.source_id = p.source_id AND a.line = p.line
  JOIN events b ON b.source_id = p.f_source AND b.line = p.f_line
WHERE ${sameContent('a', 'b')}`;
}

/** The temp table `event_copies` for this run: empty (and free) unless two sources hold events. Returns how many
 *  rows it lists: with none, the views are made without the filter (which costs the checks even when empty). */
export async function createEventCopies(store: Store, hashExpr = CONTENT_HASH): Promise<number> {
  const sources = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM (SELECT DISTINCT source_id FROM events)`);
  const body = Number(sources?.n ?? 0) > 1 ? eventCopiesSql(hashExpr) : `SELECT NULL::INTEGER AS source_id, NULL::BIGINT AS line WHERE false`;
  await store.run(`CREATE OR REPLACE TEMP TABLE event_copies AS ${body}`);
  return Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM event_copies`))!.n);
}

/** SQL condition: the events row `alias` is not a later copy (true for every row when there are none). */
export const notACopy = (alias: string, copies: number): string =>
  copies > 0 ? `NOT EXISTS (SELECT 1 FROM event_copies c WHERE c.source_id = ${alias}.source_id AND c.line = ${alias}.line)` : 'true';

/** Events of source `sid` already in the store from other sources (same content, paired in order as above), by
 *  the source that has them first: for the ingest summary. */
export async function copiesFromOthers(store: Store, sid: number): Promise<{ path: string; n: number }[]> {
  const others = await store.one(`SELECT 1 AS x FROM events WHERE source_id <> $sid LIMIT 1`, { sid });
  if (!others) return [];
  const rows = await store.all<{ path: string; n: bigint }>(
    `WITH mine AS (SELECT line, ${CONTENT_HASH} AS h FROM events WHERE source_id = $sid),
     theirs AS (SELECT source_id, line, ${CONTENT_HASH} AS h FROM events WHERE source_id <> $sid),
     m AS (SELECT *, row_number() OVER (PARTITION BY h ORDER BY line) AS k FROM mine SEMI JOIN theirs USING (h)),
     t AS (SELECT *, row_number() OVER (PARTITION BY h, source_id ORDER BY line) AS k FROM theirs SEMI JOIN m USING (h)),
     pairs AS (SELECT m.line, t.source_id, t.line AS t_line FROM m JOIN t USING (h, k)),
     matched AS (SELECT p.line, min(p.source_id) AS src FROM pairs p
       JOIN events a ON a.source_id = $sid AND a.line = p.line
       JOIN events b ON b.source_id = p.source_id AND b.line = p.t_line
       WHERE ${sameContent('a', 'b')} GROUP BY p.line)
     SELECT s.path, count(*) AS n FROM matched JOIN sources s ON s.id = matched.src GROUP BY s.path ORDER BY n DESC, s.path`,
    { sid },
  );
  return rows.map((r) => ({ path: r.path, n: Number(r.n) }));
}

export function copiesWarning(copies: readonly { path: string; n: number }[], total: number): string | null {
  if (copies.length === 0) return null;
  const n = copies.reduce((a, c) => a + c.n, 0);
  const from = copies.length === 1 ? copies[0]!.path : copies.map((c) => `${c.path} (${c.n})`).join(', ');
  return `${n} of ${total} events are already in the store from ${from} (same content): kept as this source's evidence, counted once by the checks`;
}
