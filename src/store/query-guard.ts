// What `query` lets through, decided by DuckDB's own parser and binder, never by matching text: one statement, and
// one that only reads — SELECT (WITH, FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE and the PRAGMAs that are
// queries, such as table_info, are SELECTs to DuckDB) or EXPLAIN of one — calling none of the table functions that
// act instead of read (logging to a file, running SQL given as a string). The store is also opened read-only with
// external access off and the configuration locked (Store.open's noExternalAccess): this is the first of the two
// fences, and the one that gives a clear message.
import { StatementType } from '@duckdb/node-api';
import { InputError } from '../errors.js';
import { jwkSecretValues } from '../util/redact.js';
import type { Store } from './db.js';

/** Table functions that do rather than read: log to files (a write, or an abort when the write is refused), truncate
 * logs, or run SQL from a string (which would pass this guard unchecked). */
const ACTING_FUNCTIONS = new Set(['enable_logging', 'disable_logging', 'truncate_duckdb_logs', 'query', 'query_table']);

const ALLOWED = 'SELECT (and WITH, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info), or EXPLAIN of one';

/** Throws an InputError naming what is refused (or DuckDB's error); returns when `sql` is one statement that only reads. */
export async function checkReadOnlyQuery(store: Store, sql: string): Promise<void> {
  // DuckDB's own errors (syntax, unknown table, a file refused while binding) are thrown as they are
  const extracted = await store.conn.extractStatements(sql);
  if (extracted.count === 0) throw new InputError('query needs one SQL statement');
  if (extracted.count > 1) throw new InputError(`query runs one statement at a time; got ${extracted.count}`);
  const tree = await syntaxTree(store, sql);
  // before binding: a statement naming an acting function is refused without DuckDB preparing it
  if (tree) refuseActing(tree);
  const type = (await extracted.prepare(0)).statementType;
  // a SELECT DuckDB cannot show as a syntax tree is a PRAGMA that is a query (table_info, show_tables, …): a PRAGMA
  // names pragma functions only, never a table function
  if (type === StatementType.SELECT) return;
  if (type === StatementType.EXPLAIN) {
    // EXPLAIN ANALYZE runs what it explains: the statement explained must pass too
    const inner = /^\s*explain\s+(?:analy[sz]e\s+)?([\s\S]*)$/i.exec(sql)?.[1];
    const innerTree = inner ? await syntaxTree(store, inner) : null;
    if (!innerTree) throw new InputError(`query is read-only: EXPLAIN is let through only before a plain SELECT`);
    refuseActing(innerTree);
    return;
  }
  throw refused(StatementType[type] ?? String(type));
}

/** The key secrets the store holds (oct `k`, any private member kept): what `query` output never shows without
 * --include-raw, however a statement extracts them. Longest first, so a secret inside another goes with it. */
export async function keySecrets(store: Store): Promise<string[]> {
  const rows = await store.json<{ jwk: string }>(`SELECT jwk::VARCHAR AS jwk FROM keys`);
  const found = new Set<string>();
  for (const { jwk } of rows) {
    try {
      for (const v of jwkSecretValues(JSON.parse(jwk))) found.add(v);
    } catch {
      // a stored jwk is JSON; if not, it holds nothing to hide
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

function refused(what: string): InputError {
  return new InputError(`query is read-only: it runs one ${ALLOWED}; this statement is ${what.replace(/_/g, ' ')}`);
}

/** DuckDB's syntax tree of a SELECT (json_serialize_sql), or null when the statement is not one DuckDB serializes. */
async function syntaxTree(store: Store, sql: string): Promise<unknown> {
  const [row] = await store.json<{ tree: string }>(`SELECT json_serialize_sql($sql::VARCHAR) AS tree`, { sql });
  const tree = JSON.parse(row!.tree) as { error?: boolean };
  return tree.error ? null : tree;
}

function refuseActing(tree: unknown): void {
  for (const name of tableFunctions(tree)) {
    if (ACTING_FUNCTIONS.has(name.toLowerCase())) {
      throw new InputError(`query is read-only: ${name}() acts rather than reads (logging, or SQL run from a string) and is refused`);
    }
  }
}

/** The names of every table function anywhere in a syntax tree (subqueries, CTEs and joins included). */
function tableFunctions(node: unknown, found: string[] = [], depth = 0): string[] {
  if (node === null || typeof node !== 'object' || depth > 512) return found;
  if (Array.isArray(node)) {
    for (const n of node) tableFunctions(n, found, depth + 1);
    return found;
  }
  const obj = node as Record<string, unknown>;
  if (obj.type === 'TABLE_FUNCTION') {
    const fn = obj.function as { function_name?: unknown } | undefined;
    if (typeof fn?.function_name === 'string') found.push(fn.function_name);
  }
  for (const v of Object.values(obj)) tableFunctions(v, found, depth + 1);
  return found;
}
