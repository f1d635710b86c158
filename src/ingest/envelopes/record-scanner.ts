// The records of a whole-JSON file, found in one pass over its bytes: the elements of a top-level array (Okta's
// /api/v1/logs), of an API envelope's array (Graph `{"value": […]}`, CloudTrail `{"Records": […]}`, …), the
// `detail` of EventBridge events, or top-level objects one after another (pretty-printed or not). Each record comes
// out as one line of NDJSON for the events reader (the line breaks between its tokens become spaces), numbered by
// its place in the file. No value is ever parsed whole here except an EventBridge event (≤ 256 KB by AWS's limit,
// and ≤ MAX_LINE_BYTES in any case): the scanner tracks strings and nesting byte by byte, so memory holds one
// record at most, and a record too big or too deep is rejected by number without being kept.
import { MAX_LINE_BYTES, MAX_LINE_DEPTH } from '../events/line-limits.js';

/** One record, in file order: its NDJSON line, or why it cannot be one. */
export type Scanned = { bytes: Buffer } | { reason: string; detail: string };

/** Keys whose array, in a top-level object, holds the records: Microsoft Graph and Azure REST (`value`), CloudTrail's
 *  S3 objects (`Records`), Azure Monitor's Event Hub and storage deliveries (`records`), Google's Admin SDK
 *  (`items`), Auth0's /api/v2/logs with include_totals (`logs`), Cloudflare's API (`result`). */
export const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['value', 'Records', 'records', 'items', 'logs', 'result']);

/** Keys an envelope may carry before its array (paging and status); any other key first means the object is a
 *  record that happens to hold such an array, not an envelope. */
const META_KEY = /^(@odata\.[A-Za-z]+|kind|etag|nextPageToken|nextLink|next|start|limit|length|total|count|success|errors|messages|result_info)$/;

export type FirstForm = 'array' | 'envelope' | 'eventbridge' | 'object' | 'object-multiline' | 'other';

/** What the scanner has seen of the file's shape (for the summary's note and the NDJSON-or-whole-JSON decision). */
export interface ScanShape {
  /** how the file's first document holds its records */
  first: FirstForm | null;
  arrays: number;
  envelopes: Map<string, number>;
  eventbridge: number;
  objects: number;
  /** the content ended inside an array or a record (a cut download?) */
  unclosed: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const isWs = (b: number): boolean => b === 0x20 || b === LF || b === CR || b === 0x09;
const ends = (b: number): boolean => isWs(b) || b === COMMA || b === RBRACKET || b === RBRACE || b === LBRACE || b === LBRACKET;

/** One value being read: a record, or a top-level object that may turn out to be an envelope. */
class Value {
  parts: Buffer[] = [];
  size = 0;
  overflow = false;
  deep = false;
  rawBreak = false;
  multiline = false;
  depth = 0;
  inString = false;
  escape = false;
  /** a string or bare token (number, literal, garbage) rather than an object or array */
  scalar: 'string' | 'bare' | null = null;
  isObject = false;
  // depth-1 keys of an object (for envelopes and EventBridge)
  expectKey = false;
  keyCapture = false;
  key: number[] = [];
  /** the depth-1 key last read, whether every key before it is a META_KEY, and whether `detail-type` was one: kept
   *  as they come, so a top-level object of a million keys costs neither memory nor a re-scan per key */
  lastKey: string | null = null;
  metaBefore = true;
  detailType = false;
  awaitingValue = false;
  detailStart = -1;
  detailEnd = -1;

  constructor(readonly top: boolean) {}

  add(slice: Buffer): void {
    this.size += slice.length;
    if (this.overflow) return;
    if (this.size > MAX_LINE_BYTES) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    if (slice.length) this.parts.push(slice);
  }
}

export class RecordScanner {
  readonly shape: ScanShape = { first: null, arrays: 0, envelopes: new Map(), eventbridge: 0, objects: 0, unclosed: false };
  private value: Value | null = null;
  private inArray = false;
  /** the array was an envelope's: after it, the rest of the envelope object is skipped */
  private envelopeArray = false;
  private rest: { depth: number; inString: boolean; escape: boolean } | null = null;
  private started = false;

