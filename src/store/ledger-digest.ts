// What a ledger entry hashes of the store: the rows one source added, table by table, and the findings one check run
// made. Rows are hashed where they are, in DuckDB (docs/evidence.md "What is hashed"): each row's values as a JSON
// array (columns in schema order) by md5, the md5s of a block of 16,384 lines concatenated in line order and
// hashed by sha256, and a table's root the sha256 of its blocks' `block:rows:digest` lines. A later mismatch is then
// found down to the block (the lines) that changed, in one pass over the source's rows.
import { createHash } from 'node:crypto';
import type { Store } from './db.js';
import type { BlockDigest } from './ledger.js';

const BLOCK_LINES = 16_384;

/** The tables a source adds rows to, how its rows are found and ordered, and which columns are evidence (all). */
export const SOURCE_TABLES: readonly { tbl: string; where: string; order: string; cols?: readonly string[] }[] = [
  { tbl: 'events', where: 'source_id', order: 'line' },
  { tbl: 'captures', where: 'source_id', order: 'line' },
  { tbl: 'keys', where: 'source_id', order: 'idx' },
  { tbl: 'key_events', where: 'source_id', order: 'line' },
  { tbl: 'revocations', where: 'source_id', order: 'line' },
  { tbl: 'rejects', where: 'source_id', order: 'coalesce(line, -1)' },
  // a token's verdict is re-derived when keys arrive later (a JWKS loaded after the logs): its text is the evidence
  { tbl: 'tokens', where: 'first_source', order: 'sha256', cols: ['sha256', 'raw'] },
];

/**
 * How a row becomes the text its md5 is taken of, as an ingest entry records it (`row_text`). `json_array`: the
 * row's values in schema order, a JSON array (a third shorter than an object naming every column, and as
 * unambiguous: 1.3 s → 0.9 s for 1M events). `to_json`: the row as an object, what entries made before it used.
 */
export type RowText = 'json_array' | 'to_json';
export const ROW_TEXT: RowText = 'json_array';

function rowTextSql(t: (typeof SOURCE_TABLES)[number], form: RowText): string {
  if (form === 'json_array') return `json_array(${t.cols ? t.cols.map((c) => `t.${c}`).join(', ') : '*COLUMNS(t.*)'})::VARCHAR`;
  return `to_json(${t.cols ? `struct_pack(${t.cols.map((c) => `${c} := t.${c}`).join(', ')})` : 't'})::VARCHAR`;
}

/** The row text an ingest entry's digests were made with (entries before `row_text` was recorded: to_json). */
export function rowTextOf(body: { row_text?: unknown }): RowText {
  return body.row_text === 'json_array' ? 'json_array' : 'to_json';
}

export interface TableDigest {
  rows: number;
  /** sha256 over the table's block lines */
  digest: string;
}

export type TableBlocks = { block: number; rows: number; digest: string }[];

/** Each table's digest for one source, and the blocks behind them (kept beside the entry to locate a change);
 *  `ready` holds tables whose blocks a reader already computed from the same rows (digestAlongside). */
export async function sourceDigests(
  store: Store,
  sourceId: number,
  ready: Readonly<Record<string, TableBlocks>> = {},
): Promise<{ tables: Record<string, TableDigest>; blocks: BlockDigest[] }> {
  const tables: Record<string, TableDigest> = {};
  const blocks: BlockDigest[] = [];
  for (const t of SOURCE_TABLES) {
    const rows = ready[t.tbl] ?? (await tableBlocks(store, t, sourceId, ROW_TEXT));
    tables[t.tbl] = rootOf(rows);
    blocks.push(...rows.map((b) => ({ tbl: t.tbl, ...b })));
  }
  return { tables, blocks };
}

/** One table's blocks for one source, recomputed from its rows now. */
export async function tableBlocks(store: Store, t: (typeof SOURCE_TABLES)[number], sourceId: number, form: RowText): Promise<TableBlocks> {
  // the row's md5 breaks ties between rows of one line (an `each` mapping makes several events of one record)
  const rows = await store.json<{ block: unknown; rows: unknown; digest: string }>(
    `SELECT block, count(*) AS rows, sha256(string_agg(h, '' ORDER BY k, h)) AS digest
     FROM (SELECT ${t.order === 'sha256' ? '0' : `${t.order} // ${BLOCK_LINES}`} AS block, ${t.order} AS k,
                  md5(${rowTextSql(t, form)}) AS h
           FROM ${t.tbl} t WHERE ${t.where} = $id)
     GROUP BY block ORDER BY block`,
    { id: sourceId },
  );
  return rows.map((r) => ({ block: Number(r.block), rows: Number(r.rows), digest: r.digest }));
}

/**
 * One table's blocks for one source, computed on a second connection from its committed rows while the caller goes
 * on (an events file's new tokens are decoded and verified in JS meanwhile: the digest costs the ingest little wall
 * time). Valid only if the source's rows in that table do not change afterwards; null if the read fails (the ledger
 * entry then hashes the rows itself).
 */
export function digestAlongside(store: Store, tbl: string, sourceId: number): Promise<TableBlocks | null> {
  const t = SOURCE_TABLES.find((x) => x.tbl === tbl);
  if (!t) throw new Error(`no source table ${tbl}`);
  const run = async (): Promise<TableBlocks> => {
    const side = await store.alongside();
    try {
      return await tableBlocks(side, t, sourceId, ROW_TEXT);
    } finally {
      side.close();
    }
  };
  return run().catch(() => null);
}

export function rootOf(blocks: readonly { block: number; rows: number; digest: string }[]): TableDigest {
  const hash = createHash('sha256');
  let rows = 0;
  for (const b of blocks) {
    hash.update(`${b.block}:${b.rows}:${b.digest}\n`);
    rows += b.rows;
  }
  return { rows, digest: hash.digest('hex') };
}

/** The findings a check run made: [id, sha256 of the row's JSON] sorted by id. */
export async function runFindingDigests(store: Store, runId: number): Promise<[string, string][]> {
  const rows = await store.json<{ id: string; h: string }>(
    `SELECT id, sha256(to_json(f)::VARCHAR) AS h FROM findings f WHERE run_id = $run ORDER BY id`, { run: runId },
  );
  return rows.map((r) => [r.id, r.h]);
}

/** The stored findings of these checks now: id → [check, sha256]. */
export async function findingDigestsOf(store: Store, checks: readonly string[]): Promise<Map<string, { check: string; hash: string }>> {
  const rows = await store.json<{ id: string; check_id: string; h: string }>(
    `SELECT id, check_id, sha256(to_json(f)::VARCHAR) AS h FROM findings f WHERE list_contains($checks::VARCHAR[], check_id)`,
    { checks: JSON.stringify(checks) },
  );
  return new Map(rows.map((r) => [r.id, { check: r.check_id, hash: r.h }]));
}

