// verify --inputs and a source read from standard input: it has no file to re-hash, and says so (a note), never
// passing over it in silence.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyStore } from '../../src/app/verify.js';
import { Store } from '../../src/store/db.js';
import { appendEntry } from '../../src/store/ledger.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jwtf-verify-stdin-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a standard-input ingest is noted as not checked against --inputs', async () => {
  const store = await Store.open(join(dir, 's.duckdb'));
  try {
    await store.transaction(() => appendEntry(store, 'ingest', { source_id: 1, path: '-', sha256: 'f'.repeat(64), tables: {} }));
    writeFileSync(join(dir, 'other.ndjson'), '{}\n');
    const v = await verifyStore(store, { inputs: [join(dir, 'other.ndjson')] });
    expect(v.inputs).toEqual([]);
    expect(v.notes.join('\n')).toMatch(/1 source\(s\) were read from standard input: .*not checked against --inputs/);
    const without = await verifyStore(store);
    expect(without.notes.join('\n')).not.toMatch(/standard input/);
  } finally {
    store.close();
  }
});
