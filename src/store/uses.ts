// What presenting a token means, defined once: every check, the key audit and the store summary read these views,
// so "used" and "accepted" mean the same in every finding. An `issue` event is the issuer minting a token, a
// `refresh` event carries the NEW token it hands out (its `parent_jti` names the one presented), and `revoke` /
// `logout` carry a token only to end it (an administrator's revoke, a logout's id_token_hint): none of those is a
// use. A refresh presents its parent, found by jti.
import type { Store } from './db.js';
import { createEventCopies, notACopy } from './event-copies.js';

/**
 * `parent_tokens`: jti → the one token it names (the only validly signed one, else the only one; else NULL).
 * `uses`: events_src columns (events plus `source`, the source's path) and `used_sha` (the token presented), `via`
 * (`token` or `parent_jti`); `outcome` with a `fail` event's missing outcome read as failure. A later identical
 * copy of an event (another source's, src/store/event-copies.ts) is left out: it is not another use.
 */
export const useViewsSql = (copies: number, ties = 0): string[] => [
  // An event that carries a claims-only token tied to its raw token (tokens.same_as, src/ingest/register-tokens.ts)
  // is an event of the raw token: one token, whichever log saw it (no view joins the tokens when none is tied).
  `CREATE OR REPLACE TEMP VIEW events_resolved AS ${ties > 0
    ? `SELECT e.* REPLACE (coalesce(t.same_as, e.token_sha) AS token_sha) FROM events e
  LEFT JOIN (SELECT sha256, same_as FROM tokens WHERE same_as IS NOT NULL) t ON t.sha256 = e.token_sha`
    : 'SELECT * FROM events'}`,
  `CREATE OR REPLACE TEMP VIEW parent_tokens AS
SELECT jti,
  CASE WHEN count(*) FILTER (WHERE sig_status = 'valid') = 1 THEN any_value(sha256) FILTER (WHERE sig_status = 'valid')
       WHEN count(*) = 1 THEN any_value(sha256) END AS sha256
FROM tokens WHERE jti IS NOT NULL AND same_as IS NULL GROUP BY jti`,
  `CREATE OR REPLACE TEMP VIEW uses AS
SELECT * REPLACE (coalesce(outcome, CASE WHEN event = 'fail' THEN 'failure' END) AS outcome) FROM (
  SELECT e.*, s.path AS source, e.token_sha AS used_sha, 'token' AS via
  FROM events_resolved e JOIN sources s ON s.id = e.source_id
  WHERE e.token_sha IS NOT NULL AND coalesce(e.event, 'use') NOT IN ('issue', 'refresh', 'revoke', 'logout')
    AND ${notACopy('e', copies)}
  UNION ALL BY NAME
  SELECT e.*, s.path AS source, p.sha256 AS used_sha, 'parent_jti' AS via
  FROM events_resolved e JOIN sources s ON s.id = e.source_id JOIN parent_tokens p ON p.jti = e.parent_jti
  WHERE e.event = 'refresh' AND p.sha256 IS NOT NULL
    AND ${notACopy('e', copies)})`,
];

/** Makes event_copies and the use views; returns how many later copies event_copies lists. */
export async function createUseViews(store: Store): Promise<number> {
  const copies = await createEventCopies(store); // a later identical copy of an event is not another use (src/store/event-copies.ts)
  const ties = await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM tokens WHERE same_as IS NOT NULL`);
  for (const sql of useViewsSql(copies, Number(ties?.n ?? 0))) await store.run(sql);
  return copies;
}
