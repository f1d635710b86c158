// Whole-JSON inputs (docs/presets.md "API exports"): a file that is what an API returned — a JSON array, an
// envelope holding one, EventBridge events, pretty-printed records — is turned into NDJSON, one record a line, in a
// private temp folder, and the usual NDJSON readers read that: the same projection, the same rejects, with each
// reject's line being the record's number in the file. NDJSON files (one record a line) never come here.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors.js';
import { gunzipGuard } from '../gunzip-limit.js';
import type { RejectRow } from '../line-reasons.js';
import type { FileScan } from '../events/file-scan.js';
import { LayoutCounter } from '../events/line-scan.js';
import { RecordScanner, type ScanShape, type FirstForm } from './record-scanner.js';

/** As many bytes as `peekHead` reads (src/ingest/events/file-scan.ts): a head shorter than this is the whole file. */
export const HEAD_BYTES = 256 * 1024;
const HEAD_RECORDS = 20;
const FIRST_LOOK = 16 * 1024;
const READ_CHUNK = 256 * 1024;

export interface WholeJsonHead {
  first: FirstForm;
  /** the first records, as NDJSON: what kind detection and `--preset auto` look at */
  records: Buffer;
  /** the head is the whole file and it holds exactly one JSON object spread over several lines (a configuration or
   *  a manifest, most likely: no log is one pretty-printed object) */
  oneDocument: boolean;
}

/** How the file's first bytes hold records, or null when they are NDJSON (a record a line) or not JSON at all. */
export function wholeJsonHead(head: Buffer): WholeJsonHead | null {
  const text = head.subarray(head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0);
  const firstByte = text.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (firstByte !== 0x5b && firstByte !== 0x7b) return null; // `[` or `{`
  const scanner = new RecordScanner();
  // NDJSON is told by its first record: the rest of the head is scanned only for a whole-JSON file
  const found = scanner.push(head.subarray(0, FIRST_LOOK));
  if (scanner.shape.first === 'object') return null;
  found.push(...scanner.push(head.subarray(FIRST_LOOK)));
  const complete = head.length < HEAD_BYTES;
  if (complete) found.push(...scanner.end());
  const first = scanner.shape.first ?? (scanner.openObjectMultiline ? 'object-multiline' : 'object');
  if (first === 'object' || first === 'other') return null;
  if (first === 'object-multiline' && brokenFirstLine(text)) return null;
  const lines = found.slice(0, HEAD_RECORDS).map((r) => ('bytes' in r ? r.bytes : Buffer.from('null')));
  return {
    first,
    records: Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])),
    oneDocument: complete && first === 'object-multiline' && found.length === 1 && scanner.shape.objects === 1,
  };
}

/** An NDJSON file whose first line is cut or malformed (`{"ts":`) reads as one object spread over lines: it is not,
 *  when that line is more than a lone `{` (what pretty-printers write) or an envelope's opening, and most later
 *  lines of the head are whole objects by themselves. Then the file is NDJSON: the first line is rejected, the rest
 *  loads. */
function brokenFirstLine(text: Buffer): boolean {
  const lines = text.subarray(0, FIRST_LOOK).toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // a lone `{`, or a first line opening an array (`{"value": [`), is how whole JSON starts
  if (lines.length < 2 || lines[0] === '{' || lines[0]!.endsWith('[')) return false;
  const next = lines.slice(1, HEAD_RECORDS + 1);
  return next.filter((line) => {
    if (!line.startsWith('{') || !line.endsWith('}')) return false;
    try {
      const v: unknown = JSON.parse(line);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      return false;
    }
  }).length * 2 >= next.length; // most of the lines after it are objects by themselves
}

export interface Unwrapped {
  /** the NDJSON copy, as a FileScan the events readers take (sha256 stays the original file's promise) */
  scan: FileScan;
  /** records that could not be handed on (too big, too deep, a raw line break in a string), by record number */
  rejects: RejectRow[];
  /** what the file was, for the source's summary */
  note: string;
}

