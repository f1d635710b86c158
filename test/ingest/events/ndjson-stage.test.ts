import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanFile } from '../../../src/ingest/events/file-scan.js';
import { stageNdjson, type StageSpec } from '../../../src/ingest/events/ndjson-stage.js';
import { Store } from '../../../src/store/db.js';
import { tempFile } from '../../helpers/tmp.js';

const SPEC: StageSpec = {
  table: 'stage_test',
  fields: { ts: '$.ts', name: '$.name' },
  projection: { ts: 'r_ts', name: 'r_name', extra: 'x' },
  omit: { ts: null, name: null },
};

let store: Store;
beforeEach(async () => {
  store = await Store.open(':memory:');
});
afterEach(() => store.close());

async function stage(content: string | Buffer, name = 'in.ndjson') {
  const scan = await scanFile(tempFile(name, content));
  const result = await stageNdjson(store, scan, SPEC);
  const rows = await store.json<{ line: string; ts: string; name: string | null; extra: string | null }>(
    `SELECT line, ts, name, extra FROM stage_test ORDER BY line`,
  );
  return { ...result, rows };
}

describe('stageNdjson', () => {
  it('keeps line numbers through blank lines, CRLF and a byte-order mark', async () => {
    const { rows, rejects } = await stage('\uFEFF{"ts":1,"name":"a"}\r\n\n   \n{"ts":2,"name":"b","more":{"x":1}}\r\n\n{"ts":3}');
    expect(rejects).toEqual([]);
    expect(rows.map((r) => [r.line, r.ts])).toEqual([['1', '1'], ['4', '2'], ['6', '3']]);
    expect(JSON.parse(rows[1]!.extra!)).toEqual({ more: { x: 1 } });
    expect(rows[0]!.extra).toBeNull();
  });

  it('rejects each bad line with its number and reason, and loads every good line around them', async () => {
    const lines = [
      '{"ts":1}',
      'null',
      '[1,2,3]',
      '"a string"',
      '{"ts":2, "name": "trunc',
      '{not json}',
      '{"ts":3}',
    ];
    const bad = Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from([0x7b, 0x22, 0x74, 0x73, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), Buffer.from('{"ts":4}\n')]);
    const { rows, rejects } = await stage(bad);
    expect(rows.map((r) => r.line)).toEqual(['1', '7', '9']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [5, 'truncated-json'],
      [6, 'bad-json'],
      [8, 'bad-utf8'],
      [2, 'not-an-object'],
      [3, 'not-an-object'],
      [4, 'not-an-object'],
    ]);
  });

  it('rejects a raw control character inside a string (invalid JSON) without echoing it', async () => {
    const { rows, rejects } = await stage('{"ts":1,"name":"a\u001b]0;pwned\u0007"}\n{"ts":2}\n');
    expect(rows.map((r) => r.line)).toEqual(['2']);
    expect(rejects[0]!.reason).toBe('bad-json');
    expect(rejects[0]!.detail).not.toMatch(/[\u0000-\u001f]/);
  });

  it('reads a 3 MB line', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const { rows } = await stage(`{"ts":1}\n{"ts":2,"name":"${big}"}\n{"ts":3}\n`);
    expect(rows.map((r) => r.line)).toEqual(['1', '2', '3']);
    expect(rows[1]!.name!.length).toBe(big.length);
  });

  it('reads gzip whatever the file is called', async () => {
    const { rows } = await stage(gzipSync('{"ts":1}\n\n{"ts":2}\n'), 'events.log');
    expect(rows.map((r) => r.line)).toEqual(['1', '3']);
  });
});
