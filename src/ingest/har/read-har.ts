// HAR captures (`sources.kind` = `har`): every JWT a HAR entry carries becomes a capture (`captures`), at the entry's
// `startedDateTime`, with where it was found, the request's method, host and path (query parameter names only), the
// server address the HAR recorded, and, for tokens in a response, that they were issued to the client. The file is
// read as a stream (har-stream.ts): memory holds one entry's small fields and a chunk of capture rows. A file that is
// not valid JSON is rejected naming the position (line, column, byte); the entries read before it are kept (a cut
// HAR is still evidence) and the command exits 2.
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { jsonParser } from 'stream-json/core/parser.js';
import { none } from 'stream-chain/defs.js';
import { sha256Hex } from '../../util/sha256.js';
import { appendRows, type Cell } from '../../store/append.js';
import type { Store } from '../../store/db.js';
import { stripControlInline } from '../../util/sanitize.js';
import { verifyNew } from '../captures/read-captures.js';
import type { FileScan } from '../events/file-scan.js';
import { withMemoryCap } from '../events/read-events.js';
import { gunzipGuard } from '../gunzip-limit.js';
import type { RejectRow } from '../line-reasons.js';
import type { LoadResult } from '../load-result.js';
import { entryCaptures, placeText, requestShape, type HarCapture, type RequestShape } from './har-captures.js';
import { HarShapeError, HarWalker, type HarEntry } from './har-stream.js';

/** Capture rows staged at a time. */
const ROW_CHUNK = 20_000;
/** Text given to the tokenizer at a time (the unit an error is first located in). */
const SLICE = 64 * 1024;
const STAGE = 'stage_har';

/** Where the reader is in the text: what an error names. */
class TextPosition {
  line = 1;
  column = 1;
  bytes = 0;

  advance(text: string): void {
    let last = -1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      this.line++;
      last = i;
    }
    this.column = last < 0 ? this.column + text.length : text.length - last;
    this.bytes += Buffer.byteLength(text);
  }

  toString(): string {
    return `line ${this.line}, column ${this.column} (byte ${this.bytes})`;
  }
}

export function readHar(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  return withMemoryCap(store, () => har(store, scan, sourceId));
}

async function har(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const label = scan.label ?? scan.path;
  const file = basename(label);
  await store.run(`CREATE OR REPLACE TEMP TABLE ${STAGE} (line BIGINT, captured_at VARCHAR, token_sha VARCHAR, token VARCHAR, origin VARCHAR, note VARCHAR, extra VARCHAR)`);
  let rows: Cell[][] = [];
  let total = 0;
  let undated = 0;
  let truncated = 0;
  let fromResponses = 0;
  const flush = async (): Promise<void> => {
    await appendRows(store, STAGE, ['bigint', 'text', 'text', 'text', 'text', 'text', 'text'], rows);
    total += rows.length;
    rows = [];
  };
  const walker = new HarWalker((e) => {
    const at = startedAt(e.startedDateTime);
    if (at === null) undated++;
    if (e.truncated) truncated++;
    const shape = requestShape(e);
    for (const c of entryCaptures(e)) {
      if (c.direction === 'response') fromResponses++;
      rows.push(captureRow(file, e, at, shape, c));
    }
  });
  const rejects: RejectRow[] = [];
  let unusable: LoadResult['unusable'];
  const pos = new TextPosition();
  let entries = 0;
  try {
    for await (const text of textOf(scan, label)) {
      for (let i = 0; i < text.length; i += SLICE) {
        const slice = text.slice(i, i + SLICE);
        walker.write(slice);
        pos.advance(slice);
      }
      if (rows.length >= ROW_CHUNK) await flush();
    }
    entries = walker.end();
  } catch (err) {
    if (!(err instanceof HarShapeError) && !(err instanceof Error && isParseError(err))) throw err;
    const shape = err instanceof HarShapeError;
    const where = shape ? null : await locate(scan, label, pos);
    const at = where ?? pos;
    const detail = shape
      ? `${err.message} (in the 64 KiB after ${pos.toString()})`
      : `not valid JSON at ${at.toString()}: ${err.message.replace(/^Parser (cannot parse input: )?/, '')}; the entries before it were read, nothing after`;
    rejects.push({ line: shape ? null : at.line, reason: shape ? 'not-har' : 'not-json', detail });
    unusable = { line: shape ? null : at.line, what: detail, message: `${label}${shape ? '' : `:${at.line}:${at.column}`}: ${detail}` };
  }
  await flush();
  await store.run(
    `INSERT INTO captures SELECT $sid, line, captured_at::TIMESTAMP, token_sha, origin, note, extra::JSON FROM ${STAGE}`,
    { sid: sourceId },
  );
  const newTokens = await verifyNew(store, scan, sourceId, STAGE);
  const warnings = [
    `${entries || 'no'} HAR entr${entries === 1 ? 'y' : 'ies'} read${walker.version ? ` (HAR ${stripControlInline(walker.version).slice(0, 10)})` : ''}: ${total} token capture${total === 1 ? '' : 's'}, ${fromResponses} of them issued to the client in responses`,
    ...(undated ? [`${undated} entr${undated === 1 ? 'y has' : 'ies have'} no readable startedDateTime: their captures have no time`] : []),
    ...(truncated ? [`${truncated} entr${truncated === 1 ? 'y has' : 'ies have'} a header or parameter value over 1 MiB, over 10,000 of one list, or a body with over 10,000 distinct tokens: cut there`] : []),
  ];
  return { rows: total, rejects, newTokens, warnings, ...(unusable ? { unusable } : {}) };
}

