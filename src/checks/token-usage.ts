// The shape most token checks share: the tokens matching a condition, with how they were used and whether the
// server accepted them. Severity follows acceptance (an accepted forgery is an incident, a rejected one a probe).
import type { Severity } from '../findings/finding.js';
import type { EventRef } from '../findings/finding.js';
import type { FindingDraft, Row } from './check.js';
import { eventRefsSql } from './views.js';

/** Tokens `t` matching `where` (SQL over tokens t), one row each with usage columns; `select` adds columns. */
export function tokensWithUsage(where: string, select = ''): string {
  return `
SELECT t.sha256, t.fingerprint AS token, t.alg, t.kid, t.jti, t.sub, t.iss, t.typ, t.sig_status, t.sig_detail,
  t.iat, t.nbf, t.exp, t.header::VARCHAR AS header, ${select ? `${select},` : ''}
  count(e.line) AS uses,
  count(e.line) FILTER (WHERE e.outcome = 'success') AS accepted,
  count(e.line) FILTER (WHERE e.outcome IS NULL OR e.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
  coalesce(iso(min(e.ts)), iso(min(c.captured_at))) AS first_seen,
  coalesce(iso(max(e.ts)), iso(max(c.captured_at))) AS last_seen,
  ${eventRefsSql('e')} AS events
FROM tokens t
LEFT JOIN token_events e ON e.sha256 = t.sha256
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
export function severityByAcceptance(row: Row, levels: AcceptanceLevels): Severity {
  if (Number(row.accepted) > 0) return levels.accepted;
  if (Number(row.unknown_outcome) > 0) return levels.unknown;
  if (Number(row.uses) === 0) return levels.unused;
  return levels.rejected;
}

export function usageEvidence(row: Row): Record<string, unknown> {
  return { uses: Number(row.uses), accepted: Number(row.accepted), outcome_unknown: Number(row.unknown_outcome) };
}

/** The common fields of a token-level finding. */
export function tokenDraft(
  row: Row,
  severity: Severity,
  evidence: Record<string, unknown>,
  title?: string,
  events: EventRef[] = row.events as EventRef[],
): FindingDraft {
  return {
    key: [row.sha256 as string],
    severity,
    title,
    jti: (row.jti as string | null) ?? null,
    sub: (row.sub as string | null) ?? null,
    kid: (row.kid as string | null) ?? null,
    token: row.token as string,
    first_seen: (row.first_seen as string | null) ?? null,
    last_seen: (row.last_seen as string | null) ?? null,
    events: events.map((e) => ({ ...e, line: Number(e.line) })),
    evidence: { ...evidence, ...usageEvidence(row) },
  };
}
