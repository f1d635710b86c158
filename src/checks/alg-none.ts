import { defineCheck } from './check.js';
import { acceptanceLevels, byAcceptance, describe, ladder, FORGERY_LEVELS } from './ladder.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';

const LADDER = ladder(...byAcceptance(FORGERY_LEVELS, {
  rejected: 'a probe that failed',
}));

export const algNone = defineCheck({
  id: 'alg-none',
  title: 'Unsigned token (alg none or empty signature)',
  description: describe(
    'A token whose header names `alg` none in any letter case (none, None, NONE, nOnE …) or whose signature segment is empty. ' +
      'A token known only by the claims a gateway logged has no signature to judge (not-captured): never judged here.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'signature', needs: ['tokens'] },
  remediation:
    'Reject unsigned tokens: pin the accepted algorithms in the verifier (never take `alg` from the token), and treat every ' +
    'session the accepted token touched as compromised: revoke it and review what it accessed.',
  scope: 'detection',
  sql: tokensWithUsage(`t.decode_ok AND t.sig_status <> 'not-captured' AND (lower(t.alg) = 'none' OR t.sig_len = 0)`),
  columns: TOKEN_USAGE_COLUMNS,
  toFinding: (row) =>
    tokenDraft(
      row,
      severityByAcceptance(row, acceptanceLevels(LADDER)),
      { alg: row.alg, empty_signature: row.alg !== null && row.alg.toLowerCase() !== 'none' ? true : undefined },
    ),
});
