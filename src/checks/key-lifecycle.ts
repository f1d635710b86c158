// Shared by retired-key and revoked-key: tokens signed by a key (the verifying kid; for tokens whose key material
// is missing, the kid they name) that has a lifecycle cut-off in its rotation records, with their uses split at it.
import { columns, type RowOf } from '../store/rows.js';

/**
 * One row per token whose key has a non-null `cut` (SQL over key_windows `w`, e.g. `w.retired`).
 * Columns: token facts, `cut_at`, `signed_after` (iat past the cut), usage counts overall and after the cut,
 * the events after the cut, and the key's lifecycle times.
 */
export function lifecycleTokensSql(cut: string): string {
  const after = `e.ts >= l.cut`;
  return `
WITH signed AS (
  SELECT t.*, CASE WHEN t.sig_status = 'valid' THEN t.sig_kid ELSE t.kid END AS key_kid
  FROM tokens t WHERE t.decode_ok AND t.sig_status IN ('valid', 'unknown-key')),
lifecycle AS (
  SELECT s.*, ${cut} AS cut, w.created, w.activated, w.retired, w.revoked, w.compromised
  FROM signed s JOIN key_windows w ON w.kid = s.key_kid WHERE ${cut} IS NOT NULL),
-- usage per token first, grouped by the token hash alone (grouping by every token column is much slower)
usage AS (
  SELECT l.sha256,
    count(e.line) AS uses,
    count(e.line) FILTER (WHERE e.outcome = 'success') AS accepted,
    count(e.line) FILTER (WHERE e.outcome IS NULL OR e.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
    count(e.line) FILTER (WHERE ${after}) AS uses_after,
    count(e.line) FILTER (WHERE ${after} AND e.outcome = 'success') AS accepted_after,
    coalesce(list(DISTINCT e.ip ORDER BY e.ip) FILTER (WHERE ${after} AND e.outcome = 'success' AND e.ip IS NOT NULL), []) AS accepted_after_ips,
    iso(min(e.ts) FILTER (WHERE ${after} AND e.outcome = 'success')) AS first_accepted_after,
    iso(max(e.ts) FILTER (WHERE ${after} AND e.outcome = 'success')) AS last_accepted_after,
    min(e.ts) AS first_ts, max(e.ts) AS last_ts,
    -- format the times of the 20 kept events only, not of every event
    coalesce(list_transform((list({'source': e.source, 'line': e.line, 'ts': e.ts} ORDER BY e.ts, e.source, e.line)
      FILTER (WHERE ${after}))[1:20], lambda r: {'source': r.source, 'line': r.line, 'ts': iso(r.ts)}), []) AS events_after
  FROM lifecycle l LEFT JOIN events_src e ON e.token_sha = l.sha256
  GROUP BY l.sha256)
SELECT l.sha256, l.fingerprint AS token, l.jti, l.sub, l.key_kid AS kid, l.alg, l.iss, l.iat, l.sig_status,
  iso(l.cut) AS cut_at, iso(epoch_ts(l.iat)) AS issued_at, coalesce(epoch_ts(l.iat) >= l.cut, false) AS signed_after,
  iso(l.created) AS created, iso(l.activated) AS activated, iso(l.retired) AS retired, iso(l.revoked) AS revoked,
  iso(l.compromised) AS compromised, u.* EXCLUDE (sha256, first_ts, last_ts),
  iso(coalesce(u.first_ts, c.captured_at)) AS first_seen, iso(coalesce(u.last_ts, c.captured_at)) AS last_seen
FROM lifecycle l JOIN usage u USING (sha256)
LEFT JOIN (SELECT token_sha, min(captured_at) AS captured_at FROM captures GROUP BY token_sha) c ON c.token_sha = l.sha256
ORDER BY l.sha256`;
}

/** The columns `lifecycleTokensSql` returns; a check that adds columns spreads these into its own declaration. */
export const LIFECYCLE_COLUMNS = columns({
  sha256: 'text', token: 'text', jti: 'text?', sub: 'text?', kid: 'text', alg: 'text?', iss: 'text?', iat: 'num?',
  sig_status: 'text', cut_at: 'text', issued_at: 'text?', signed_after: 'bool', created: 'text?', activated: 'text?',
  retired: 'text?', revoked: 'text?', compromised: 'text?', uses: 'int', accepted: 'int', unknown_outcome: 'int',
  uses_after: 'int', accepted_after: 'int', accepted_after_ips: 'text[]', first_accepted_after: 'text?',
  last_accepted_after: 'text?', events_after: 'refs', first_seen: 'text?', last_seen: 'text?',
});
export type LifecycleRow = RowOf<typeof LIFECYCLE_COLUMNS>;

/** The lifecycle facts every finding of these checks carries. */
export function lifecycleEvidence(row: LifecycleRow): Record<string, unknown> {
  return {
    key_kid: row.kid,
    signature_verified: row.sig_status === 'valid',
    issued_at: row.issued_at,
    key_created: row.created,
    key_activated: row.activated,
    key_retired: row.retired,
    key_revoked: row.revoked,
    key_compromised: row.compromised,
    uses: row.uses,
    accepted: row.accepted,
    uses_after_cutoff: row.uses_after,
    accepted_after_cutoff: row.accepted_after,
    accepted_after_from_ips: row.accepted_after_ips,
  };
}
