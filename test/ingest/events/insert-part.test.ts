import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';
import { jwks, makeKey } from '../../helpers/tokens.js';

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

  it('stores every one of tens of thousands of new tokens, verified, in chunks, whole or in parts', async () => {
    const hs = await makeKey('hs-1', 'HS256');
    const tokens = await Promise.all(Array.from({ length: 23_456 }, (_, i) => hs.sign({ sub: `u-${i}`, jti: `j-${i}`, iat: 1773482400, exp: 1773486000 })));
    // each token twice, its second use far from its first; one line in 50 bad
    const lines = [...tokens, ...tokens].map((token, i) => (i % 50 === 7 ? '{"cut' : JSON.stringify({ ts: 1773482400 + i, event: 'use', token, n: i })));
    const file = tempFile('many-tokens.ndjson', lines.join('\n') + '\n');
    const keys = tempFile('keys.jwks.json', jwks(hs));
    for (const partBytes of [undefined, String(4 * 1024 * 1024)]) {
      if (partBytes) process.env.JWT_FORENSICS_PART_BYTES = partBytes;
      const store = await Store.open(':memory:');
      try {
        await ingestFile(store, keys);
        const summary = await ingestFile(store, file);
        const [t] = await store.json<{ n: string; valid: string }>(`SELECT count(*) AS n, count(*) FILTER (WHERE sig_status = 'valid') AS valid FROM tokens`);
        expect(t).toEqual({ n: '23456', valid: '23456' });
        expect(summary.newTokens).toBe(23_456);
        const [e] = await store.json<{ orphans: string; wrong: string }>(
          `SELECT count(*) FILTER (WHERE token_sha NOT IN (SELECT sha256 FROM tokens)) AS orphans,
                  count(*) FILTER (WHERE line - 1 <> (extra->>'n')::BIGINT) AS wrong FROM events`,
        );
        expect(e).toEqual({ orphans: '0', wrong: '0' });
      } finally {
        store.close();
        delete process.env.JWT_FORENSICS_PART_BYTES;
      }
    }
  }, 120_000);
});
