// A key retired in the rotation records that still signs (by the token's iat) or is still honoured (an accepted
// use after the retirement). These are separate findings: the first is about the issuer, the second the verifier.
import type { Policy } from '../policy/policy.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { LIFECYCLE_COLUMNS, lifecycleEvidence, lifecycleTokensSql } from './key-lifecycle.js';
import { severityByAcceptance } from './token-usage.js';

// Clock-skew leeway after the retirement time, for both the iat and the event times.
const BASE = lifecycleTokensSql(`w.retired + to_seconds($skew::DOUBLE)`);
const SQL = `WITH base AS MATERIALIZED (${BASE})
SELECT *, 'signed-after' AS kind FROM base WHERE signed_after
UNION ALL BY NAME
SELECT *, 'accepted-after' AS kind FROM base WHERE accepted_after > 0
ORDER BY sha256, kind`;

const COLUMNS = columns({ ...LIFECYCLE_COLUMNS, kind: 'text' });

function toFinding(row: RowOf<typeof COLUMNS>): FindingDraft {
  const signed = row.kind === 'signed-after';
  // Signing after retirement: the issuer (or whoever holds the old private key) still uses it.
  // Accepting after retirement: the verifier never dropped the key; worse when the token was also signed after.
  const severity = signed
    ? severityByAcceptance(row, { accepted: 'high', unknown: 'medium', unused: 'medium', rejected: 'low' })
    : row.signed_after
      ? 'high'
      : 'medium';
  const kid = row.kid;
  return {
    key: [row.kind, row.sha256],
    severity,
    title: signed ? `Token signed by key ${kid} after its retirement` : `Token accepted after its key ${kid} was retired`,
    jti: row.jti,
    sub: row.sub,
    kid,
    token: row.token,
    first_seen: signed ? row.first_seen : row.first_accepted_after,
    last_seen: signed ? row.last_seen : row.last_accepted_after,
    events: row.events_after,
    evidence: { ...lifecycleEvidence(row), signed_after_retirement: row.signed_after, retired_cutoff_with_leeway: row.cut_at },
  };
}

export const retiredKey = defineCheck({
  id: 'retired-key',
  title: 'Retired key still in use',
  description:
    'From the rotation records: a token signed by a key after its retirement (iat past retirement + clock-skew leeway), ' +
    'and, as a separate finding, a token accepted (outcome success) after its key was retired. Signed after: high if ' +
    'accepted, medium if the outcome is unknown or it was only captured, low if rejected. Accepted after: high when the ' +
    'token was also signed after retirement, medium when it was issued before (the verifier still trusts the old key). ' +
    'Tokens issued and used before the retirement do not fire.',
  remediation:
    'Remove the retired key from every issuer (signing) and every verifier key set (JWKS caches included); if it signed ' +
    'after retirement, find out who still holds the private key and consider it compromised.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy: Policy) => ({ skew: policy.clock_skew_seconds }),
  toFinding,
});
