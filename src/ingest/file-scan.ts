// One streaming pass over an input file: its sha256 (chain of custody, idempotency), size, line count,
// whether it is gzip, and its first bytes for kind detection. Cheap next to the DuckDB read it precedes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors.js';

export interface FileScan {
  path: string;
  sha256: string;
  bytes: number;
  gzip: boolean;
  /** lines in the (decompressed) content; a last line without newline counts */
  lines: number;
  /** first bytes of the (decompressed) content */
  head: Buffer;
  /** content starts with a UTF-8 byte-order mark */
  bom: boolean;
}

const HEAD_BYTES = 256 * 1024;

export async function scanFile(path: string): Promise<FileScan> {
  const hash = createHash('sha256');
  let bytes = 0;
  const peek = await firstChunk(path);
  const gzip = peek.length >= 2 && peek[0] === 0x1f && peek[1] === 0x8b;
  // Hash the bytes as stored (the .gz itself), count lines in what they decompress to.
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const raw = createReadStream(path);
  raw.on('error', (err) => tap.destroy(err));
  let content: NodeJS.ReadableStream = raw.pipe(tap);
  if (gzip) {
    const gunzip = createGunzip();
    tap.on('error', (err) => gunzip.destroy(err));
    content = tap.pipe(gunzip);
  }
  const counted = await countLines(content, path);
  return {
    path,
    sha256: hash.digest('hex'),
    bytes,
    gzip,
    lines: counted.lines,
    head: counted.head,
    bom: counted.head.length >= 3 && counted.head[0] === 0xef && counted.head[1] === 0xbb && counted.head[2] === 0xbf,
  };
}

async function firstChunk(path: string): Promise<Buffer> {
  const stream = createReadStream(path, { start: 0, end: 1 });
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function countLines(stream: NodeJS.ReadableStream, path: string): Promise<{ lines: number; head: Buffer }> {
  let newlines = 0;
  let last = -1;
  const headParts: Buffer[] = [];
  let headLen = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      if (headLen < HEAD_BYTES) {
        headParts.push(buf.subarray(0, HEAD_BYTES - headLen));
        headLen += Math.min(buf.length, HEAD_BYTES - headLen);
      }
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
      if (buf.length) last = buf[buf.length - 1]!;
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new InputError(`${path}: cannot read (${why}); a .gz file may be truncated or corrupt`);
  }
  const lines = newlines + (last !== -1 && last !== 10 ? 1 : 0);
  return { lines, head: Buffer.concat(headParts) };
}

/** The first bytes of the (decompressed) content, for kind detection before the full scan. */
export async function peekHead(path: string, max = 64 * 1024): Promise<Buffer> {
  const peek = await firstChunk(path);
  const gzip = peek.length >= 2 && peek[0] === 0x1f && peek[1] === 0x8b;
  const raw = createReadStream(path, gzip ? {} : { start: 0, end: max - 1 });
  const stream: NodeJS.ReadableStream = gzip ? raw.pipe(createGunzip()) : raw;
  const parts: Buffer[] = [];
  let len = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      len += (chunk as Buffer).length;
      if (len >= max) break;
    }
  } catch {
    // a corrupt .gz: the full scan reports it with the file name
  } finally {
    raw.destroy();
  }
  return Buffer.concat(parts).subarray(0, max);
}
