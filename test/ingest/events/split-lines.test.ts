import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { readAhead, splitLines, type LinePart } from '../../../src/ingest/events/split-lines.js';
import { tempDir, tempFile } from '../../helpers/tmp.js';

async function split(content: string | Buffer, partBytes: number, gzip = false): Promise<LinePart[]> {
  const file = tempFile(gzip ? 'in.ndjson.gz' : 'in.ndjson', gzip ? gzipSync(content) : content);
  const parts: LinePart[] = [];
  for await (const p of splitLines(file, gzip, tempDir(), partBytes)) parts.push(p);
  return parts;
}

const body = (p: LinePart): string => readFileSync(p.path, 'utf8');
const blanks = (p: LinePart): number[] => p.blankRuns.flatMap((r) => Array.from({ length: r.count }, (_, j) => r.line + j));

describe('splitLines', () => {
  it('cuts at line boundaries only, and the parts put together are the content', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 7)}"}`);
    const content = lines.join('\n') + '\n';
    const parts = await split(content, 64);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.map(body).join('')).toBe(content);
    for (const p of parts) expect(body(p).endsWith('\n')).toBe(true);
    // each part's first line is the one after the previous part's last
    let next = 1;
    for (const p of parts) {
      expect(p.firstLine).toBe(next);
      expect(body(p).split('\n').length - 1).toBe(p.lines);
      next += p.lines;
    }
    expect(next - 1).toBe(40);
  });

  it('records blank and whitespace-only lines by their source number, across parts', async () => {
    // as DuckDB's reader: space, tab, CR, vertical tab and form feed are blank; a no-break space is not
    const content = '{"a":1}\n\n   \n{"b":2}\r\n\t\r\n{"c":3}\n\n\v\n\f\n\u00a0\n';
    for (const size of [1, 8, 1 << 20]) {
      const parts = await split(content, size);
      expect(parts.flatMap(blanks)).toEqual([2, 3, 5, 7, 8, 9]);
      expect(parts.reduce((n, p) => n + p.lines, 0)).toBe(10);
    }
  });

  it('counts a last line without a newline, and keeps a line longer than the part size whole', async () => {
    const long = `{"t":"${'y'.repeat(5000)}"}`;
    const parts = await split(`{"a":1}\n${long}\n{"z":1}`, 100);
    expect(parts.map((p) => [p.firstLine, p.lines])).toEqual([[1, 2], [3, 1]]);
    expect(body(parts[0]!)).toBe(`{"a":1}\n${long}\n`);
    expect(body(parts[1]!)).toBe('{"z":1}');
  });

  it('leaves a line over the size limit out of its part, as an empty line, and says which', async () => {
    // 40 KB lines against a 20 KB limit; read from .gz, whose 16 KB chunks put part of a long line on disk
    // before it is known to be too long (then the part file is cut back)
    const big = `{"x":"${'z'.repeat(40_000)}"}`;
    const content = `{"a":1}\n${big}\n{"b":2}\n${big}`;
    for (const [gzip, partBytes] of [[false, 1 << 20], [false, 30], [true, 1 << 20], [true, 30]] as const) {
      const file = tempFile(gzip ? 'big-lines.ndjson.gz' : 'big-lines.ndjson', gzip ? gzipSync(content) : content);
      const parts: LinePart[] = [];
      for await (const p of splitLines(file, gzip, tempDir(), partBytes, partBytes, 20_000)) parts.push(p);
      expect(parts.flatMap((p) => p.oversized)).toEqual([{ line: 2, bytes: big.length }, { line: 4, bytes: big.length }]);
      expect(parts.flatMap(blanks)).toEqual([2, 4]);
      expect(parts.map(body).join('')).toBe('{"a":1}\n\n{"b":2}\n');
      expect(parts.reduce((n, p) => n + p.lines, 0)).toBe(4);
    }
  });

  it('reads .gz content and reports progress in stored bytes', async () => {
    const content = Array.from({ length: 200 }, (_, i) => `{"n":${i}}`).join('\n') + '\n';
    const parts = await split(content, 256, true);
    expect(parts.map(body).join('')).toBe(content);
    expect(parts.at(-1)!.sourceBytesRead).toBe(gzipSync(content).length);
  });

  it('names the file when a .gz is corrupt, and leaves no part file open', async () => {
    const good = gzipSync(Array.from({ length: 5000 }, (_, i) => `{"n":${i}}`).join('\n'));
    const bad = Buffer.concat([good.subarray(0, 200), Buffer.alloc(200, 0x41)]);
    const file = tempFile('bad.ndjson.gz', bad);
    const dir = tempDir();
    const run = async (): Promise<void> => {
      for await (const p of splitLines(file, true, dir, 1 << 20)) void p;
    };
    await expect(run()).rejects.toThrow(InputError);
    await expect(run()).rejects.toThrow(/bad\.ndjson\.gz: cannot read/);
    expect(readdirSync(dir).length).toBeLessThanOrEqual(1);
  });

  it('readAhead yields the same items in order and finishes the source when the reader stops early', async () => {
    let finished = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 0; i < 5; i++) yield i;
      } finally {
        finished = true;
      }
    }
    const all: number[] = [];
    for await (const n of readAhead(source())) all.push(n);
    expect(all).toEqual([0, 1, 2, 3, 4]);
    finished = false;
    for await (const n of readAhead(source())) if (n === 1) break;
    expect(finished).toBe(true);
  });
});

