import { columns } from '../store/rows.js';
import { defineCheck } from './check.js';
import { tokenDraft } from './token-usage.js';
import { describe, ladder, outcomeLevels } from './ladder.js';
import { byOutcome, isoOf, TOKEN_COLUMNS, TOKEN_USE_COLUMNS, useColumns } from './token-uses.js';

// Early = before nbf − leeway, or before iat − leeway (a token cannot be used before it was issued).
const SQL = `
WITH
early AS (
  SELECT u.*, epoch(u.ts) < t.nbf - $leeway AS before_nbf, epoch(u.ts) < t.iat - $leeway AS before_iat
  FROM uses u JOIN tokens t ON t.sha256 = u.used_sha
  WHERE epoch(u.ts) < t.nbf - $leeway OR epoch(u.ts) < t.iat - $leeway)
SELECT ${TOKEN_COLUMNS}, t.nbf, t.iat, ${useColumns('u')},
  bool_or(u.before_nbf) AS any_before_nbf, bool_or(u.before_iat) AS any_before_iat,
  greatest(max(t.nbf - epoch(u.ts)), max(t.iat - epoch(u.ts))) AS max_early_s
FROM early u JOIN tokens t ON t.sha256 = u.used_sha JOIN token_kinds k ON k.sha256 = t.sha256
GROUP BY ALL ORDER BY t.sha256`;

// greatest() skips NULLs, and every early use is early against nbf or iat: max_early_s is never NULL.
const COLUMNS = columns({
  ...TOKEN_USE_COLUMNS, nbf: 'num?', iat: 'num?', any_before_nbf: 'bool?', any_before_iat: 'bool?', max_early_s: 'num',
});

const LADDER = ladder(
  {
    severity: 'high', usage: ['accepted'],
    when: 'when an early use was accepted (the server checks neither nbf nor iat, and someone holds a token minted ahead of ' +
      'time: a pre-dated forgery or an issuer clock far off)',
  },
  { severity: 'medium', usage: ['unknown'], when: 'when the outcome was not recorded' },
  {
    severity: 'low', usage: ['rejected'],
    when: 'when every early use was rejected (unlike a stale expired token, a token from the future is not routine)',
  },
);

export const notYetValid = defineCheck({
  id: 'not-yet-valid',
  title: 'Token used before it was valid',
  description: describe(
    'A token presented before its `nbf`, or before its `iat` (issued in the future of its use), by more than the ' +
      'clock-skew leeway (policy clock_skew_seconds, default 60 s: a gateway clock a few seconds behind the issuer is not ' +
      'reported).',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: [['token-events', 'refresh-links'], 'tokens'] },
  remediation:
    'Validate `nbf` (and reject `iat` in the future) with a small leeway on every API. Check the issuer clock (NTP) and, ' +
    'if the clocks were right, treat the token as minted by someone holding the signing key.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params: (policy) => ({ leeway: policy.clock_skew_seconds }),
  toFinding: (row, policy) =>
    tokenDraft(row, byOutcome(row, outcomeLevels(LADDER)), {
      nbf: isoOf(row.nbf),
      iat: isoOf(row.iat),
      before_nbf: row.any_before_nbf === true,
      iat_in_future: row.any_before_iat === true,
      first_early_use: row.first_seen,
      last_early_use: row.last_seen,
      early_by_seconds: Math.round(row.max_early_s),
      leeway_seconds: policy.clock_skew_seconds,
      sig_status: row.sig_status,
      ips: row.ips,
    }),
});
