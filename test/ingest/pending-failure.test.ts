// An events file whose source fails after its bulk INSERT committed (store/pending-ingest.ts) leaves nothing: not
// its events, not its tokens, not the marker; the sources it replaces keep their record. The failure is injected
// into the step after the tokens (settling claims), which no input makes fail.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { makeKey } from '../helpers/tokens.js';

vi.mock('../../src/ingest/register-tokens.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/ingest/register-tokens.js')>();
  return {
    ...real,
    settleClaims: async (...args: Parameters<typeof real.settleClaims>) => {
      if (process.env.JWTF_TEST_FAIL_SETTLE) throw new Error('injected failure after the events committed');
      return real.settleClaims(...args);
    },
  };
});

describe('an events source that fails after its INSERT committed', () => {
  it('leaves no events, tokens or marker behind, and the next file loads', async () => {
    const { Store } = await import('../../src/store/db.js');
    const { ingestFile } = await import('../../src/ingest/ingest-source.js');
    const { pendingSource } = await import('../../src/store/pending-ingest.js');
    const dir = tempDir();
    const key = await makeKey('k-1', 'ES256');
    const token = await key.sign({ sub: 'u-1', jti: 'j-1', iat: 1773482400, exp: 1773486000 });
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, `${JSON.stringify({ ts: 1773482401, event: 'use', sub: 'u-1', token })}\n${JSON.stringify({ ts: 1773482402, event: 'use', sub: 'u-1', token })}\n`);
    const store = await Store.open(join(dir, 'case.duckdb'));
    try {
      process.env.JWTF_TEST_FAIL_SETTLE = '1';
      await expect(ingestFile(store, file)).rejects.toThrow(/injected failure/);
      delete process.env.JWTF_TEST_FAIL_SETTLE;
      const n = async (sql: string): Promise<number> => Number((await store.json<{ n: unknown }>(sql))[0]!.n);
      expect(await n(`SELECT count(*) AS n FROM events`)).toBe(0);
      expect(await n(`SELECT count(*) AS n FROM tokens`)).toBe(0);
      expect(await n(`SELECT count(*) AS n FROM sources`)).toBe(0);
      expect(await pendingSource(store)).toBeNull();
      // near miss: the same file, nothing injected, loads whole
      const ok = await ingestFile(store, file);
      expect(ok.rows).toBe(2);
      expect(await n(`SELECT count(*) AS n FROM events`)).toBe(2);
      expect(await n(`SELECT count(DISTINCT line) AS n FROM events`)).toBe(2);
    } finally {
      delete process.env.JWTF_TEST_FAIL_SETTLE;
      store.close();
    }
  });
});
