// The lines of an NDJSON file or part that DuckDB emits no row for — whitespace-only ones, and the ones left empty
// because they were too long or too deep to hand to it — kept as runs of consecutive lines, not one entry a line:
// a file of 300 million newlines is one run, so memory follows the runs, never the lines.

export interface BlankRun {
  /** number of the run's first line */
  line: number;
  /** consecutive lines in the run */
  count: number;
}

/** Add line `line` (numbers only grow) to the runs, extending the last run when it is the next line. */
export function addBlank(runs: BlankRun[], line: number): void {
  const last = runs[runs.length - 1];
  if (last && last.line + last.count === line) last.count++;
  else runs.push({ line, count: 1 });
}

/** How many lines the runs hold. */
export function blankCount(runs: readonly BlankRun[]): number {
  let n = 0;
  for (const r of runs) n += r.count;
  return n;
}

/** Is this line in one of the (sorted) runs? */
export function inRuns(runs: readonly BlankRun[], line: number): boolean {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid]!.line <= line) lo = mid + 1;
    else hi = mid;
  }
  const r = runs[lo - 1];
  return r !== undefined && line < r.line + r.count;
}

/** For each run, the place (0-based, among the emitted rows) of the first row after it, and how many lines it skips:
 *  a row at place p is line first + p + the counts of the runs whose bound is at or before p. */
export function runBounds(runs: readonly BlankRun[], first: number): { bound: number; count: number }[] {
  let before = 0;
  return runs.map((r) => {
    const bound = r.line - first - before;
    before += r.count;
    return { bound, count: r.count };
  });
}

/** The line of the row at `place`, from runBounds (sorted by bound). */
export function lineAtPlace(bounds: readonly { bound: number; count: number }[], skipsBefore: readonly number[], first: number, place: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]!.bound <= place) lo = mid + 1;
    else hi = mid;
  }
  return first + place + (lo === 0 ? 0 : skipsBefore[lo - 1]!);
}

/** Running totals of the runs' counts (skipsBefore for lineAtPlace). */
export function cumulative(bounds: readonly { count: number }[]): number[] {
  let n = 0;
  return bounds.map((b) => (n += b.count));
}

/** Numbers of the lines DuckDB emits rows for, in order: O(rows + runs), never O(blank lines). */
export function emittedLines(first: number, lines: number, runs: readonly BlankRun[]): number[] {
  const out: number[] = [];
  let n = first;
  const end = first + lines;
  for (const r of runs) {
    for (; n < r.line && n < end; n++) out.push(n);
    n = Math.max(n, r.line + r.count);
  }
  for (; n < end; n++) out.push(n);
  return out;
}
