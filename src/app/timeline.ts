// `timeline`: the story with the findings inline, as they stand for the store now. Built read-only (a timeline never
// changes the evidence); when the stored findings were made from other sources or under another policy, the checks
// run again first (they write findings and a run record, never evidence). A store that cannot be opened for that
// (a read-only evidence copy) still gets its timeline, with the stale findings named. --jti, --sub and --token may be
// the start of a value (as the tables print them): resolved first, before any check runs.
import type { Severity } from '../findings/finding.js';
import type { GeoIpFiles } from '../geo/ip-locations.js';
import type { Policy } from '../policy/policy.js';
import { Store } from '../store/db.js';
import { buildTimeline } from '../timeline/build.js';
import { withMinSeverity } from '../timeline/min-severity.js';
import { resolvePrefixes, type PrefixMatch } from '../timeline/prefix.js';
import type { Timeline, TimelineQuery } from '../timeline/types.js';
import { findingsToReport, staleChecks } from './check-store.js';

export interface FreshTimeline {
  timeline: Timeline;
  /** how --jti, --sub and --token were found (exact, the start of one value, or nothing) */
  matches: PrefixMatch[];
  /** checks re-run first, with why */
  rerun: { check: string; why: string }[];
  /** checks whose findings are stale but could not be re-run (the store could not be written), with why */
  stale: { check: string; why: string }[];
}

export interface TimelineOptions {
  /** --min-severity: findings below it are left out, and counted (Timeline.hidden) */
  minSeverity?: Severity | null;
}

/** Throws UsageError when a prefix matches several values (listing them). */
export async function freshTimeline(
  db: string, given: TimelineQuery, policy: Policy, geo: GeoIpFiles, opts: TimelineOptions = {},
): Promise<FreshTimeline> {
  const story = async (store: Store, query: TimelineQuery): Promise<Timeline> =>
    withMinSeverity(await buildTimeline(store, query), opts.minSeverity ?? null);
  // fresh findings (the usual case): one read-only open, the story built on it
  const readOnly = await Store.open(db, { readOnly: true });
  let stale: FreshTimeline['stale'];
  let resolved: { query: TimelineQuery; matches: PrefixMatch[] };
  try {
    resolved = await resolvePrefixes(readOnly, given);
    stale = (await staleChecks(readOnly, policy)).map((s) => ({ check: s.check.id, why: s.why }));
    if (stale.length === 0) return { timeline: await story(readOnly, resolved.query), matches: resolved.matches, rerun: [], stale: [] };
  } finally {
    readOnly.close();
  }
  const { query, matches } = resolved;
  // stale: re-check on a writable store and build the story there (it only reads); only a store that cannot be
  // opened for writing is tolerated — a failing check is an error like anywhere else
  const writable = await Store.open(db).catch(() => null);
  if (!writable) return { timeline: await withStore(db, true, (store) => story(store, query)), matches, rerun: [], stale };
  try {
    const { rerun } = await findingsToReport(writable, policy, geo);
    return { timeline: await story(writable, query), matches, rerun, stale: [] };
  } finally {
    writable.close();
  }
}

async function withStore<T>(db: string, readOnly: boolean, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(db, { readOnly });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
