// Token uses for the use-and-time checks (expired-use, not-yet-valid, revoked-use, lifetime-excessive,
// audience-mismatch): the columns they aggregate over the `uses` view, which says once what presenting a token
// means (src/store/uses.ts: not the issue event that minted it, not a refresh's new token, not revoke or logout).
import type { Severity } from '../findings/finding.js';
import { columns } from '../store/rows.js';
import { LOG_SUB_SQL, type UsageCounts } from './token-usage.js';
import { eventRefsSql } from './views.js';

// `parent_tokens` and `uses` are views over the store (src/store/uses.ts), made with the other views before checks run.

/** Aggregate columns over matching uses `u` (grouped per token; `u` may be LEFT JOINed): the names token-usage's helpers read. */
export function useColumns(u = 'u', opts: { logSub?: boolean } = {}): string {
  return `count(${u}.ts) AS uses,
  count(${u}.ts) FILTER (WHERE ${u}.outcome = 'success') AS accepted,
  count(${u}.ts) FILTER (WHERE ${u}.outcome IS NULL OR ${u}.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
  iso(min(${u}.ts)) AS first_seen, iso(max(${u}.ts)) AS last_seen,
  list(DISTINCT ${u}.ip ORDER BY ${u}.ip) FILTER (WHERE ${u}.ip IS NOT NULL)[1:10] AS ips,
  ${eventRefsSql(u)} AS events,
  ${opts.logSub === false ? 'NULL::VARCHAR' : LOG_SUB_SQL(u)} AS log_sub`;
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
  log_sub: 'text?',
});

/** Severity for uses that were accepted / not recorded / all rejected. */
export function byOutcome<S extends Severity | null = Severity>(
  row: Pick<UsageCounts, 'accepted' | 'unknown_outcome'>,
  levels: { accepted: S; unknown: S; rejected: S },
): S {
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
