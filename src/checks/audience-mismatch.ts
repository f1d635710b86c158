import type { Severity } from '../findings/finding.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { severityByAcceptance, tokenDraft } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, outcomeLevels, type Ladder, type LadderCase } from './ladder.js';
import { byOutcome, TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';

// Identifiers compare exactly except for trailing slashes ("https://api.example/" is "https://api.example"):
// no prefix or substring matching, which would let "https://api.example.evil" pass for "https://api.example".
// Audience is judged only where a token is presented to a resource: a use is judged against the event's `aud` (the API
// it targeted), else against policy trusted_audiences. A refresh exchange is a presentation to the issuer's token
// endpoint (a refresh token's audience is the issuer itself): never judged for audience, whatever the event names.
// An `aud` array is satisfied by any member (RFC 7519 §4.1.3). A token without `aud` is not judged: nothing in it
// names another audience. A token presented to its own issuer's userinfo endpoint (same origin as `iss`, a path ending
// in /userinfo) is the issuer reading its own token, not a resource honouring a foreign one.
// Policy lists arrive as JSON text (bound, never spliced) and are normalised once, as constants.
const ISSUERS = `list_transform(CAST($issuers::JSON AS VARCHAR[]), x -> rtrim(x, '/'))`;
const AUDIENCES = `list_transform(CAST($audiences::JSON AS VARCHAR[]), x -> rtrim(x, '/'))`;
const ORIGIN = (x: string): string => `lower(regexp_extract(${x}, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+'))`;

const SQL = `
WITH
toks AS (
  SELECT t.*, k.kind, list_transform(t.aud, x -> rtrim(x, '/')) AS naud, ${ORIGIN('t.iss')} AS iss_origin,
    len(${ISSUERS}) > 0 AND (t.iss IS NULL OR NOT list_contains(${ISSUERS}, rtrim(t.iss, '/'))) AS untrusted_iss
  FROM tokens t JOIN token_kinds k ON k.sha256 = t.sha256 WHERE t.decode_ok),
placed AS (
  SELECT u.*, t.untrusted_iss, t.iss_origin, CASE
      WHEN len(coalesce(t.naud, [])) = 0 THEN false
      WHEN u.via = 'parent_jti' OR u.event = 'refresh' OR (u.aud IS NULL AND t.kind IN ('refresh', 'offline')) THEN false
      WHEN u.aud IS NOT NULL THEN NOT list_contains(t.naud, rtrim(u.aud, '/'))
      WHEN len(${AUDIENCES}) > 0 THEN NOT list_has_any(t.naud, ${AUDIENCES})
      ELSE false END AS outside
  FROM uses u JOIN toks t ON t.sha256 = u.used_sha),
judged AS (
  SELECT *, outside AND u.aud IS NOT NULL AND u.iss_origin <> ''
      AND regexp_matches(lower(rtrim(u.aud, '/')), '/userinfo(\\.openid)?$') AND ${ORIGIN('u.aud')} = u.iss_origin AS at_userinfo
  FROM placed u WHERE outside OR untrusted_iss),
relevant AS (SELECT *, (outside AND NOT at_userinfo) AS aud_miss FROM judged)
SELECT ${TOKEN_COLUMNS}, t.aud AS token_aud, t.untrusted_iss, ${useColumns('u')},
  count(u.ts) FILTER (WHERE u.aud_miss) AS aud_misses,
  count(u.ts) FILTER (WHERE u.at_userinfo) AS userinfo_uses,
  count(u.ts) FILTER (WHERE u.aud_miss OR t.untrusted_iss) AS serious_uses,
  count(u.ts) FILTER (WHERE (u.aud_miss OR t.untrusted_iss) AND u.outcome = 'success') AS serious_accepted,
  count(u.ts) FILTER (WHERE (u.aud_miss OR t.untrusted_iss) AND (u.outcome IS NULL OR u.outcome NOT IN ('success', 'failure'))) AS serious_unknown,
  list(DISTINCT coalesce(u.aud, '(no aud in event)')) FILTER (WHERE u.aud_miss)[1:10] AS used_against,
  list(DISTINCT u.aud) FILTER (WHERE u.at_userinfo)[1:10] AS userinfo_endpoints
FROM toks t JOIN token_kinds k ON k.sha256 = t.sha256
LEFT JOIN relevant u ON u.used_sha = t.sha256
WHERE t.untrusted_iss OR u.outside
GROUP BY ALL ORDER BY t.sha256`;

// token_aud, used_against and userinfo_endpoints are evidence as stored (NULL stays null).
const COLUMNS = columns({
  ...TOKEN_USE_COLUMNS, token_aud: 'json?', untrusted_iss: 'bool?', aud_misses: 'int', userinfo_uses: 'int',
  serious_uses: 'int', serious_accepted: 'int', serious_unknown: 'int', used_against: 'json?', userinfo_endpoints: 'json?',
});
type Row = RowOf<typeof COLUMNS>;

const AT_RESOURCE: LadderCase = {
  name: 'used at a resource outside its audience, or from an untrusted issuer',
  rungs: byAcceptance(
    { accepted: 'high', unknown: 'medium', unused: 'info', rejected: 'low' },
    {
      accepted: 'the API does not check aud/iss: tokens for one service open another',
      unused: "an untrusted issuer's token only captured",
    },
  ),
};
const AT_USERINFO: LadderCase = {
  name: "presented only to its issuer's own userinfo endpoint",
  rungs: [
    {
      severity: 'low', usage: ['accepted', 'unknown'],
      when: "when it was accepted or its outcome was not recorded: the issuer reads its own token (an ID token sent where " +
        'an access token belongs is a client bug, not a resource honouring a token meant for another)',
    },
    { severity: 'info', usage: ['rejected'], when: 'when every such use was rejected' },
  ],
};
const LADDER: Ladder = [AT_RESOURCE, AT_USERINFO];

function severity(row: Row): Severity {
  if (row.untrusted_iss || row.aud_misses > 0) {
    const counts = { uses: row.serious_uses, accepted: row.serious_accepted, unknown_outcome: row.serious_unknown };
    return severityByAcceptance(counts, acceptanceLevels(AT_RESOURCE));
  }
  return byOutcome(row, outcomeLevels(AT_USERINFO));
}

function evidence(row: Row, trusted: string[]): Record<string, unknown> {
  const audMiss = row.aud_misses > 0;
  const userinfo = row.userinfo_uses > 0;
  return {
    reasons: [...(audMiss ? ['audience'] : []), ...(row.untrusted_iss ? ['issuer'] : []), ...(userinfo ? ['issuer-userinfo'] : [])],
    token_aud: row.token_aud,
    used_against: audMiss ? row.used_against : undefined,
    uses_outside_audience: audMiss ? row.aud_misses : undefined,
    presented_at_issuer_userinfo: userinfo ? row.userinfo_endpoints : undefined,
    iss: row.iss,
    trusted_issuers: row.untrusted_iss ? trusted : undefined,
    kind: row.kind,
    sig_status: row.sig_status,
    ips: row.ips,
  };
}

export const audienceMismatch = defineCheck({
  id: 'audience-mismatch',
  title: 'Token used outside its audience, or from an untrusted issuer',
  description: describe(
    'A token whose `aud` (string or array: any member satisfies it, RFC 7519 §4.1.3) does not name the resource the ' +
      'event says it was used against (event `aud`; without one, policy trusted_audiences when set), or whose issuer is ' +
      'not in policy trusted_issuers (when that list is set). Audience is judged only on uses at a resource: a refresh ' +
      "exchange (a refresh event, or a refresh or offline token in an event naming no API) is a presentation to the issuer's " +
      "token endpoint (RFC 6749 §6; a refresh token's audience is the issuer), never judged for audience, so routine " +
      'refreshes stay quiet once trusted_audiences is set. A token presented to ' +
      "its own issuer's userinfo endpoint (same origin as `iss`, a path ending in /userinfo: OpenID Connect Core §5.3) " +
      'is told apart from a resource honouring a foreign token. Trailing slashes are ignored, nothing else: no prefix ' +
      'matching. Tokens without `aud` are not judged. Not evaluated when no event names its API and the policy sets ' +
      'neither list.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'use', needs: [['event-audiences', 'audience-policy'], 'tokens'] },
  remediation:
    'Make each API require its own identifier in `aud` and accept only its configured issuers; give each API its own ' +
    'audience. Review what an accepted token reached at the API it was not meant for. A client sending its ID token to ' +
    'userinfo should send its access token instead.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({
    audiences: JSON.stringify(policy.trusted_audiences),
    issuers: JSON.stringify(policy.trusted_issuers),
  }),
  toFinding: (row, policy) => {
    const onlyUserinfo = !row.untrusted_iss && row.aud_misses === 0;
    return tokenDraft(
      row,
      severity(row),
      evidence(row, policy.trusted_issuers),
      onlyUserinfo ? "Token presented to its issuer's userinfo endpoint outside its audience" : undefined,
    );
  },
});
