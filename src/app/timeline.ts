// `timeline`: the story with the findings inline, as they stand for the store now. Built read-only (a timeline never
// changes the evidence); when the stored findings were made from other sources or under another policy, the checks
// run again first (they write findings and a run record, never evidence). A store that cannot be opened for that
// (a read-only evidence copy) still gets its timeline, with the stale findings named.
import type { GeoIpFiles } from '../geo/ip-locations.js';
import type { Policy } from '../policy/policy.js';
import { Store } from '../store/db.js';
import { buildTimeline } from '../timeline/build.js';
import type { Timeline, TimelineQuery } from '../timeline/types.js';
import { findingsToReport, staleChecks } from './check-store.js';

export interface FreshTimeline {
  timeline: Timeline;
  /** checks re-run first, with why */
  rerun: { check: string; why: string }[];
  /** checks whose findings are stale but could not be re-run (the store could not be written), with why */
  stale: { check: string; why: string }[];
}

export async function freshTimeline(db: string, query: TimelineQuery, policy: Policy, geo: GeoIpFiles): Promise<FreshTimeline> {
  const stale = await withStore(db, true, async (store) => (await staleChecks(store, policy)).map((s) => ({ check: s.check.id, why: s.why })));
  let rerun: FreshTimeline['rerun'] = [];
  let unresolved = stale;
  if (stale.length > 0) {
    // only a store that cannot be opened for writing is tolerated; a failing check is an error like anywhere else
    const writable = await Store.open(db).catch(() => null);
    if (writable) {
      try {
        rerun = (await findingsToReport(writable, policy, geo)).rerun;
        unresolved = [];
      } finally {
        writable.close();
      }
    }
  }
  const timeline = await withStore(db, true, (store) => buildTimeline(store, query));
  return { timeline, rerun, stale: unresolved };
}

async function withStore<T>(db: string, readOnly: boolean, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(db, { readOnly });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
