// Streaming passes over an input file: its sha256 (chain of custody, idempotency), size, line count and layout,
// whether it is gzip, and its first bytes for kind detection. Cheap next to the DuckDB read they precede.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors.js';
import type { VerifyOptions } from '../../jwt/verify.js';
import { gunzipGuard } from '../gunzip-limit.js';
import { LayoutCounter, type LineLayout } from './line-scan.js';

export interface FileScan {
  path: string;
  /** how messages name the file (stdin is read from a spooled temp file but named `-`); the path when absent */
  label?: string;
  bytes: number;
  gzip: boolean;
  /** first bytes of the (decompressed) content */
  head: Buffer;
  /** content starts with a UTF-8 byte-order mark */
  bom: boolean;
  /** sha256 of the bytes as stored; computed in the background while DuckDB reads the file */
  sha256: Promise<string>;
  /** lines in the (decompressed) content, a last line without newline included; from the layout pass (a .gz: its one pass) */
  lines: Promise<number>;
  /** where a plain file's lines are (blank ones, the longest, an offset index); null for .gz */
  layout: Promise<LineLayout | null>;
  /** how the tokens the file brings are verified (the policy's max_verify_candidates); set by ingestFile */
  verify?: VerifyOptions;
}


/** Peek at the file now (gzip? what kind?) and start the passes over it — layout and line count, then sha256 — in
 *  the background: they run on this thread while DuckDB's reader runs on its own. */
export async function scanFile(path: string, label = path): Promise<FileScan> {
  const info = await stat(path);
  // A device or FIFO never ends (/dev/zero) or blocks until a writer comes: only regular files are read.
  if (!info.isFile()) throw new InputError(notRegular(label));
  const bytes = info.size;
  const peek = await firstChunk(path);
  const gzip = peek.length >= 2 && peek[0] === 0x1f && peek[1] === 0x8b;
  const head = await peekHead(path);
  // A plain file: its layout first (DuckDB's read waits for it), then its sha256 in a second read, while DuckDB
  // reads (the sha256 is wanted only when the source is recorded; hashing in the same read made DuckDB wait 0.5 s
  // longer per GB). A .gz: one read, hashing the bytes as stored and counting the lines they decompress to.
  const full = gzip ? hashAndCountGzip(path, label, bytes) : null;
  const layoutPass = full ? null : layoutOf(path);
  // Awaited by whoever needs them; never an unhandled rejection (a corrupt .gz would crash the process with a
  // stack trace when DuckDB's read fails first and nobody awaits these).
  const sha256 = full ? full.then((r) => r.sha256) : layoutPass!.then(() => hashOf(path));
  const lines = full ? full.then((r) => r.lines) : layoutPass!.then((l) => l.lines);
  const layout: Promise<LineLayout | null> = full ? full.then((r) => r.layout) : layoutPass!;
  sha256.catch(() => undefined);
  lines.catch(() => undefined);
  layout.catch(() => undefined);
  return {
    path,
    bytes,
    gzip,
    head,
    bom: head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf,
    sha256,
    lines,
    layout,
  };
}

/** Why a path that is not a regular file is not read. */
export function notRegular(label: string): string {
  return `${label}: not a regular file (a device, FIFO or socket), so it is not read; to ingest what it gives, pipe it to \`ingest -\``;
}

/** A plain file's line layout (which the events reader uses to read it whole), in one read. */
async function layoutOf(path: string): Promise<LineLayout> {
  const counter = new LayoutCounter();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) counter.push(chunk as Buffer);
  } catch (err) {
    throw new InputError(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  return counter.finish();
}

async function hashOf(path: string): Promise<string> {
  try {
    return await sha256OfFile(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
}

async function hashAndCountGzip(path: string, label: string, bytes: number): Promise<{ sha256: string; lines: number; layout: null }> {
  const hash = createHash('sha256');
  const raw = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
  // Hash the bytes as stored (the .gz itself), count lines in what they decompress to.
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  raw.on('error', (err) => tap.destroy(err));
  const gunzip = createGunzip();
  tap.on('error', (err) => gunzip.destroy(err));
  let lines: number;
  try {
    lines = await countLines(raw.pipe(tap).pipe(gunzip), label, gunzipGuard(label, bytes));
  } finally {
    raw.destroy();
  }
  return { sha256: hash.digest('hex'), lines, layout: null };
}

/** sha256 of the bytes as stored, alone (for a file refused before its scan finished). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function firstChunk(path: string): Promise<Buffer> {
  const stream = createReadStream(path, { start: 0, end: 1 });
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function countLines(stream: NodeJS.ReadableStream, path: string, guard: (outBytes: number) => void): Promise<number> {
  let newlines = 0;
  let last = -1;
  let out = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      out += buf.length;
      guard(out);
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
      if (buf.length) last = buf[buf.length - 1]!;
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new InputError(`${path}: cannot read (${why}); a .gz file may be truncated or corrupt`);
  }
  return newlines + (last !== -1 && last !== 10 ? 1 : 0);
}

/** The first bytes of the (decompressed) content, for kind detection before the full scan. */
export async function peekHead(path: string, max = 256 * 1024): Promise<Buffer> {
  // the first read of every input: a FIFO would block it, a device never end the reads after it
  if (!(await stat(path)).isFile()) throw new InputError(notRegular(path));
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
