// A whole-JSON export read again (the same bytes) is skipped as already ingested before its records are copied out:
// the copy (a full read and write of the file into TMPDIR) is made only for a file that will be loaded.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { Store } from '../../src/store/db.js';

const OKTA = 'fixtures/presets/exports/okta-api-logs.json';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

it('a repeat of a JSON array export is skipped without making its NDJSON copy', async () => {
  const first = await ingestFile(store, OKTA, { mapping: 'auto' });
  expect([first.skipped, first.rows]).toEqual([false, 3]);
  const saved = process.env.TMPDIR;
  // no copy can be made now: a repeat that still made one would fail on the missing folder
  process.env.TMPDIR = '/nonexistent-jwt-forensics-tmp';
  try {
    const again = await ingestFile(store, OKTA, { mapping: 'auto' });
    expect([again.skipped, again.rows, again.preset]).toEqual([true, 0, 'okta']);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
});
