// What each check could examine in a run: the report's `coverage` (DESIGN.md "Findings"). A check with nothing to look
// at is "not evaluated", with why, never silently clean.

export interface CoverageEntry {
  check: string;
  /** false: what the check needs is absent from the store (or the policy turns it off); it did not run */
  evaluated: boolean;
  /** how much of `unit` the check had to look at */
  examined: number;
  /** out of how many (null: a plain count, e.g. revocations) */
  total: number | null;
  /** what was counted, as a phrase after the numbers: 'events located', 'tokens decoded' */
  unit: string;
  /** why it was not evaluated ('0 events carry a token'); null when it was */
  why: string | null;
}

/** '1,204 of 2,201 events located', or '14 revocations' for a plain count. */
export function coverageAmount(e: Pick<CoverageEntry, 'examined' | 'total' | 'unit'>): string {
  const n = (v: number): string => v.toLocaleString('en');
  return e.total === null ? `${n(e.examined)} ${e.unit}` : `${n(e.examined)} of ${n(e.total)} ${e.unit}`;
}

/** One line for a check: 'not evaluated: 0 events carry a token', or the amount it examined. */
export function coverageLine(e: CoverageEntry): string {
  return e.evaluated ? coverageAmount(e) : `not evaluated: ${e.why ?? 'nothing to examine'}`;
}
