// An ingest entry's blocks are stored beside it in one statement, and read back as they were given.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { appendEntry, ledgerBlocks } from '../../src/store/ledger.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-ledger-blocks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('appendEntry stores every block of the entry, ledgerBlocks reads them back per table', async () => {
  const store = await Store.open(join(dir, 's.duckdb'));
  try {
    const blocks = [
      { tbl: 'events', block: 0, rows: 16_384, digest: 'a'.repeat(64) },
      { tbl: 'events', block: 1, rows: 7, digest: 'b'.repeat(64) },
      { tbl: 'keys', block: 0, rows: 2, digest: "c'\"\\" },
    ];
    const e = await store.transaction(() => appendEntry(store, 'ingest', { source_id: 1 }, blocks));
    await store.transaction(() => appendEntry(store, 'check', { checks: [] }));
    expect([...(await ledgerBlocks(store, e.seq, 'events'))]).toEqual([[0, { rows: 16_384, digest: 'a'.repeat(64) }], [1, { rows: 7, digest: 'b'.repeat(64) }]]);
    expect([...(await ledgerBlocks(store, e.seq, 'keys'))]).toEqual([[0, { rows: 2, digest: "c'\"\\" }]]);
    expect((await ledgerBlocks(store, e.seq + 1, 'events')).size).toBe(0);
  } finally {
    store.close();
  }
});
