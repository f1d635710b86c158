// An events file commits its bulk INSERT before the rest of its source. DuckDB rewrites every row a transaction
// appended, at COMMIT, once the same transaction updates or deletes any of them (numbering the lines, removing the
// non-events): 1.3 s per million events, for a numbering that costs 0.1 s once the rows are committed. So the
// INSERT commits on its own with a marker in `meta`, and the rest of the source (numbering, tokens, rejects, the
// `sources` row) is the next transaction, which clears the marker. A failure in between removes the source's rows
// (ingest-source.ts); after a crash the marker is still there, and the next writing open removes them.
import type { Store } from './db.js';

const KEY = 'ingest_pending';

export async function markPending(store: Store, sourceId: number): Promise<void> {
  await store.run(`INSERT OR REPLACE INTO meta VALUES ('${KEY}', $id)`, { id: String(sourceId) });
}

export async function clearPending(store: Store): Promise<void> {
  await store.run(`DELETE FROM meta WHERE key = '${KEY}'`);
}

/** The source whose rows are committed but not finished, if any. */
export async function pendingSource(store: Store): Promise<number | null> {
  const row = await store.one<{ value: string }>(`SELECT value FROM meta WHERE key = '${KEY}'`);
  return row ? Number(row.value) : null;
}

export interface Discarded {
  source: number;
  events: number;
  tokens: number;
}

/** Remove the rows of an unfinished source; null when there is none (or its `sources` row landed after all: then
 *  only the marker goes). */
export async function discardPending(store: Store): Promise<Discarded | null> {
  const source = await pendingSource(store);
  if (source === null) return null;
  return store.transaction(async () => {
    const done = await store.one(`SELECT 1 AS x FROM sources WHERE id = $id`, { id: source });
    const gone = done
      ? null
      : {
          source,
          events: await removed(store, `DELETE FROM events WHERE source_id = $id`, source),
          tokens: await removed(store, `DELETE FROM tokens WHERE first_source = $id`, source),
        };
    await clearPending(store);
    return gone;
  });
}

async function removed(store: Store, sql: string, id: number): Promise<number> {
  const rows = await store.all<{ Count: bigint }>(sql, { id });
  return Number(rows[0]?.Count ?? 0);
}

export function discardedNote(path: string, d: Discarded): string {
  return `${path}: removed the rows of an ingest that did not finish (source ${d.source}: ${d.events} events, ${d.tokens} tokens); ingest that file again`;
}
