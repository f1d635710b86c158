// A mapping with `each` (docs/presets.md): one event per element of an array in the record — Google's Reports API
// activities carry one or more `events[]` under one actor, IP and time. The records are staged by line (the NDJSON
// reader's numbering and rejects, events/ndjson-stage.ts), then, a range of lines at a time, each element is put in
// place of its array (so `$.events.name` reads the element and `$.actor.email` the record) and projected by the
// mapping's own SQL. Each event keeps its line, its element's index and the whole record in `extra`.
import type { Store } from '../../store/db.js';
import type { FileScan } from '../events/file-scan.js';
import { projectionParams, projectionSql, stageNdjson, type StageSpec } from '../events/ndjson-stage.js';
import { withMemoryCap } from '../events/read-events.js';
import { reportProgress } from '../ingest-progress.js';
import { lap } from '../../util/profile.js';
import { tsReject, type RejectRow } from '../line-reasons.js';
import type { LoadResult } from '../load-result.js';
import type { Mapping } from './mapping.js';
import { sqlString } from './field-sql.js';

/** A reject of one element: `element` says which (`$.events[2]`), for the message. */
export interface ElementReject extends RejectRow {
  element?: string;
}

const LINES = 'stage_each_lines';
const ELEMENTS = 'stage_each_elements';
const MAPPED = 'stage_each_mapped';
const COUNTS = 'stage_each_counts';
/** one table per level of lists within lists, numbered: `stage_each_level0`, … */
const LEVEL = 'stage_each_level';
/** lines expanded and mapped per statement: bounds the temporary tables, whatever the file's size */
const CHUNK_LINES = 20_000;
/** Each event keeps its whole record in `extra`, so a record's cost is elements × its size: one hostile 16 MiB line of
 *  a million tiny elements would be terabytes. A record with more elements than this (Google's activities carry a
 *  handful) is rejected whole, named, instead of expanded. */
export const MAX_ELEMENTS = 1_000;

const COLUMNS = ['ts', 'event', 'jti', 'sub', 'sid', 'client_id', 'ip', 'country', 'city', 'lat', 'lon', 'ua', 'app_version', 'aud', 'outcome', 'parent_jti', 'reason'];

export async function readEachEvents(store: Store, scan: FileScan, sourceId: number, mapping: Mapping): Promise<LoadResult> {
  const each = mapping.file.each!;
  return withMemoryCap(store, async () => {
    // `r_list` is the array (or object) at the `each` path (its first level, for lists within lists) as JSON text;
    // `rec` the whole record
    const lines: StageSpec = { table: LINES, fields: { list: levelsOf(each)[0]!.join('.').replace(/^/, '$.') }, projection: { rec: 'x', list: 'r_list' }, omit: {} };
    const staged = await stageNdjson(store, scan, lines);
    lap('each: records staged by line');
    const rejects: ElementReject[] = [...staged.rejects];
    let rows = 0;
    try {
      const span = await store.one<{ lo: bigint | null; hi: bigint | null }>(`SELECT min(line) AS lo, max(line) AS hi FROM ${LINES}`);
      for (let lo = Number(span?.lo ?? 1); span?.hi != null && lo <= Number(span.hi); lo += CHUNK_LINES) {
        const done = await mapChunk(store, mapping, sourceId, lo, lo + CHUNK_LINES - 1);
        lap('each: a chunk of lines expanded and mapped');
        rows += done.rows;
        rejects.push(...done.rejects);
        reportProgress({ path: scan.label ?? scan.path, bytesRead: scan.bytes, bytesTotal: scan.bytes, events: rows });
      }
    } finally {
      for (const t of [LINES, ELEMENTS, MAPPED, COUNTS, ...[0, 1, 2, 3, 4, 5].map((l) => `${LEVEL}${l}`)]) await store.run(`DROP TABLE IF EXISTS ${t}`);
    }
    return { rows, rejects: rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), newTokens: 0 };
  });
}

