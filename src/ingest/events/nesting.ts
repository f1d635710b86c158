// How deep does a line's JSON nest? DuckDB's JSON functions recurse (json_merge_patch, which makes `extra`): a value
// nested ~150,000 deep in one 300 KB line kills the process with SIGSEGV, losing the whole file. Such a line is
// found while its bytes go by (the layout pass, the splitter) and never handed to DuckDB.
//
// Cheap for ordinary lines: a line cannot nest deeper than it has `{` and `[` bytes, and those are counted with
// native searches that each byte passes once (about one search per bracket in the file). Only a line with more
// brackets than the limit is walked byte by byte, outside strings (a bracket inside a string does not nest), once.
import { MAX_LINE_BYTES, MAX_LINE_DEPTH } from './line-limits.js';

const LBRACE = 0x7b;
const LBRACKET = 0x5b;

export class DepthGauge {
  private buf: Buffer | null = null;
  private nextBrace = 0; // next `{` in buf at or after the bytes seen so far (buf.length: none)
  private nextBracket = 0;
  private openers = 0; // `{` and `[` of the current line so far, counted up to limit + 1
  private pieces: Buffer[] = []; // the current line's earlier pieces (from earlier chunks), while it may be deep
  private held = 0;
  private tooLong = false; // over maxBytes: rejected as too long anyway, its depth does not matter
  /** lines walked byte by byte (for tests: ordinary lines never are) */
  walked = 0;

  constructor(
    private readonly limit = MAX_LINE_DEPTH,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  /** bytes [start, end) of buf are a piece of the current line that goes on in the next chunk */
  partial(buf: Buffer, start: number, end: number): void {
    this.count(buf, start, end);
    if (this.tooLong || end <= start) return;
    this.held += end - start;
    if (this.held > this.maxBytes) {
      this.tooLong = true;
      this.pieces = [];
    } else this.pieces.push(buf.subarray(start, end)); // a reference to the chunk, not a copy
  }

  /** bytes [start, end) of buf end the current line: true when it nests deeper than the limit. Resets for the next line. */
  end(buf: Buffer, start: number, end: number): boolean {
    this.count(buf, start, end);
    let deep = false;
    if (this.openers > this.limit && !this.tooLong && this.held + (end - start) <= this.maxBytes) {
      this.pieces.push(buf.subarray(start, end));
      this.walked++;
      deep = deeperThan(this.pieces, this.limit);
    }
    this.reset();
    return deep;
  }

  /** the current line is given up (dropped for its length): start afresh with the next */
  reset(): void {
    this.openers = 0;
    this.pieces = [];
    this.held = 0;
    this.tooLong = false;
  }

  private count(buf: Buffer, start: number, end: number): void {
    if (buf !== this.buf) {
      this.buf = buf;
      this.nextBrace = -1;
      this.nextBracket = -1;
    }
    if (this.openers > this.limit) return;
    this.nextBrace = this.countOne(buf, LBRACE, this.nextBrace, start, end);
    if (this.openers > this.limit) return;
    this.nextBracket = this.countOne(buf, LBRACKET, this.nextBracket, start, end);
  }

  /** Count `byte` in [start, end) from the cached next position; returns the new next position. */
  private countOne(buf: Buffer, byte: number, next: number, start: number, end: number): number {
    let at = next;
    if (at < start) at = indexOr(buf, byte, start);
    while (at < end) {
      if (++this.openers > this.limit) return at;
      at = indexOr(buf, byte, at + 1);
    }
    return at;
  }
}

function indexOr(buf: Buffer, byte: number, from: number): number {
  const i = buf.indexOf(byte, from);
  return i === -1 ? buf.length : i;
}

/** Does the JSON text in these pieces nest deeper than `limit` (brackets inside strings do not count)? */
export function deeperThan(pieces: readonly Buffer[], limit: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const p of pieces) {
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === LBRACE || c === LBRACKET) {
        if (++depth > limit) return true;
      } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
    }
  }
  return false;
}
