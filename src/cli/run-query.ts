// `query`: the analyst's read-only SQL. The store opens READ_ONLY with external access off, no temp directory and
// its configuration locked, and the statement must be one that only reads (src/store/query-guard.ts), so it can
// neither change the evidence nor read or write other files. Raw tokens and key secrets in the result are shown as
// fingerprints / `[redacted]` unless --include-raw.
import { InputError } from '../errors.js';
import { Store } from '../store/db.js';
import { checkReadOnlyQuery, keySecrets } from '../store/query-guard.js';
import { redactQueryCell } from '../util/redact.js';
import { formatOf, type Globals } from './context.js';
import { type Out } from './output.js';
import { toCsv, toJson, toNdjson } from '../format/serialize.js';
import { renderTable } from '../format/table.js';
import { COMMAND_FORMATS } from './formats.js';

export interface QueryOptions {
  includeRaw?: boolean;
}

export async function runQuery(sql: string, opts: QueryOptions, g: Globals, out: Out): Promise<void> {
  const format = formatOf(g, COMMAND_FORMATS.query, 'table');
  const store = await Store.open(g.db, { readOnly: true, noExternalAccess: true });
  try {
    let rows: Record<string, unknown>[];
    try {
      await checkReadOnlyQuery(store, sql);
      const typed = await store.jsonTyped(sql);
      rows = isoTimes(typed.rows, typed.types);
    } catch (err) {
      throw err instanceof InputError ? err : explain(err);
    }
    if (opts.includeRaw !== true) {
      const secrets = await keySecrets(store);
      rows = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, redactQueryCell(k, v, secrets)])));
    }
    const head = rows.length ? Object.keys(rows[0]!) : [];
    const matrix = rows.map((r) => head.map((h) => r[h]));
    if (format === 'json') out.write(toJson(rows));
    else if (format === 'ndjson') out.write(await toNdjson(rows));
    else if (format === 'csv') out.write(toCsv(head, matrix));
    else out.write(rows.length ? renderTable(head, matrix) : '(no rows)\n');
  } finally {
    store.close();
  }
}

/**
 * Times as every other output shows them: ISO-8601 UTC with Z. The store's TIMESTAMPs are naive UTC
 * (`2026-03-14 11:05:00` → `2026-03-14T11:05:00Z`); a TIMESTAMP WITH TIME ZONE in UTC (`…+00`) likewise.
 */
export function isoTimes(rows: Record<string, unknown>[], types: Record<string, string>): Record<string, unknown>[] {
  const cols = Object.entries(types).filter(([, t]) => t === 'TIMESTAMP' || t === 'TIMESTAMP WITH TIME ZONE' || t === 'TIMESTAMP_MS' || t === 'TIMESTAMP_S' || t === 'TIMESTAMP_NS').map(([c]) => c);
  if (cols.length === 0) return rows;
  const iso = (v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(\+00(?::00)?)?$/.exec(v);
    return m ? `${m[1]}T${m[2]}Z` : v;
  };
  return rows.map((r) => {
    const out = { ...r };
    for (const c of cols) out[c] = iso(out[c]);
    return out;
  });
}

function explain(err: unknown): InputError {
  const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (/read-only|read only/i.test(msg)) return new InputError(`query is read-only: the statement would change the store (${msg})`);
  if (/external access|disabled by configuration|Permission Error|configuration has been locked/i.test(msg)) {
    return new InputError(`query reads only the store: files, extensions, settings and other databases are off (${msg})`);
  }
  return new InputError(`query failed: ${msg}`);
}
