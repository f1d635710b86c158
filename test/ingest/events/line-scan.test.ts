import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { isBlankByte, LayoutCounter, pickLinesAt, STRIDE } from '../../../src/ingest/events/line-scan.js';
import { tempDir } from '../../helpers/tmp.js';

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

describe('a plain file\'s layout, and lines found again through it', () => {
  // lines of every length (empty, whitespace, CRLF, 200 KB), the last one without a newline
  const lines = Array.from({ length: 300 }, (_, i) =>
    i % 37 === 5 ? '' : i % 41 === 7 ? ' \t\r' : i % 53 === 11 ? `{"long":"${'y'.repeat(200_000)}"}` : `{"n":${i}}${i % 3 ? '\r' : ''}`,
  );
  const bytes = Buffer.from(lines.join('\n'));

  it('counts lines, blank lines and the longest the same whatever the chunks it is fed in', () => {
    for (const size of [1, 7, 4096, bytes.length]) {
      const counter = new LayoutCounter();
      for (let at = 0; at < bytes.length; at += size) counter.push(bytes.subarray(at, at + size));
      const layout = counter.finish();
      expect(layout.lines).toBe(300);
      expect(layout.blankRuns.flatMap((r) => Array.from({ length: r.count }, (_, j) => r.line + j))).toEqual(lines.flatMap((l, i) => (l.trim() === '' ? [i + 1] : [])));
      expect(layout.longest).toBe(Math.max(...lines.map((l) => Buffer.byteLength(l))));
      // an offset every STRIDE lines (these lines are short: MIN_GAP bytes apart, unless a long line is between)
      expect(layout.startLines.length).toBeGreaterThan(1);
      expect(layout.startLines.length).toBeLessThanOrEqual(Math.ceil(300 / STRIDE));
      expect(layout.startLines.length).toBe(layout.startOffsets.length);
    }
  });

  it('gives back exactly the wanted lines', () => {
    const file = join(tempDir(), 'layout.ndjson');
    writeFileSync(file, bytes);
    const counter = new LayoutCounter();
    counter.push(bytes);
    const wanted = [1, 2, STRIDE, STRIDE + 1, 12, 42, 117, 169, 170, 299, 300];
    const picked = pickLinesAt(file, counter.finish(), wanted);
    expect([...picked.keys()].sort((a, b) => a - b)).toEqual([...wanted].sort((a, b) => a - b));
    for (const n of wanted) expect(picked.get(n)!.toString()).toBe(lines[n - 1]);
  });
});
