// Tokens whose kid names no key in the registry, one finding per kid: how many tokens, who, and whether the
// server accepted them. Verdicts are re-settled when a later JWKS brings the key (reverifyForKeys), so a kid
// whose key arrived after its tokens is not reported.
import type { Policy } from '../policy/policy.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { severityByAcceptance } from './token-usage.js';
import { isoOf } from './token-uses.js';
import { acceptanceLevels, describe, severityOf, type Ladder, type LadderCase } from './ladder.js';
import { eventRefsSql } from './views.js';

// A kid the rotation records name (for the token's issuer, when a record says one) is a key the investigation knows
// of but was not given: a JWKS saved after a rotation no longer lists the retired key. Its tokens signed within the
// key's recorded life are "known key, not in the registry" (the `known` group); the rest of the kid's tokens stay
// unknown: signed before it was created or after it was retired (+ clock-skew leeway, as retired-key cuts), without an
// iat to place them, or under a kid whose records say it was revoked or compromised.
const SQL = `
WITH unk AS (
  SELECT t.* FROM tokens t WHERE t.decode_ok AND t.sig_status = 'unknown-key'
    AND t.sig_detail IN ('no-key-for-kid', 'no-candidate-key', 'too-many-candidates')
    AND (t.kid IS NOT NULL OR (t.header->'kid') IS NULL)),
recorded AS (
  SELECT u.sha256, min(least(w.created, w.activated)) AS started, min(w.retired) AS retired,
    min(least(w.revoked, w.compromised)) AS ended
  FROM unk u JOIN key_record_windows w ON w.kid = u.kid AND (w.iss IS NULL OR w.iss = u.iss)
  WHERE u.sig_detail = 'no-key-for-kid' GROUP BY u.sha256),
classed AS (
  SELECT u.*, r.sha256 IS NOT NULL AS recorded, r.started, r.retired, r.ended,
    coalesce(r.sha256 IS NOT NULL AND r.ended IS NULL AND u.iat IS NOT NULL
      AND (r.started IS NULL OR epoch_ts(u.iat) >= r.started - to_seconds($skew::DOUBLE))
      AND (r.retired IS NULL OR epoch_ts(u.iat) <= r.retired + to_seconds($skew::DOUBLE)), false) AS known
  FROM unk u LEFT JOIN recorded r USING (sha256))
SELECT u.kid, u.known,
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
  -- what the records say of the key, and why tokens under a kid they name are not counted as known
  iso(min(u.started)) AS key_started, iso(min(u.retired)) AS key_retired, iso(min(u.ended)) AS key_revoked,
  count(DISTINCT u.sha256) FILTER (WHERE u.recorded AND NOT u.known AND u.ended IS NULL AND u.iat IS NULL) AS recorded_no_iat,
  count(DISTINCT u.sha256) FILTER (WHERE u.recorded AND NOT u.known AND u.ended IS NULL AND u.iat IS NOT NULL) AS recorded_outside_life,
  min(u.iat) FILTER (WHERE u.known) AS first_iat, max(u.iat) FILTER (WHERE u.known) AS last_iat,
  ${eventRefsSql('e')} AS events
FROM classed u
LEFT JOIN uses e ON e.used_sha = u.sha256
LEFT JOIN (SELECT token_sha, min(captured_at) AS captured_at FROM captures GROUP BY token_sha) c ON c.token_sha = u.sha256
GROUP BY u.kid, u.known ORDER BY u.kid NULLS LAST, u.known`;

// kid is NULL for the group of tokens that carry none; the lists are never NULL (coalesce, or at least one token).
const COLUMNS = columns({
  kid: 'text?', tokens: 'int', gave_up: 'int', accepted_tokens: 'int', fingerprints: 'text[]', subs: 'text[]', jtis: 'text[]', issuers: 'text[]',
  algs: 'text[]', accepted_ips: 'text[]', uses: 'int', accepted: 'int', unknown_outcome: 'int', first_seen: 'text?',
  last_seen: 'text?', rotation_records: 'int', known: 'bool', key_started: 'text?', key_retired: 'text?', key_revoked: 'text?',
  recorded_no_iat: 'int', recorded_outside_life: 'int', first_iat: 'num?', last_iat: 'num?', events: 'refs',
});
type UnknownRow = RowOf<typeof COLUMNS>;

// Per kid, over all its tokens. Not critical even when accepted often: without the key we cannot tell a forgery from
// evidence we were not given.
const UNKNOWN: LadderCase = {
  name: 'a kid no registry key and no rotation record accounts for (or tokens its records do not cover)',
  rungs: [
    { severity: 'high', usage: ['accepted'],
      when: 'when the server accepted any of them (it trusts a key the investigation does not have: a missing JWKS, or an attacker key)' },
    { severity: 'medium', usage: ['unknown'], when: 'when outcomes were not recorded' },
    { severity: 'low', usage: ['unused', 'rejected'], when: 'when they were only captured or always rejected' },
  ],
};
// A key the rotation records know, whose public key the investigation was not given: a gap in the evidence to fill,
// not a sign of forgery — whoever could forge under its kid would need its private key, and the records say nothing
// of a compromise.
const KNOWN: LadderCase<UnknownRow> = {
  name: 'a kid the rotation records name, tokens signed within its recorded life, no revocation or compromise recorded',
  rungs: [{ severity: 'low', when: 'always, one finding per kid: ingest the key set that still held it', test: (r) => r.known }],
};
const LADDER: Ladder = [UNKNOWN, KNOWN];

