// Ingest entries record how a row became the text its md5 is taken of (`row_text`): new entries a JSON array of the
// values, entries written before that field existed the row as a JSON object (to_json). A store whose ledger was
// written the old way still verifies intact, and a changed event in it is still caught.
// Run `npm run build` first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { appendEntry, ledgerEntries } from '../../src/store/ledger.js';
import { rootOf, SOURCE_TABLES, tableBlocks, type TableDigest } from '../../src/store/ledger-digest.js';
import type { BlockDigest } from '../../src/store/ledger.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('the row text of ingest entries', () => {
  it('new entries say json_array; a ledger written with to_json rows verifies, and catches an edit', async () => {
    const dir = tempDir();
    const db = join(dir, 'case.duckdb');
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, [1, 2, 3].map((i) => JSON.stringify({ ts: 1773482400 + i, event: 'login', sub: `u-${i}`, ip: '81.2.69.9', outcome: 'failure', geo: { country: 'GB' } })).join('\n') + '\n');
    expect(cli(['--db', db, 'ingest', file]).code).toBe(0);

    const store = await Store.open(db);
    try {
      const entries = await ledgerEntries(store);
      expect(entries.map((e) => [e.act, e.body.row_text])).toEqual([['ingest', 'json_array']]);
      // the same entry as an earlier version wrote it: no row_text, digests of to_json rows
      const old = entries[0]!;
      const { row_text: _form, ...body } = old.body;
      const tables: Record<string, TableDigest> = {};
      const blocks: BlockDigest[] = [];
      for (const t of SOURCE_TABLES) {
        const b = await tableBlocks(store, t, Number(body.source_id), 'to_json');
        tables[t.tbl] = rootOf(b);
        blocks.push(...b.map((x) => ({ tbl: t.tbl, ...x })));
      }
      expect(tables.events!.digest).not.toBe((old.body.tables as Record<string, TableDigest>).events!.digest);
      await store.transaction(async () => {
        await store.run(`DELETE FROM ledger_blocks`);
        await store.run(`DELETE FROM ledger`);
        await appendEntry(store, 'ingest', { ...body, tables }, blocks);
      });
    } finally {
      store.close();
    }
    const intact = cli(['--db', db, 'verify']);
    expect(intact.code, intact.stdout + intact.stderr).toBe(0);

    const s2 = await Store.open(db);
    await s2.run(`UPDATE events SET sub = 'u-9' WHERE line = 2`);
    s2.close();
    const changed = cli(['--db', db, 'verify']);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('events changed: 3 rows, as recorded, but their content differs; in lines 0–16,383');
  });
});
