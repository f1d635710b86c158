// `alg` outside the issuer's allow-list, or an alg that cannot belong to the key its kid names (ES256 naming
// an RSA key). HMAC naming an asymmetric key is alg-confusion's and unsigned tokens are alg-none's: not here.
import { SUPPORTED_ALGS } from '../jwt/verify.js';
import type { Policy } from '../policy/policy.js';
import { columns, struct, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { keyFitsAlgSql } from './key-fit.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, type LadderCase, FORGERY_LEVELS } from './ladder.js';

// A genuine signature under a disallowed alg is drift; an unverifiable one the server accepted is a forgery that worked.
const UNVERIFIED: LadderCase = {
  name: 'a signature that did not verify',
  rungs: byAcceptance(FORGERY_LEVELS),
};
const DRIFT: LadderCase = {
  name: 'a genuine signature under a disallowed alg (issuer drift)',
  rungs: byAcceptance({ accepted: 'medium', unknown: 'medium', unused: 'low', rejected: 'low' }),
};
const LADDER = [UNVERIFIED, DRIFT];

const FITS = keyFitsAlgSql('t', 'k');

// Per token: the list that applies (the issuer's, else '*', else the default) and the key types its kid names.
const JUDGED = `
allow AS (SELECT unnest(from_json($allow::VARCHAR, '[{"iss":"VARCHAR","algs":["VARCHAR"]}]'), recursive := true)),
judged AS (
  SELECT t.sha256, t.alg,
    coalesce((SELECT a.algs FROM allow a WHERE a.iss = t.iss), (SELECT a.algs FROM allow a WHERE a.iss = '*'),
      $default_algs::VARCHAR[]) AS allowed,
    CASE WHEN EXISTS (SELECT 1 FROM allow a WHERE a.iss = t.iss) THEN 'policy: issuer'
         WHEN EXISTS (SELECT 1 FROM allow a WHERE a.iss = '*') THEN 'policy: *'
         ELSE 'default: algorithms the verifier supports' END AS allow_list,
    (SELECT list(DISTINCT k.kty || coalesce(':' || k.crv, '') ORDER BY 1) FROM keys k WHERE k.kid = t.kid) AS key_types,
    coalesce((SELECT bool_or(${FITS}) FROM keys k WHERE k.kid = t.kid), true) AS fits,
    upper(coalesce(t.alg, '')) IN ('HS256', 'HS384', 'HS512')
      AND EXISTS (SELECT 1 FROM keys k WHERE k.kid = t.kid)
      AND NOT EXISTS (SELECT 1 FROM keys k WHERE k.kid = t.kid AND k.kty = 'oct') AS hmac_on_asymmetric
  FROM tokens t
  WHERE t.decode_ok AND lower(coalesce(t.alg, '')) <> 'none' AND t.sig_len > 0),
flagged AS (
  SELECT sha256, allowed, allow_list, key_types, list_filter([
      CASE WHEN NOT coalesce(list_contains(allowed, alg), false) THEN 'not-in-allow-list' END,
      CASE WHEN NOT fits THEN 'alg-key-type-mismatch' END], lambda x: x IS NOT NULL) AS reasons
  FROM judged
  WHERE NOT hmac_on_asymmetric) -- alg-confusion reports those: not twice`;

const SQL = `WITH ${JUDGED}\n${tokensWithUsage(
  `t.sha256 IN (SELECT sha256 FROM flagged WHERE len(reasons) > 0)`,
  `(SELECT struct_pack(reasons := f.reasons, allowed := f.allowed, allow_list := f.allow_list, key_types := f.key_types)
     FROM flagged f WHERE f.sha256 = t.sha256) AS judged`,
)}`;

function params(policy: Policy) {
  const allow = Object.entries(policy.allowed_algorithms).map(([iss, algs]) => ({ iss, algs }));
  return { allow: JSON.stringify(allow), default_algs: JSON.stringify([...SUPPORTED_ALGS]) };
}

// key_types is NULL when the kid names no registry key: [] here.
const COLUMNS = columns({
  ...TOKEN_USAGE_COLUMNS,
  judged: struct({ reasons: 'text[]', allowed: 'text[]', allow_list: 'text', key_types: 'text[]' }),
});

function toFinding(row: RowOf<typeof COLUMNS>) {
  const j = row.judged;
  const severity = severityByAcceptance(row, acceptanceLevels(row.sig_status === 'valid' ? DRIFT : UNVERIFIED));
  const title = j.reasons.includes('alg-key-type-mismatch')
    ? `alg ${row.alg} does not fit the key type its kid names (${j.key_types.join(', ')})`
    : `alg ${row.alg === null ? '(missing or not a string)' : row.alg} is not allowed for this issuer`;
  const evidence = {
    alg: row.alg,
    iss: row.iss,
    reasons: j.reasons,
    allow_list: j.allow_list,
    allowed_algorithms: j.allowed,
    named_key_types: j.key_types,
    sig_status: row.sig_status,
    sig_detail: row.sig_detail,
  };
  return tokenDraft(row, severity, evidence, title);
}

export const algNotAllowed = defineCheck({
  id: 'alg-not-allowed',
  title: 'Algorithm not allowed',
  description: describe(
    "A signed token whose `alg` is outside the issuer's allow-list (policy allowed_algorithms: issuer → algs, '*' for the " +
      'rest; with no list, the algorithms the verifier supports), or whose alg cannot belong to the key type its kid names ' +
      '(ES256 naming an RSA key). HMAC naming an asymmetric key is left to alg-confusion, alg none to alg-none.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'signature', needs: ['tokens'] },
  remediation:
    'Pin the allowed algorithms per issuer and per key in the verifier instead of trusting the header. If an issuer ' +
    'legitimately moved to a new alg, update the policy; if the signature did not verify and was accepted, revoke the sessions.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  params,
  toFinding,
});