  /** The records completed by these bytes (the bytes are not modified; records are copies). */
  push(buf: Buffer): Scanned[] {
    const out: Scanned[] = [];
    let i = 0;
    if (!this.started && buf.length) {
      this.started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3; // a byte-order mark before the document
    }
    while (i < buf.length) {
      if (this.value) {
        i = this.feed(buf, i, out);
        continue;
      }
      if (this.rest) {
        i = this.skipRest(buf, i);
        continue;
      }
      const b = buf[i]!;
      if (isWs(b) || b === COMMA) {
        i++;
        continue;
      }
      if (this.inArray) {
        if (b === RBRACKET) {
          this.inArray = false;
          if (this.envelopeArray) this.rest = { depth: 1, inString: false, escape: false };
          this.envelopeArray = false;
          i++;
          continue;
        }
        this.value = this.open(b, false);
        continue;
      }
      if (b === LBRACKET) {
        this.inArray = true;
        this.shape.arrays++;
        this.shape.first ??= 'array';
        i++;
        continue;
      }
      this.value = this.open(b, true);
    }
    return out;
  }

  /** The end of the content: a record still open is handed on as it is (the reader rejects it as cut short). */
  end(): Scanned[] {
    const out: Scanned[] = [];
    const v = this.value;
    if (v) {
      if (v.scalar !== 'bare') this.shape.unclosed = true;
      this.finish(v, out);
      this.value = null;
    }
    if (this.inArray || this.rest) this.shape.unclosed = true;
    return out;
  }

  /** The first document is an object still being read when the bytes ran out (the head of a big NDJSON line). */
  get openObjectMultiline(): boolean | null {
    return this.value?.top && this.value.isObject ? this.value.multiline : null;
  }

  private open(b: number, top: boolean): Value {
    const v = new Value(top && b === LBRACE);
    if (b === QUOTE) v.scalar = 'string';
    else if (b !== LBRACE && b !== LBRACKET) v.scalar = 'bare';
    if (top && this.shape.first === null && b !== LBRACE) this.shape.first = 'other';
    return v;
  }

  /** Read bytes of the open value from `i`; returns where it stopped (the value's end, or the buffer's). */
  private feed(buf: Buffer, i: number, out: Scanned[]): number {
    const v = this.value!;
    const from = i;
    const close = (endExclusive: number): number => {
      v.add(buf.subarray(from, endExclusive));
      this.value = null;
      this.finish(v, out);
      return endExclusive;
    };
    if (v.scalar === 'bare') {
      // a bare token runs to the next delimiter (at least one byte, so stray brackets do not loop)
      let j = v.size === 0 ? i + 1 : i;
      while (j < buf.length && !ends(buf[j]!)) j++;
      if (j < buf.length) return close(j);
      v.add(buf.subarray(from));
      return buf.length;
    }
    for (; i < buf.length; i++) {
      const b = buf[i]!;
      if (v.inString) {
        if (v.escape) v.escape = false;
        else if (b === BACKSLASH) v.escape = true;
        else if (b === QUOTE) {
          v.inString = false;
          if (v.keyCapture) {
            v.keyCapture = false;
            const key = Buffer.from(v.key).toString('utf8');
            if (v.lastKey !== null && v.metaBefore) v.metaBefore = META_KEY.test(v.lastKey);
            v.lastKey = key;
            if (key === 'detail-type') v.detailType = true;
          }
          if (v.scalar === 'string') return close(i + 1);
        } else if (b === LF || b === CR) v.rawBreak = true;
        else if (v.keyCapture && v.key.length < 64) v.key.push(b);
        continue;
      }
      if (v.scalar === 'string' && v.size === 0 && i === from) {
        v.inString = true; // the opening quote
        continue;
      }
      if (isWs(b)) {
        if (b === LF || b === CR) v.multiline = true;
        continue;
      }
      const atKeys = v.depth === 1 && v.isObject;
      if (atKeys && v.awaitingValue) {
        v.awaitingValue = false;
        const key = v.lastKey ?? '';
        if (v.top && b === LBRACKET && ENVELOPE_KEYS.has(key) && v.metaBefore) {
          // an envelope: its array's elements are the records; the object around them is not one
          this.value = null;
          this.inArray = true;
          this.envelopeArray = true;
          this.shape.envelopes.set(key, (this.shape.envelopes.get(key) ?? 0) + 1);
          this.shape.first ??= 'envelope';
          return i + 1;
        }
        if (key === 'detail' && b === LBRACE) v.detailStart = v.size + (i - from);
      }
      switch (b) {
        case QUOTE:
          v.inString = true;
          if (atKeys && v.expectKey) {
            v.expectKey = false;
            v.keyCapture = true;
            v.key = [];
          }
          break;
        case LBRACE:
        case LBRACKET:
          v.depth++;
          if (v.depth === 1) {
            v.isObject = b === LBRACE;
            v.expectKey = v.isObject;
          }
          if (v.depth > MAX_LINE_DEPTH) v.deep = true;
          break;
        case RBRACE:
        case RBRACKET:
          v.depth--;
          if (v.depth === 1 && v.detailStart >= 0 && v.detailEnd < 0) v.detailEnd = v.size + (i - from) + 1;
          if (v.depth <= 0) return close(i + 1);
          break;
        case COLON:
          if (atKeys) v.awaitingValue = true;
          break;
        case COMMA:
          if (atKeys) v.expectKey = true;
          break;
      }
    }
    v.add(buf.subarray(from));
    return buf.length;
  }

