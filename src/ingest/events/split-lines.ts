// Big NDJSON files are loaded in parts of bounded size, so memory stays flat however big the file is: this cuts
// the (decompressed) content at line boundaries into private part files, one part ahead of the reader, and
// records where each part's lines sit in the source file (blank lines included, as DuckDB skips those).
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors.js';
import { MAX_LINE_BYTES, MAX_LINE_DEPTH } from './line-limits.js';
import { addBlank, type BlankRun } from './line-runs.js';
import { isBlankByte, type LineLayout } from './line-scan.js';
import { DepthGauge } from './nesting.js';

export { MAX_LINE_BYTES } from './line-limits.js';

export interface LinePart {
  path: string;
  gzip: false;
  /** source line number of the part's first line */
  firstLine: number;
  /** lines in the part, blank ones included */
  lines: number;
  /** the lines DuckDB emits no row for, as runs: whitespace-only ones, and oversized or too deep ones (left empty) */
  blankRuns: BlankRun[];
  /** lines over the size limit: left out of the part (an empty line keeps the numbering), to be rejected */
  oversized: { line: number; bytes: number }[];
  /** lines nesting deeper than MAX_LINE_DEPTH: left out the same way, to be rejected */
  tooDeep: number[];
  /** bytes of the longest line in the part (DuckDB's read buffer is sized from it) */
  longest: number;
  /** a whole file read as one part carries its layout (named apart from FileScan's promise of it): its lines are
   *  found again by offset */
  index?: LineLayout;
  /** bytes of the source file (as stored, so compressed for .gz) consumed so far: for progress */
  sourceBytesRead: number;
}

/** `firstPartBytes` is smaller so that DuckDB starts reading early, while the bigger parts are still being cut. */
export async function* splitLines(
  path: string,
  gzip: boolean,
  dir: string,
  partBytes: number,
  firstPartBytes = partBytes,
  maxLineBytes = MAX_LINE_BYTES,
  label = path,
  opts: { guard?: (outBytes: number) => void; maxDepth?: number } = {},
): AsyncGenerator<LinePart> {
  const raw = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
  const content: NodeJS.ReadableStream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (err) => (content as NodeJS.ReadWriteStream & { destroy(e: Error): void }).destroy(err));
  let index = 0;
  let out: FileHandle | null = null;
  const fresh = (path: string, firstLine: number) => ({ path, firstLine, lines: 0, bytes: 0, blankRuns: [] as BlankRun[], oversized: [] as LinePart['oversized'], tooDeep: [] as number[], longest: 0 });
  let part = fresh('', 1);
  const gauge = new DepthGauge(opts.maxDepth ?? MAX_LINE_DEPTH, maxLineBytes);
  let produced = 0; // bytes of content (decompressed) so far
  let line = 1; // source number of the line being read
  let inLine = false; // some bytes of the current line were seen
  let blank = true; // the current line is whitespace so far
  let lineBytes = 0; // bytes of the current line so far
  let lineStart = 0; // where the current line begins in the part file
  let dropping = false; // the current line is over the limit: none of it goes into the part
  // A write that fails is the parts' disk (full?), not the source: say which.
  const onDisk = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw new InputError(`${label}: cannot write its parts to ${dir} (${message(err)}); free space there or set TMPDIR`);
    }
  };
  // Always at an explicit position: after a truncate the file position would leave a hole.
  const write = async (buf: Buffer, from: number, length: number): Promise<void> => {
    if (length <= 0) return;
    await onDisk(() => out!.write(buf, from, length, part.bytes));
    part.bytes += length;
  };
  const startPart = async (): Promise<void> => {
    part = fresh(join(dir, `part-${String(index++).padStart(5, '0')}.ndjson`), line);
    out = await onDisk(() => open(part.path, 'wx', 0o600));
  };
  const endPart = async (): Promise<LinePart> => {
    const done = out!;
    out = null;
    await onDisk(() => done.close());
    const { path: p, firstLine, lines, blankRuns, oversized, tooDeep, longest } = part;
    return { path: p, gzip: false, firstLine, lines, blankRuns, oversized, tooDeep, longest, sourceBytesRead: raw.bytesRead };
  };
  // Leave the current line out of the part: keep the lines before it, drop what of it was written or is pending in
  // buf from `from` (its newline, if any, stays: an empty line keeps the part's numbering).
  const dropLine = async (buf: Buffer, from: number): Promise<void> => {
    if (lineStart >= part.bytes) await write(buf, from, lineStart - part.bytes);
    else {
      await onDisk(() => out!.truncate(lineStart));
      part.bytes = lineStart;
    }
  };
  const lineEnded = (deep: boolean): void => {
    if (dropping) part.oversized.push({ line, bytes: lineBytes });
    else if (deep) part.tooDeep.push(line);
    if (dropping || deep || blank) addBlank(part.blankRuns, line);
    else if (lineBytes > part.longest) part.longest = lineBytes;
    part.lines++;
    line++;
    inLine = false;
    dropping = false;
  };
  try {
    for await (const chunk of content) {
      const buf = chunk as Buffer;
      produced += buf.length;
      if (gzip) opts.guard?.(produced);
      let from = 0; // first byte of buf not yet written (or dropped)
      let pos = 0;
      while (pos < buf.length) {
        if (!out) await startPart();
        if (!inLine) {
          inLine = true;
          blank = true;
          lineBytes = 0;
          lineStart = part.bytes + (pos - from);
        }
        const nl = buf.indexOf(10, pos);
        const end = nl === -1 ? buf.length : nl;
        lineBytes += end - pos;
        if (!dropping) {
          for (let i = pos; blank && i < end; i++) if (!isBlankByte(buf[i]!)) blank = false;
          if (lineBytes > maxLineBytes) {
            dropping = true;
            gauge.reset();
            // keep the lines before it; of this one, drop what was written and what is pending
            await dropLine(buf, from);
          }
        }
        if (dropping) from = end; // its newline stays: an empty line keeps the part's numbering
        if (nl === -1) {
          if (!dropping) gauge.partial(buf, pos, end);
          pos = buf.length;
          break;
        }
        const deep = !dropping && gauge.end(buf, pos, end);
        if (deep) {
          await dropLine(buf, from);
          from = end;
        }
        lineEnded(deep);
        pos = nl + 1;
        if (part.bytes + (pos - from) >= (index === 1 ? firstPartBytes : partBytes)) {
          await write(buf, from, pos - from);
          from = pos;
          yield await endPart();
        }
      }
      await write(buf, from, buf.length - from);
    }
    if (inLine) {
      const deep = !dropping && gauge.end(EMPTY, 0, 0);
      if (deep) await dropLine(EMPTY, 0);
      lineEnded(deep);
    }
    if (out) yield await endPart();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${label}: cannot read (${message(err)}); a .gz file may be truncated or corrupt`);
  } finally {
    await (out as FileHandle | null)?.close().catch(() => undefined);
    raw.destroy();
  }
}

const EMPTY = Buffer.alloc(0);

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Iterate one item ahead: the next part is being cut while the caller loads this one. */
export async function* readAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  next.catch(() => undefined); // rejections surface when awaited below, never as unhandled
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = source.next();
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await next.catch(() => undefined);
    await source.return(undefined);
  }
}
