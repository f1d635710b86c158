import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { tokenDraft } from './token-usage.js';
import { describe, outcomeLevels, outcomeLevelsOrNone, type Ladder, type LadderCase } from './ladder.js';
import { byOutcome, TOKEN_COLUMNS, useColumns } from './token-uses.js';
import { eventRefsSql, VERIFIER_SKEWS_CTE, verifierSkewParams } from './views.js';

/**
 * Uses whose `scope` identifier a revocation names (one equi-join per scope, so each stays a hash join). A session or
 * subject revocation ends the tokens minted before it, not those of a later login (iat in or after the revocation's
 * second: iat is whole seconds as issuers write it).
 */
const matchOn = (scope: string): string => `
  SELECT u.source, u.line, u.ts, u.outcome, u.ip, u.aud, u.via, u.exp, u.sid, u.sub, u.used_sha,
    r.scope, r.value, r.ts AS r_ts, r.reason, r.origin, r.class
  FROM use_ids u JOIN revs r ON r.scope = '${scope}' AND r.value = u.${scope}${
    scope === 'sub' || scope === 'sid' ? ' WHERE u.iat IS NULL OR u.iat < floor(epoch(r.ts))' : ''}`;

// A revocations-file entry whose reason says the user signed out (and names no security or administrative cause) is
// a logout; any other entry, and every `revoke` event, is an administrator's (or a security process's) revocation.
const LOGOUT_REASON = `(log(ged|ging)?[ _-]?(out|off)|sign(ed|ing)?[ _-]?(out|off)|end[ _-]?session|session (ended|expired|timed out|timeout))`;
const ADMIN_REASON = `(compromis|stolen|theft|lost|leak|fraud|suspicious|breach|malicious|attack|abuse|security|admin|incident|offboard|terminat|disabl|reuse)`;

