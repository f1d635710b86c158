// Row place → source line. DuckDB's reader emits one row per non-blank line, in order; the rows of one file or part
// are numbered from their place among its rows, skipping the runs of lines it emitted nothing for.
import type { Store } from '../../store/db.js';
import { emittedLines, runBounds, type BlankRun } from './line-runs.js';

/** Runs a file may have and still be numbered in one pass with one term each (and be read whole). */
export const MAX_BOUNDS = 64;

export interface Numbering {
  /** source line number of the file's (or part's) first line */
  firstLine: number;
  lines: number;
  blankRuns: BlankRun[];
}

/** Set `line` of the rows selected by `where` (their places counted from `$base`, the rowid of the first):
 *  few runs: one pass, each row's line = place + first + the lengths of the runs before it. Many (only in a part,
 *  whose size bounds it): the list of every row's line, looked up by place. */
export async function numberRows(
  store: Store,
  table: string,
  where: string,
  params: Record<string, string | number | bigint>,
  src: Numbering,
): Promise<void> {
  const place = `(rowid - $base::BIGINT)`;
  const bounds = runBounds(src.blankRuns, src.firstLine);
  if (bounds.length > MAX_BOUNDS) {
    const lines = JSON.stringify(emittedLines(src.firstLine, src.lines, src.blankRuns));
    await store.run(`UPDATE ${table} SET line = ($lines::BIGINT[])[${place} + 1] WHERE ${where}`, { ...params, lines });
    return;
  }
  const skips = bounds.map((_, j) => ` + (${place} >= $b${j})::BIGINT * $c${j}`).join('');
  const named = Object.fromEntries(bounds.flatMap((b, j) => [[`b${j}`, b.bound], [`c${j}`, b.count]]));
  await store.run(`UPDATE ${table} SET line = ${place} + $first${skips} WHERE ${where}`, { ...params, ...named, first: src.firstLine });
}
