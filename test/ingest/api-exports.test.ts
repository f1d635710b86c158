// Issue 16 §2: whole API exports load as they were saved. A JSON array (Okta /api/v1/logs), an envelope (Graph
// `{"value": […]}`, CloudTrail's S3 `{"Records": […]}`, Azure's `{"records": […]}`), EventBridge events (Auth0's log
// stream: the log in `detail`) and pretty-printed records are read one record an element, with the rejects and
// numbering of NDJSON (a reject's line is the element's number), under `--preset auto` and named presets alike,
// canonical events included. Fixtures: fixtures/presets/exports (SOURCE.md says what each record is).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-source.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { unwrapToNdjson, wholeJsonHead } from '../../src/ingest/envelopes/whole-json.js';
import { scanFile } from '../../src/ingest/events/file-scan.js';
import { RecordScanner } from '../../src/ingest/envelopes/record-scanner.js';
import { presets } from '../../src/ingest/mapping/presets/index.js';
import { Store } from '../../src/store/db.js';
import { tempFile } from '../helpers/tmp.js';

const DIR = 'fixtures/presets/exports';
const OKTA = `${DIR}/okta-api-logs.json`;
const GRAPH = `${DIR}/graph-signins-page.json`;
const CLOUDTRAIL = `${DIR}/cloudtrail-s3-object.json.gz`;
const EVENTBRIDGE = `${DIR}/auth0-eventbridge.ndjson`;
const CANONICAL = `${DIR}/canonical-events.json`;

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

interface Row { line: string; ts: string; event: string; outcome: string | null; sub: string | null; client_id: string | null; sid: string | null; ip: string | null; pe: string | null }

