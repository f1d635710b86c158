// Issue 14 §7: a line that names a canonical key twice. DuckDB's JSON reader takes the FIRST value and drops both
// from `extra`; a JSON.parse consumer sees the LAST. The last value is analysed, every value is kept as evidence
// (extra.duplicate_keys), and the summary says how many lines did it.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deduplicate, topLevelMembers } from '../../../src/ingest/events/duplicate-keys.js';
import { ingestFile } from '../../../src/ingest/ingest-source.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';
import { unsigned } from '../../helpers/tokens.js';

const FIRST = unsigned({ sub: 'alice', jti: 'j-first' });
const LAST = unsigned({ sub: 'mallory', jti: 'j-last' });
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

const LINES = [
  `{"ts":"2026-03-14T10:00:00Z","event":"use","token":"${FIRST}","ip":"10.0.0.1","token":"${LAST}","n":12345678901234567890}`,
  `{"ts":"2026-03-14T10:00:01Z","event":"use","token":"${FIRST}","note":"token","x":1,"x":2}`,
  `{"ts":"2026-03-14T10:00:02Z","outcome":"success","outcome" : "failure","event":"use"}`,
].join('\n') + '\n';

async function check(file: string): Promise<void> {
  const s = await ingestFile(store, file);
  expect(s.rows).toBe(3);
  expect(s.warnings).toContain('2 lines with duplicate keys (`outcome`, `token`): the last value is used, both kept in extra (extra.duplicate_keys)');
  const rows = await store.json<{ line: string; token_sha: string | null; outcome: string | null; extra: string | null }>(
    `SELECT line, token_sha, outcome, extra::VARCHAR AS extra FROM events ORDER BY line`,
  );
  expect(rows.map((r) => Number(r.line))).toEqual([1, 2, 3]);
  expect(rows[0]!.token_sha).toBe(sha(LAST));
  const extra0 = JSON.parse(rows[0]!.extra!) as { duplicate_keys: { token: string[] } };
  expect(extra0.duplicate_keys.token).toEqual([FIRST, LAST]);
  expect(rows[0]!.extra).toContain('12345678901234567890'); // the other members as written
  expect(rows[1]!.token_sha).toBe(sha(FIRST));
  expect(rows[1]!.extra).not.toContain('duplicate_keys'); // a non-canonical repeat stays in extra as read
  expect(rows[2]!.outcome).toBe('failure');
  expect((JSON.parse(rows[2]!.extra!) as { duplicate_keys: unknown }).duplicate_keys).toEqual({ outcome: ['success', 'failure'] });
  // the last token is registered and decoded like any new token; the first stays (it was in the line)
  const toks = await store.json<{ sha256: string; sub: string | null }>(`SELECT sha256, sub FROM tokens ORDER BY sub`);
  expect(toks).toEqual([{ sha256: sha(FIRST), sub: 'alice' }, { sha256: sha(LAST), sub: 'mallory' }]);
  expect(s.newTokens).toBe(2);
}

describe('duplicate keys in one line', () => {
  it('plain file: the last value is analysed, both are kept, the summary says so', async () => {
    await check(tempFile('dup.ndjson', LINES));
  });

  it('.gz file: the same', async () => {
    await check(tempFile('dup.ndjson.gz', gzipSync(LINES)));
  });

  it('repeats are found as top-level keys only, whatever the spacing', async () => {
    const lines = [
      `{"ts":"2026-03-14T10:00:00Z","token":"${FIRST}","ua":"x","ua":"y"}`, // 1: a repeat after a long value
      `{"ts":"2026-03-14T10:00:01Z","token":"has \\"token\\": inside","sub":"s"}`, // 2: a key name inside a value
      `{"ts":"2026-03-14T10:00:02Z","ip" :"10.0.0.1","ip"\t: "10.0.0.2"}`, // 3: blanks before the colon
      `{"ts":"2026-03-14T10:00:03Z","ua":"token","x":{"token":1,"token":2},"token":"${LAST}"}`, // 4: nested only
      `  {"ts":"2026-03-14T10:00:04Z","sub":"a","sub":"b"}`, // 5: leading blanks
      `{"ts":"2026-03-14T10:00:05Z","sub":"a","\\u0073ub":"c"}`, // 6: the repeat spelled with an escape (JSON.parse: c)
    ];
    const s = await ingestFile(store, tempFile('spaced.ndjson', lines.join('\n') + '\n'));
    expect(s.rows).toBe(6);
    const rows = await store.json<{ line: string; ua: string | null; ip: string | null; sub: string | null }>(
      `SELECT line, ua, ip, sub FROM events ORDER BY line`,
    );
    expect(rows.map((r) => [Number(r.line), r.ua, r.ip, r.sub])).toEqual([
      [1, 'y', null, null], [2, null, null, 's'], [3, null, '10.0.0.2', null], [4, 'token', null, null], [5, null, null, 'b'],
      [6, null, null, 'c'],
    ]);
    expect(s.warnings).toContain('4 lines with duplicate keys (`ip`, `sub`, `ua`): the last value is used, both kept in extra (extra.duplicate_keys)');
  });

  it('members as written; deduplicate keeps the last of canonical keys only', () => {
    expect(topLevelMembers('{"a": [1, {"b": "}"}], "c" : "x\\"y" }')?.map((m) => [m.key, m.value])).toEqual([['a', '[1, {"b": "}"}]'], ['c', '"x\\"y"']]);
    expect(deduplicate('{"x":1,"x":2}')).toBeNull();
    expect(deduplicate('{"sub":"a","z":1.50,"sub":"b"}')).toEqual({ json: '{"z":1.50,"sub":"b"}', duplicates: '{"sub":["a","b"]}', keys: ['sub'] });
  });
});
