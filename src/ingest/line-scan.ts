// The rare path of the NDJSON reader: when DuckDB's fast read skipped or nulled lines, walk the file's bytes
// to learn which lines those were and why. Byte-level (no string decoding) so it stays cheap on big files.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export interface LineVisitor {
  /** called for every line (1-based number, bytes without the newline); return false to stop early */
  (line: number, bytes: Buffer): boolean | void;
}

export async function forEachLine(path: string, gzip: boolean, visit: LineVisitor): Promise<void> {
  const raw = createReadStream(path);
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

export function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (!isBlankByte(b)) return false;
  return true;
}

/** The bytes DuckDB's NDJSON reader counts as blank: space, tab, CR, vertical tab, form feed (not NBSP, not NUL). */
export function isBlankByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c;
}
