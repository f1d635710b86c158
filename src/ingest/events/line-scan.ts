// The rare path of the NDJSON reader: when DuckDB's fast read skipped or nulled lines, walk the file's bytes
// to learn which lines those were and why. Byte-level (no string decoding) so it stays cheap on big files.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { addBlank, type BlankRun } from './line-runs.js';
import { DepthGauge } from './nesting.js';

export interface LineVisitor {
  /** called for every line (1-based number, bytes without the newline; `tooLong` as in Line); return false to stop early */
  (line: number, bytes: Buffer, tooLong?: number): boolean | void;
}

export interface LineOptions {
  /** a line longer than this is not kept: it comes with empty bytes and its length in `tooLong` */
  maxLineBytes?: number;
  /** for a .gz: the checked expansion (src/ingest/gunzip-limit.ts); how messages name the file */
  guard?: (outBytes: number) => void;
  label?: string;
}

/** A line and its bytes (newline excluded); `tooLong` is its length when it was over `maxLineBytes` (bytes empty). */
export interface Line {
  line: number;
  bytes: Buffer;
  tooLong?: number;
}

/** The lines of a file, a batch per chunk read. A line that spans chunks is put together once, at its end (never
 *  chunk by chunk: joining a 32 MB line's 16 KB gzip chunks one at a time is quadratic). */
export async function* readLines(path: string, gzip: boolean, opts: LineOptions = {}): AsyncGenerator<Line[]> {
  const raw = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }); // big reads: fewer carries across chunks
  const stream: NodeJS.ReadableStream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (err) => (stream as NodeJS.ReadWriteStream & { destroy(e: Error): void }).destroy(err));
  const max = opts.maxLineBytes ?? Infinity;
  let pieces: Buffer[] = []; // the current line's bytes from earlier chunks
  let held = 0; // its length so far
  let line = 0;
  let out = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      out += buf.length;
      if (gzip) opts.guard?.(out);
      const batch: Line[] = [];
      let start = 0;
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
        const length = held + nl - start;
        if (length > max) batch.push({ line: ++line, bytes: EMPTY, tooLong: length });
        else batch.push({ line: ++line, bytes: held ? Buffer.concat([...pieces, buf.subarray(start, nl)], length) : buf.subarray(start, nl) });
        pieces = [];
        held = 0;
        start = nl + 1;
      }
      if (start < buf.length) {
        if (held + buf.length - start <= max) pieces.push(buf.subarray(start));
        else pieces = [];
        held += buf.length - start;
      }
      if (batch.length) yield batch;
    }
    if (held > 0) yield [held > max ? { line: ++line, bytes: EMPTY, tooLong: held } : { line: ++line, bytes: Buffer.concat(pieces, held) }];
  } finally {
    raw.destroy();
  }
}

const EMPTY = Buffer.alloc(0);

export async function forEachLine(path: string, gzip: boolean, visit: LineVisitor, opts: LineOptions = {}): Promise<void> {
  for await (const batch of readLines(path, gzip, opts)) {
    for (const l of batch) if (visit(l.line, l.bytes, l.tooLong) === false) return;
  }
}

/** The bytes of the wanted lines (for explaining rejects). */
export async function pickLines(path: string, gzip: boolean, wanted: ReadonlySet<number>): Promise<Map<number, Buffer>> {
  const out = new Map<number, Buffer>();
  if (wanted.size === 0) return out;
  let last = 0;
  for (const n of wanted) if (n > last) last = n;
  await forEachLine(path, gzip, (line, bytes) => {
    if (wanted.has(line)) out.set(line, Buffer.from(bytes));
    return line < last;
  });
  return out;
}

export interface LineLayout {
  /** lines, a last line without newline included */
  lines: number;
  /** the whitespace-only lines (DuckDB emits no row for them), as runs: a file of newlines is one entry */
  blankRuns: BlankRun[];
  /** bytes of the longest line, newline excluded */
  longest: number;
  /** lines nesting deeper than MAX_LINE_DEPTH (not to be handed to DuckDB: the splitter leaves them out) */
  deepLines: number;
  /** where lines start: line startLines[i] at byte startOffsets[i]; one every STRIDE lines and MIN_GAP bytes at
   *  most, so a line is found again by reading from the one before it, and the index follows the bytes */
  startLines: number[];
  startOffsets: number[];
}

/** An offset is kept at most every STRIDE lines and every MIN_GAP bytes: finding a line reads a few KB, and the index
 *  stays small (5 MB for ten million lines; 4 KB lines apart in a run of blank lines, so not one a line). */
export const STRIDE = 16;
export const MIN_GAP = 4096;

/** Learns a plain file's line layout from its bytes in order, without copying them: how many lines, which are
 *  blank, how long the longest is, which nest too deep, where lines begin. A line that starts with `{` (nearly all
 *  of them) is known not blank from its first byte. */
export class LayoutCounter {
  private lines = 0;
  private longest = 0;
  private deepLines = 0;
  private readonly blankRuns: BlankRun[] = [];
  private length = 0; // of the line being read, so far
  private blank = true; // the line being read is whitespace so far
  private readonly startLines: number[] = [1];
  private readonly startOffsets: number[] = [0];
  private offset = 0; // of the chunk being read
  private readonly gauge = new DepthGauge();

