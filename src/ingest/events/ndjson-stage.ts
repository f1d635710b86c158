// The NDJSON speed path: DuckDB's own reader parses every line and projects the fields a kind needs into a
// staging table, keyed by line number. Lines it could not read come back as NULL rows; a second, rarer pass
// explains them (bad JSON, bad UTF-8, a byte-order mark) so each lands in `rejects` with its reason.
import { rm } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import type { FileScan } from './file-scan.js';
import { tooDeep, tooLong } from './line-limits.js';
import { blankCount } from './line-runs.js';
import { linesOf, type LineLayout } from './line-scan.js';
import { explainLine, type LineVerdict, type RejectRow } from '../line-reasons.js';
import { splitParts, wholeFile } from './ndjson-parts.js';
import { numberRows } from './number-rows.js';
import { makePartDir } from './part-dir.js';
import { lap } from '../../util/profile.js';
import { CANONICAL_KEYS } from './duplicate-keys.js';

export interface StageSpec {
  /** temp table to create: columns `line`, `jt` (JSON type of the line) and one per projection entry */
  table: string;
  /** raw field name → JSON path (`$.a.b`, keys only); each becomes a VARCHAR `r_<name>` */
  fields: Record<string, string>;
  /** column name → SQL expression over the `r_<name>` fields and `x` (the record minus `omit`) */
  projection: Record<string, string>;
  /** JSON merge patch (RFC 7386) applied to the record to make `x`: `null` members remove the keys the columns hold */
  omit: Record<string, unknown>;
  /** also project `dup`: the line names a top-level canonical key (duplicate-keys.ts) more than once */
  duplicates?: boolean;
}

export interface StageResult {
  /** lines that DuckDB emitted (blank lines excluded) */
  rows: number;
  rejects: RejectRow[];
}

// DuckDB's read buffer for one record, when the longest line is not known (the small kinds; DuckDB does not hold a
// record strictly to it). Events know theirs (no line over 16 MiB reaches DuckDB, see split-lines.ts).
export const MAX_OBJECT_BYTES = 64 * 1024 * 1024;

/** Every line of `$path` as (line, j): the JSON text, or NULL for a line DuckDB could not read; line is set later. */
export const READER = `(SELECT NULL::BIGINT AS line, json AS j FROM read_json_objects($path, format = 'newline_delimited',
      ignore_errors = true, compression = $compression, maximum_object_size = $max))`;

/** `longest`, when known, sizes DuckDB's read buffer: small buffers for short lines let it read a file of a few
 *  tens of MB on all cores (its buffers follow maximum_object_size). */
export function readerParams(src: { path: string; gzip: boolean; longest?: number }): Record<string, string | number> {
  const max = src.longest === undefined ? MAX_OBJECT_BYTES : Math.max(1024 * 1024, src.longest + 4096);
  return { path: src.path, compression: src.gzip ? 'gzip' : 'uncompressed', max };
}

