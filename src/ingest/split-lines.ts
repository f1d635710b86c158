// Big NDJSON files are loaded in parts of bounded size, so memory stays flat however big the file is: this cuts
// the (decompressed) content at line boundaries into private part files, one part ahead of the reader, and
// records where each part's lines sit in the source file (blank lines included, as DuckDB skips those).
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';
import { isBlankByte } from './line-scan.js';

export interface LinePart {
  path: string;
  gzip: false;
  /** source line number of the part's first line */
  firstLine: number;
  /** lines in the part, blank ones included */
  lines: number;
  /** source line numbers of the part's whitespace-only lines (DuckDB emits no row for them) */
  blankLines: number[];
  /** bytes of the source file (as stored, so compressed for .gz) consumed so far: for progress */
  sourceBytesRead: number;
}

/** `firstPartBytes` is smaller so that DuckDB starts reading early, while the bigger parts are still being cut. */
export async function* splitLines(path: string, gzip: boolean, dir: string, partBytes: number, firstPartBytes = partBytes): AsyncGenerator<LinePart> {
  const raw = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
  const content: NodeJS.ReadableStream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (err) => (content as NodeJS.ReadWriteStream & { destroy(e: Error): void }).destroy(err));
  let index = 0;
  let out: FileHandle | null = null;
  let part = { path: '', firstLine: 1, lines: 0, bytes: 0, blankLines: [] as number[] };
  let line = 1; // source number of the line being read
  let inLine = false; // some bytes of the current line were seen
  let blank = true; // the current line is whitespace so far
  // A write that fails is the parts' disk (full?), not the source: say which.
  const onDisk = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw new InputError(`${path}: cannot write its parts to ${dir} (${message(err)}); free space there or set TMPDIR`);
    }
  };
  const startPart = async (): Promise<void> => {
    part = { path: join(dir, `part-${String(index++).padStart(5, '0')}.ndjson`), firstLine: line, lines: 0, bytes: 0, blankLines: [] };
    out = await onDisk(() => open(part.path, 'wx', 0o600));
  };
  const endPart = async (): Promise<LinePart> => {
    const done = out!;
    out = null;
    await onDisk(() => done.close());
    return { path: part.path, gzip: false, firstLine: part.firstLine, lines: part.lines, blankLines: part.blankLines, sourceBytesRead: raw.bytesRead };
  };
  try {
    for await (const chunk of content) {
      const buf = chunk as Buffer;
      let from = 0; // first byte of buf not yet written
      let pos = 0;
      while (pos < buf.length) {
        if (!out) await startPart();
        const nl = buf.indexOf(10, pos);
        const end = nl === -1 ? buf.length : nl;
        for (let i = pos; blank && i < end; i++) if (!isBlankByte(buf[i]!)) blank = false;
        if (nl === -1) {
          inLine = true;
          pos = buf.length;
          break;
        }
        if (blank) part.blankLines.push(line);
        part.lines++;
        line++;
        inLine = false;
        blank = true;
        pos = nl + 1;
        if (part.bytes + (pos - from) >= (index === 1 ? firstPartBytes : partBytes)) {
          await onDisk(() => out!.write(buf, from, pos - from));
          from = pos;
          yield await endPart();
        }
      }
      if (from < buf.length) {
        await onDisk(() => out!.write(buf, from, buf.length - from));
        part.bytes += buf.length - from;
      }
    }
    if (inLine) {
      if (blank) part.blankLines.push(line);
      part.lines++;
    }
    if (out) yield await endPart();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: cannot read (${message(err)}); a .gz file may be truncated or corrupt`);
  } finally {
    await (out as FileHandle | null)?.close().catch(() => undefined);
    raw.destroy();
  }
}

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
