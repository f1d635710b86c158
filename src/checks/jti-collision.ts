import type { Severity } from '../findings/finding.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { describe, severityOf, type LadderCase } from './ladder.js';

// A jti is unique within one issuer's id space, so tokens are grouped by (iss, jti): two issuers may both mint
// "abc". Tokens are distinct by sha256, so a token captured twice is one token. Contents compare as the claims'
// top-level key/value pairs in key order: the same claims re-signed (another key, another encoding) are not a
// collision; different subjects, times or scopes under one jti are. The claims a gateway logged for a raw token
// (tied to it at ingest: tokens.same_as) are that token, not another.
const SQL = `
WITH
cand AS (
  SELECT t.* FROM tokens t SEMI JOIN (
    SELECT coalesce(iss, '') AS iss_key, jti FROM tokens WHERE decode_ok AND jti IS NOT NULL AND same_as IS NULL GROUP BY ALL HAVING count(*) > 1) g
  ON g.iss_key = coalesce(t.iss, '') AND g.jti = t.jti
  WHERE t.decode_ok AND t.same_as IS NULL),
usage AS (
  SELECT used_sha, count(*) AS uses, count(*) FILTER (WHERE outcome = 'success') AS accepted,
    count(*) FILTER (WHERE outcome IS NULL OR outcome NOT IN ('success', 'failure')) AS unknown_outcome
  FROM uses u SEMI JOIN cand c ON c.sha256 = u.used_sha GROUP BY used_sha),
seen AS (
  SELECT sha256, min(ts) AS ts, max(ts) AS last FROM (
    SELECT token_sha AS sha256, ts FROM events e SEMI JOIN cand c ON c.sha256 = e.token_sha
    UNION ALL SELECT token_sha, captured_at FROM captures) GROUP BY sha256),
toks AS (
  SELECT t.sha256, t.fingerprint, t.iss, t.jti, t.sub, t.kid, t.sig_status, s.ts AS seen, s.last,
    coalesce(a.uses, 0) AS uses, coalesce(a.accepted, 0) AS accepted, coalesce(a.unknown_outcome, 0) AS unknown_outcome,
    list_sort(map_entries(TRY_CAST(t.claims AS MAP(VARCHAR, JSON))))::VARCHAR AS content
  FROM cand t LEFT JOIN usage a ON a.used_sha = t.sha256 LEFT JOIN seen s ON s.sha256 = t.sha256)
SELECT coalesce(iss, '') AS iss_key, iss, jti, count(*) AS tokens, count(DISTINCT coalesce(sub, '')) AS subjects,
  min(sub) AS any_sub, count(*) FILTER (WHERE sig_status = 'valid') AS valid,
  sum(accepted) FILTER (WHERE sig_status <> 'valid') AS accepted_altered,
  sum(unknown_outcome) FILTER (WHERE sig_status <> 'valid') AS unknown_altered,
  iso(min(seen)) AS first_seen, iso(max(last)) AS last_seen,
  list({'token': fingerprint, 'sub': sub, 'kid': kid, 'sig_status': sig_status, 'first_seen': iso(seen),
        'uses': uses::INTEGER, 'accepted': accepted::INTEGER} ORDER BY seen NULLS LAST, fingerprint)[1:10] AS token_list
FROM toks GROUP BY ALL HAVING count(DISTINCT content) > 1 ORDER BY iss_key, jti`;

// The *_altered sums are NULL when every token of the jti is validly signed (no altered copy: 0 here). first_seen and
// last_seen are NULL for tokens seen in no event or capture.
const COLUMNS = columns({
  iss_key: 'text', iss: 'text?', jti: 'text', tokens: 'int', subjects: 'int', any_sub: 'text?', valid: 'int',
  accepted_altered: 'int?', unknown_altered: 'int?', first_seen: 'text?', last_seen: 'text?', token_list: 'json',
});
type CollisionRow = RowOf<typeof COLUMNS>;

// The issuer itself minted one id twice: replay caches and jti deny-lists are broken (or its key is abused).
const GENUINE: LadderCase<CollisionRow> = {
  name: 'two or more validly signed tokens',
  rungs: [
    { severity: 'high', when: "when they name different subjects (the issuer's id space is broken or its key abused)", test: (r) => r.subjects > 1 },
    { severity: 'medium', when: 'when they are of one subject', test: () => true },
  ],
};
// At most one genuine token: the others are altered copies; judge them by whether the server took them.
const ALTERED: LadderCase<CollisionRow> = {
  name: 'altered copies (signature not valid) of at most one genuine token',
  rungs: [
    { severity: 'high', when: 'when a copy was accepted', test: (r) => (r.accepted_altered ?? 0) > 0 },
    { severity: 'medium', when: "when a copy's outcome was not recorded", test: (r) => (r.unknown_altered ?? 0) > 0 },
    { severity: 'low', when: 'when the copies were only captured or rejected', test: () => true },
  ],
};
const LADDER = [GENUINE, ALTERED];

const severity = (row: CollisionRow): Severity => severityOf(row.valid >= 2 ? GENUINE : ALTERED, row)!;

function toFinding(row: CollisionRow): FindingDraft {
  return {
    key: [row.iss_key, row.jti],
    severity: severity(row),
    jti: row.jti,
    sub: row.subjects === 1 ? row.any_sub : null,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    evidence: {
      iss: row.iss,
      tokens: row.tokens,
      subjects: row.subjects,
      validly_signed: row.valid,
      token_list: row.token_list,
    },
  };
}

export const jtiCollision = defineCheck({
  id: 'jti-collision',
  title: 'One jti on different tokens',
  description: describe(
    'Tokens of one issuer sharing a `jti` but differing in content (subject, times, scopes …). The same token seen ' +
      'twice, the same claims re-signed, and equal jtis from different issuers are not collisions.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'use', needs: ['tokens'] },
  remediation:
    'Find how the second token was made: an altered copy means forgery attempts (see bad-signature); two genuine tokens ' +
    'mean the issuer\'s jti generator or replay protection is broken. Revoke by session as well as by jti until fixed.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
