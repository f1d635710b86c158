// Issue 14 §7: the same events loaded twice from different bytes (a .gz of a file already loaded, a reordered copy)
// are kept as each source's evidence but counted once by the checks; the ingest summary says how many were there.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureBurst } from '../../src/checks/failure-burst.js';
import { runChecks } from '../../src/checks/engine.js';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { mergePolicy } from '../../src/policy/policy.js';
import { createEventCopies } from '../../src/store/event-copies.js';
import { Store } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { T0 } from './behaviour-helpers.js';

const POLICY = mergePolicy({ failure_burst: { window_seconds: 120, min_failures: 5 } });
const fail = (i: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ts: T0 + i * 10, event: 'fail', ip: '198.51.100.7', sub: `u-${i}`, outcome: 'failure', reason: 'bad_password', ...extra,
});
const BURST = Array.from({ length: 6 }, (_, i) => fail(i, { req: { id: `r${i}`, n: i } }));
const ndjson = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

let store: Store;
let dir: string;
beforeEach(async () => {
  store = await Store.open(':memory:');
  dir = tempDir();
});
afterEach(() => store.close());

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function ipBurst(): Promise<{ failures: number; events: { source: string; line: number }[] }> {
  const found = (await runChecks(store, POLICY, [failureBurst])).filter((f) => f.evidence.key_kind === 'ip');
  expect(found).toHaveLength(1);
  return { failures: found[0]!.evidence.failures as number, events: found[0]!.events.map((e) => ({ source: e.source, line: e.line })) };
}

describe('the same events from different bytes', () => {
  it('a .gz of a loaded file and a reordered copy: counted once, said at ingest, references to the first copy', async () => {
    const plain = file('auth.ndjson', ndjson(BURST));
    expect((await ingestFile(store, plain)).warnings).toEqual([]);
    const gz = await ingestFile(store, file('auth.ndjson.gz', gzipSync(ndjson(BURST))));
    expect(gz.skipped).toBe(false);
    expect(gz.warnings).toContain(`6 of 6 events are already in the store from ${plain} (same content): kept as this source's evidence, counted once by the checks`);
    const reordered = await ingestFile(store, file('copy.ndjson', ndjson([...BURST].reverse())));
    expect(reordered.warnings).toContain(`6 of 6 events are already in the store from ${plain} (same content): kept as this source's evidence, counted once by the checks`);
    expect(Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM events`))!.n)).toBe(18); // every source keeps its rows
    const burst = await ipBurst();
    expect(burst.failures).toBe(6);
    expect(burst.events).toEqual([1, 2, 3, 4, 5, 6].map((line) => ({ source: plain, line })));
  });

  it('a near miss (one field differs) is another event: both counted', async () => {
    await ingestFile(store, file('a.ndjson', ndjson(BURST)));
    const other = BURST.map((e, i) => (i === 2 ? { ...e, reason: 'locked' } : e));
    const s = await ingestFile(store, file('b.ndjson', ndjson(other)));
    expect(s.warnings.find((w) => w.includes('already in the store'))).toMatch(/^5 of 6 events/);
    expect((await ipBurst()).failures).toBe(7);
  });

  it('extra with its members in another order is not the same content (the line as read): both counted', async () => {
    await ingestFile(store, file('a.ndjson', ndjson(BURST)));
    const swapped = BURST.map((e) => ({ ...e, req: { n: (e.req as { n: number }).n, id: (e.req as { id: string }).id } }));
    const s = await ingestFile(store, file('b.ndjson', ndjson(swapped)));
    expect(s.warnings.some((w) => w.includes('already in the store'))).toBe(false);
    expect((await ipBurst()).failures).toBe(12);
  });

  it('copies pair up in order: an event logged twice in one source stays two; a copy with one more brings one', async () => {
    const twice = [...BURST.slice(0, 5), BURST[4]!]; // the fifth failure logged twice
    await ingestFile(store, file('a.ndjson', ndjson(twice)));
    expect((await ipBurst()).failures).toBe(6);
    const s = await ingestFile(store, file('b.ndjson', ndjson([...twice, BURST[4]!])));
    expect(s.warnings).toContain(`6 of 7 events are already in the store from ${join(dir, 'a.ndjson')} (same content): kept as this source's evidence, counted once by the checks`);
    expect((await ipBurst()).failures).toBe(7);
  });

  it('equality decides, not the hash: with every row colliding no event that differs is ever taken for a copy', async () => {
    await ingestFile(store, file('a.ndjson', ndjson(BURST)));
    await ingestFile(store, file('b.ndjson', ndjson(BURST.map((e, i) => (i % 2 ? { ...e, reason: 'other' } : e)))));
    const copies = async (): Promise<string[]> =>
      (await store.json<{ source_id: string; line: string }>(`SELECT source_id, line FROM event_copies ORDER BY ALL`)).map((r) => `${r.source_id}:${r.line}`);
    await createEventCopies(store);
    const byHash = await copies();
    expect(byHash).toEqual(['2:1', '2:3', '2:5']); // the three lines of b equal to a's
    await createEventCopies(store, '42'); // a hash that collides for every row: rows pair up blindly, equality refuses
    const colliding = await copies();
    expect(colliding.every((c) => byHash.includes(c))).toBe(true);
    await createEventCopies(store, 'line'); // a hash that pairs each line with the same line of the other source
    expect(await copies()).toEqual(byHash);
  });
});
