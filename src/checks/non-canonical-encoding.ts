// A token with a segment that is base64url only to a lenient decoder: a flipped unused low bit, `=` padding or
// whitespace. No conforming signer emits one, verifiers (jose included) accept it, and the token's text — so its
// hash, and any deny-list keyed on it — changes while its meaning does not. The other checks examine such a token
// as a verifier decodes it; this one says the encoding itself was tampered with.
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, ladder } from './ladder.js';

const LADDER = ladder(...byAcceptance({ accepted: 'high', unknown: 'medium', unused: 'medium', rejected: 'low' }));

const SQL = tokensWithUsage(`t.noncanonical IS NOT NULL AND len(t.noncanonical) > 0`, `t.noncanonical AS segments`);

const COLUMNS = columns({ ...TOKEN_USAGE_COLUMNS, segments: 'text[]' });

function toFinding(row: RowOf<typeof COLUMNS>) {
  const severity = severityByAcceptance(row, acceptanceLevels(LADDER));
  return tokenDraft(
    row,
    severity,
    { segments: row.segments, sig_status: row.sig_status, alg: row.alg },
    `Token re-encoded: non-canonical base64url in its ${row.segments.join(', ')}`,
  );
}

export const nonCanonicalEncoding = defineCheck({
  id: 'non-canonical-encoding',
  title: 'Token with non-canonical base64url',
  description: describe(
    'A token with a segment that only a lenient decoder reads (unused low bits set, `=` padding, whitespace): no ' +
    'conforming signer emits one, so the token was re-encoded after signing — a way to slip a known token past a ' +
    'deny-list or a cache keyed on its text, or the mark of a forgery. Every other check examines it as the verifier ' +
    'decoded it.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'signature', needs: ['tokens'] },
  remediation:
    'Make verifiers and gateways refuse non-canonical base64url (RFC 7515 §2), key deny-lists and caches on the decoded ' +
    'jti rather than the token text, and look at what else the presenter of this token did.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
