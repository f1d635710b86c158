// An events file's ledger digest is computed on a second connection while its tokens are verified
// (ledger-digest.ts digestAlongside): it must be the digest of the rows as they finally are. A plain file uses it;
// a file with a line that repeats a key, or with claims-only lines, changes rows after it, so the entry hashes them
// again. Either way the entry matches what verify recomputes from the stored rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { readEvents } from '../../src/ingest/events/read-events.js';
import { scanFile } from '../../src/ingest/events/file-scan.js';
import { ledgerEntries } from '../../src/store/ledger.js';
import { rootOf, SOURCE_TABLES, tableBlocks, type TableDigest } from '../../src/store/ledger-digest.js';
import { tempDir } from '../helpers/tmp.js';
import { makeKey } from '../helpers/tokens.js';

const EVENTS = SOURCE_TABLES.find((t) => t.tbl === 'events')!;

async function lines(): Promise<string[]> {
  const key = await makeKey('k-1', 'ES256');
  return Promise.all(
    [1, 2, 3, 4].map(async (i) => JSON.stringify({ ts: 1773482400 + i, event: 'use', sub: `u-${i}`, ip: '81.2.69.9', outcome: 'success', token: await key.sign({ sub: `u-${i}`, jti: `j-${i}`, iat: 1773482400, exp: 1773486000 }) })),
  );
}

const CASES: [string, (l: string[]) => string[], boolean][] = [
  ['a plain file', (l) => l, true],
  // a second `sub` in line 2: the line is re-read after the bulk INSERT, its row replaced
  ['a line that repeats a key', (l) => [l[0]!, `${l[1]!.slice(0, -1)},"sub":"u-22"}`, l[2]!, l[3]!], false],
  // claims logged in place of a token: the rows move onto the token the claims stand for
  ['claims-only lines', (l) => [...l, JSON.stringify({ ts: 1773482409, event: 'use', claims: { sub: 'u-9', jti: 'j-9', iat: 1773482400, exp: 1773486000 } })], false],
];

describe('the events digest made alongside the token work', () => {
  for (const [name, make, used] of CASES) {
    it(`${name}: ${used ? 'is used' : 'is not used'}, and the entry matches the stored rows`, async () => {
      const dir = tempDir();
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, make(await lines()).join('\n') + '\n');
      const probe = await Store.open(':memory:');
      try {
        const scan = await scanFile(file);
        const read = await probe.transaction(() => readEvents(probe, scan, 1));
        expect(read.ready?.events !== undefined).toBe(used);
      } finally {
        probe.close();
      }
      const store = await Store.open(join(dir, 'case.duckdb'));
      try {
        const summary = await ingestFile(store, file);
        expect(summary.rows).toBeGreaterThan(0);
        const entry = (await ledgerEntries(store)).find((e) => e.act === 'ingest')!;
        const recorded = (entry.body.tables as Record<string, TableDigest>).events!;
        const now = rootOf(await tableBlocks(store, EVENTS, Number(entry.body.source_id), 'json_array'));
        expect(now).toEqual(recorded);
        expect(now.rows).toBe(summary.rows);
      } finally {
        store.close();
      }
    });
  }
});