/** Write the file's records to `dir/records.ndjson`, one a line, streaming: memory holds one record at most. */
export async function unwrapToNdjson(scan: FileScan, dir: string): Promise<Unwrapped> {
  const label = scan.label ?? scan.path;
  const path = join(dir, 'records.ndjson');
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  // a write that fails (no space in TMPDIR, the folder gone) is said, naming the file, at the next write or the end:
  // without a listener the stream's 'error' would end the process
  let writeError: unknown = null;
  out.on('error', (err) => (writeError ??= err));
  const failed = (): InputError =>
    new InputError(`${label}: cannot write its records to ${dir} (${writeError instanceof Error ? writeError.message : String(writeError)}); free space there or set TMPDIR`);
  const layout = new LayoutCounter();
  const rejects: RejectRow[] = [];
  const scanner = new RecordScanner();
  let n = 0;
  let bytes = 0;
  let head: Buffer[] = [];
  let headBytes = 0;
  const write = async (found: ReturnType<RecordScanner['push']>): Promise<void> => {
    for (const r of found) {
      n++;
      // a record that cannot be handed on leaves an empty line: the numbering holds, the reject says why
      const line = 'bytes' in r ? Buffer.concat([r.bytes, NL]) : NL;
      if (!('bytes' in r)) rejects.push({ line: n, reason: r.reason, detail: r.detail });
      layout.push(line);
      bytes += line.length;
      if (headBytes < HEAD_BYTES) {
        head.push(line);
        headBytes += line.length;
      }
      if (writeError === null && !out.write(line)) await drained(out);
      if (writeError !== null) throw failed();
    }
  };
  // a chunk's records are all made before they are written: a small chunk bounds that (4 MiB of `1,` elements was
  // 2M records, over 300 MB of heap; 256 KiB is a twentieth of it, and reads as fast)
  const raw = createReadStream(scan.path, { highWaterMark: READ_CHUNK });
  const content: NodeJS.ReadableStream = scan.gzip ? raw.pipe(createGunzip()) : raw;
  if (scan.gzip) raw.on('error', (err) => (content as NodeJS.ReadWriteStream & { destroy(e: Error): void }).destroy(err));
  const guard = gunzipGuard(label, scan.bytes);
  let produced = 0;
  try {
    for await (const chunk of content) {
      produced += (chunk as Buffer).length;
      if (scan.gzip) guard(produced);
      await write(scanner.push(chunk as Buffer));
    }
    await write(scanner.end());
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${label}: cannot read (${err instanceof Error ? err.message : String(err)})${scan.gzip ? '; a .gz file may be truncated or corrupt' : ''}`);
  } finally {
    raw.destroy();
    out.end();
    await finished(out).catch(() => undefined); // settles on a stream already closed too, as `once(out, 'close')` does not
  }
  if (writeError !== null) throw failed();
  const done = layout.finish();
  const headBuf = Buffer.concat(head).subarray(0, HEAD_BYTES);
  head = [];
  return {
    scan: {
      ...scan,
      path,
      label,
      bytes,
      gzip: false,
      head: headBuf,
      bom: false,
      sha256: scan.sha256, // the source is the file as given, hashed as it is stored
      lines: Promise.resolve(done.lines),
      layout: Promise.resolve(done),
    },
    rejects,
    note: describe(scanner.shape, n),
  };
}

const NL = Buffer.from('\n');

/** Until the stream takes more, or fails (the caller's 'error' listener keeps why). */
function drained(out: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}

/** The summary's note: what the file held, and that reject lines are record numbers. */
export function describe(shape: ScanShape, records: number): string {
  const what: string[] = [];
  if (shape.arrays) what.push(plural(shape.arrays, 'JSON array'));
  for (const [key, n] of shape.envelopes) what.push(`the \`${key}\` array of ${plural(n, 'envelope object')}`);
  if (shape.objects) what.push(plural(shape.objects, 'top-level object'));
  const eb = shape.eventbridge ? `; ${plural(shape.eventbridge, 'EventBridge event')}: each event's \`detail\` read as the record, the envelope kept under \`eventbridge\`` : '';
  const cut = shape.unclosed ? '; the JSON ends before it closes (a cut download?)' : '';
  return `whole JSON, not one record a line: ${plural(records, 'record')} from ${what.join(' and ') || 'it'}${eb}${cut}; a reject's line is the record's number in the file (1 = the first), not a text line`;
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en')} ${what}${n === 1 ? '' : 's'}`;
}
