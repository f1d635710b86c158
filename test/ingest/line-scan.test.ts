import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { isBlankByte } from '../../src/ingest/line-scan.js';
import { tempDir } from '../helpers/tmp.js';

describe('isBlankByte', () => {
  it('agrees with DuckDB’s NDJSON reader on every byte: a line of it is skipped exactly when we call it blank', async () => {
    // line numbers are worked out from which lines DuckDB skips; a disagreement once failed a whole file
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const file = join(tempDir(), 'one-byte.ndjson');
    const disagree: number[] = [];
    try {
      for (let b = 0; b < 256; b++) {
        if (b === 0x0a) continue;
        writeFileSync(file, Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([b, b]), Buffer.from('\n{"a":2}\n')]));
        const r = await conn.runAndReadAll(`SELECT count(*)::INT AS n FROM read_json_objects($f, format = 'newline_delimited', ignore_errors = true)`, { f: file });
        const skipped = r.getRowObjects()[0]!.n === 2;
        if (skipped !== isBlankByte(b)) disagree.push(b);
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    expect(disagree).toEqual([]);
    expect([0x20, 0x09, 0x0d, 0x0b, 0x0c].every(isBlankByte)).toBe(true);
  });
});