// A revocation names what it ends by its most specific identifier: a revocations row jti > sid > sub; a `revoke`
// event the token it carries (jti, else its sha) > sid > sub; a `logout` ends its session (sid, from the event or
// the token) > jti > token, and never a whole subject (logging out on one device leaves the others signed in).
// Rejected reuse after a mere logout (a stale tab) is routine and raises nothing; after an explicit revocation it
// is kept at info: someone still holds a credential that was revoked for a reason.
// A use after nothing but logouts, by an API (not a refresh exchange at the issuer), of a token still valid there
// (within exp plus that API's verifier skew, as expired-use reads it), not rejected, is a stateless API doing what
// self-contained JWTs do: those uses are gathered per API (one finding each), not per token.
const SQL = `
WITH
${VERIFIER_SKEWS_CTE},
revs AS (
  SELECT ts, CASE WHEN jti IS NOT NULL THEN 'jti' WHEN sid IS NOT NULL THEN 'sid' ELSE 'sub' END AS scope,
    coalesce(jti, sid, sub) AS value, reason, 'revocations' AS origin,
    CASE WHEN regexp_matches(lower(coalesce(reason, '')), '${LOGOUT_REASON}')
      AND NOT regexp_matches(lower(reason), '${ADMIN_REASON}') THEN 'logout' ELSE 'admin' END AS class
  FROM revocations WHERE coalesce(jti, sid, sub) IS NOT NULL
  UNION ALL
  SELECT e.ts, CASE WHEN coalesce(e.jti, t.jti) IS NOT NULL THEN 'jti' WHEN e.token_sha IS NOT NULL THEN 'sha'
      WHEN e.sid IS NOT NULL THEN 'sid' ELSE 'sub' END,
    coalesce(e.jti, t.jti, e.token_sha, e.sid, e.sub), e.reason, 'revoke event', 'admin'
  FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'revoke' AND coalesce(e.outcome, 'success') = 'success' AND coalesce(e.jti, t.jti, e.token_sha, e.sid, e.sub) IS NOT NULL
  UNION ALL
  SELECT e.ts, CASE WHEN coalesce(e.sid, t.claims->>'sid') IS NOT NULL THEN 'sid' WHEN coalesce(e.jti, t.jti) IS NOT NULL THEN 'jti' ELSE 'sha' END,
    coalesce(e.sid, t.claims->>'sid', e.jti, t.jti, e.token_sha), e.reason, 'logout event', 'logout'
  FROM events e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'logout' AND coalesce(e.outcome, 'success') = 'success' AND coalesce(e.sid, t.claims->>'sid', e.jti, t.jti, e.token_sha) IS NOT NULL),
use_ids AS (
  SELECT u.source, u.line, u.ts, u.outcome, u.ip, u.aud, u.via, u.used_sha, t.iat, t.exp, coalesce(t.jti, u.jti) AS jti,
    t.sha256 AS sha, coalesce(t.claims->>'sid', u.sid) AS sid, coalesce(t.sub, u.sub) AS sub
  FROM uses u JOIN tokens t ON t.sha256 = u.used_sha),
matches AS (
  ${['jti', 'sha', 'sid', 'sub'].map(matchOn).join('\n  UNION ALL\n  ')}),
hits AS MATERIALIZED (
  SELECT u.source, u.line, u.ts, u.outcome, u.ip, u.aud, u.sid, u.sub, u.used_sha, min(u.r_ts) AS revoked_at,
    bool_or(u.class = 'admin') AS explicit,
    bool_and(u.class = 'logout') AND u.via = 'token' AND tk.kind NOT IN ('refresh', 'offline') AND u.exp IS NOT NULL
      AND epoch(u.ts) <= u.exp + greatest($leeway, coalesce(k.s, $skew::DOUBLE)) AND u.outcome IS DISTINCT FROM 'failure' AS stateless,
    list(DISTINCT {'scope': u.scope, 'value': CASE WHEN u.scope = 'sha' THEN left(u.value, 12) ELSE u.value END,
                   'at': iso(u.r_ts), 'reason': u.reason, 'from': u.origin}) AS revs
  FROM matches u JOIN token_kinds tk ON tk.sha256 = u.used_sha LEFT JOIN skews k ON k.aud = rtrim(u.aud, '/')
  WHERE epoch(u.ts) > epoch(u.r_ts) + $leeway
  GROUP BY u.source, u.line, u.ts, u.outcome, u.ip, u.aud, u.via, tk.kind, u.exp, u.sid, u.sub, u.used_sha, k.s)
SELECT 'token' AS scope, ${TOKEN_COLUMNS}, ${useColumns('u', { logSub: false })}, iso(min(u.revoked_at)) AS revoked_at,
  bool_or(u.explicit) AS explicit, epoch(min(u.ts)) - epoch(min(u.revoked_at)) AS first_after_s,
  list_distinct(flatten(list(u.revs)))[1:5] AS revocations
FROM hits u JOIN tokens t ON t.sha256 = u.used_sha JOIN token_kinds k ON k.sha256 = t.sha256
WHERE NOT u.stateless
GROUP BY ALL HAVING bool_or(u.explicit) OR count(*) FILTER (WHERE u.outcome IS DISTINCT FROM 'failure') > 0
UNION ALL BY NAME
SELECT 'api' AS scope, coalesce(rtrim(u.aud, '/'), '(no aud in event)') AS api, ${useColumns('u', { logSub: false })},
  iso(min(u.revoked_at)) AS revoked_at, false AS explicit,
  min(epoch(u.ts) - epoch(u.revoked_at)) AS first_after_s, max(epoch(u.ts) - epoch(u.revoked_at)) AS last_after_s,
  count(DISTINCT u.used_sha) AS tokens, count(DISTINCT u.sub) AS subjects, count(DISTINCT u.sid) AS sessions,
  list(DISTINCT u.sub ORDER BY u.sub) FILTER (WHERE u.sub IS NOT NULL)[1:10] AS subject_list,
  list(DISTINCT t.fingerprint ORDER BY t.fingerprint)[1:10] AS token_list,
  list_distinct(flatten(list(u.revs)))[1:5] AS revocations
FROM hits u JOIN tokens t ON t.sha256 = u.used_sha
WHERE u.stateless
GROUP BY ALL
ORDER BY scope DESC, sha256, api`;

const COLUMNS = columns({
  scope: 'text', sha256: 'text?', token: 'text?', jti: 'text?', sub: 'text?', kid: 'text?', iss: 'text?', sig_status: 'text?',
  kind: 'text?', uses: 'int', accepted: 'int', unknown_outcome: 'int', first_seen: 'text?', last_seen: 'text?', ips: 'text[]',
  events: 'refs', log_sub: 'text?', revoked_at: 'text', explicit: 'bool', first_after_s: 'num', revocations: 'json',
  api: 'text?', last_after_s: 'num?', tokens: 'int?', subjects: 'int?', sessions: 'int?', subject_list: 'json?', token_list: 'json?',
});
type Row = RowOf<typeof COLUMNS>;

