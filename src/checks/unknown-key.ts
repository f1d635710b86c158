// Tokens whose kid names no key in the registry, one finding per kid: how many tokens, who, and whether the
// server accepted them. Verdicts are re-settled when a later JWKS brings the key (reverifyForKeys), so a kid
// whose key arrived after its tokens is not reported.
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { severityByAcceptance } from './token-usage.js';
import { acceptanceLevels, describe, ladder } from './ladder.js';
import { eventRefsSql } from './views.js';

const SQL = `
WITH unk AS (
  SELECT t.* FROM tokens t WHERE t.decode_ok AND t.sig_status = 'unknown-key'
    AND t.sig_detail IN ('no-key-for-kid', 'no-candidate-key', 'too-many-candidates')
    AND (t.kid IS NOT NULL OR (t.header->'kid') IS NULL))
SELECT u.kid,
  count(DISTINCT u.sha256) AS tokens,
  count(DISTINCT u.sha256) FILTER (WHERE u.sig_detail = 'too-many-candidates') AS gave_up,
  count(DISTINCT u.sha256) FILTER (WHERE e.outcome = 'success') AS accepted_tokens,
  list(DISTINCT u.fingerprint ORDER BY u.fingerprint)[1:20] AS fingerprints,
  coalesce(list(DISTINCT u.sub ORDER BY u.sub) FILTER (WHERE u.sub IS NOT NULL)[1:20], []) AS subs,
  coalesce(list(DISTINCT u.jti ORDER BY u.jti) FILTER (WHERE u.jti IS NOT NULL)[1:20], []) AS jtis,
  coalesce(list(DISTINCT u.iss ORDER BY u.iss) FILTER (WHERE u.iss IS NOT NULL), []) AS issuers,
  coalesce(list(DISTINCT u.alg ORDER BY u.alg) FILTER (WHERE u.alg IS NOT NULL), []) AS algs,
  coalesce(list(DISTINCT e.ip ORDER BY e.ip) FILTER (WHERE e.outcome = 'success' AND e.ip IS NOT NULL)[1:20], []) AS accepted_ips,
  count(e.line) AS uses,
  count(e.line) FILTER (WHERE e.outcome = 'success') AS accepted,
  count(e.line) FILTER (WHERE e.outcome IS NULL OR e.outcome NOT IN ('success', 'failure')) AS unknown_outcome,
  coalesce(iso(min(e.ts)), iso(min(c.captured_at))) AS first_seen,
  coalesce(iso(max(e.ts)), iso(max(c.captured_at))) AS last_seen,
  (SELECT count(*) FROM key_events k WHERE k.kid = u.kid) AS rotation_records,
  ${eventRefsSql('e')} AS events
FROM unk u
LEFT JOIN uses e ON e.used_sha = u.sha256
LEFT JOIN (SELECT token_sha, min(captured_at) AS captured_at FROM captures GROUP BY token_sha) c ON c.token_sha = u.sha256
GROUP BY u.kid ORDER BY u.kid NULLS LAST`;

// kid is NULL for the group of tokens that carry none; the lists are never NULL (coalesce, or at least one token).
const COLUMNS = columns({
  kid: 'text?', tokens: 'int', gave_up: 'int', accepted_tokens: 'int', fingerprints: 'text[]', subs: 'text[]', jtis: 'text[]', issuers: 'text[]',
  algs: 'text[]', accepted_ips: 'text[]', uses: 'int', accepted: 'int', unknown_outcome: 'int', first_seen: 'text?',
  last_seen: 'text?', rotation_records: 'int', events: 'refs',
});

// Per kid, over all its tokens. Not critical even when accepted often: without the key we cannot tell a forgery from
// evidence we were not given.
const LADDER = ladder(
  { severity: 'high', usage: ['accepted'],
    when: 'when the server accepted any of them (it trusts a key the investigation does not have: a missing JWKS, or an attacker key)' },
  { severity: 'medium', usage: ['unknown'], when: 'when outcomes were not recorded' },
  { severity: 'low', usage: ['unused', 'rejected'], when: 'when they were only captured or always rejected' },
);

/** The one value when the group has exactly one, else null (the finding is about a kid, not one token). */
const only = (list: string[]): string | null => (list.length === 1 ? list[0]! : null);

function toFinding(row: RowOf<typeof COLUMNS>) {
  const kid = row.kid;
  // Not critical even when accepted often: without the key we cannot tell a forgery from evidence we were not given.
  const severity = severityByAcceptance(row, acceptanceLevels(LADDER));
  const title = row.gave_up > 0
    ? `Verification gave up: more registry keys could have signed ${row.gave_up} token(s)${kid === null ? ' without a kid' : ` under kid ${JSON.stringify(kid).slice(0, 80)}`} than max_verify_candidates allows`
    : kid === null
      ? `Tokens without a kid match no registry key for their algorithm (${row.algs.join(', ')})`
      : `kid ${JSON.stringify(kid).slice(0, 80)} is not in the key registry (${row.tokens} token(s), ${row.accepted} accepted use(s))`;
  return {
    key: ['kid', kid],
    severity,
    title,
    kid,
    jti: only(row.jtis),
    sub: only(row.subs),
    token: only(row.fingerprints),
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events: row.events,
    evidence: {
      tokens: row.tokens,
      verification_gave_up: row.gave_up > 0 ? row.gave_up : undefined,
      accepted_tokens: row.accepted_tokens,
      uses: row.uses,
      accepted: row.accepted,
      outcome_unknown: row.unknown_outcome,
      token_fingerprints: row.fingerprints,
      subjects: row.subs,
      issuers: row.issuers,
      algs: row.algs,
      accepted_from_ips: row.accepted_ips,
      rotation_records_for_kid: row.rotation_records,
    },
  };
}

export const unknownKey = defineCheck({
  id: 'unknown-key',
  title: 'Key not in the registry',
  description: describe(
    'Tokens whose kid names no registry key (or that carry no kid and match no registry key of their algorithm), ' +
      'grouped per kid with token and use counts; also tokens whose verification gave up because more registry keys ' +
      'could have signed them than `max_verify_candidates` allows (said in the title). Never critical: without the key ' +
      'a forgery cannot be proven. Not ' +
      'evaluated when the registry holds no key at all (every kid would be unknown).',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'signature', needs: ['tokens', 'keys'] },
  remediation:
    'Find where the kid comes from: ingest the JWKS of every issuer the services trust (rotation records name kids too). ' +
    'If no legitimate issuer owns the kid, treat the accepted tokens as forged and find the verifier that accepted them.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
