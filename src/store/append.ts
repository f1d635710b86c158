// Bulk insert of JS-made rows (tokens, keys, rejects) through DuckDB's appender, inside the caller's transaction.
import { LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { Store } from './db.js';

export type ColumnKind = 'text' | 'int' | 'bigint' | 'double' | 'bool' | 'json' | 'text[]';
export type Cell = string | number | boolean | bigint | string[] | null | undefined;

export async function appendRows(store: Store, table: string, kinds: readonly ColumnKind[], rows: readonly Cell[][]): Promise<void> {
  if (rows.length === 0) return;
  const appender = await store.conn.createAppender(table);
  try {
    for (const row of rows) {
      kinds.forEach((kind, i) => appendCell(appender, kind, row[i]));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

type Appender = Awaited<ReturnType<Store['conn']['createAppender']>>;

function appendCell(a: Appender, kind: ColumnKind, v: Cell): void {
  if (v === null || v === undefined) return a.appendNull();
  switch (kind) {
    case 'text':
    case 'json':
      return a.appendVarchar(String(v));
    case 'int':
      return a.appendInteger(Number(v));
    case 'bigint':
      return a.appendBigInt(BigInt(v as number | bigint));
    case 'double':
      return a.appendDouble(Number(v));
    case 'bool':
      return a.appendBoolean(Boolean(v));
    case 'text[]':
      return a.appendList(listValue((v as string[]).map(String)), LIST(VARCHAR));
  }
}
