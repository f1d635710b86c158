import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { describe, ladder } from './ladder.js';

const LADDER = ladder({
  severity: 'info',
  when: 'always (a stale or never-deployed key widens what verifiers trust for no benefit; its lifecycle state is in the evidence)',
});
import { KEY_TOKENS_SQL, REFERENCE_TIME_SQL, nowParam } from './key-audit.js';

// Only meaningful when the store holds traffic: with keys alone every key "signed nothing".
// A token that merely names the kid does not count (forgers name kids); one the key verified does, even if the
// server rejected it, and so does a token naming an RSA key too short for jose to verify (see key-audit.ts).
const SQL = `
WITH used AS (${KEY_TOKENS_SQL}),
ref AS (SELECT ${REFERENCE_TIME_SQL} AS t),
named AS (SELECT kid, count(*) AS n FROM tokens WHERE kid IS NOT NULL GROUP BY kid)
SELECT k.kid, min(k.kty) AS kty, count(DISTINCT k.thumbprint) AS materials, coalesce(any_value(n.n), 0) AS tokens_naming_kid,
  CASE WHEN any_value(w.kid) IS NULL THEN 'no-records'
       WHEN any_value(w.revoked) <= any_value(ref.t) THEN 'revoked'
       WHEN any_value(w.retired) <= any_value(ref.t) THEN 'retired'
       WHEN any_value(w.activated) <= any_value(ref.t) THEN 'active'
       ELSE 'not-activated' END AS state
FROM keys k LEFT JOIN used u ON u.kid = k.kid LEFT JOIN named n ON n.kid = k.kid LEFT JOIN key_windows w ON w.kid = k.kid, ref
WHERE coalesce(u.signed, 0) = 0 AND (EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM captures))
GROUP BY k.kid ORDER BY k.kid`;

const COLUMNS = columns({ kid: 'text', kty: 'text', materials: 'int', tokens_naming_kid: 'int', state: 'text' });

function toFinding(row: RowOf<typeof COLUMNS>): FindingDraft {
  return {
    key: [row.kid],
    severity: LADDER.rungs[0]!.severity!,
    kid: row.kid,
    evidence: {
      kid: row.kid,
      kty: row.kty,
      materials: row.materials,
      lifecycle: row.state,
      tokens_verified: 0,
      // tokens that name the kid but did not verify with it: forgery attempts, not use (see bad-signature)
      tokens_naming_kid_unverified: row.tokens_naming_kid || undefined,
    },
  };
}

export const unusedKey = defineCheck({
  id: 'unused-key',
  title: 'Key signed no token in the evidence',
  description: describe(
    'A registry key that verified no token seen in the events or captures (not evaluated when the store holds none). ' +
      'Tokens that merely name its kid without verifying do not count; a token the key verified counts even if the server ' +
      'rejected it.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'keys', needs: ['keys', 'tokens'] },
  remediation:
    'Confirm the key is still needed; retire and remove unused keys from the JWKS verifiers trust, and record the retirement.',
  scope: 'keys',
  sql: SQL,
  columns: COLUMNS,
  params: () => nowParam(),
  toFinding,
});
