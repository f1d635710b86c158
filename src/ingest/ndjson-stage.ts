// The NDJSON speed path: DuckDB's own reader parses every line and projects the fields a kind needs into a
// staging table, keyed by line number. Lines it could not read come back as NULL rows; a second, rarer pass
// explains them (bad JSON, bad UTF-8, a byte-order mark) so each lands in `rejects` with its reason.
import type { Store } from '../store/db.js';
import type { FileScan } from './file-scan.js';
import { nonBlankLines, pickLines } from './line-scan.js';
import { explainLine } from './line-reasons.js';
import { lap } from '../util/profile.js';

export interface RejectRow {
  line: number | null;
  reason: string;
  detail: string;
}

export interface StageSpec {
  /** temp table to create: columns `line`, `jt` (JSON type of the line) and one per projection entry */
  table: string;
  /** raw field name → JSON path (`$.a.b`, keys only); each becomes a VARCHAR `r_<name>` */
  fields: Record<string, string>;
  /** column name → SQL expression over the `r_<name>` fields and `x` (the record minus `omit`) */
  projection: Record<string, string>;
  /** JSON merge patch (RFC 7386) applied to the record to make `x`: `null` members remove the keys the columns hold */
  omit: Record<string, unknown>;
}

export interface StageResult {
  /** lines that DuckDB emitted (blank lines excluded) */
  rows: number;
  rejects: RejectRow[];
}

// Lines bigger than this are rejected by DuckDB; far above any real log line, it still bounds memory.
const MAX_LINE_BYTES = 64 * 1024 * 1024;

export async function stageNdjson(store: Store, scan: FileScan, spec: StageSpec): Promise<StageResult> {
  await store.run(`DROP TABLE IF EXISTS ${spec.table}`);
  // No WITH ORDINALITY: it is a streaming window, which runs the whole projection on one thread (2× slower here).
  // The CTAS keeps the reader's order (preserve_insertion_order, DuckDB's default), so a row's position in the
  // table is its ordinal, and the line number is set from it afterwards.
  const source = `(SELECT NULL::BIGINT AS line, json AS j FROM read_json_objects($path, format = 'newline_delimited',
      ignore_errors = true, compression = $compression, maximum_object_size = $max))`;
  await store.run(`SET preserve_insertion_order = true`);
  await store.run(`CREATE TEMP TABLE ${spec.table} AS ${projectionSql(spec, source)}`, {
    ...projectionParams(spec),
    path: scan.path,
    compression: scan.gzip ? 'gzip' : 'uncompressed',
    max: MAX_LINE_BYTES,
  });
  await store.run(`UPDATE ${spec.table} SET line = rowid - (SELECT min(rowid) FROM ${spec.table}) + 1`);
  lap('stage: read_json_objects + projection');
  const rows = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${spec.table}`))!.n);
  const lines = await scan.lines;
  lap('stage: waited for the line count');
  if (rows !== lines) await remapLineNumbers(store, scan, spec.table, rows);
  const rejects = await explainUnreadLines(store, scan, spec);
  rejects.push(...(await collectNonObjects(store, spec.table)));
  return { rows, rejects };
}

// The reader only yields valid JSON (or NULL), so a leading '{' means an object: no second parse to learn that.
const JSON_KIND = `CASE WHEN j IS NULL THEN NULL WHEN starts_with(ltrim(j::VARCHAR), '{') THEN 'OBJECT' ELSE json_type(j) END`;

/** SELECT line, jt, <projection> over a source of (line, j). The line's JSON is parsed once, by json_transform
 *  into a struct of VARCHAR leaves (numbers and nested values come back as their JSON text). */
function projectionSql(spec: StageSpec, source: string): string {
  const { accessors } = shapeOf(spec.fields);
  const raw = Object.keys(spec.fields)
    .map((n) => `${accessors.get(n)} AS r_${n}`)
    .join(', ');
  const cols = Object.entries(spec.projection)
    .map(([name, expr]) => `${expr} AS ${name}`)
    .join(', ');
  return `SELECT line, jt, ${cols} FROM (
      SELECT line, jt, x, ${raw} FROM (
        SELECT line, ${JSON_KIND} AS jt, json_transform(j, $shape) AS f,
               CASE WHEN ${JSON_KIND} = 'OBJECT' THEN NULLIF(json_merge_patch(j, $omit::JSON), '{}') END AS x
        FROM ${source}))`;
}

function projectionParams(spec: StageSpec): Record<string, string> {
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

/** DuckDB skips whitespace-only lines, so ordinals drift from line numbers: map them back. */
async function remapLineNumbers(store: Store, scan: FileScan, table: string, rows: number): Promise<void> {
  const lines = await nonBlankLines(scan.path, scan.gzip);
  if (lines.length !== rows) {
    throw new Error(`${scan.path}: DuckDB read ${rows} records from ${lines.length} non-blank lines; cannot place them`);
  }
  await store.run(`UPDATE ${table} SET line = ($lines::BIGINT[])[line]`, { lines: JSON.stringify(lines) });
}

async function explainUnreadLines(store: Store, scan: FileScan, spec: StageSpec): Promise<RejectRow[]> {
  const unread = await store.all<{ line: bigint }>(`SELECT line FROM ${spec.table} WHERE jt IS NULL ORDER BY line`);
  if (unread.length === 0) return [];
  const wanted = new Set(unread.map((r) => Number(r.line)));
  const bytes = await pickLines(scan.path, scan.gzip, wanted);
  const rejects: RejectRow[] = [];
  for (const line of wanted) {
    const why = explainLine(bytes.get(line) ?? Buffer.alloc(0), line === 1);
    if (why.recovered !== null) {
      await restage(store, spec, line, why.recovered);
      continue;
    }
    rejects.push({ line, reason: why.reason, detail: why.detail });
  }
  await store.run(`DELETE FROM ${spec.table} WHERE jt IS NULL`);
  return rejects;
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
  return rows.map((r) => ({
    line: Number(r.line),
    reason: 'not-an-object',
    detail: `expected a JSON object, found ${JSON_TYPE_NAMES[r.jt] ?? r.jt.toLowerCase()}`,
  }));
}
