// How DuckDB is given an NDJSON file (events, captures, rotation records, revocations): a plain file whose lines all
// fit is read whole, in place; any other — a .gz (decompressed here, within the limits of src/ingest/gunzip-limit.ts),
// one with a line too long or too deep to hand to DuckDB, one with many runs of blank lines — is cut into parts
// first (events/split-lines.ts), which leave such lines out as empty lines to be rejected.
import { lap } from '../../util/profile.js';
import { gunzipGuard } from '../gunzip-limit.js';
import type { FileScan } from './file-scan.js';
import { MAX_LINE_BYTES } from './line-limits.js';
import { MAX_BOUNDS } from './number-rows.js';
import { readAhead, splitLines, type LinePart } from './split-lines.js';

/** Bytes of NDJSON per part: big enough that DuckDB's parallel read pays off, small enough to keep memory flat. */
export function partBytes(): number {
  const env = Number(process.env.JWT_FORENSICS_PART_BYTES);
  return Number.isFinite(env) && env > 0 ? env : 256 * 1024 * 1024;
}

/** The first part is small so that DuckDB starts reading while the bigger ones are still being cut. */
const FIRST_PART_BYTES = 32 * 1024 * 1024;

/** A plain file whose lines all fit is read by DuckDB in one piece, as it is: no copy into parts (which costs a
 *  read and a write of every byte). DuckDB streams it, so memory stays flat all the same. A .gz file (DuckDB would
 *  decompress it on one thread, with no limit), one with an oversized or too deep line or many runs of blank lines,
 *  or a run with a part size set goes through the splitter. */
export async function wholeFile(scan: FileScan): Promise<LinePart | null> {
  if (scan.gzip || process.env.JWT_FORENSICS_PART_BYTES) return null;
  const layout = await scan.layout; // the layout pass (file-scan.ts): the file is read whole only once it is known safe
  lap('ndjson: layout known');
  // many runs of blank lines would make the numbering a list as long as the file: parts bound it
  if (!layout || layout.longest > MAX_LINE_BYTES || layout.deepLines > 0 || layout.blankRuns.length > MAX_BOUNDS) return null;
  const { lines, blankRuns, longest } = layout;
  return { path: scan.path, gzip: false, firstLine: 1, lines, blankRuns, oversized: [], tooDeep: [], longest, sourceBytesRead: scan.bytes, index: layout };
}

/** The file cut into parts in `dir`, one part ahead of the reader. */
export function splitParts(scan: FileScan, dir: string): AsyncGenerator<LinePart> {
  const size = partBytes();
  const label = scan.label ?? scan.path;
  const guard = gunzipGuard(label, scan.bytes);
  return readAhead(splitLines(scan.path, scan.gzip, dir, size, Math.min(size, FIRST_PART_BYTES), MAX_LINE_BYTES, label, { guard }));
}