/** The key lists of each level: `$.resourceLogs[*].scopeLogs[*].logRecords` → [[resourceLogs], [scopeLogs], [logRecords]]. */
export function levelsOf(each: string): string[][] {
  return each.replace(/^\$\./, '').split('[*].').map((l) => l.split('.'));
}

async function mapChunk(store: Store, mapping: Mapping, sid: number, lo: number, hi: number): Promise<{ rows: number; rejects: ElementReject[] }> {
  const each = mapping.file.each!;
  if (levelsOf(each).length > 1) return mapNestedChunk(store, mapping, sid, lo, hi);
  const range = { lo, hi };
  const rejects: ElementReject[] = (await store.all<{ line: bigint }>(
    `SELECT line FROM ${LINES} WHERE line BETWEEN $lo AND $hi AND len(${ELEMENT_LIST}) = 0 ORDER BY line`, range,
  )).map((r) => ({
    line: Number(r.line),
    reason: 'no-elements',
    detail: `${mapping.label} reads one event per element of ${each}, and this record has none (absent, empty or not a list)`,
  }));
  const crowded = await store.all<{ line: bigint; n: bigint }>(
    `SELECT line, len(${ELEMENT_LIST}) AS n FROM ${LINES} WHERE line BETWEEN $lo AND $hi AND len(${ELEMENT_LIST}) > ${MAX_ELEMENTS} ORDER BY line`, range,
  );
  for (const r of crowded) {
    rejects.push({
      line: Number(r.line),
      reason: 'too-many-elements',
      detail: `${Number(r.n)} elements in ${each}, more than ${MAX_ELEMENTS} per record (each event keeps the whole record): not expanded`,
    });
  }
  // k numbers the chunk's elements: the projection carries it as its `line`, joined back to (line, index) below
  await store.run(`CREATE OR REPLACE TEMP TABLE ${ELEMENTS} AS
    SELECT row_number() OVER (ORDER BY line, i) AS k, line, CASE WHEN is_list THEN i END AS i, el, rec FROM (
      SELECT line, rec, is_list, unnest(range(len(els))) AS i, unnest(els) AS el FROM (
        SELECT line, rec, json_type(CASE WHEN json_valid(list) THEN list ELSE 'null' END) = 'ARRAY' AS is_list, ${ELEMENT_LIST} AS els FROM ${LINES}
        WHERE line BETWEEN $lo AND $hi AND len(${ELEMENT_LIST}) <= ${MAX_ELEMENTS}))`, range);
  const keys = each.replace(/^\$\./, '').split('.');
  const patch = keys.reduceRight((inner, _k, i) => `json_object($k${i}, ${inner})`, 'el');
  const keyParams = Object.fromEntries(keys.map((k, i) => [`k${i}`, k]));
  const done = await mapElements(store, mapping, sid, patch, keyParams, (r) => (r.i === null ? each : `${each}[${r.i}]`));
  return { rows: done.rows, rejects: [...rejects, ...done.rejects] };
}

/** Project the chunk's elements (ELEMENTS: k, line, i, el, rec) with the record patched by `patch`, insert the timed
 *  ones, and reject the others naming their element. */
