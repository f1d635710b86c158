// What a line of an NDJSON input (events, captures, rotation records, revocations) may be before DuckDB is given
// it, and the rejects for the lines that are more: they are left out of what DuckDB reads (an empty line keeps the
// numbering) and rejected with the file's other bad lines, so the good lines around them load.
import type { RejectRow } from '../line-reasons.js';

/** Far above any real log line (a 3 MB token fits); a bigger one would take DuckDB's memory for a single value. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Deeper than this, a line is rejected (`too-deep`): DuckDB's JSON functions recurse, and ~150,000 levels crash the
 *  process. The same limit as a token's JSON (src/jwt/decode.ts). */
export const MAX_LINE_DEPTH = 256;

export function tooLong(o: { line: number; bytes: number }): RejectRow {
  return { line: o.line, reason: 'line-too-long', detail: `the line is ${o.bytes.toLocaleString('en')} bytes, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB a line may have` };
}

export function tooDeep(line: number): RejectRow {
  return { line, reason: 'too-deep', detail: `the line's JSON nests more than ${MAX_LINE_DEPTH} levels deep` };
}