/** The tokenizer's own errors (invalid JSON), told apart from I/O and limit errors. */
const isParseError = (err: Error): boolean => /^Parser |ends before the JSON/.test(err.message);

/** The file's text in pieces, decompressed (within the .gz limits) and UTF-8 decoded, without a leading BOM. */
async function* textOf(scan: FileScan, label: string): AsyncGenerator<string> {
  const raw = createReadStream(scan.path, { highWaterMark: 1024 * 1024 });
  const source: Readable = scan.gzip ? raw.pipe(createGunzip()).pipe(limit(label, scan.bytes)) : raw;
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of source) {
    let text = decoder.write(chunk as Buffer);
    if (first && text.length) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function limit(label: string, stored: number): Transform {
  const guard = gunzipGuard(label, stored);
  let out = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      out += chunk.length;
      try {
        guard(out);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/**
 * Where the JSON breaks, to the character: the text is tokenized again (no entries built) up to the slice that
 * failed, then a character at a time. Only run once, for a broken file. Null when it does not break again (the end).
 */
async function locate(scan: FileScan, label: string, failedAfter: TextPosition): Promise<TextPosition | null> {
  const tokenize = jsonParser({ packValues: true, streamValues: false });
  const pos = new TextPosition();
  for await (const text of textOf(scan, label)) {
    for (let i = 0; i < text.length; i += SLICE) {
      const slice = text.slice(i, i + SLICE);
      if (pos.bytes + Buffer.byteLength(slice) <= failedAfter.bytes) {
        tokenize(slice);
        pos.advance(slice);
        continue;
      }
      for (const ch of slice) {
        try {
          tokenize(ch);
        } catch {
          return pos;
        }
        pos.advance(ch);
      }
    }
  }
  try {
    tokenize(none as never);
  } catch {
    return pos;
  }
  return null;
}

/** startedDateTime (ISO 8601 with an offset, as the spec writes it) as a UTC timestamp DuckDB reads; null if none. */
function startedAt(v: string | undefined): string | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : null;
}

const clean = (s: string | null, max = 200): string | null => (s === null ? null : stripControlInline(s).slice(0, max));

function captureRow(file: string, e: HarEntry, at: string | null, shape: RequestShape, c: HarCapture): Cell[] {
  const place = c.places[0]!;
  const request = [shape.method, `${shape.host ?? ''}${shape.path ?? ''}`].filter((x) => x).join(' ');
  const origin = clean(`HAR ${file}: ${placeText(c.direction, place)}${request ? `, ${request}` : ''}`, 400);
  const server = typeof e.serverIPAddress === 'string' && e.serverIPAddress !== '' ? clean(e.serverIPAddress, 64) : null;
  const issued = c.direction === 'response';
  const note = [`HAR entry ${e.index}`, issued ? `issued to the client${shape.status !== null ? ` (status ${shape.status})` : ''}` : null, server ? `server ${server}` : null]
    .filter((x) => x)
    .join('; ');
  const extra = {
    har: {
      file,
      entry: e.index,
      direction: c.direction,
      issued_to_client: issued,
      places: c.places.map((p) => ({ kind: p.kind, name: clean(p.name), ...(p.scheme ? { scheme: clean(p.scheme, 40) } : {}) })),
      method: clean(shape.method, 20),
      host: clean(shape.host),
      path: clean(shape.path),
      query_names: shape.query_names.map((n) => clean(n, 100)),
      status: shape.status,
      server_ip: server,
      started: clean(e.startedDateTime ?? null, 64),
    },
  };
  return [e.index, at, sha256Hex(c.token), c.token, origin, note, JSON.stringify(extra)];
}
