// `timeline`: one ordered story of a token (with its refresh family and session), a subject, a session or an IP —
// issued, used, refreshed, revoked, the signing key's lifecycle, captures — with the stored findings inline.
import type { Store } from '../store/db.js';
import { annotate } from './annotate.js';
import { touchingFindings } from './findings.js';
import { attachTokens, compareLines, selectEvents, type RawLine } from './lines.js';
import { resolveQuery, type ResolvedQuery } from './query.js';
import { identitiesOf, namedTokens, relatedLines } from './related.js';
import { coveredSessions, selectorBranches, widenSessions, type Selection } from './select.js';
import type { Timeline, TimelineQuery } from './types.js';

/** Throws UsageError for a query without a selector or with a bad --token / --since / --until. */
export async function buildTimeline(store: Store, q: TimelineQuery): Promise<Timeline> {
  const rq = resolveQuery(q);
  const { sel: { sets, family }, found } = await selectOwn(store, rq);
  const own = await attachTokens(store, found);
  // tokens the query names but no event shows (captured only) still bring their captures and keys
  const named = await namedTokens(store, rq, family.keys());
  const ids0 = identitiesOf(rq, family.keys(), [...own, ...named]);
  const related = await attachTokens(store, await relatedLines(store, rq, ids0, coveredSessions(sets)));
  const lines = dedupe([...own, ...related]).sort(compareLines);
  // identities again, with the related lines' tokens: findings are matched on all of them
  const ids = identitiesOf(rq, family.keys(), [...lines, ...named]);
  const { findings, checksRun } = await touchingFindings(store, ids, lines, rq.query.sub ?? null);
  return { query: rq.query, events: annotate(lines, findings, family), findings, checks_run: checksRun };
}

/** The selected events; for --jti a second pass when they name a session the family's lookup did not know. */
async function selectOwn(store: Store, rq: ResolvedQuery): Promise<{ sel: Selection; found: RawLine[] }> {
  const sel = await selectorBranches(store, rq);
  const found = await selectEvents(store, rq, sel.sets);
  const wider = widenSessions(sel, found);
  return wider ? { sel: wider, found: await selectEvents(store, rq, wider.sets) } : { sel, found };
}

/** A revoke or logout event can be both selected and related: keep it once. */
function dedupe(lines: RawLine[]): RawLine[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const key = `${l.kind}|${l.source_id}|${l.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
