// A key with a `revoked` or `compromised` rotation record that signed a token after that time (by iat) or with which
// a token was accepted after it. Whoever holds a compromised key can mint any token, so acceptance is critical.
import { defineCheck, type FindingDraft } from './check.js';
import { LIFECYCLE_COLUMNS, lifecycleEvidence, lifecycleTokensSql, type LifecycleRow } from './key-lifecycle.js';
import { severityByAcceptance, tokenDraft } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, ladder, FORGERY_LEVELS } from './ladder.js';

// No clock-skew leeway: a revocation is a security event, a token minted seconds after it is still suspect.
const SQL = `WITH base AS (${lifecycleTokensSql('least(w.revoked, w.compromised)')})
SELECT * FROM base WHERE signed_after OR accepted_after > 0`;

// A row is a token accepted at or after the cut-off, or one signed after it (then every use is after its iat): an
// acceptance of either kind is critical. (The description once said "critical when accepted after the revocation;
// otherwise high …", while a token signed after it and accepted was critical too: the ladder says both.)
const LADDER = ladder(...byAcceptance(FORGERY_LEVELS, {
  accepted: 'at or after the revocation, or at any time for a token signed after it',
}));

function toFinding(row: LifecycleRow): FindingDraft {
  // accepted_after > 0 implies accepted > 0: one helper call is the whole ladder
  const severity = severityByAcceptance(row, acceptanceLevels(LADDER));
  const kid = row.kid;
  const what = row.compromised !== null && row.compromised === row.cut_at ? 'compromised' : 'revoked';
  const title = row.signed_after ? `Token signed by key ${kid} after it was ${what}` : `Token accepted with ${what} key ${kid}`;
  const evidence = { ...lifecycleEvidence(row), key_state: what, key_unusable_since: row.cut_at, signed_after_revocation: row.signed_after };
  // the events after the cut-off, not every use
  return { ...tokenDraft({ ...row, events: row.events_after }, severity, evidence, title), kid };
}

export const revokedKey = defineCheck({
  id: 'revoked-key',
  title: 'Revoked or compromised key used',
  description: describe(
    'From the rotation records: a token signed by a key at or after its `revoked` / `compromised` record (by iat), or ' +
      'accepted (outcome success) with such a key at or after that time, whenever it was issued. Tokens signed and used ' +
      'before the revocation do not fire.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'signature', needs: ['rotation-records', 'tokens'] },
  remediation:
    'Remove the key from every verifier now, revoke every session established with a token it signed after the ' +
    'revocation, and review what those sessions accessed; a compromised key means every such token may be forged.',
  scope: 'detection',
  sql: SQL,
  columns: LIFECYCLE_COLUMNS,
  toFinding,
});