export async function stageNdjson(store: Store, scan: FileScan, spec: StageSpec): Promise<StageResult> {
  const t = spec.table;
  await store.run(`DROP TABLE IF EXISTS ${t}`);
  // No WITH ORDINALITY: it is a streaming window, which runs the whole projection on one thread (2× slower here).
  // The CTAS / INSERT keeps the reader's order (preserve_insertion_order, DuckDB's default), so a row's place among
  // its part's rows gives its line, set from it afterwards.
  await store.run(`SET preserve_insertion_order = true`);
  const dir = await makePartDir();
  const label = scan.label ?? scan.path;
  try {
    const rejects: RejectRow[] = [];
    const recovered: [number, string][] = [];
    let rows = 0;
    let lines = 0;
    await store.run(`CREATE TEMP TABLE ${t} AS ${projectionSql(spec, NOTHING)}`, projectionParams(spec));
    const whole = await wholeFile(scan);
    for await (const part of whole ? only(whole) : splitParts(scan, dir)) {
      await store.run(`INSERT INTO ${t} ${projectionSql(spec, READER)}`, { ...projectionParams(spec), ...readerParams(part) });
      lap('stage: read_json_objects + projection');
      const span = await store.one<{ base: bigint | null; n: bigint }>(`SELECT min(rowid) AS base, count(*) AS n FROM ${t} WHERE line IS NULL`);
      const emitted = Number(span!.n);
      const nonBlank = part.lines - blankCount(part.blankRuns);
      if (emitted !== nonBlank) {
        throw new InputError(`${label}: the file changed while it was being read (DuckDB read ${emitted} records where ${nonBlank} non-blank lines were counted); copy it and ingest the copy`);
      }
      await numberRows(store, t, 'line IS NULL', { base: span!.base ?? 0n }, part);
      lap('stage: lines numbered');
      const unread = await store.all<{ line: bigint }>(`SELECT line FROM ${t} WHERE jt IS NULL AND line BETWEEN $first AND $last ORDER BY line`, {
        first: part.firstLine,
        last: part.firstLine + part.lines - 1,
      });
      for (const [line, why] of await explainLines(part, unread.map((r) => Number(r.line)))) {
        if (why.recovered !== null) recovered.push([line, why.recovered]);
        else rejects.push({ line, reason: why.reason, detail: why.detail });
      }
      rejects.push(...part.oversized.map(tooLong), ...part.tooDeep.map(tooDeep));
      rows += emitted;
      lines += part.lines;
      if (!whole) await rm(part.path, { force: true });
    }
    if (lines !== (await scan.lines)) {
      throw new InputError(`${label}: the file changed while it was being read (${await scan.lines} lines, then ${lines}); copy it and ingest the copy`);
    }
    await store.run(`DELETE FROM ${t} WHERE jt IS NULL`);
    for (const [line, json] of recovered) await restage(store, spec, line, json);
    rejects.push(...(await collectNonObjects(store, t)));
    return { rows, rejects };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A canonical key name → its bit (CANONICAL_KEYS are ours: constants, not input), any other name → 0. */
const KEY_BITS = `CASE k ${CANONICAL_KEYS.map((key, i) => `WHEN '${key}' THEN ${2 ** i}`).join(' ')} ELSE 0 END`;

/** No lines: the staging table is made from it, so it exists with its columns whatever the file holds. */
const NOTHING = `(SELECT NULL::BIGINT AS line, NULL::JSON AS j WHERE false)`;

async function* only<T>(item: T): AsyncGenerator<T> {
  yield item;
}

// The reader only yields valid JSON (or NULL), so a first byte '{' means an object: no parse and no copy of the
// line to learn that (only a line with leading blanks, or not an object, is asked of json_type).
const JSON_KIND = `CASE WHEN j IS NULL THEN NULL WHEN left(j::VARCHAR, 1) = '{' THEN 'OBJECT' ELSE json_type(j) END`;

/** SELECT line, jt, <projection> over a source of (line, j). The line's JSON is parsed once, by json_transform
 *  into a struct of VARCHAR leaves (numbers and nested values come back as their JSON text). */
export function projectionSql(spec: StageSpec, source: string): string {
  const { accessors } = shapeOf(spec.fields);
  const raw = Object.keys(spec.fields)
    .map((n) => `${accessors.get(n)} AS r_${n}`)
    .join(', ');
  const cols = Object.entries(spec.projection)
    .map(([name, expr]) => `${expr} AS ${name}`)
    .join(', ');
  // A repeated canonical key: DuckDB's json_keys lists every member, repeats included; each canonical name maps to
  // its own bit, so the sum of the bits exceeds their OR exactly when one repeats. Computed in the same pass as the
  // projection (one more parse of the line, on DuckDB's threads; a bit test, not a sort of the keys).
  const keys = spec.duplicates ? `, CASE WHEN jt = 'OBJECT' THEN list_transform(json_keys(j), k -> ${KEY_BITS}) END AS k` : '';
  const dup = spec.duplicates ? `, coalesce(list_sum(k) <> list_aggregate(k, 'bit_or'), false) AS dup` : '';
  const passDup = spec.duplicates ? ', dup' : '';
  return `SELECT line, jt${passDup}, ${cols} FROM (
      SELECT line, jt${passDup}, x, ${raw} FROM (
        SELECT line, jt${dup}, json_transform(j, $shape) AS f,
               CASE WHEN jt = 'OBJECT' THEN NULLIF(json_merge_patch(j, $omit::JSON), '{}') END AS x
        FROM (SELECT line, j, jt${keys} FROM (SELECT line, j, ${JSON_KIND} AS jt FROM ${source}))))`;
}

/** SELECT DISTINCT of one projected column (no `x`), parsing only the raw fields its expression reads: a cheap
 *  pass for one column (the tokens, before the events that refer to them are written). */
export function distinctSql(spec: StageSpec, column: string, source: string): { sql: string; params: Record<string, string> } {
  const expr = spec.projection[column]!;
  // An expression that reads the record itself (a mapping's SQL may) gets the whole projection.
  if (/\bx\b/.test(expr)) {
    return { sql: `SELECT DISTINCT ${column} FROM (${projectionSql(spec, source)}) WHERE ${column} IS NOT NULL`, params: projectionParams(spec) };
  }
  const used = new Set([...expr.matchAll(/\br_([A-Za-z0-9_]+)\b/g)].map((m) => m[1]!));
  const fields = Object.fromEntries(Object.entries(spec.fields).filter(([name]) => used.has(name)));
  if (Object.keys(fields).length === 0) return { sql: `SELECT DISTINCT ${column} FROM (SELECT ${expr} AS ${column} FROM ${source}) WHERE ${column} IS NOT NULL`, params: {} };
  const { shape, accessors } = shapeOf(fields);
  const raw = Object.keys(fields).map((n) => `${accessors.get(n)} AS r_${n}`).join(', ');
  return {
    sql: `SELECT DISTINCT ${column} FROM (SELECT ${expr} AS ${column} FROM (
        SELECT ${raw} FROM (SELECT json_transform(j, $shape) AS f FROM ${source}))) WHERE ${column} IS NOT NULL`,
    params: { shape: JSON.stringify(shape) },
  };
}

export function projectionParams(spec: StageSpec): Record<string, string> {
  return { shape: JSON.stringify(shapeOf(spec.fields).shape), omit: JSON.stringify(spec.omit) };
}

type Shape = { [key: string]: Shape | 'VARCHAR' };

/** The json_transform shape for the fields' paths, and for each field the positional accessor into the struct
 *  (positional because struct field names are case-insensitive in SQL, JSON keys are not). */
function shapeOf(fields: Record<string, string>): { shape: Shape; accessors: Map<string, string> } {
  const shape: Shape = {};
  const accessors = new Map<string, string>();
  for (const [name, path] of Object.entries(fields)) {
    const keys = path.replace(/^\$\./, '').split('.');
    let node = shape;
    let expr = 'f';
    keys.forEach((key, depth) => {
      const last = depth === keys.length - 1;
      if (!(key in node)) node[key] = last ? 'VARCHAR' : {};
      expr = `struct_extract_at(${expr}, ${Object.keys(node).indexOf(key) + 1})`;
      if (!last) node = node[key] as Shape;
    });
    accessors.set(name, expr);
  }
  return { shape, accessors };
}

/** Why DuckDB could not read these lines (numbered in the source file), from their bytes. */
export async function explainLines(
  src: { path: string; gzip: boolean; firstLine?: number; index?: LineLayout },
  lines: number[],
): Promise<Map<number, LineVerdict>> {
  const bytes = await linesOf(src, lines);
  return new Map(lines.map((line) => [line, explainLine(bytes.get(line) ?? Buffer.alloc(0), line === 1)]));
}

/** A line DuckDB could not read but that is good JSON once explained (a byte-order mark): project it the same way. */
async function restage(store: Store, spec: StageSpec, line: number, json: string): Promise<void> {
  await store.run(`DELETE FROM ${spec.table} WHERE line = $line`, { line });
  const source = `(SELECT $line::BIGINT AS line, $json::JSON AS j)`;
  await store.run(`INSERT INTO ${spec.table} ${projectionSql(spec, source)}`, { ...projectionParams(spec), line, json });
}

const JSON_TYPE_NAMES: Record<string, string> = {
  NULL: 'null', ARRAY: 'an array', VARCHAR: 'a string', BOOLEAN: 'a boolean', BIGINT: 'a number', UBIGINT: 'a number', DOUBLE: 'a number',
};

async function collectNonObjects(store: Store, table: string): Promise<RejectRow[]> {
  const rows = await store.all<{ line: bigint; jt: string }>(
    `SELECT line, jt FROM ${table} WHERE jt <> 'OBJECT' ORDER BY line`,
  );
  await store.run(`DELETE FROM ${table} WHERE jt <> 'OBJECT'`);
  return rows.map((r) => nonObjectReject(Number(r.line), r.jt));
}

export function nonObjectReject(line: number, jt: string): RejectRow {
  return { line, reason: 'not-an-object', detail: `expected a JSON object, found ${JSON_TYPE_NAMES[jt] ?? jt.toLowerCase()}` };
}
