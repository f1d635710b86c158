// The shape most token checks share: the tokens matching a condition, with how they were used and whether the
// server accepted them. Severity follows acceptance (an accepted forgery is an incident, a rejected one a probe).
import type { Severity } from '../findings/finding.js';
import { columns, type RowOf } from '../store/rows.js';
import type { FindingDraft } from './check.js';
import { eventRefsSql } from './views.js';

/** The columns `tokensWithUsage` returns; a check that adds columns spreads these into its own declaration. */
export const TOKEN_USAGE_COLUMNS = columns({
  sha256: 'text', token: 'text', alg: 'text?', kid: 'text?', jti: 'text?', sub: 'text?', iss: 'text?', typ: 'text?',
  sig_status: 'text', sig_detail: 'text?', iat: 'int?', nbf: 'int?', exp: 'int?', header: 'text?',
  uses: 'int', accepted: 'int', unknown_outcome: 'int', first_seen: 'text?', last_seen: 'text?', events: 'refs',
  log_sub: 'text?',
});
export type TokenUsageRow = RowOf<typeof TOKEN_USAGE_COLUMNS>;

/** What the acceptance helpers read: any row with these usage counts (token-uses' rows have them too). */
export type UsageCounts = Pick<TokenUsageRow, 'uses' | 'accepted' | 'unknown_outcome'>;

/** What `tokenDraft` reads: a token's identity, its first and last sighting, its events and usage counts. */
export type TokenDraftRow = UsageCounts &
  Pick<TokenUsageRow, 'sha256' | 'token' | 'jti' | 'sub' | 'kid' | 'first_seen' | 'last_seen' | 'events' | 'sig_status'> &
  Partial<Pick<TokenUsageRow, 'log_sub'>>;

/** Tokens `t` matching `where` (SQL over tokens t), one row each with usage columns (over the `uses` view: a token
 *  only minted, handed out by a refresh, or revoked was not used); `select` adds columns. */
export function tokensWithUsage(where: string, select = ''): string {
  return `
SELECT t.sha256, t.fingerprint AS token, t.alg, t.kid, t.jti, t.sub, t.iss, t.typ, t.sig_status, t.sig_detail,
  t.iat, t.nbf, t.exp, t.header::VARCHAR AS header, ${select ? `${select},` : ''}
  count(e.line) AS uses,
  count(e.line) FILTER (WHERE e.outcome = 'success') AS accepted,
  count(e.line) FILTER (WHERE e.outcome IS NULL OR e.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
  coalesce(iso(min(e.ts)), iso(min(c.captured_at))) AS first_seen,
  coalesce(iso(max(e.ts)), iso(max(c.captured_at))) AS last_seen,
  ${eventRefsSql('e')} AS events,
  ${LOG_SUB_SQL('e')} AS log_sub
FROM tokens t
LEFT JOIN uses e ON e.used_sha = t.sha256
LEFT JOIN (SELECT token_sha, min(captured_at) AS captured_at FROM captures GROUP BY token_sha) c ON c.token_sha = t.sha256
WHERE ${where}
GROUP BY ALL ORDER BY t.sha256`;
}

export interface AcceptanceLevels {
  accepted: Severity;
  unknown: Severity;
  rejected: Severity;
  unused: Severity;
}

/** accepted by the server > outcome not recorded > captured but never seen used > tried and rejected */
export function severityByAcceptance(row: UsageCounts, levels: AcceptanceLevels): Severity {
  if (row.accepted > 0) return levels.accepted;
  if (row.unknown_outcome > 0) return levels.unknown;
  if (row.uses === 0) return levels.unused;
  return levels.rejected;
}

export function usageEvidence(row: UsageCounts): Record<string, unknown> {
  return { uses: row.uses, accepted: row.accepted, outcome_unknown: row.unknown_outcome };
}

/** The subject the logs recorded for a token's uses (the most frequent), an aggregate over uses `u`. */
export const LOG_SUB_SQL = (u: string): string => `mode(${u}.sub) FILTER (WHERE ${u}.sub IS NOT NULL AND ${u}.sub <> '')`;

/**
 * Who a finding is about: the subject the log recorded, else the token's `sub` claim — a fact when its signature
 * verified, only a claim otherwise (a forged token's subject is who was impersonated, not who acted).
 */
export function subjectOf(row: { sub: string | null; sig_status: string; log_sub?: string | null }): { sub: string | null; subject_source: string | undefined; claimed_sub: string | undefined } {
  const log = row.log_sub ?? null;
  if (log !== null) return { sub: log, subject_source: 'log', claimed_sub: row.sub !== null && row.sub !== log ? row.sub : undefined };
  if (row.sub === null) return { sub: null, subject_source: undefined, claimed_sub: undefined };
  // claims a gateway logged (no token captured) are as good as the gateway that validated them: `logged-claim`
  const source = row.sig_status === 'valid' ? 'verified-claim' : row.sig_status === 'not-captured' ? 'logged-claim' : 'unverified-claim';
  return { sub: row.sub, subject_source: source, claimed_sub: undefined };
}

/** The common fields of a token-level finding. */
export function tokenDraft(
  row: TokenDraftRow,
  severity: Severity,
  evidence: Record<string, unknown>,
  title?: string,
): FindingDraft {
  const who = subjectOf(row);
  return {
    key: [row.sha256],
    severity,
    title,
    jti: row.jti,
    sub: who.sub,
    kid: row.kid,
    token: row.token,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events: row.events,
    evidence: { ...evidence, ...usageEvidence(row), subject_source: who.subject_source, claimed_sub: who.claimed_sub },
  };
}
