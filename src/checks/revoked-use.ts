import { columns } from '../store/rows.js';
import { defineCheck } from './check.js';
import { tokenDraft } from './token-usage.js';
import { describe, ladder, outcomeLevels } from './ladder.js';
import { byOutcome, TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';

/** Uses whose `scope` identifier a revocation names (one equi-join per scope, so each stays a hash join). */
const matchOn = (scope: string): string => `
  SELECT u.source, u.line, u.ts, u.outcome, u.ip, u.used_sha, r.scope, r.value, r.ts AS r_ts, r.reason, r.origin
  FROM use_ids u JOIN revs r ON r.scope = '${scope}' AND r.value = u.${scope}${
    scope === 'sub' ? ' WHERE u.iat IS NULL OR u.iat < epoch(r.ts)' : ''}`;

// A revocation names what it ends by its most specific identifier: a revocations row jti > sid > sub; a `revoke`
// event the token it carries (jti, else its sha) > sid > sub; a `logout` ends its session (sid, from the event or
// the token) > jti > token, and never a whole subject (logging out on one device leaves the others signed in).
// A subject-wide revocation ends the tokens minted before it, not the ones of a later, fresh login.
// Rejected reuse after a mere logout (a stale tab) is routine and raises nothing; after an explicit revocation it
// is kept at info: someone still holds a credential that was revoked for a reason.
const SQL = `
WITH
revs AS (
  SELECT ts, CASE WHEN jti IS NOT NULL THEN 'jti' WHEN sid IS NOT NULL THEN 'sid' ELSE 'sub' END AS scope,
    coalesce(jti, sid, sub) AS value, reason, 'revocations' AS origin
  FROM revocations WHERE coalesce(jti, sid, sub) IS NOT NULL
  UNION ALL
  SELECT e.ts, CASE WHEN coalesce(e.jti, t.jti) IS NOT NULL THEN 'jti' WHEN e.token_sha IS NOT NULL THEN 'sha'
      WHEN e.sid IS NOT NULL THEN 'sid' ELSE 'sub' END,
    coalesce(e.jti, t.jti, e.token_sha, e.sid, e.sub), e.reason, 'revoke event'
  FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'revoke' AND coalesce(e.outcome, 'success') = 'success' AND coalesce(e.jti, t.jti, e.token_sha, e.sid, e.sub) IS NOT NULL
  UNION ALL
  SELECT e.ts, CASE WHEN coalesce(e.sid, t.claims->>'sid') IS NOT NULL THEN 'sid' WHEN coalesce(e.jti, t.jti) IS NOT NULL THEN 'jti' ELSE 'sha' END,
    coalesce(e.sid, t.claims->>'sid', e.jti, t.jti, e.token_sha), e.reason, 'logout event'
  FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'logout' AND coalesce(e.outcome, 'success') = 'success' AND coalesce(e.sid, t.claims->>'sid', e.jti, t.jti, e.token_sha) IS NOT NULL),
use_ids AS (
  SELECT u.source, u.line, u.ts, u.outcome, u.ip, u.used_sha, t.iat, coalesce(t.jti, u.jti) AS jti, t.sha256 AS sha,
    coalesce(t.claims->>'sid', u.sid) AS sid, coalesce(t.sub, u.sub) AS sub
  FROM uses u JOIN tokens t ON t.sha256 = u.used_sha),
matches AS (
  ${['jti', 'sha', 'sid', 'sub'].map(matchOn).join('\n  UNION ALL\n  ')}),
hits AS (
  SELECT u.source, u.line, u.ts, u.outcome, u.ip, u.used_sha, min(u.r_ts) AS revoked_at,
    bool_or(u.origin <> 'logout event') AS explicit,
    list(DISTINCT {'scope': u.scope, 'value': CASE WHEN u.scope = 'sha' THEN left(u.value, 12) ELSE u.value END,
                   'at': iso(u.r_ts), 'reason': u.reason, 'from': u.origin}) AS revs
  FROM matches u WHERE epoch(u.ts) > epoch(u.r_ts) + $leeway
  GROUP BY ALL)
SELECT ${TOKEN_COLUMNS}, ${useColumns('u', { logSub: false })}, iso(min(u.revoked_at)) AS revoked_at, bool_or(u.explicit) AS explicit,
  epoch(min(u.ts)) - epoch(min(u.revoked_at)) AS first_after_s,
  list_distinct(flatten(list(u.revs)))[1:5] AS revocations
FROM hits u JOIN tokens t ON t.sha256 = u.used_sha JOIN token_kinds k ON k.sha256 = t.sha256
GROUP BY ALL HAVING bool_or(u.explicit) OR count(*) FILTER (WHERE u.outcome IS DISTINCT FROM 'failure') > 0
ORDER BY t.sha256`;

const COLUMNS = columns({ ...TOKEN_USE_COLUMNS, revoked_at: 'text', explicit: 'bool', first_after_s: 'num', revocations: 'json' });

// The last rung is the SQL's (HAVING): rejected reuse after a mere logout never reaches toFinding.
const LADDER = ladder(
  { severity: 'critical', usage: ['accepted'], when: 'when a later use was accepted (revocation is not enforced)' },
  { severity: 'medium', usage: ['unknown'], when: 'when the outcome was not recorded' },
  {
    severity: 'info', usage: ['rejected'],
    when: 'when every later use was rejected after an explicit revocation (the server worked, but someone still holds the revoked credential)',
  },
  { severity: null, when: 'when the server rejected a token whose session had merely logged out (a stale tab)' },
);

export const revokedUse = defineCheck({
  id: 'revoked-use',
  title: 'Token used after it was revoked or logged out',
  description: describe(
    'A token presented after its jti, session (sid) or subject was revoked (the revocations input, or a successful ' +
      '`revoke` event) or its session logged out (a successful `logout` event), later than the clock-skew leeway. A use ' +
      'before the revocation does not count, nor a token minted after a subject-wide revocation (a fresh login).',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: ['revocations', ['token-events', 'refresh-links'], 'tokens'] },
  remediation:
    'Make the APIs check revocation (introspection, a deny-list by jti/sid, or short-lived access tokens bound to the ' +
    'session) and purge gateway caches on revoke. For an accepted use, review what the token reached after the revocation.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({ leeway: policy.clock_skew_seconds }),
  toFinding: (row) =>
    tokenDraft(row, byOutcome(row, outcomeLevels(LADDER)), {
      revoked_at: row.revoked_at,
      explicit_revocation: row.explicit,
      revocations: row.revocations,
      first_use_after: row.first_seen,
      last_use_after: row.last_seen,
      seconds_after_revocation: Math.round(row.first_after_s),
      kind: row.kind,
      ips: row.ips,
    }),
});
