import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/db.js';
import { timestampSql } from '../../src/ingest/sql-time.js';

let store: Store;
beforeAll(async () => {
  store = await Store.open(':memory:');
});
afterAll(() => store.close());

async function parse(v: string | null): Promise<string | null> {
  const row = await store.json<{ t: string | null }>(`SELECT ${timestampSql('$v::VARCHAR')} AS t`, { v });
  return row[0]!.t;
}

describe('timestampSql', () => {
  it.each([
    ['2026-03-14T10:00:00Z', '2026-03-14 10:00:00'],
    ['2026-03-14T12:00:00.250+02:00', '2026-03-14 10:00:00.25'],
    ['2026-03-14 10:00:00', '2026-03-14 10:00:00'],
    ['1773482400', '2026-03-14 10:00:00'],
    ['1773482400000', '2026-03-14 10:00:00'],
    ['1773482400.5', '2026-03-14 10:00:00.5'],
  ])('reads %s', async (input, expected) => {
    expect(await parse(input)).toBe(expected);
  });

  it.each([['garbage'], ['1e308'], ['2026-13-45'], [''], [null]])('refuses %s', async (input) => {
    expect(await parse(input)).toBeNull();
  });
});