  push(buf: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      const end = nl === -1 ? buf.length : nl;
      if (this.blank && end > start) this.blank = buf[start] !== 0x7b && isBlank(buf.subarray(start, end));
      this.length += end - start;
      if (nl === -1) {
        this.gauge.partial(buf, start, end);
        break;
      }
      if (this.gauge.end(buf, start, end)) this.deepLines++;
      this.endLine();
      const at = this.offset + nl + 1;
      if (this.lines + 1 - this.startLines[this.startLines.length - 1]! >= STRIDE && at - this.startOffsets[this.startOffsets.length - 1]! >= MIN_GAP) {
        this.startLines.push(this.lines + 1);
        this.startOffsets.push(at);
      }
      start = nl + 1;
    }
    this.offset += buf.length;
  }

  finish(): LineLayout {
    if (this.length > 0) {
      if (this.gauge.end(EMPTY, 0, 0)) this.deepLines++;
      this.endLine();
    }
    const { lines, blankRuns, longest, deepLines, startLines, startOffsets } = this;
    return { lines, blankRuns, longest, deepLines, startLines, startOffsets };
  }

  private endLine(): void {
    this.lines++;
    if (this.blank) addBlank(this.blankRuns, this.lines);
    if (this.length > this.longest) this.longest = this.length;
    this.length = 0;
    this.blank = true;
  }
}

/** The bytes of the wanted lines of a plain file, found through its layout: each read starts at the indexed line
 *  before the wanted ones and stops about at the end of the last of them (a few KB per line, not the file). */
export function pickLinesAt(path: string, layout: LineLayout, wanted: Iterable<number>): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const { startLines, startOffsets } = layout;
  const byBlock = new Map<number, Set<number>>();
  for (const n of wanted) {
    const block = blockOf(startLines, n);
    const set = byBlock.get(block);
    if (set) set.add(n);
    else byBlock.set(block, new Set([n]));
  }
  // Synchronous reads: tens of thousands of small reads, each a round trip through the thread pool when async.
  const fd = openSync(path, 'r');
  try {
    for (const [block, lines] of [...byBlock].sort((a, b) => a[0] - b[0])) {
      const first = startLines[block]!;
      let last = 0;
      for (const n of lines) if (n > last) last = n;
      // the block's size is known when the next one is indexed: read about as far as the last wanted line
      const blockBytes = (startOffsets[block + 1] ?? Infinity) - startOffsets[block]!;
      const blockLines = (startLines[block + 1] ?? Infinity) - first;
      let size = Number.isFinite(blockBytes) ? Math.ceil((blockBytes * (last - first + 1.5)) / blockLines) + 256 : 64 * 1024;
      let pos = startOffsets[block]!;
      let buf = Buffer.alloc(0);
      let line = first; // number of the line that begins at buf[lineStart]
      let lineStart = 0;
      while (line <= last) {
        const nl = buf.indexOf(10, lineStart);
        if (nl === -1) {
          const more = Buffer.allocUnsafe(Math.max(size, buf.length - lineStart));
          const bytesRead = readSync(fd, more, 0, more.length, pos);
          if (bytesRead === 0) {
            if (lines.has(line)) out.set(line, Buffer.from(buf.subarray(lineStart)));
            break;
          }
          pos += bytesRead;
          buf = lineStart < buf.length ? Buffer.concat([buf.subarray(lineStart), more.subarray(0, bytesRead)]) : more.subarray(0, bytesRead);
          lineStart = 0;
          size = Math.max(64 * 1024, buf.length); // a long line: read more each time (doubling), not 64 KB more
          continue;
        }
        if (lines.has(line)) out.set(line, Buffer.from(buf.subarray(lineStart, nl)));
        line++;
        lineStart = nl + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Index of the last indexed line at or before n. */
function blockOf(startLines: readonly number[], n: number): number {
  let lo = 0;
  let hi = startLines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startLines[mid]! <= n) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/** The bytes of these lines (numbered in the source file) of a file or part that starts at `firstLine`: by offset
 *  when its layout is known (a whole events file: a few KB read per line), else by a scan (a part, a small file). */
export async function linesOf(
  src: { path: string; gzip: boolean; firstLine?: number; index?: LineLayout },
  numbers: Iterable<number>,
): Promise<Map<number, Buffer>> {
  const offset = (src.firstLine ?? 1) - 1; // a part file numbers its lines from 1
  const locals = [...numbers].map((n) => n - offset);
  const picked = src.index ? pickLinesAt(src.path, src.index, locals) : await pickLines(src.path, src.gzip, new Set(locals));
  return new Map([...picked].map(([local, bytes]) => [local + offset, bytes]));
}

export function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (!isBlankByte(b)) return false;
  return true;
}

/** The bytes DuckDB's NDJSON reader counts as blank: space, tab, CR, vertical tab, form feed (not NBSP, not NUL). */
export function isBlankByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c;
}
