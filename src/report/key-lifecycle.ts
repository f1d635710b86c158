// The signing keys' lifecycles from the rotation records (created, activated, retired, revoked, compromised), for
// the HTML report's key strip: the context of an incident, often months or years older than it.
import type { Store } from '../store/db.js';
import { columns, listOf, typedRows } from '../store/rows.js';
import { isoSeconds } from '../store/iso-sql.js';

export interface KeyRecord {
  /** ISO-8601 UTC, `…Z` */
  ts: string;
  action: string;
  actor: string | null;
  reason: string | null;
}

export interface KeyLifecycle {
  kid: string;
  /** oldest first */
  records: KeyRecord[];
}

/** A key with more records than this keeps its first ones (the strip shows where a life starts and ends). */
const MAX_RECORDS = 50;
/** Keys beyond this many (by first record) are left out of the report; the chart shows fewer still. */
export const MAX_KEYS = 200;

const COLUMNS = columns({
  kid: 'text',
  records: listOf({ ts: 'text', action: 'text', actor: 'text?', reason: 'text?' }),
});

const SQL = `
SELECT kid,
  list({'ts': ${isoSeconds('ts')}, 'action': action, 'actor': actor, 'reason': reason}
    ORDER BY ts, CASE action WHEN 'created' THEN 0 WHEN 'activated' THEN 1 WHEN 'retired' THEN 2 WHEN 'revoked' THEN 2 ELSE 3 END, line)[1:${MAX_RECORDS}] AS records
FROM key_events GROUP BY kid ORDER BY min(ts), kid LIMIT ${MAX_KEYS}`;

/** Every key with rotation records, the one whose first record is oldest first. */
export async function keyLifecycles(store: Store): Promise<KeyLifecycle[]> {
  return typedRows(store, 'key lifecycles', COLUMNS, SQL);
}

const STARTS = new Set(['created', 'activated']);
const ENDS = new Set(['retired', 'revoked']);

/**
 * Where a key's life starts and ends on the time axis: its first created/activated record (else its first record),
 * and its first retired/revoked record after that; `end` null: no end is recorded (still in use, as far as the
 * records say). Times are epoch ms through `parse`; records it cannot read are skipped.
 */
export function lifeSpan(records: readonly KeyRecord[], parse: (ts: string) => number | null): { start: number; end: number | null } | null {
  const timed = records.flatMap((r) => {
    const t = parse(r.ts);
    return t === null ? [] : [{ t, action: r.action }];
  });
  if (timed.length === 0) return null;
  const start = timed.find((r) => STARTS.has(r.action))?.t ?? timed[0]!.t;
  const end = timed.find((r) => ENDS.has(r.action) && r.t >= start)?.t ?? null;
  return { start, end };
}
