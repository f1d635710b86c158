// Shared by retired-key and revoked-key: tokens signed by a key that has a lifecycle cut-off in its rotation records,
// with their uses split at it. A key is known by its material: a valid token by the kid and thumbprint (`sig_jkt`)
// of the key that verified it; a token whose key material is missing, by the kid it names. A record applies to a
// token's key when it names that kid and, if it says so, that thumbprint (`jkt`) and that issuer (`iss`); a record
// naming only a kid under which the registry holds several keys applies to all of them, and says it was ambiguous.
import { columns, type RowOf } from '../store/rows.js';

/**
 * One row per token whose key has a non-null `cut` (SQL over key_record_windows `w`, e.g. `w.retired`; the earliest
 * cut of the records that apply). Columns: token facts, `cut_at`, `signed_after` (iat past the cut), usage counts
 * overall, after the cut and after the token's own `exp` (+ `expLeeway`, SQL interval), the events after the cut,
 * the key's lifecycle times, and which records applied (`record_scope`: key, issuer or kid; `record_ambiguous`).
 */
export function lifecycleTokensSql(cut: string, expLeeway = `INTERVAL 0 SECOND`): string {
  const after = `e.ts >= l.cut`;
  return `
WITH signed AS (
  SELECT t.*, CASE WHEN t.sig_status = 'valid' THEN t.sig_kid ELSE t.kid END AS key_kid
  FROM tokens t WHERE t.decode_ok AND t.sig_status IN ('valid', 'unknown-key')),
applied AS (
  SELECT s.sha256, ${cut} AS cut, w.created, w.activated, w.retired, w.revoked, w.compromised,
    CASE WHEN w.jkt IS NOT NULL THEN 'key' WHEN w.iss IS NOT NULL THEN 'issuer' ELSE 'kid' END AS scope,
    w.jkt IS NULL AND w.iss IS NULL AND (SELECT count(DISTINCT k.thumbprint) FROM keys k WHERE k.kid = w.kid) > 1 AS ambiguous
  FROM signed s JOIN key_record_windows w ON w.kid = s.key_kid
    AND (w.jkt IS NULL OR w.jkt = s.sig_jkt) AND (w.iss IS NULL OR w.iss = s.iss)
  WHERE ${cut} IS NOT NULL),
lifecycle AS (
  SELECT s.*, a.* EXCLUDE (sha256) FROM signed s JOIN (
    SELECT sha256, min(cut) AS cut, min(created) AS created, min(activated) AS activated, min(retired) AS retired,
      min(revoked) AS revoked, min(compromised) AS compromised, arg_min(scope, cut) AS scope, arg_min(ambiguous, cut) AS ambiguous
    FROM applied GROUP BY sha256) a USING (sha256)),
-- usage per token first, grouped by the token hash alone (grouping by every token column is much slower)
usage AS (
  SELECT l.sha256,
    count(e.line) AS uses,
    count(e.line) FILTER (WHERE e.outcome = 'success') AS accepted,
    count(e.line) FILTER (WHERE e.outcome IS NULL OR e.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
    count(e.line) FILTER (WHERE ${after}) AS uses_after,
    count(e.line) FILTER (WHERE ${after} AND e.outcome = 'success') AS accepted_after,
    count(e.line) FILTER (WHERE ${after} AND e.outcome = 'success' AND e.ts > epoch_ts(l.exp) + ${expLeeway}) AS accepted_after_expiry,
    coalesce(list(DISTINCT e.ip ORDER BY e.ip) FILTER (WHERE ${after} AND e.outcome = 'success' AND e.ip IS NOT NULL), []) AS accepted_after_ips,
    iso(min(e.ts) FILTER (WHERE ${after} AND e.outcome = 'success')) AS first_accepted_after,
    iso(max(e.ts) FILTER (WHERE ${after} AND e.outcome = 'success')) AS last_accepted_after,
    min(e.ts) AS first_ts, max(e.ts) AS last_ts, mode(e.sub) FILTER (WHERE e.sub IS NOT NULL AND e.sub <> '') AS log_sub,
    -- format the times of the 20 kept events only, not of every event
    coalesce(list_transform((list({'source': e.source, 'line': e.line, 'ts': e.ts} ORDER BY e.ts, e.source, e.line)
      FILTER (WHERE ${after}))[1:20], lambda r: {'source': r.source, 'line': r.line, 'ts': iso(r.ts)}), []) AS events_after
  FROM lifecycle l LEFT JOIN uses e ON e.used_sha = l.sha256
  GROUP BY l.sha256)
SELECT l.sha256, l.fingerprint AS token, l.jti, l.sub, l.key_kid AS kid, l.alg, l.iss, l.iat, l.sig_status,
  iso(l.cut) AS cut_at, iso(epoch_ts(l.iat)) AS issued_at, coalesce(epoch_ts(l.iat) >= l.cut, false) AS signed_after,
  iso(l.created) AS created, iso(l.activated) AS activated, iso(l.retired) AS retired, iso(l.revoked) AS revoked,
  iso(l.compromised) AS compromised, iso(epoch_ts(l.exp)) AS expires_at, l.scope AS record_scope, l.ambiguous AS record_ambiguous,
  u.* EXCLUDE (sha256, first_ts, last_ts),
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
  expires_at: 'text?', record_scope: 'text', record_ambiguous: 'bool',
  uses_after: 'int', accepted_after: 'int', accepted_after_expiry: 'int', accepted_after_ips: 'text[]', first_accepted_after: 'text?',
  last_accepted_after: 'text?', events_after: 'refs', first_seen: 'text?', last_seen: 'text?', log_sub: 'text?',
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
    token_expires: row.expires_at,
    rotation_records_apply_to: row.record_scope === 'key' ? 'this key (by thumbprint)' : row.record_scope === 'issuer' ? "this issuer's key under the kid" : 'the kid',
    rotation_record_ambiguous: row.record_ambiguous ? 'the record names only a kid under which the registry holds several keys: applied to all of them' : undefined,
  };
}
