// Issue 14 §4: how deep a line nests, found while its bytes go by, before DuckDB (whose JSON functions recurse and
// crash near 150,000 levels) is given it. Strings do not nest; chunk boundaries do not matter; ordinary lines are
// never walked byte by byte.
import { describe, expect, it } from 'vitest';
import { LayoutCounter } from '../../../src/ingest/events/line-scan.js';
import { MAX_LINE_DEPTH } from '../../../src/ingest/events/line-limits.js';
import { DepthGauge, deeperThan } from '../../../src/ingest/events/nesting.js';
import { addBlank, emittedLines, inRuns, type BlankRun } from '../../../src/ingest/events/line-runs.js';

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

/** Feed the lines through a gauge in chunks of `size` bytes; the lines found too deep. */
function gauge(lines: string[], size: number, limit = MAX_LINE_DEPTH): { deep: number[]; walked: number } {
  const g = new DepthGauge(limit);
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const out: number[] = [];
  let line = 1;
  for (let at = 0; at < bytes.length; at += size) {
    // a fresh copy per chunk, as a stream gives them
    const buf = Buffer.from(bytes.subarray(at, at + size));
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) {
        g.partial(buf, start, buf.length);
        break;
      }
      if (g.end(buf, start, nl)) out.push(line);
      line++;
      start = nl + 1;
    }
  }
  return { deep: out, walked: g.walked };
}

describe('DepthGauge', () => {
  const lines = [
    '{"a":1}',
    `{"x":${deep(MAX_LINE_DEPTH)}}`, // 257 deep with the object: over
    `{"x":${deep(MAX_LINE_DEPTH - 1)}}`, // exactly the limit: fine
    `{"s":"${'['.repeat(5000)}"}`, // brackets inside a string do not nest
    `{"s":"\\"${'['.repeat(300)}\\\\", "x":${deep(300)}}`, // an escaped quote, then an escaped backslash ends the string
    `[${Array.from({ length: 400 }, () => '{}').join(',')}]`, // many brackets, shallow
    `{"a":"]]]]]]]]]]","b":${'["]",'.repeat(300)}1${']'.repeat(300)}}`, // closers in strings cannot hide real depth
  ];
  it('finds the lines deeper than the limit, whatever the chunks', () => {
    for (const size of [1, 3, 64, 1000, 1 << 20]) expect(gauge(lines, size).deep).toEqual([2, 5, 7]);
  });

  it('walks no ordinary line byte by byte: a line with fewer brackets than the limit is settled by counting them', () => {
    const ordinary = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ ts: i, event: 'use', geo: { country: 'GB' }, aud: ['a', 'b'], ua: '[x] {y}' }));
    expect(gauge(ordinary, 4096)).toEqual({ deep: [], walked: 0 });
  });

  it('agrees with a plain walk of the whole text', () => {
    for (const l of lines) expect(deeperThan([Buffer.from(l)], MAX_LINE_DEPTH)).toBe(gauge([l], 7).deep.length === 1);
  });
});

describe('the layout pass counts lines too deep for DuckDB', () => {
  it('in a plain file, as it hashes it', () => {
    const counter = new LayoutCounter();
    const text = `{"a":1}\n{"x":${deep(150_000)}}\n{"b":2}\n{"x":${deep(1000)}}`; // the last without a newline
    for (let at = 0; at < text.length; at += 4096) counter.push(Buffer.from(text.slice(at, at + 4096)));
    expect(counter.finish()).toMatchObject({ lines: 4, deepLines: 2 });
  });
});

describe('blank runs', () => {
  it('hold consecutive lines as one entry, and give the emitted lines back', () => {
    const runs: BlankRun[] = [];
    for (const n of [2, 3, 4, 7, 9, 10]) addBlank(runs, n);
    expect(runs).toEqual([{ line: 2, count: 3 }, { line: 7, count: 1 }, { line: 9, count: 2 }]);
    expect(emittedLines(1, 12, runs)).toEqual([1, 5, 6, 8, 11, 12]);
    expect([1, 2, 4, 5, 7, 8, 10, 11].map((n) => inRuns(runs, n))).toEqual([false, true, true, false, true, false, true, false]);
  });
});
