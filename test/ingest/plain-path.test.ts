import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { plainPath } from '../../src/ingest/plain-path.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const event = (sub: string): string => JSON.stringify({ ts: 1773482400, event: 'use', sub }) + '\n';

describe('file names DuckDB would take for patterns', () => {
  // `ev[1].ndjson` is a glob matching `ev1.ndjson`, `ev*.ndjson` one matching both: each must read only itself
  it('reads the file named, not the files its name would match', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ev1.ndjson'), event('decoy-1'));
    writeFileSync(join(dir, 'evX.ndjson'), event('decoy-2'));
    writeFileSync(join(dir, 'ev[1].ndjson'), event('brackets'));
    writeFileSync(join(dir, 'ev*.ndjson'), event('star') + event('star'));
    writeFileSync(join(dir, 'rev?.ndjson'), JSON.stringify({ ts: 1773482400, jti: 'j-q', reason: 'question mark' }) + '\n');
    writeFileSync(join(dir, 'revs.ndjson'), JSON.stringify({ ts: 1773482400, jti: 'j-decoy', reason: 'decoy' }) + '\n');
    const store = await Store.open(':memory:');
    try {
      for (const name of ['ev[1].ndjson', 'ev*.ndjson', 'rev?.ndjson']) await ingestFile(store, join(dir, name), { ...(name.startsWith('rev') ? { kind: 'revocations' as const } : {}) });
      const events = await store.json(`SELECT s.path, e.line, e.sub FROM events e JOIN sources s ON s.id = e.source_id ORDER BY s.id, e.line`);
      expect(events).toEqual([
        { path: join(dir, 'ev[1].ndjson'), line: '1', sub: 'brackets' },
        { path: join(dir, 'ev*.ndjson'), line: '1', sub: 'star' },
        { path: join(dir, 'ev*.ndjson'), line: '2', sub: 'star' },
      ]);
      expect(await store.json(`SELECT jti, reason FROM revocations`)).toEqual([{ jti: 'j-q', reason: 'question mark' }]);
    } finally {
      store.close();
    }
  });

  it('hands a plain path over as it is, and removes the link it made for another', async () => {
    expect((await plainPath('/logs/auth-2026-03.ndjson')).path).toBe('/logs/auth-2026-03.ndjson');
    const odd = await plainPath('/logs/auth[1].ndjson');
    expect(odd.path).not.toMatch(/[[\]*?]/);
    await odd.release();
    expect(existsSync(odd.path)).toBe(false);
  });
});
