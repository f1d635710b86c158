// The Authorization header (issue 14 §7): `Bearer` and `DPoP` (RFC 9449) tokens are analysed, the scheme is kept as
// `auth_scheme`, and a header that is not understood stays in `extra` whole — the line as read is evidence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLWJ5dGVz';
const ndjson = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

describe('Authorization header', () => {
  it('Bearer and DPoP (any case) give the token and keep the scheme; Basic and junk stay in extra', async () => {
    const file = tempFile('h.ndjson', ndjson([
      { ts: 1773482400, authorization: `Bearer ${JWT}` },
      { ts: 1773482401, Authorization: `DPoP ${JWT}`, dpop: 'proof' },
      { ts: 1773482402, authorization: `dpop   ${JWT} ` },
      { ts: 1773482403, authorization: 'Basic dXNlcjpwYXNz' },
      { ts: 1773482404, authorization: `Token ${JWT}` },
    ]));
    const s = await ingestFile(store, file);
    expect(s.rows).toBe(5);
    const rows = await store.json<{ line: string; has_token: boolean; extra: string | null }>(
      `SELECT line, token_sha IS NOT NULL AS has_token, extra::VARCHAR AS extra FROM events ORDER BY line`,
    );
    // (the canonical reader leaves an empty `geo: {}` in extra when a line has no geo: not at issue here)
    const extra = (text: string | null): unknown => {
      if (text === null) return null;
      const { geo, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return geo !== undefined && JSON.stringify(geo) !== '{}' ? { geo, ...rest } : rest;
    };
    expect(rows.map((r) => [r.has_token, extra(r.extra)])).toEqual([
      [true, { auth_scheme: 'Bearer' }],
      [true, { auth_scheme: 'DPoP', dpop: 'proof' }],
      [true, { auth_scheme: 'DPoP' }],
      [false, { authorization: 'Basic dXNlcjpwYXNz' }],
      [false, { authorization: `Token ${JWT}` }],
    ]);
  });
});

describe('captured tokens behind a scheme', () => {
  it('NDJSON and text captures strip Bearer and DPoP in any case, as events do: one token, one sha256', async () => {
    const ndjsonFile = tempFile('c.ndjson', ndjson([
      { captured_at: '2026-03-14T10:00:00Z', token: `BEARER ${JWT}` },
      { captured_at: '2026-03-14T10:00:01Z', token: `DPoP ${JWT}` },
    ]));
    const textFile = tempFile('c.txt', `dpop ${JWT}\nBearer ${JWT}\n`);
    await ingestFile(store, ndjsonFile, { kind: 'captures' });
    await ingestFile(store, textFile, { kind: 'captures' });
    const shas = await store.json<{ n: string }>(`SELECT count(DISTINCT token_sha) AS n FROM captures`);
    expect(shas).toEqual([{ n: '1' }]);
    expect((await store.json<{ n: string }>(`SELECT count(*) AS n FROM tokens`))[0]!.n).toBe('1');
  });
});
