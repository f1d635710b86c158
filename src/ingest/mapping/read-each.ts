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

/** A reject of one element: `element` says which (`$.events[2]`), for the message. */
export interface ElementReject extends RejectRow {
  element?: string;
}

const LINES = 'stage_each_lines';
const ELEMENTS = 'stage_each_elements';
const MAPPED = 'stage_each_mapped';
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
    // `r_list` is the array (or object) at the `each` path as JSON text; `rec` the whole record
    const lines: StageSpec = { table: LINES, fields: { list: each }, projection: { rec: 'x', list: 'r_list' }, omit: {} };
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
      for (const t of [LINES, ELEMENTS, MAPPED]) await store.run(`DROP TABLE IF EXISTS ${t}`);
    }
    return { rows, rejects: rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), newTokens: 0 };
  });
}

async function mapChunk(store: Store, mapping: Mapping, sid: number, lo: number, hi: number): Promise<{ rows: number; rejects: ElementReject[] }> {
  const each = mapping.file.each!;
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
  const source = `(SELECT k AS line, json_merge_patch(rec, ${patch}) AS j FROM ${ELEMENTS})`;
  await store.run(`CREATE OR REPLACE TEMP TABLE ${MAPPED} AS ${projectionSql(mapping.spec, source)}`, { ...projectionParams(mapping.spec), ...keyParams });
  const inserted = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${MAPPED} WHERE ts IS NOT NULL`);
  await store.run(`INSERT INTO events (source_id, line, ${COLUMNS.join(', ')}, extra)
    SELECT $sid, e.line, ${COLUMNS.map((c) => `m.${c}`).join(', ')},
      json_merge_patch(e.rec, json_object('provider_event', m.extra->'provider_event', 'element_index', e.i))
    FROM ${MAPPED} m JOIN ${ELEMENTS} e ON e.k = m.line WHERE m.ts IS NOT NULL ORDER BY e.line, e.i`, { sid });
  const untimed = await store.all<{ line: bigint; i: bigint | null; ts_raw: string | null }>(
    `SELECT e.line, e.i, m.ts_raw FROM ${MAPPED} m JOIN ${ELEMENTS} e ON e.k = m.line WHERE m.ts IS NULL ORDER BY e.line, e.i`,
  );
  for (const r of untimed) rejects.push({ ...tsReject(r), element: r.i === null ? each : `${each}[${r.i}]` });
  return { rows: Number(inserted?.n ?? 0), rejects };
}

/** The elements at the `each` path: an array's items, an object alone (a record already split one event per line,
 *  as Elastic's input writes Google's activities), nothing otherwise. */
const ELEMENT_LIST = `(CASE json_type(CASE WHEN json_valid(list) THEN list ELSE 'null' END)
  WHEN 'ARRAY' THEN json_extract(CASE WHEN json_valid(list) THEN list ELSE '[]' END, '$[*]')
  WHEN 'OBJECT' THEN [CAST(CASE WHEN json_valid(list) THEN list ELSE '{}' END AS JSON)] ELSE []::JSON[] END)`;
