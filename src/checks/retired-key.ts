// A key retired in the rotation records that still signs (by the token's iat) or is still honoured (an accepted
// use after the retirement). These are separate findings: the first is about the issuer, the second the verifier.
// Retired means the key stopped signing, not that trust in it ended (revoked and compromised do that): a token signed
// before the retirement and accepted after it, within its own lifetime, is what every rotation produces — OpenID
// Connect keeps recently retired keys published for exactly this — so that overlap is info, unless the policy says a
// retirement ends trust (`retired_key_trusted: false`). Accepted after its own expiry as well is a finding.
import type { Policy } from '../policy/policy.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { LIFECYCLE_COLUMNS, lifecycleEvidence, lifecycleTokensSql } from './key-lifecycle.js';
import { severityByAcceptance, subjectOf } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, severityOf, type Ladder, type LadderCase } from './ladder.js';

// Clock-skew leeway after the retirement time, for both the iat and the event times.
const BASE = lifecycleTokensSql(`w.retired + to_seconds($skew::DOUBLE)`, `to_seconds($skew::DOUBLE)`);
const SQL = `WITH base AS MATERIALIZED (${BASE})
SELECT *, 'signed-after' AS kind FROM base WHERE signed_after
UNION ALL BY NAME
SELECT *, 'accepted-after' AS kind FROM base WHERE accepted_after > 0
ORDER BY sha256, kind`;

const COLUMNS = columns({ ...LIFECYCLE_COLUMNS, kind: 'text' });

// Signing after retirement: the issuer (or whoever holds the old private key) still uses it.
const SIGNED_AFTER: LadderCase = {
  name: 'signed after retirement',
  rungs: byAcceptance({ accepted: 'high', unknown: 'medium', unused: 'medium', rejected: 'low' }),
};
// Accepting after retirement: worse when the token was also signed after; a token past its own exp still honoured
// with a retired key says the verifier checks neither; within the token's lifetime it is rotation overlap.
interface Accepted {
  signed_after: boolean;
  overlap: boolean;
  trusted: boolean;
}
const ACCEPTED_AFTER: LadderCase<Accepted> = {
  name: 'accepted after retirement',
  rungs: [
    { severity: 'high', when: 'when the token was also signed after retirement', test: (a) => a.signed_after },
    {
      severity: 'medium',
      when: 'when it was accepted after its own exp too, or when the policy says a retirement ends trust (`retired_key_trusted: false`)',
      test: (a) => !a.overlap || !a.trusted,
    },
    {
      severity: 'info',
      when: 'otherwise: a token signed before a routine rotation and used for the rest of its lifetime is rotation overlap, ' +
        'which OpenID Connect keeps retired keys published for',
      test: () => true,
    },
  ],
};
const LADDER: Ladder = [SIGNED_AFTER, ACCEPTED_AFTER];

function toFinding(row: RowOf<typeof COLUMNS>, policy: Policy): FindingDraft {
  const signed = row.kind === 'signed-after';
  const overlap = !signed && !row.signed_after && row.accepted_after_expiry === 0;
  const severity = signed
    ? severityByAcceptance(row, acceptanceLevels(SIGNED_AFTER))
    : severityOf(ACCEPTED_AFTER, { signed_after: row.signed_after, overlap, trusted: policy.retired_key_trusted })!;
  const kid = row.kid;
  const who = subjectOf(row);
  return {
    key: [row.kind, row.sha256],
    severity,
    title: signed
      ? `Token signed by key ${kid} after its retirement`
      : overlap
        ? `Token signed before key ${kid} was retired, accepted after it within its lifetime (rotation overlap)`
        : row.signed_after
          ? `Token accepted after its key ${kid} was retired`
          : `Token accepted after its own expiry and after its key ${kid} was retired`,
    jti: row.jti,
    sub: who.sub,
    kid,
    token: row.token,
    first_seen: signed ? row.first_seen : row.first_accepted_after,
    last_seen: signed ? row.last_seen : row.last_accepted_after,
    events: row.events_after,
    evidence: {
      ...lifecycleEvidence(row), signed_after_retirement: row.signed_after, retired_cutoff_with_leeway: row.cut_at,
      accepted_after_expiry: row.accepted_after_expiry, rotation_overlap: overlap, retired_key_trusted: policy.retired_key_trusted,
      subject_source: who.subject_source, claimed_sub: who.claimed_sub,
    },
  };
}

export const retiredKey = defineCheck({
  id: 'retired-key',
  title: 'Retired key still in use',
  description: describe(
    'From the rotation records (a record with `jkt` or `iss` applies to that key only): a token signed by a key after ' +
      'its retirement (iat past retirement + clock-skew leeway), and, as a separate finding, a token accepted (outcome ' +
      'success) after its key was retired. Tokens issued and used before the retirement do not fire.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'signature', needs: ['rotation-records', 'tokens'] },
  remediation:
    'Remove the retired key from every issuer (signing) and every verifier key set (JWKS caches included); if it signed ' +
    'after retirement, find out who still holds the private key and consider it compromised.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy: Policy) => ({ skew: policy.clock_skew_seconds }),
  toFinding: (row, policy) => toFinding(row, policy),
});
