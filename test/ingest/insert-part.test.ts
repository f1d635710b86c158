import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { Store } from '../../src/store/db.js';
import { tempFile } from '../helpers/tmp.js';

describe('events read whole, on all cores', () => {
  // ~50 MB: DuckDB reads it in many buffers on several threads, so a row out of order would be numbered wrong.
  it('numbers every line by its place in the file, around blank and bad lines', async () => {
    const lines: string[] = [];
    const expectedRejects: number[] = [];
    for (let n = 1; n <= 420_000; n++) {
      if (n % 50_021 === 0) {
        lines.push('   ');
        continue;
      }
      if (n % 70_001 === 0) {
        lines.push(n % 2 ? '{"ts": 1773482400, "event": "use", "cut' : '[1]');
        expectedRejects.push(n);
        continue;
      }
      lines.push(JSON.stringify({ ts: 1773482400 + n, event: 'use', sub: `u-${n % 97}`, n, pad: 'x'.repeat(40 + (n % 60)) }));
    }
    const file = tempFile('order.ndjson', '');
    writeFileSync(file, lines.join('\n') + '\n');
    const store = await Store.open(':memory:');
    try {
      const summary = await ingestFile(store, file);
      const [check] = await store.json<{ rows: string; wrong: string; first: string; last: string }>(
        `SELECT count(*) AS rows, count(*) FILTER (WHERE line <> (extra->>'n')::BIGINT) AS wrong, min(line) AS first, max(line) AS last FROM events`,
      );
      expect(check).toEqual({ rows: String(summary.rows), wrong: '0', first: '1', last: '420000' });
      expect(summary.rows).toBe(420_000 - 8 - expectedRejects.length);
      const rejects = await store.json<{ line: string }>(`SELECT line FROM rejects ORDER BY line`);
      expect(rejects.map((r) => Number(r.line))).toEqual(expectedRejects);
    } finally {
      store.close();
    }
  }, 120_000);

  it('numbers lines around many blank lines (more than a whole-file read takes), in one part or several', async () => {
    const lines: string[] = [];
    for (let n = 1; n <= 600; n++) lines.push(n % 3 === 0 || (n > 100 && n < 110) ? (n % 2 ? '' : ' \t') : JSON.stringify({ ts: 1773482400 + n, event: 'use', n }));
    const file = tempFile('blanks.ndjson', lines.join('\n'));
    for (const partBytes of [undefined, '1000000', '700']) {
      if (partBytes) process.env.JWT_FORENSICS_PART_BYTES = partBytes;
      const store = await Store.open(':memory:');
      try {
        await ingestFile(store, file);
        const rows = await store.json<{ line: string; n: string }>(`SELECT line, extra->>'n' AS n FROM events ORDER BY line`);
        expect(rows.length).toBe(lines.filter((l) => l.startsWith('{')).length);
        expect(rows.every((r) => r.line === r.n)).toBe(true);
      } finally {
        store.close();
        delete process.env.JWT_FORENSICS_PART_BYTES;
      }
    }
  });
});
