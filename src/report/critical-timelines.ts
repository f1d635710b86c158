// "The timelines of the critical findings" (Markdown and HTML reports): one story per token a critical finding
// names, by jti when it has one (so the refresh family is followed), else by fingerprint.
import type { Finding } from '../findings/finding.js';
import type { Store } from '../store/db.js';
import { buildTimeline } from '../timeline/build.js';
import type { Timeline, TimelineQuery } from '../timeline/types.js';

/** A report is read by a person: past a dozen stories, the rest belong to `jwt-forensics timeline`. */
export const MAX_TIMELINES = 12;

export function criticalTimelineQueries(findings: readonly Finding[], max = MAX_TIMELINES): TimelineQuery[] {
  const seen = new Set<string>();
  const queries: TimelineQuery[] = [];
  for (const f of findings) {
    if (f.severity !== 'critical') continue;
    const query: TimelineQuery | null = f.jti ? { jti: f.jti } : f.token ? { token: f.token } : null;
    const key = JSON.stringify(query);
    if (!query || seen.has(key)) continue;
    seen.add(key);
    queries.push(query);
  }
  return queries.slice(0, max);
}

export async function criticalTimelines(store: Store, findings: readonly Finding[]): Promise<Timeline[]> {
  const timelines: Timeline[] = [];
  for (const query of criticalTimelineQueries(findings)) timelines.push(await buildTimeline(store, query));
  return timelines;
}
