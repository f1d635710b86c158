import type { Severity } from '../findings/finding.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { tokenDraft } from './token-usage.js';
import { describe, ladder, severityOf } from './ladder.js';
import { isoOf, TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';

// Lifetime runs from iat (else nbf, else the first sighting: a lower bound, so "over" stays over) to exp.
// Only tokens the issuer really minted (signature valid) or the server honoured (an accepted use): a forged
// token's lifetime is the forger's choice, and the signature checks already report it. A token known only by the
// claims a gateway logged after validating it (not-captured) counts as honoured; tied to its raw token, it is that one.
// A Keycloak offline token the issuer signed without exp (its default, below) is open-ended by design: its lifetime
// is measured to its last sighting instead, the most the logs show it lived.
const SQL = `
WITH
seen AS (
  SELECT sha256, min(ts) AS ts, max(ts) AS last_ts FROM (
    SELECT token_sha AS sha256, ts FROM events WHERE token_sha IS NOT NULL
    UNION ALL SELECT used_sha, ts FROM uses WHERE via = 'parent_jti' -- a refresh token is presented by its jti
    UNION ALL SELECT token_sha, captured_at FROM captures) GROUP BY sha256),
judged AS (
  SELECT t.*, k.kind,
    CASE k.kind WHEN 'access' THEN $max_access WHEN 'id' THEN $max_id WHEN 'refresh' THEN $max_refresh
      WHEN 'offline' THEN $max_offline ELSE $max_other END AS max_s,
    k.kind = 'offline' AND t.exp IS NULL AND t.sig_status = 'valid' AS open_ended,
    CASE WHEN t.iat IS NOT NULL THEN 'iat' WHEN t.nbf IS NOT NULL THEN 'nbf' ELSE 'first_seen' END AS basis,
    s.ts AS sighted, s.last_ts AS last_sighted,
    coalesce(t.exp, CASE WHEN k.kind = 'offline' AND t.sig_status = 'valid' THEN epoch(s.last_ts) END) - coalesce(t.iat, t.nbf, epoch(s.ts)) AS lifetime_s
  FROM tokens t JOIN token_kinds k ON k.sha256 = t.sha256 LEFT JOIN seen s ON s.sha256 = t.sha256 WHERE t.decode_ok AND t.same_as IS NULL)
SELECT ${TOKEN_COLUMNS}, t.iat, t.exp, t.max_s, t.basis, t.open_ended, t.lifetime_s, t.typ, iso(t.sighted) AS sighted,
  iso(t.last_sighted) AS last_sighted, t.claims->>'typ' AS payload_typ,
  t.claims->>'token_use' AS token_use, t.claims->>'token_type' AS token_type,
  ${useColumns('u')}
FROM judged t JOIN token_kinds k ON k.sha256 = t.sha256 LEFT JOIN uses u ON u.used_sha = t.sha256
WHERE (t.exp IS NULL AND NOT t.open_ended) OR t.lifetime_s > t.max_s
GROUP BY ALL
HAVING t.sig_status IN ('valid', 'not-captured') OR count(*) FILTER (WHERE u.outcome = 'success') > 0
ORDER BY t.sha256`;

const COLUMNS = columns({
  ...TOKEN_USE_COLUMNS, iat: 'num?', exp: 'num?', max_s: 'num', basis: 'text', open_ended: 'bool', lifetime_s: 'num?', typ: 'text?',
  sighted: 'text?', last_sighted: 'text?', payload_typ: 'text?', token_use: 'text?', token_type: 'text?',
});
type LifetimeRow = RowOf<typeof COLUMNS>;

/** No exp (an open-ended offline token aside: it is measured to its last sighting), or ten times the limit: a bearer
 *  token that is effectively forever. */
const extreme = (row: LifetimeRow): boolean => (row.exp === null && !row.open_ended) || (row.lifetime_s ?? 0) > 10 * row.max_s;
const accepted = (row: LifetimeRow): boolean => row.accepted > 0;

const LADDER = ladder<LifetimeRow>(
  { severity: 'high', when: 'when a token without exp or over ten times the limit was accepted', test: (r) => extreme(r) && accepted(r) },
  {
    severity: 'medium', when: 'when such a token was only minted, or a token over the limit was accepted',
    test: (r) => extreme(r) || accepted(r),
  },
  { severity: 'low', when: 'when a token over the limit was never seen accepted', test: () => true },
);

const severity = (row: LifetimeRow): Severity => severityOf(LADDER, row)!;

export const lifetimeExcessive = defineCheck({
  id: 'lifetime-excessive',
  title: 'Token lifetime beyond policy',
  description: describe(
    'A token whose `exp - iat` exceeds policy max_lifetime_seconds for its kind (access 24 h, id 24 h, refresh 90 days, ' +
      'offline 90 days, other 24 h), or that has no `exp` at all. The kind comes from the header typ at+jwt (RFC 9068), ' +
      'the payload typ Keycloak writes (org.keycloak.util.TokenUtil: Bearer or DPoP → access, ID → id, Refresh → refresh, ' +
      'Offline → offline), token_use or token_type. An offline token is the refresh token of an offline_access session, ' +
      'made to outlive logins: Keycloak keeps it alive while it is used within Offline Session Idle (default 30 days) and, ' +
      'only when Offline Session Max Limited is on (off by default), for at most Offline Session Max (default 60 days) — ' +
      'hence its own limit. With that flag off Keycloak signs it without `exp` (keycloak/keycloak PR #7012, issue #27201) ' +
      'and enforces the idle timeout on the server, so a validly signed offline token without `exp` is not reported for ' +
      'lacking one: its lifetime is measured from iat to its last sighting (a use, an exchange by parent_jti, a capture) ' +
      'and judged against the offline limit. Only tokens with a valid signature or an accepted use: a forgery\'s ' +
      'lifetime is the forger\'s choice.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: ['tokens'] },
  remediation:
    'Shorten the lifetime configured for this client and token kind on the issuer (access tokens minutes, refresh tokens ' +
    'days with rotation), always set `exp`, and revoke the long-lived tokens already issued.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({
    max_access: policy.max_lifetime_seconds.access,
    max_id: policy.max_lifetime_seconds.id,
    max_refresh: policy.max_lifetime_seconds.refresh,
    max_offline: policy.max_lifetime_seconds.offline,
    max_other: policy.max_lifetime_seconds.other,
  }),
  toFinding: (row) => ({
    ...tokenDraft(row, severity(row), {
      kind: row.kind,
      kind_from: {
        typ: row.typ, payload_typ: row.payload_typ ?? undefined, token_use: row.token_use ?? undefined, token_type: row.token_type ?? undefined,
      },
      iat: isoOf(row.iat),
      exp: isoOf(row.exp),
      no_exp: row.exp === null,
      lifetime_seconds: row.lifetime_s === null ? null : Math.round(row.lifetime_s),
      lifetime_from: row.basis,
      lifetime_to: row.open_ended ? 'last sighting (an offline token without exp: the issuer enforces its idle timeout)' : undefined,
      last_sighted: row.open_ended ? row.last_sighted : undefined,
      max_lifetime_seconds: row.max_s,
      sig_status: row.sig_status,
    }),
    first_seen: row.first_seen ?? row.sighted,
  }),
});
