import { columns } from '../store/rows.js';
import { defineCheck } from './check.js';
import { tokenDraft } from './token-usage.js';
import { describe, ladder, outcomeLevelsOrNone } from './ladder.js';
import { byOutcome, isoOf, TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';

// Late = after exp + leeway. Only uses count (not the issue event, not the logout that ends the session).
// A token whose every late use was rejected is the server working, and routine (a laptop waking from sleep
// retries its stale token, then refreshes): no finding, so the real ones are not buried under thousands of them.
const SQL = `
WITH
late AS (
  SELECT u.* FROM uses u JOIN tokens t ON t.sha256 = u.used_sha
  WHERE t.exp IS NOT NULL AND epoch(u.ts) > t.exp + $leeway)
SELECT ${TOKEN_COLUMNS}, t.exp, ${useColumns('u')},
  min(epoch(u.ts) - t.exp) AS first_late_s, max(epoch(u.ts) - t.exp) AS last_late_s,
  iso(min(u.ts) FILTER (WHERE u.outcome = 'success')) AS first_accepted
FROM late u JOIN tokens t ON t.sha256 = u.used_sha JOIN token_kinds k ON k.sha256 = t.sha256
GROUP BY ALL HAVING count(*) FILTER (WHERE u.outcome IS DISTINCT FROM 'failure') > 0
ORDER BY t.sha256`;

const COLUMNS = columns({ ...TOKEN_USE_COLUMNS, exp: 'num', first_late_s: 'num', last_late_s: 'num', first_accepted: 'text?' });

const LADDER = ladder(
  { severity: 'critical', usage: ['accepted'], when: 'when a late use was accepted (outcome success: the server does not enforce exp)' },
  { severity: 'medium', usage: ['unknown'], when: 'when the outcome of a late use was not recorded (it may have been accepted)' },
  {
    severity: null, usage: ['rejected'],
    when: 'when every late use was rejected: that is the server working, and routine (clients retry a stale token before ' +
      'refreshing); the timeline still shows those events',
  },
);

export const expiredUse = defineCheck({
  id: 'expired-use',
  title: 'Token used after it expired',
  description: describe(
    'A token presented after its `exp` plus the clock-skew leeway (policy clock_skew_seconds, default 60 s; a use inside ' +
      'the leeway is not reported). One finding per token, from its first to its last late use. Uses are `use` events ' +
      '(and any other event presenting the token, except issue, refresh, revoke and logout) and refresh events naming the ' +
      'token as `parent_jti`.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: [['token-events', 'refresh-links'], 'tokens'] },
  remediation:
    'Make every API validate `exp` (with a small leeway) on every request, including cached and gateway paths. For an ' +
    'accepted late use, treat the token as stolen or replayed: find who presented it (IPs, user agents) and what it reached.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({ leeway: policy.clock_skew_seconds }),
  toFinding: (row, policy) => {
    const severity = byOutcome(row, outcomeLevelsOrNone(LADDER));
    if (severity === null) return null; // every late use rejected (the SQL leaves those out already)
    return tokenDraft(row, severity, {
      exp: isoOf(row.exp),
      kind: row.kind,
      sig_status: row.sig_status,
      first_late_use: row.first_seen,
      last_late_use: row.last_seen,
      first_accepted_late_use: row.first_accepted ?? undefined,
      late_by_seconds: { first: Math.round(row.first_late_s), last: Math.round(row.last_late_s) },
      leeway_seconds: policy.clock_skew_seconds,
      ips: row.ips,
    });
  },
});