  /** The rest of an envelope object after its array (`@odata.nextLink`, `nextPageToken`, …): read past, not kept. */
  private skipRest(buf: Buffer, i: number): number {
    const r = this.rest!;
    for (; i < buf.length; i++) {
      const b = buf[i]!;
      if (r.inString) {
        if (r.escape) r.escape = false;
        else if (b === BACKSLASH) r.escape = true;
        else if (b === QUOTE) r.inString = false;
      } else if (b === QUOTE) r.inString = true;
      else if (b === LBRACE || b === LBRACKET) r.depth++;
      else if (b === RBRACE || b === RBRACKET) {
        if (--r.depth === 0) {
          this.rest = null;
          return i + 1;
        }
      }
    }
    return i;
  }

  private finish(v: Value, out: Scanned[]): void {
    const result = this.record(v);
    const eventbridge = 'bytes' in result && result.eventbridge;
    if (eventbridge) this.shape.eventbridge++;
    if (v.top) {
      this.shape.objects++;
      this.shape.first ??= eventbridge ? 'eventbridge' : v.multiline ? 'object-multiline' : 'object';
    }
    out.push('bytes' in result ? { bytes: result.bytes } : result);
  }

  private record(v: Value): { bytes: Buffer; eventbridge: boolean } | { reason: string; detail: string } {
    if (v.overflow) {
      return { reason: 'line-too-long', detail: `the record is ${v.size.toLocaleString('en')} bytes, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB a record may have` };
    }
    if (v.deep) return { reason: 'too-deep', detail: `the record's JSON nests more than ${MAX_LINE_DEPTH} levels deep` };
    if (v.rawBreak) return { reason: 'bad-json', detail: 'not valid JSON (a line break inside a string)' };
    const bytes = Buffer.concat(v.parts); // a copy: the caller's buffers are never changed
    // outside strings (a raw break inside one was rejected above), line breaks are whitespace: one line per record
    for (let j = bytes.indexOf(LF); j !== -1; j = bytes.indexOf(LF, j + 1)) bytes[j] = 0x20;
    for (let j = bytes.indexOf(CR); j !== -1; j = bytes.indexOf(CR, j + 1)) bytes[j] = 0x20;
    const detail = v.isObject && v.detailType && v.detailStart >= 0 && v.detailEnd > v.detailStart ? eventBridgeDetail(bytes, v) : null;
    return detail ? { bytes: detail, eventbridge: true } : { bytes, eventbridge: false };
  }
}

/** An EventBridge event's `detail` as the record, its bytes as they were, with the envelope's own fields (id, time,
 *  source, account, region, detail-type, resources) kept under `eventbridge`; null when it is not one after all. */
function eventBridgeDetail(bytes: Buffer, v: Value): Buffer | null {
  let event: unknown;
  try {
    event = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null; // bad JSON: the reader rejects it as it is
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return null;
  const { detail, ...envelope } = event as Record<string, unknown>;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail) || typeof envelope['detail-type'] !== 'string') return null;
  const inner = bytes.subarray(v.detailStart, v.detailEnd);
  if ('eventbridge' in detail) return inner;
  const empty = Object.keys(detail).length === 0;
  return Buffer.concat([Buffer.from(`{"eventbridge":${JSON.stringify(envelope)}${empty ? '}' : ','}`), empty ? Buffer.alloc(0) : inner.subarray(inner.indexOf(LBRACE) + 1)]);
}
