// The rare path of the NDJSON reader: when DuckDB's fast read skipped or nulled lines, walk the file's bytes
// to learn which lines those were and why. Byte-level (no string decoding) so it stays cheap on big files.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface LineVisitor {
  /** called for every line (1-based number, bytes without the newline); return false to stop early */
  (line: number, bytes: Buffer): boolean | void;
}

export async function forEachLine(path: string, gzip: boolean, visit: LineVisitor): Promise<void> {
  const raw = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }); // big reads: fewer carries across chunks
  const stream: NodeJS.ReadableStream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (err) => (stream as NodeJS.ReadWriteStream & { destroy(e: Error): void }).destroy(err));
  let carry: Buffer | null = null;
  let line = 0;
  for await (const chunk of stream) {
    let buf = chunk as Buffer;
    if (carry) {
      buf = Buffer.concat([carry, buf]);
      carry = null;
    }
    let start = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      if (visit(++line, buf.subarray(start, nl)) === false) return;
      start = nl + 1;
    }
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
  }
  if (carry && carry.length) visit(++line, carry);
}

/** DuckDB's NDJSON reader skips lines of only whitespace; these are the numbers of the lines it does not skip. */
export async function nonBlankLines(path: string, gzip: boolean): Promise<number[]> {
  const out: number[] = [];
  await forEachLine(path, gzip, (line, bytes) => {
    if (!isBlank(bytes)) out.push(line);
  });
  return out;
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
  /** numbers of the whitespace-only lines (DuckDB emits no row for them) */
  blankLines: number[];
  /** bytes of the longest line, newline excluded */
  longest: number;
  /** byte offset of lines 1, 1 + STRIDE, 1 + 2·STRIDE, …: a line is found again by reading from the one before it */
  starts: number[];
}

/** Every how many lines an offset is kept: finding a line reads a few KB, and the index stays small (5 MB for
 *  ten million lines). */
export const STRIDE = 16;

/** Learns a plain file's line layout from its bytes in order, without copying them: how many lines, which are
 *  blank, how long the longest is, where every STRIDE-th begins. A line that starts with `{` (nearly all of them)
 *  is known not blank from its first byte. */
export class LayoutCounter {
  private lines = 0;
  private longest = 0;
  private readonly blankLines: number[] = [];
  private length = 0; // of the line being read, so far
  private blank = true; // the line being read is whitespace so far
  private readonly starts: number[] = [0];
  private offset = 0; // of the chunk being read

  push(buf: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      const end = nl === -1 ? buf.length : nl;
      if (this.blank && end > start) this.blank = buf[start] !== 0x7b && isBlank(buf.subarray(start, end));
      this.length += end - start;
      if (nl === -1) break;
      this.endLine();
      if (this.lines % STRIDE === 0) this.starts.push(this.offset + nl + 1);
      start = nl + 1;
    }
    this.offset += buf.length;
  }

  finish(): LineLayout {
    if (this.length > 0) this.endLine();
    return { lines: this.lines, blankLines: this.blankLines, longest: this.longest, starts: this.starts };
  }

  private endLine(): void {
    this.lines++;
    if (this.blank) this.blankLines.push(this.lines);
    if (this.length > this.longest) this.longest = this.length;
    this.length = 0;
    this.blank = true;
  }
}

/** The bytes of the wanted lines of a plain file, found through its layout: each read starts at the indexed line
 *  before the wanted ones and stops about at the end of the last of them (a few KB per line, not the file). */
export function pickLinesAt(path: string, layout: LineLayout, wanted: Iterable<number>): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const byBlock = new Map<number, Set<number>>();
  for (const n of wanted) {
    const block = Math.floor((n - 1) / STRIDE);
    const set = byBlock.get(block);
    if (set) set.add(n);
    else byBlock.set(block, new Set([n]));
  }
  // Synchronous reads: tens of thousands of small reads, each a round trip through the thread pool when async.
  const fd = openSync(path, 'r');
  try {
    for (const [block, lines] of [...byBlock].sort((a, b) => a[0] - b[0])) {
      const first = block * STRIDE + 1;
      let last = 0;
      for (const n of lines) if (n > last) last = n;
      // the block's size is known when the next one is indexed: read about as far as the last wanted line
      const blockBytes = (layout.starts[block + 1] ?? Infinity) - layout.starts[block]!;
      let size = Number.isFinite(blockBytes) ? Math.ceil((blockBytes * (last - first + 1.5)) / STRIDE) + 256 : 64 * 1024;
      let pos = layout.starts[block]!;
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
          size = 64 * 1024;
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