async function mapElements(
  store: Store, mapping: Mapping, sid: number, patch: string, params: Record<string, string>,
  label: (r: { i: unknown }) => string, whole = true,
): Promise<{ rows: number; rejects: ElementReject[] }> {
  const source = `(SELECT k AS line, json_merge_patch(rec, ${patch}) AS j FROM ${ELEMENTS})`;
  await store.run(`CREATE OR REPLACE TEMP TABLE ${MAPPED} AS ${projectionSql(mapping.spec, source)}`, { ...projectionParams(mapping.spec), ...params });
  lap('each: elements projected');
  const inserted = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${MAPPED} WHERE ts IS NOT NULL`);
  await store.run(`INSERT INTO events (source_id, line, ${COLUMNS.join(', ')}, extra)
    SELECT $sid, e.line, ${COLUMNS.map((c) => `m.${c}`).join(', ')},
      ${whole
        ? `json_merge_patch(e.rec, json_object('provider_event', m.extra->'provider_event', 'element_index', e.i))`
        : `json_merge_patch(m.extra, json_object('element_index', e.i))`}
    FROM ${MAPPED} m JOIN ${ELEMENTS} e ON e.k = m.line WHERE m.ts IS NOT NULL ORDER BY e.k`, { sid });
  lap('each: events inserted');
  const untimed = await store.all<{ line: bigint; i: unknown; ts_raw: string | null }>(
    `SELECT e.line, e.i, m.ts_raw FROM ${MAPPED} m JOIN ${ELEMENTS} e ON e.k = m.line WHERE m.ts IS NULL ORDER BY e.k`,
  );
  return { rows: Number(inserted?.n ?? 0), rejects: untimed.map((r) => ({ ...tsReject(r), element: label(r) })) };
}

/** Lists within lists (`$.resourceLogs[*].scopeLogs[*].logRecords`): one event per innermost element, the record
 *  patched so that each level's list is replaced by the one element on the way (`$.resourceLogs.resource…` reads the
 *  enclosing resource, `$.resourceLogs.scopeLogs.logRecords.body…` the log record). Every level of a record holds at
 *  most MAX_ELEMENTS elements (counted first, in one pass, before anything is expanded). */
async function mapNestedChunk(store: Store, mapping: Mapping, sid: number, lo: number, hi: number): Promise<{ rows: number; rejects: ElementReject[] }> {
  const each = mapping.file.each!;
  const levels = levelsOf(each);
  const range = { lo, hi };
  const params: Record<string, string> = {};
  levels.forEach((keys, l) => keys.forEach((k, i) => (params[`k${l}_${i}`] = k)));
  // `$.a[*].b[*].c[*]`-style paths for the counts: DuckDB flattens them. Counted once a line, kept in a table.
  const wild = levels.map((_, l) => `$${levels.slice(0, l + 1).map((keys) => keys.map((k) => `."${k}"`).join('')).join('[*]')}[*]`);
  const counts = wild.map((w) => `len(json_extract(CASE WHEN json_valid(rec) THEN rec ELSE '{}' END, ${sqlString(w)}))`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ${COUNTS} AS
    SELECT line, greatest(${counts.join(', ')}) AS n FROM ${LINES} WHERE line BETWEEN $lo AND $hi`, range);
  const crowded = await store.all<{ line: bigint; n: bigint }>(`SELECT line, n FROM ${COUNTS} WHERE n > ${MAX_ELEMENTS} ORDER BY line`);
  lap('each(nested): counted');
  const rejects: ElementReject[] = crowded.map((r) => ({
    line: Number(r.line),
    reason: 'too-many-elements',
    detail: `${Number(r.n)} elements at one level of ${each}, more than ${MAX_ELEMENTS} per record (each event keeps the whole record): not expanded`,
  }));
  // Level by level, each materialised (a level's list is extracted once): level 0 from the staged list, each next
  // level from its parent element; every row keeps its parents for the patch.
  const elementsOf = (e: string): string => `(CASE json_type(${e}) WHEN 'ARRAY' THEN json_extract(${e}, '$[*]') WHEN 'OBJECT' THEN [${e}] ELSE []::JSON[] END)`;
  const expand = (cols: string, from: string, idx: string): string => `SELECT line, ${idx} AS idx${cols}, el AS e FROM (
      SELECT line, idx${cols}, l, unnest(range(len(els))) AS i, unnest(els) AS el FROM (
        SELECT line, idx${cols}, coalesce(json_type(c) = 'ARRAY', false) AS l, ${elementsOf('c')} AS els FROM (${from})))`;
  const level = (l: number): string => `${LEVEL}${l}`;
  await store.run(`CREATE OR REPLACE TEMP TABLE ${level(0)} AS ${expand('', `
    SELECT s.line, []::BIGINT[] AS idx, CAST(CASE WHEN json_valid(s.list) THEN s.list ELSE 'null' END AS JSON) AS c
    FROM ${LINES} s JOIN ${COUNTS} n ON n.line = s.line WHERE n.n <= ${MAX_ELEMENTS}`, 'idx || [CASE WHEN l THEN i END]')}`);
  for (let l = 1; l < levels.length; l++) {
    const parents = Array.from({ length: l - 1 }, (_, p) => `, e${p}`).join('');
    const path = sqlString(`$${levels[l]!.map((k) => `."${k}"`).join('')}`);
    await store.run(`CREATE OR REPLACE TEMP TABLE ${level(l)} AS ${expand(`${parents}, e${l - 1}`, `
      SELECT line, idx${parents}, e AS e${l - 1}, json_extract(e, ${path}) AS c FROM ${level(l - 1)}`, 'idx || [CASE WHEN l THEN i END]')}`);
    await store.run(`DROP TABLE ${level(l - 1)}`);
  }
  lap('each(nested): levels expanded');
  // the patch, innermost first: the element under its keys, merged into its parent under the parent's keys, …
  const last = levels.length - 1;
  const under = (l: number, inner: string): string => levels[l]!.reduceRight((acc, _k, i) => `json_object($k${l}_${i}, ${acc})`, inner);
  let patch = under(last, 'x.e');
  for (let l = last - 1; l >= 0; l--) patch = under(l, `json_merge_patch(x.e${l}, ${patch})`);
  await store.run(`CREATE OR REPLACE TEMP TABLE ${ELEMENTS} AS
    SELECT row_number() OVER (ORDER BY x.line, x.idx) AS k, x.line, x.idx AS i, ${patch} AS el, s.rec
    FROM ${level(last)} x JOIN ${LINES} s ON s.line = x.line`, params);
  await store.run(`DROP TABLE ${level(last)}`);
  lap('each(nested): elements expanded');
  const empty = await store.all<{ line: bigint }>(
    `SELECT line FROM ${COUNTS} WHERE n <= ${MAX_ELEMENTS} AND line NOT IN (SELECT DISTINCT line FROM ${ELEMENTS}) ORDER BY line`,
  );
  await store.run(`DROP TABLE ${COUNTS}`);
  for (const r of empty) {
    rejects.push({ line: Number(r.line), reason: 'no-elements', detail: `${mapping.label} reads one event per element of ${each}, and this record has none (absent, empty or not a list)` });
  }
  lap('each(nested): empty records found');
  // `extra` holds the record as this event saw it (each list replaced by its one element on the way), not the whole
  // batch: an OTLP line of a thousand log records is not stored a thousand times
  const done = await mapElements(store, mapping, sid, 'el', {}, (r) => elementLabel(levels, r.i as (number | null)[]), false);
  return { rows: done.rows, rejects: [...rejects, ...done.rejects] };
}

/** `$.resourceLogs[0].scopeLogs[1].logRecords[2]` (an object where a list was expected has no index). */
function elementLabel(levels: string[][], idx: (number | null)[]): string {
  return `$${levels.map((keys, l) => `.${keys.join('.')}${idx?.[l] === null || idx?.[l] === undefined ? '' : `[${idx[l]}]`}`).join('')}`;
}

/** The elements at the `each` path: an array's items, an object alone (a record already split one event per line,
 *  as Elastic's input writes Google's activities), nothing otherwise. */
const ELEMENT_LIST = `(CASE json_type(CASE WHEN json_valid(list) THEN list ELSE 'null' END)
  WHEN 'ARRAY' THEN json_extract(CASE WHEN json_valid(list) THEN list ELSE '[]' END, '$[*]')
  WHEN 'OBJECT' THEN [CAST(CASE WHEN json_valid(list) THEN list ELSE '{}' END AS JSON)] ELSE []::JSON[] END)`;
