// A token-shaped string no decoder can read (not base64url even to a lenient decoder, not JSON, a header over the
// size limit): no other check can look inside it, so it is a finding of its own. A server that accepted it did not
// verify anything: critical. Opaque tokens (no JWS shape at all: many APIs use them beside JWTs) are not findings,
// and an encrypted token (JWE, five segments) is named but cannot be judged here.
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, type LadderCase } from './ladder.js';

const JWE: LadderCase = {
  name: 'an encrypted token (JWE, five segments)',
  rungs: [{ severity: 'info', when: 'always: it cannot be judged without the decryption key' }],
};
const GARBAGE: LadderCase = {
  name: 'any other',
  rungs: byAcceptance({ accepted: 'critical', unknown: 'high', unused: 'low', rejected: 'low' }, {
    accepted: 'it verified nothing',
    unused: 'garbage a client sent',
  }),
};
const LADDER = [JWE, GARBAGE];

const SQL = tokensWithUsage(
  `NOT t.decode_ok AND coalesce(t.decode_reason, '') <> 'empty'
   AND (t.decode_reason <> 'not-three-parts' OR starts_with(t.raw, 'eyJ'))`,
  `t.decode_reason, t.decode_detail, length(t.raw) - length(replace(t.raw, '.', '')) + 1 AS segments`,
);

const COLUMNS = columns({ ...TOKEN_USAGE_COLUMNS, decode_reason: 'text', decode_detail: 'text?', segments: 'int' });

function toFinding(row: RowOf<typeof COLUMNS>) {
  const jwe = row.decode_reason === 'not-three-parts' && row.segments === 5;
  const severity = jwe ? JWE.rungs[0]!.severity! : severityByAcceptance(row, acceptanceLevels(GARBAGE));
  const title = jwe
    ? 'Encrypted token (JWE): its contents could not be examined'
    : `Token that cannot be decoded (${row.decode_reason})${row.accepted > 0 ? ' was accepted' : ''}`;
  return tokenDraft(row, severity, { decode_reason: row.decode_reason, decode_detail: row.decode_detail, segments: row.segments }, title);
}

export const undecodableToken = defineCheck({
  id: 'undecodable-token',
  title: 'Token that cannot be decoded',
  description: describe(
    'A JWS-shaped token (three segments, or starting with `eyJ`) that no decoder can read: a segment that is not ' +
      'base64url even to a lenient verifier, bytes that are not UTF-8 or not a JSON object, a header over the size ' +
      'limit. No other check can examine it. Opaque (non-JWT) tokens are not findings.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'signature', needs: ['any-tokens'] },
  remediation:
    'If accepted: find the endpoint that let it through — it does not parse, let alone verify, the token it is given ' +
    '(a decode-only path, a catch-all that treats any bearer string as valid) — fix it and review what the requests did.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
