import type { Severity } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { tokenDraft } from './token-usage.js';
import { describe, ladder, severityOf } from './ladder.js';
import { isoOf, TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';
import { VERIFIER_SKEWS_CTE, verifierSkewParams } from './views.js';

// Late = after exp + leeway. Only uses count (not the issue event, not the logout that ends the session).
// A token whose every late use was rejected is the server working, and routine (a laptop waking from sleep
// retries its stale token, then refreshes): no finding, so the real ones are not buried under thousands of them.
// Each late use is also held against the skew its verifier may allow (policy verifier_skew_by_audience for the API
// the event names, trailing slashes ignored; else verifier_skew_seconds): a use later than our leeway but within
// that skew is what a framework default accepts (ASP.NET Core's ClockSkew is 5 minutes), not a verifier ignoring exp.
// The per-audience map arrives as JSON text (bound, never spliced): [{aud, s}, …].
const SQL = `
WITH
${VERIFIER_SKEWS_CTE},
late AS (
  SELECT u.*, epoch(u.ts) - t.exp AS late_s, coalesce(k.s, $skew::DOUBLE) AS allowed_s
  FROM uses u JOIN tokens t ON t.sha256 = u.used_sha LEFT JOIN skews k ON k.aud = rtrim(u.aud, '/')
  WHERE t.exp IS NOT NULL AND epoch(u.ts) > t.exp + $leeway)
SELECT ${TOKEN_COLUMNS}, t.exp, ${useColumns('u')},
  min(u.late_s) AS first_late_s, max(u.late_s) AS last_late_s,
  iso(min(u.ts) FILTER (WHERE u.outcome = 'success')) AS first_accepted,
  count(*) FILTER (WHERE u.late_s > u.allowed_s AND u.outcome = 'success') AS accepted_beyond,
  count(*) FILTER (WHERE u.late_s > u.allowed_s AND u.outcome IS DISTINCT FROM 'failure') AS open_beyond,
  count(*) FILTER (WHERE u.late_s <= u.allowed_s AND u.outcome IS DISTINCT FROM 'failure') AS open_within,
  list(DISTINCT u.allowed_s ORDER BY u.allowed_s) AS skews_s
FROM late u JOIN tokens t ON t.sha256 = u.used_sha JOIN token_kinds k ON k.sha256 = t.sha256
GROUP BY ALL HAVING count(*) FILTER (WHERE u.outcome IS DISTINCT FROM 'failure') > 0
ORDER BY t.sha256`;

const COLUMNS = columns({
  ...TOKEN_USE_COLUMNS, exp: 'num', first_late_s: 'num', last_late_s: 'num', first_accepted: 'text?',
  accepted_beyond: 'int', open_beyond: 'int', open_within: 'int', skews_s: 'json',
});
type Row = RowOf<typeof COLUMNS>;

// Late uses that were not rejected (accepted, or outcome not recorded) are "open"; the first rung that holds wins.
const LADDER = ladder<Row>(
  {
    severity: 'critical',
    when: "when a use later than the verifier's skew was accepted (outcome success: the server does not enforce exp)",
    test: (r) => r.accepted_beyond > 0,
  },
  {
    severity: 'medium',
    when: "when the outcome of a use later than the verifier's skew was not recorded (it may have been accepted)",
    test: (r) => r.open_beyond > 0,
  },
  {
    severity: 'low',
    when: "when every late use that was not rejected came within the verifier's skew: the verifier allows a generous " +
      "skew (ASP.NET Core JwtBearer's TokenValidationParameters.ClockSkew defaults to 5 minutes), which honours exp as " +
      'configured',
    test: (r) => r.open_within > 0,
  },
  {
    severity: null,
    when: 'when every late use was rejected: that is the server working, and routine (clients retry a stale token before ' +
      'refreshing); the timeline still shows those events',
    test: () => true,
  },
);

const WITHIN_SKEW_NOTE = 'the verifier allows a generous skew';

function toFinding(row: Row, policy: Policy) {
  const severity: Severity | null = severityOf(LADDER, row);
  if (severity === null) return null; // every late use rejected (the SQL leaves those out already)
  const within = severity === 'low';
  return tokenDraft(row, severity, {
    exp: isoOf(row.exp),
    kind: row.kind,
    sig_status: row.sig_status,
    first_late_use: row.first_seen,
    last_late_use: row.last_seen,
    first_accepted_late_use: row.first_accepted ?? undefined,
    late_by_seconds: { first: Math.round(row.first_late_s), last: Math.round(row.last_late_s) },
    leeway_seconds: policy.clock_skew_seconds,
    verifier_skew_seconds: row.skews_s,
    late_uses_beyond_verifier_skew: row.open_beyond,
    late_uses_within_verifier_skew: row.open_within,
    note: within ? WITHIN_SKEW_NOTE : undefined,
    ips: row.ips,
  }, within ? "Token used shortly after it expired, within the verifier's clock skew" : undefined);
}

export const expiredUse = defineCheck({
  id: 'expired-use',
  title: 'Token used after it expired',
  description: describe(
    'A token presented after its `exp` plus the clock-skew leeway (policy clock_skew_seconds, default 60 s; a use inside ' +
      'the leeway is not reported). One finding per token, from its first to its last late use. Uses are `use` events ' +
      '(and any other event presenting the token, except issue, refresh, revoke and logout) and refresh events naming the ' +
      "token as `parent_jti`. Each late use is also held against the skew its verifier may allow: policy " +
      'verifier_skew_by_audience for the API the event names (`aud`, trailing slashes ignored), else ' +
      'verifier_skew_seconds (default 300 s, the default ClockSkew of ASP.NET Core JwtBearer: ' +
      'Microsoft.IdentityModel TokenValidationParameters.DefaultClockSkew). A use late by ' +
      'less than that is what a correctly configured framework accepts, not a verifier ignoring exp.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: [['token-events', 'refresh-links'], 'tokens'] },
  remediation:
    'Make every API validate `exp` (with a small leeway) on every request, including cached and gateway paths. For an ' +
    'accepted late use, treat the token as stolen or replayed: find who presented it (IPs, user agents) and what it reached. ' +
    "For uses within the verifier's skew, lower the framework's clock skew (ASP.NET Core: TokenValidationParameters." +
    'ClockSkew) if tokens must end at exp, or record the skew per API in verifier_skew_by_audience.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({ leeway: policy.clock_skew_seconds, ...verifierSkewParams(policy) }),
  toFinding: (row, policy) => toFinding(row, policy),
});
