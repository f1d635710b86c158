// What counts as *using* a token, shared by the use-and-time checks (expired-use, not-yet-valid, revoked-use,
// lifetime-excessive, audience-mismatch). `token_events` counts every event that carries a token, but an
// `issue` event is the issuer minting it and a `refresh` event carries the NEW token (DESIGN.md: `parent_jti`
// names the one exchanged), so counting those as uses would make every freshly issued token "accepted".
import type { Severity } from '../findings/finding.js';
import { columns } from '../store/rows.js';
import type { UsageCounts } from './token-usage.js';
import { eventRefsSql } from './views.js';

/** CTE `parent_tokens`: jti → the one token it names (the only validly signed one, else the only one; else null). */
export const PARENT_TOKENS_CTE = `
parent_tokens AS (
  SELECT jti,
    CASE WHEN count(*) FILTER (WHERE sig_status = 'valid') = 1 THEN any_value(sha256) FILTER (WHERE sig_status = 'valid')
         WHEN count(*) = 1 THEN any_value(sha256) END AS sha256
  FROM tokens WHERE jti IS NOT NULL GROUP BY jti)`;

/**
 * CTEs `parent_tokens` and `uses` (events_src columns plus `used_sha`, `via`): events presenting a token, and refresh
 * events presenting their parent by jti. A `fail` event without an outcome is a failure. Prefix with WITH.
 */
export const USES_CTE = `${PARENT_TOKENS_CTE},
all_uses AS (
  SELECT *, token_sha AS used_sha, 'token' AS via FROM events_src
  WHERE token_sha IS NOT NULL AND coalesce(event, 'use') NOT IN ('issue', 'refresh', 'revoke', 'logout')
  UNION ALL BY NAME
  SELECT e.*, p.sha256 AS used_sha, 'parent_jti' AS via FROM events_src e JOIN parent_tokens p ON p.jti = e.parent_jti
  WHERE e.event = 'refresh' AND p.sha256 IS NOT NULL),
uses AS (
  SELECT * REPLACE (coalesce(outcome, CASE WHEN event = 'fail' THEN 'failure' END) AS outcome) FROM all_uses)`;

/** Aggregate columns over matching uses `u` (grouped per token; `u` may be LEFT JOINed): the names token-usage's helpers read. */
export function useColumns(u = 'u'): string {
  return `count(${u}.ts) AS uses,
  count(${u}.ts) FILTER (WHERE ${u}.outcome = 'success') AS accepted,
  count(${u}.ts) FILTER (WHERE ${u}.outcome IS NULL OR ${u}.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
  iso(min(${u}.ts)) AS first_seen, iso(max(${u}.ts)) AS last_seen,
  list(DISTINCT ${u}.ip ORDER BY ${u}.ip) FILTER (WHERE ${u}.ip IS NOT NULL)[1:10] AS ips,
  ${eventRefsSql(u)} AS events`;
}

/** Token columns every token-level finding needs (tokens `t`, token_kinds `k`). */
export const TOKEN_COLUMNS = `t.sha256, t.fingerprint AS token, t.jti, t.sub, t.kid, t.iss, t.sig_status, k.kind`;

/**
 * The columns `TOKEN_COLUMNS` and `useColumns` return; a check spreads these into its own declaration. A token LEFT
 * JOINed to no use has no first_seen / last_seen (NULL) and no IPs or events ([]).
 */
export const TOKEN_USE_COLUMNS = columns({
  sha256: 'text', token: 'text', jti: 'text?', sub: 'text?', kid: 'text?', iss: 'text?', sig_status: 'text', kind: 'text',
  uses: 'int', accepted: 'int', unknown_outcome: 'int', first_seen: 'text?', last_seen: 'text?', ips: 'text[]', events: 'refs',
});

/** Severity for uses that were accepted / not recorded / all rejected. */
export function byOutcome(
  row: Pick<UsageCounts, 'accepted' | 'unknown_outcome'>,
  levels: { accepted: Severity; unknown: Severity; rejected: Severity },
): Severity {
  if (row.accepted > 0) return levels.accepted;
  if (row.unknown_outcome > 0) return levels.unknown;
  return levels.rejected;
}

/** Epoch seconds (a claim) as ISO-8601, or null when absent or absurd. */
export function isoOf(seconds: number | null): string | null {
  const n = seconds ?? Number.NaN;
  if (!Number.isFinite(n) || Math.abs(n) > 253402300799) return null;
  return new Date(n * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
