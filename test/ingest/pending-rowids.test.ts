// The bulk INSERT commits before its rows are numbered (store/pending-ingest.ts); a checkpoint may run at that commit
// and vacuum rows an earlier source deleted, moving rowids. The numbering reads the part's first rowid after that
// commit, in the transaction that numbers, so every line still lands on its own event.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { tempDir } from '../helpers/tmp.js';

const line = (n: number): string => JSON.stringify({ ts: 1773482400 + n, event: 'use', sub: `u-${n}`, ip: '10.0.0.1' });

describe('line numbers across the INSERT commit', () => {
  it('stay right when a checkpoint at that commit vacuums rows an earlier source deleted', async () => {
    const dir = tempDir();
    // a: every fourth line is no event (deleted after its INSERT, in the next transaction)
    const a = join(dir, 'a.ndjson');
    writeFileSync(a, Array.from({ length: 4000 }, (_, i) => (i % 4 === 3 ? '[1,2]' : line(i + 1))).join('\n') + '\n');
    const b = join(dir, 'b.ndjson');
    writeFileSync(b, Array.from({ length: 6000 }, (_, i) => line(i + 1)).join('\n') + '\n');
    const store = await Store.open(join(dir, 'case.duckdb'));
    try {
      await store.run(`SET checkpoint_threshold = '1KB'`); // every commit checkpoints
      const sa = await ingestFile(store, a);
      expect([sa.rows, sa.rejected]).toEqual([3000, 1000]);
      const sb = await ingestFile(store, b);
      expect(sb.rows).toBe(6000);
      const wrong = await store.json<{ n: unknown }>(
        `SELECT count(*) AS n FROM events WHERE line <> CAST(substr(sub, 3) AS BIGINT)`,
      );
      expect(Number(wrong[0]!.n)).toBe(0);
      const counts = await store.json<{ source_id: unknown; n: unknown; lo: unknown; hi: unknown }>(
        `SELECT source_id, count(*) AS n, min(line) AS lo, max(line) AS hi FROM events GROUP BY source_id ORDER BY source_id`,
      );
      expect(counts.map((c) => [Number(c.n), Number(c.lo), Number(c.hi)])).toEqual([[3000, 1, 3999], [6000, 1, 6000]]);
    } finally {
      store.close();
    }
  });
});