const COLUMNS = `line, ts, event, outcome, sub, client_id, sid, ip, extra->>'provider_event' AS pe`;
const rowsOf = (s: Store): Promise<Row[]> => s.json<Row>(`SELECT ${COLUMNS} FROM events ORDER BY line`);
/** every column of every event but the source id, in line order: what two ways of reading the same records must agree on */
const everything = (s: Store): Promise<unknown[]> => s.json(`SELECT * EXCLUDE (source_id) FROM events ORDER BY line`);
const ndjsonOf = (records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const pick = (rows: Row[], ...keys: (keyof Row)[]): unknown[][] => rows.map((r) => keys.map((k) => r[k]));

/** The same records as one record a line, read by the NDJSON path into a store of their own. */
async function asNdjson(records: unknown[], mapping: 'auto' | string): Promise<{ rows: unknown[]; rejects: [number | null, string][] }> {
  const other = await Store.open(':memory:');
  try {
    const s = await ingestFile(other, tempFile('records.ndjson', ndjsonOf(records)), { mapping: mapping === 'auto' ? 'auto' : presets().get(mapping)! });
    return { rows: await everything(other), rejects: s.rejects.map((r) => [r.line, r.reason]) };
  } finally {
    other.close();
  }
}

describe('API exports under --preset auto', () => {
  it('okta: a pretty-printed /api/v1/logs array, one event an element, the reject numbered by element', async () => {
    const s = await ingestFile(store, OKTA, { mapping: 'auto' });
    expect([s.kind, s.preset, s.rows]).toEqual(['events', 'okta', 3]);
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([[4, 'missing-ts']]);
    expect(s.warnings[0]).toMatch(/^whole JSON, not one record a line: 4 records from 1 JSON array; a reject's line is the record's number in the file \(1 = the first\)/);
    const rows = await rowsOf(store);
    expect(pick(rows, 'line', 'ts', 'event', 'outcome', 'sub', 'sid', 'ip', 'pe')).toEqual([
      ['1', '2026-03-15 08:00:00', 'issue', 'success', 'carol@example.com', '102carolSessionAAAA', '81.2.69.142', 'user.session.start'],
      ['2', '2026-03-15 08:05:30.25', 'fail', 'failure', 'carol@example.com', null, '175.16.199.1', 'user.session.start'],
      ['3', '2026-03-15 09:10:00', 'logout', 'success', 'carol@example.com', '102carolSessionAAAA', '81.2.69.142', 'user.session.end'],
    ]);
    // the same records as NDJSON load the same events, column for column (country, city, ua, extra …), and the same reject
    const records = JSON.parse(readFileSync(OKTA, 'utf8')) as unknown[];
    expect(await asNdjson(records, 'auto')).toEqual({ rows: await everything(store), rejects: [[4, 'missing-ts']] });
    // the record stays whole in extra, as the provider wrote it
    const [first] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 1`);
    expect(JSON.parse(first!.extra)).toEqual({ ...(records[0] as object), provider_event: 'user.session.start' });
  });

  it('okta: the same array on one line (as the API sends it) and under --preset okta', async () => {
    const records = JSON.parse(readFileSync(OKTA, 'utf8')) as unknown[];
    const compact = tempFile('okta.json', JSON.stringify(records));
    const s = await ingestFile(store, compact, { mapping: presets().get('okta')! });
    expect([s.preset, s.rows, s.rejects.map((r) => r.line)]).toEqual(['okta', 3, [4]]);
    expect(await everything(store)).toEqual((await asNdjson(records, 'okta')).rows);
  });

  it('graph: a /auditLogs/signIns page, {"@odata.context", "@odata.nextLink", "value": […]}', async () => {
    const s = await ingestFile(store, GRAPH, { mapping: 'auto' });
    expect([s.kind, s.preset, s.rows, s.rejected]).toEqual(['events', 'entra', 3, 0]);
    expect(s.warnings[0]).toMatch(/3 records from the `value` array of 1 envelope object/);
    const rows = await rowsOf(store);
    expect(pick(rows, 'line', 'ts', 'outcome', 'sub', 'client_id', 'ip')).toEqual([
      ['1', '2026-03-15 10:00:00', 'success', 'dan@acme.example', 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', '81.2.69.160'],
      ['2', '2026-03-15 10:20:12', 'failure', 'dan@acme.example', 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', '175.16.199.9'],
      ['3', '2026-03-15 11:00:00', 'success', 'dan@acme.example', 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', '81.2.69.160'],
    ]);
    expect(rows[1]!.event).toBe('fail');
    const page = JSON.parse(readFileSync(GRAPH, 'utf8')) as { value: unknown[] };
    expect(await everything(store)).toEqual((await asNdjson(page.value, 'auto')).rows);
  });

  it('cloudtrail: an S3 object {"Records": […]}, gzipped as CloudTrail writes it', async () => {
    const s = await ingestFile(store, CLOUDTRAIL, { mapping: 'auto' });
    expect([s.kind, s.preset, s.rows, s.rejected]).toEqual(['events', 'aws-cognito', 3, 0]);
    expect(s.warnings[0]).toMatch(/3 records from the `Records` array of 1 envelope object/);
    const rows = await rowsOf(store);
    expect(pick(rows, 'line', 'ts', 'ip')).toEqual([
      ['1', '2026-03-15 12:00:00', '81.2.69.142'],
      ['2', '2026-03-15 12:00:01', '81.2.69.142'],
      ['3', '2026-03-15 12:30:00', '175.16.199.1'],
    ]);
    expect(await store.json(`SELECT extra->>'eventName' AS name FROM events ORDER BY line`)).toEqual(
      ['InitiateAuth', 'RespondToAuthChallenge', 'InitiateAuth'].map((name) => ({ name })),
    );
    expect(rows[2]!.outcome).toBe('failure');
    const object = JSON.parse(gunzipSync(readFileSync(CLOUDTRAIL)).toString('utf8')) as { Records: unknown[] };
    expect(await everything(store)).toEqual((await asNdjson(object.Records, 'auto')).rows);
  });

  it('auth0 through EventBridge: the log in `detail` is the record, the envelope kept under `eventbridge`', async () => {
    const s = await ingestFile(store, EVENTBRIDGE, { mapping: 'auto' });
    expect([s.kind, s.preset, s.rows, s.rejected]).toEqual(['events', 'auth0', 3, 0]);
    expect(s.warnings[0]).toMatch(/3 EventBridge events: each event's `detail` read as the record/);
    const rows = await rowsOf(store);
    expect(pick(rows, 'line', 'ts', 'event', 'outcome', 'sub', 'client_id', 'sid', 'ip', 'pe')).toEqual([
      ['1', '2026-03-15 13:00:00.25', 'issue', 'success', 'auth0|65f2erin00000000000001', 'AaiyAPdpYdesoKnqjj8HJqRn4T5titww', 'sessErin000000000000000001', '81.2.69.142', 's'],
      ['2', '2026-03-15 13:10:00', 'fail', 'failure', 'auth0|65f2erin00000000000001', 'AaiyAPdpYdesoKnqjj8HJqRn4T5titww', null, '175.16.199.1', 'fp'],
      ['3', '2026-03-15 13:40:00', 'logout', 'success', 'auth0|65f2erin00000000000001', 'AaiyAPdpYdesoKnqjj8HJqRn4T5titww', 'sessErin000000000000000001', '81.2.69.142', 'slo'],
    ]);
    const events = readFileSync(EVENTBRIDGE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { detail: object });
    const [extra] = await store.json<{ extra: string }>(`SELECT extra FROM events WHERE line = 1`);
    const { detail, ...envelope } = events[0]!;
    expect(JSON.parse(extra!.extra)).toEqual({ ...detail, eventbridge: envelope, provider_event: 's' });
    // as Firehose delivers them (objects back to back, no newline): the same events
    const firehose = await Store.open(':memory:');
    try {
      await ingestFile(firehose, tempFile('firehose', events.map((e) => JSON.stringify(e, null, 1)).join('')), { mapping: 'auto' });
      expect(await everything(firehose)).toEqual(await everything(store));
    } finally {
      firehose.close();
    }
  });

  it('canonical events in a JSON array: tokens registered, the event without ts rejected by element', async () => {
    const s = await ingestFile(store, CANONICAL);
    expect([s.kind, s.preset, s.rows, s.newTokens]).toEqual(['events', null, 3, 1]);
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([[3, 'missing-ts']]);
    expect(await store.json(`SELECT line, event, sub FROM events ORDER BY line`)).toEqual([
      { line: '1', event: 'issue', sub: 'frank' }, { line: '2', event: 'use', sub: 'frank' }, { line: '4', event: 'logout', sub: 'frank' },
    ]);
    expect((await store.json<{ n: string }>(`SELECT count(*)::VARCHAR AS n FROM events WHERE token_sha IS NOT NULL`))[0]!.n).toBe('2');
  });

  it('a folder of exports: each file with its preset, the sources recording the files as given', async () => {
    const run = await ingestPaths(store, [DIR], { mapping: 'auto' });
    expect(run.sources.map((s) => [s.path.replace(`${DIR}/`, ''), s.preset, s.rows, s.rejected]).sort()).toEqual([
      ['auth0-eventbridge.ndjson', 'auth0', 3, 0],
      ['canonical-events.json', null, 3, 1],
      ['cloudtrail-s3-object.json.gz', 'aws-cognito', 3, 0],
      ['graph-signins-page.json', 'entra', 3, 0],
      ['okta-api-logs.json', 'okta', 3, 1],
    ]);
    const bytes = await store.json<{ path: string; bytes: string }>(`SELECT path, bytes::VARCHAR AS bytes FROM sources WHERE path LIKE '%.gz'`);
    expect(Number(bytes[0]!.bytes)).toBe(readFileSync(CLOUDTRAIL).length); // the file as stored, not its records
  });
});

describe('shapes and bad elements', () => {
  const okta = (): unknown[] => JSON.parse(readFileSync(OKTA, 'utf8')) as unknown[];

  it('pages saved one after another ([…][…]) number on across them; CRLF and a byte-order mark are whitespace', async () => {
    const [a, b, c, d] = okta();
    const file = tempFile('pages.json', `\uFEFF${JSON.stringify([a, b], null, 2).replaceAll('\n', '\r\n')}\r\n${JSON.stringify([c, d], null, 2)}\n`);
    const s = await ingestFile(store, file, { mapping: 'auto' });
    expect([s.preset, s.rows, s.rejects.map((r) => [r.line, r.reason])]).toEqual(['okta', 3, [[4, 'missing-ts']]]);
    expect(s.warnings[0]).toMatch(/4 records from 2 JSON arrays/);
  });

  it('Azure Monitor deliveries ({"records": […]}) of the entra fixture load as its NDJSON does', async () => {
    const lines = readFileSync('fixtures/presets/entra/signin-logs.ndjson', 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as unknown);
    const s = await ingestFile(store, tempFile('PT1H.json', JSON.stringify({ records }, null, 2)), { mapping: 'auto' });
    const ndjson = await asNdjson(records, 'auto');
    expect(s.preset).toBe('entra');
    expect([await everything(store), s.rejects.map((r) => [r.line, r.reason])]).toEqual([ndjson.rows, ndjson.rejects]);
  });

  it('bad elements are rejected by number and the others load: bad JSON, not an object, too deep, a raw line break, a cut end', async () => {
    const [a, b, c] = okta();
    const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
    const text = `[\n${JSON.stringify(a)},\n{"published": tru},\n42,\n{"x": ${deep}},\n{"published": "a\nb"},\n${JSON.stringify(b)},\n${JSON.stringify(c).slice(0, 80)}`;
    const s = await ingestFile(store, tempFile('bad.json', text), { mapping: presets().get('okta')! });
    expect(s.rows).toBe(2);
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([[2, 'bad-json'], [3, 'not-an-object'], [4, 'too-deep'], [5, 'bad-json'], [7, 'truncated-json']]);
    expect(s.warnings[0]).toMatch(/the JSON ends before it closes \(a cut download\?\)/);
    expect(await store.json(`SELECT line FROM events ORDER BY line`)).toEqual([{ line: '1' }, { line: '6' }]);
  });

  it('an object that holds a `value` array after its own fields is a record, not an envelope', () => {
    const record = { ts: '2026-03-15T14:00:00Z', event: 'use', value: [{ a: 1 }] };
    const head = wholeJsonHead(Buffer.from(JSON.stringify(record, null, 2)));
    expect(head?.first).toBe('object-multiline');
    expect(JSON.parse(head!.records.toString('utf8'))).toEqual(record);
  });

  it('NDJSON stays on the NDJSON path: a record a line is not whole JSON', () => {
    expect(wholeJsonHead(readFileSync('fixtures/presets/okta/system-log.ndjson'))).toBeNull();
    expect(wholeJsonHead(Buffer.from('-----BEGIN PUBLIC KEY-----\n'))).toBeNull();
    expect(wholeJsonHead(Buffer.from('eyJhbGciOiJub25lIn0.e30.\n'))).toBeNull();
  });

  it('a top-level object of many keys is scanned in linear time: its keys are not re-checked, one by one, per key', () => {
    // paging keys, then one of the record's own, then `value` arrays: each `value` once re-tested every key before it
    const n = 100_000;
    const text = Buffer.from(`{${'"count":1,'.repeat(n)}"x":1${',"value":[]'.repeat(n)}}\n`);
    const scanner = new RecordScanner();
    const started = Date.now();
    const found = [...scanner.push(text), ...scanner.end()];
    expect(Date.now() - started).toBeLessThan(3000); // linear: well under a second; quadratic: minutes
    expect(found).toHaveLength(1);
    expect(scanner.shape.first).toBe('object'); // a record holding `value`, not an envelope: `x` came before it
    expect(scanner.shape.envelopes.size).toBe(0);
    expect('bytes' in found[0]! && found[0].bytes.length).toBe(text.length - 1);
  });

  it('an envelope is told by every key before its array being paging, however many', () => {
    const scanner = new RecordScanner();
    const found = [...scanner.push(Buffer.from(`{"count":2,"next":null,"@odata.context":"x","value":[{"a":1},{"a":2}],"x":1}`)), ...scanner.end()];
    expect(scanner.shape.first).toBe('envelope');
    expect(found.map((r) => ('bytes' in r ? r.bytes.toString('utf8') : r.reason))).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('a copy that cannot be written is an input error naming the file, not a crash or a hang', async () => {
    const scan = await scanFile(OKTA, OKTA);
    await expect(unwrapToNdjson(scan, '/nonexistent-jwt-forensics-dir')).rejects.toThrow(
      /okta-api-logs\.json: cannot write its records to \/nonexistent-jwt-forensics-dir \(ENOENT.*set TMPDIR/,
    );
  });

  it('the scanner finds the same records whatever the chunk boundaries', () => {
    const text = Buffer.from(readFileSync(GRAPH, 'utf8'));
    const whole = new RecordScanner();
    const expected = [...whole.push(text), ...whole.end()];
    for (const size of [1, 7, 64, 1000]) {
      const scanner = new RecordScanner();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...scanner.push(text.subarray(i, i + size)));
      got.push(...scanner.end());
      expect(got.map((r) => ('bytes' in r ? r.bytes.toString('utf8') : r.reason))).toEqual(expected.map((r) => ('bytes' in r ? r.bytes.toString('utf8') : r.reason)));
    }
    expect(expected).toHaveLength(3);
  });
});

describe('NDJSON whose first line is broken', () => {
  it('is NDJSON: the first line is rejected, the rest loads (a cut first line is not one object spread over lines)', async () => {
    const file = tempFile('cut-first.ndjson', '{"ts":\n{"ts":0,"event":"use","sub":"a"}\n{"ts":1,"event":"use","sub":"b"}\n');
    const s = await ingestFile(store, file);
    expect(s.rows).toBe(2);
    expect(s.rejects.map((r) => [r.line, r.reason])).toEqual([[1, 'truncated-json']]);
  });

  it('an envelope opened on the first line with one element a line is still whole JSON', async () => {
    const records = [{ ts: 0, event: 'use', sub: 'a' }, { ts: 1, event: 'use', sub: 'b' }];
    const text = `{"@odata.context": "x", "value": [\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
    const s = await ingestFile(store, tempFile('page.json', text));
    expect(s.rows).toBe(2);
    expect(s.rejected).toBe(0);
  });
});

describe('a file named .ndjson or .jsonl', () => {
  it('is read a record a line even when its first line is an array (a JSON file is not read that way)', async () => {
    const text = '[]\n{"ts":0,"event":"use","sub":"a"}\n{"ts":1,"event":"use","sub":"b"}\n';
    const s = await ingestFile(store, tempFile('events.ndjson', text));
    expect([s.rows, s.rejects.map((r) => [r.line, r.reason])]).toEqual([2, [[1, 'not-an-object']]]);
    const other = await Store.open(':memory:');
    try {
      const asJson = await ingestFile(other, tempFile('events.json', text));
      // whole JSON: an empty array, then two documents after it; nothing to reject
      expect([asJson.rows, asJson.rejected]).toEqual([2, 0]);
    } finally {
      other.close();
    }
  });
});
