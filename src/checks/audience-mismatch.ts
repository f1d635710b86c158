import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { severityByAcceptance, tokenDraft } from './token-usage.js';
import { acceptanceLevels, describe, ladder } from './ladder.js';
import { TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';

// Identifiers compare exactly except for trailing slashes ("https://api.example/" is "https://api.example"):
// no prefix or substring matching, which would let "https://api.example.evil" pass for "https://api.example".
// A use is judged against the event's `aud` (the API it targeted), else against policy trusted_audiences.
// A token without `aud` is not judged: nothing in it names another audience.
// Policy lists arrive as JSON text (bound, never spliced) and are normalised once, as constants.
const ISSUERS = `list_transform(CAST($issuers::JSON AS VARCHAR[]), x -> rtrim(x, '/'))`;
const AUDIENCES = `list_transform(CAST($audiences::JSON AS VARCHAR[]), x -> rtrim(x, '/'))`;

const SQL = `
WITH
toks AS (
  SELECT t.*, list_transform(t.aud, x -> rtrim(x, '/')) AS naud,
    len(${ISSUERS}) > 0 AND (t.iss IS NULL OR NOT list_contains(${ISSUERS}, rtrim(t.iss, '/'))) AS untrusted_iss
  FROM tokens t WHERE t.decode_ok),
judged AS (
  SELECT u.*, CASE
      WHEN len(coalesce(t.naud, [])) = 0 THEN false
      WHEN u.aud IS NOT NULL THEN NOT list_contains(t.naud, rtrim(u.aud, '/'))
      WHEN len(${AUDIENCES}) > 0 THEN NOT list_has_any(t.naud, ${AUDIENCES})
      ELSE false END AS aud_miss, t.untrusted_iss
  FROM uses u JOIN toks t ON t.sha256 = u.used_sha),
relevant AS (SELECT * FROM judged WHERE aud_miss OR untrusted_iss)
SELECT ${TOKEN_COLUMNS}, t.aud AS token_aud, t.untrusted_iss, ${useColumns('u')},
  count(u.ts) FILTER (WHERE u.aud_miss) AS aud_misses,
  list(DISTINCT coalesce(u.aud, '(no aud in event)')) FILTER (WHERE u.aud_miss)[1:10] AS used_against
FROM toks t JOIN token_kinds k ON k.sha256 = t.sha256
LEFT JOIN relevant u ON u.used_sha = t.sha256
WHERE t.untrusted_iss OR u.aud_miss
GROUP BY ALL ORDER BY t.sha256`;

// token_aud and used_against are evidence as stored (NULL stays null).
const COLUMNS = columns({ ...TOKEN_USE_COLUMNS, token_aud: 'json?', untrusted_iss: 'bool?', aud_misses: 'int', used_against: 'json?' });

function evidence(row: RowOf<typeof COLUMNS>, trusted: string[]): Record<string, unknown> {
  const audMiss = row.aud_misses > 0;
  return {
    reasons: [...(audMiss ? ['audience'] : []), ...(row.untrusted_iss ? ['issuer'] : [])],
    token_aud: row.token_aud,
    used_against: audMiss ? row.used_against : undefined,
    uses_outside_audience: audMiss ? row.aud_misses : undefined,
    iss: row.iss,
    trusted_issuers: row.untrusted_iss ? trusted : undefined,
    sig_status: row.sig_status,
    ips: row.ips,
  };
}

const LADDER = ladder(
  { severity: 'high', usage: ['accepted'], when: 'when such a use was accepted (the API does not check aud/iss: tokens for one service open another)' },
  { severity: 'medium', usage: ['unknown'], when: 'when the outcome was not recorded' },
  { severity: 'low', usage: ['rejected'], when: 'when every such use was rejected' },
  { severity: 'info', usage: ['unused'], when: "for an untrusted issuer's token only captured" },
);

export const audienceMismatch = defineCheck({
  id: 'audience-mismatch',
  title: 'Token used outside its audience, or from an untrusted issuer',
  description: describe(
    'A token whose `aud` (string or array) does not name the API the event says it was used against (event `aud`; ' +
      'without one, policy trusted_audiences when set), or whose issuer is not in policy trusted_issuers (when that list is ' +
      'set). Trailing slashes are ignored, nothing else: no prefix matching. Tokens without `aud` are not judged. Not ' +
      'evaluated when no event names its API and the policy sets neither list.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: [['event-audiences', 'audience-policy'], 'tokens'] },
  remediation:
    'Make each API require its own identifier in `aud` and accept only its configured issuers; give each API its own ' +
    'audience. Review what an accepted token reached at the API it was not meant for.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({
    audiences: JSON.stringify(policy.trusted_audiences),
    issuers: JSON.stringify(policy.trusted_issuers),
  }),
  toFinding: (row, policy) =>
    tokenDraft(
      row,
      severityByAcceptance(row, acceptanceLevels(LADDER)),
      evidence(row, policy.trusted_issuers),
    ),
});