/** The one value when the group has exactly one, else null (the finding is about a kid, not one token). */
const only = (list: string[]): string | null => (list.length === 1 ? list[0]! : null);

/** What both findings say of the kid's group of tokens: its one jti, sub and token if it has one, and when it was seen. */
const groupFields = (row: UnknownRow) => ({
  jti: only(row.jtis),
  sub: only(row.subs),
  token: only(row.fingerprints),
  first_seen: row.first_seen,
  last_seen: row.last_seen,
  events: row.events,
});

/** The group's uses and who and what its tokens name, in both findings' evidence. */
const groupEvidence = (row: UnknownRow) => ({
  accepted_tokens: row.accepted_tokens,
  uses: row.uses,
  accepted: row.accepted,
  outcome_unknown: row.unknown_outcome,
  token_fingerprints: row.fingerprints,
  subjects: row.subs,
  issuers: row.issuers,
  algs: row.algs,
});

function toFinding(row: UnknownRow): FindingDraft {
  if (row.known) return knownKeyFinding(row);
  const kid = row.kid;
  const severity = severityByAcceptance(row, acceptanceLevels(UNKNOWN));
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
    ...groupFields(row),
    evidence: {
      tokens: row.tokens,
      verification_gave_up: row.gave_up > 0 ? row.gave_up : undefined,
      ...groupEvidence(row),
      accepted_from_ips: row.accepted_ips,
      rotation_records_for_kid: row.rotation_records,
      ...whyNotKnown(row),
    },
  };
}

/** Why tokens under a kid the rotation records name are still unknown (nothing when the records do not name it). */
function whyNotKnown(row: UnknownRow): Record<string, unknown> {
  if (row.key_revoked !== null) {
    return { records_say: `revoked or compromised at ${row.key_revoked}: its tokens cannot be vouched for without the key` };
  }
  if (row.recorded_outside_life === 0 && row.recorded_no_iat === 0) return {};
  return {
    key_created_or_activated: row.key_started ?? undefined,
    key_retired: row.key_retired ?? undefined,
    tokens_signed_outside_recorded_life: row.recorded_outside_life || undefined,
    tokens_without_iat: row.recorded_no_iat || undefined,
  };
}

/** One low finding per kid the records know: the tokens were not verified for want of the key, say which key to fetch. */
function knownKeyFinding(row: UnknownRow): FindingDraft {
  const kid = JSON.stringify(row.kid).slice(0, 80);
  const retired = row.key_retired === null ? '' : ` (retired ${row.key_retired})`;
  return {
    key: ['known-kid', row.kid],
    severity: severityOf(KNOWN, row)!,
    title: `Known key ${kid}${retired} is not in the registry: ${row.tokens} token(s) it signed could not be verified`,
    kid: row.kid,
    ...groupFields(row),
    evidence: {
      known_from: 'rotation records',
      key_created_or_activated: row.key_started,
      key_retired: row.key_retired,
      rotation_records_for_kid: row.rotation_records,
      tokens: row.tokens,
      signed_from: isoOf(row.first_iat),
      signed_until: isoOf(row.last_iat),
      ...groupEvidence(row),
      request: `the JWKS (or PEM) that still held kid ${kid}, e.g. one saved before its retirement: ingest it and its tokens are verified`,
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
      'a forgery cannot be proven. Not evaluated when the registry holds no key at all (every kid would be unknown). ' +
      'A kid the rotation records name (for the token\'s issuer when a record says one) is a known key the investigation ' +
      'was not given — typically a JWKS saved after a rotation, which no longer lists the retired key (OpenID Connect ' +
      'Core §10.1.1 asks only that decommissioned keys stay published "for a reasonable period of time"). Its tokens signed within the recorded ' +
      'life (iat from its created or activated record to its retirement, with the clock-skew leeway retired-key uses) are ' +
      'one low finding per kid asking for the old key set, and the coverage line counts the tokens left unverified, ' +
      'instead of an unknown key over thousands of tokens. Records do not hide a forgery: tokens under that kid signed ' +
      'before its creation or after its retirement, without an iat to place them, or under a kid whose records say ' +
      'revoked or compromised (whoever holds that private key can mint any token, and without the public key we cannot ' +
      'tell them apart) stay unknown at the severity below; retired-key and revoked-key judge them by those records as ' +
      'well (the records that name the kid without a thumbprint).',
    LADDER,
  ),
  ladder: LADDER,
  coverage: {
    family: 'signature',
    needs: ['tokens', 'keys'],
    note: (c) => c.recorded_kid_tokens > 0
      ? `${c.recorded_kid_tokens.toLocaleString('en')} token(s) name a kid the rotation records know but the registry lacks: not verified`
      : null,
  },
  remediation:
    'Find where the kid comes from: ingest the JWKS of every issuer the services trust (rotation records name kids too). ' +
    'If no legitimate issuer owns the kid, treat the accepted tokens as forged and find the verifier that accepted them.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy: Policy) => ({ skew: policy.clock_skew_seconds }),
  toFinding,
});