// The last rung is the SQL's (HAVING): rejected reuse after a mere logout never reaches toFinding.
const PER_TOKEN: LadderCase = {
  name: 'a token used after its revocation, or after a logout where the next case does not apply (one finding per token)',
  rungs: [
    {
      severity: 'critical', usage: ['accepted'],
      when: "when a later use was accepted (revocation is not enforced: an administrator's or a security process's " +
        'revocation ignored, a refresh token exchanged after its session logged out, or a token accepted past its own expiry)',
    },
    { severity: 'medium', usage: ['unknown'], when: 'when the outcome was not recorded' },
    {
      severity: 'info', usage: ['rejected'],
      when: 'when every later use was rejected after an explicit revocation (the server worked, but someone still holds the revoked credential)',
    },
    { severity: null, when: 'when the server rejected a token whose session had merely logged out (a stale tab)' },
  ],
};
const PER_API: LadderCase = {
  name: 'still-valid tokens accepted by an API after their session logged out (one finding per API)',
  rungs: [
    {
      severity: 'medium', usage: ['accepted', 'unknown'],
      when: 'when they were accepted or the outcome was not recorded: accurate, but inherent to self-contained JWTs — an ' +
        'API that validates signature and exp alone cannot see a logout (RFC 7009 §2: servers MUST support revoking ' +
        'refresh tokens, only SHOULD access tokens; OWASP ASVS 5.0 7.4.1 asks for a list of terminated tokens, a ' +
        'per-user not-before time or a per-user key to stop them)',
    },
    { severity: null, usage: ['rejected'], when: 'when they were rejected (the API checks the session)' },
  ],
};
const LADDER: Ladder = [PER_TOKEN, PER_API];

const STATELESS_NOTE = 'inherent to self-contained JWTs: an API that checks only signature and exp accepts a token until it expires, whatever the logout';

function perApi(row: Row): FindingDraft | null {
  const severity = byOutcome(row, outcomeLevelsOrNone(PER_API));
  if (severity === null) return null; // the SQL gathers only uses that were not rejected
  return {
    key: ['api', row.api],
    severity,
    title: `Tokens still accepted by ${row.api} after their session logged out`,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events: row.events,
    evidence: {
      api: row.api,
      note: STATELESS_NOTE,
      tokens: row.tokens,
      subjects: row.subjects,
      sessions: row.sessions,
      subject_list: row.subject_list,
      token_list: row.token_list,
      first_logout: row.revoked_at,
      revocations: row.revocations,
      seconds_after_logout: { min: Math.round(row.first_after_s), max: Math.round(row.last_after_s ?? row.first_after_s) },
      uses: row.uses,
      accepted: row.accepted,
      outcome_unknown: row.unknown_outcome,
      ips: row.ips,
    },
  };
}

function perToken(row: Row): FindingDraft {
  const draftRow = { ...row, sha256: row.sha256!, token: row.token!, sig_status: row.sig_status! };
  return tokenDraft(draftRow, byOutcome(row, outcomeLevels(PER_TOKEN)), {
    revoked_at: row.revoked_at,
    explicit_revocation: row.explicit,
    revocations: row.revocations,
    first_use_after: row.first_seen,
    last_use_after: row.last_seen,
    seconds_after_revocation: Math.round(row.first_after_s),
    kind: row.kind,
    ips: row.ips,
  });
}

export const revokedUse = defineCheck({
  id: 'revoked-use',
  title: 'Token used after it was revoked or logged out',
  description: describe(
    'A token presented after its jti, session (sid) or subject was revoked (the revocations input, or a successful ' +
      '`revoke` event) or its session logged out (a successful `logout` event), later than the clock-skew leeway. A use ' +
      'before the revocation does not count, nor a token minted after a session- or subject-wide revocation or logout ' +
      "(iat in or after the revocation's second): `sid` names the End-User's session at the OpenID Provider (OpenID " +
      'Connect Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.4), which an application\'s own logout leaves in ' +
      'place, so a silent re-login (prompt=none, OpenID Connect Core §3.1.2.1) mints fresh tokens carrying the same sid: ' +
      'a new login, not the ended one. A revocations entry whose reason says the user signed out (and names no security ' +
      'or administrative cause) counts as a logout; every other entry, and every `revoke` event, is an explicit ' +
      'revocation. A use after nothing but logouts, at an API (not a refresh exchange), of a token still valid there ' +
      "(within exp plus the API's verifier skew, as expired-use reads it) and not rejected is gathered with the others at " +
      'that API into one finding. Logout and revoke events are not uses (DESIGN: one definition of use).',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'use', needs: ['revocations', ['token-events', 'refresh-links'], 'tokens'] },
  remediation:
    'Make the APIs check revocation (introspection, a deny-list by jti/sid, or short-lived access tokens bound to the ' +
    'session) and purge gateway caches on revoke. For an accepted use, review what the token reached after the revocation. ' +
    'For tokens still accepted after a logout, shorten access-token lifetimes or have the API honour back-channel logout (sid).',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({ leeway: policy.clock_skew_seconds, ...verifierSkewParams(policy) }),
  toFinding: (row) => (row.scope === 'api' ? perApi(row) : perToken(row)),
});
