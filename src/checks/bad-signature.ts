// Tokens whose signature does not verify: a forgery or a tampered token, whatever their kid — a token without one
// was tried against every registry key that fits its alg, and many deployments sign with one key and no kid. Only
// three verdicts are left to other checks, which report them on the token: an alg that cannot fit the key its kid
// names (alg-confusion / alg-not-allowed), an unsupported `crit` (header-injection), and a kid naming an RSA key too
// short for jose to verify with (weak-key counts those tokens). A key that could not be used at all (not for
// signatures, not importable) leaves the signature unverified: reported here one step lower.
import { columns, listOf, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { keyFitsAlgSql } from './key-fit.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';
import { acceptanceLevels, byAcceptance, describe, type LadderCase, FORGERY_LEVELS } from './ladder.js';

const WRONG: LadderCase = {
  name: 'a signature checked and wrong',
  rungs: byAcceptance(FORGERY_LEVELS, {
    accepted: 'its verifier is broken or bypassed',
    rejected: 'an attempted forgery',
  }),
};
const UNVERIFIED: LadderCase = {
  name: 'no registry key could be used at all (not for signatures, not importable): unverified rather than wrong, one step lower',
  rungs: byAcceptance({ accepted: 'high', unknown: 'medium', unused: 'low', rejected: 'low' }),
};
const LADDER = [WRONG, UNVERIFIED];

/** Verdicts that mean the signature was checked and is wrong (the others: the key could not be used). */
const MISMATCH = ['signature-mismatch', 'ecdsa-zero-signature', 'jws-invalid'];

// The keys verification tried: those under the token's kid, or every key fitting its alg when it names none. An oct
// key is named by kid only: its thumbprint is a hash of the secret (an offline oracle for a short one).
const SQL = tokensWithUsage(
  `t.decode_ok AND t.sig_status = 'invalid'
   AND coalesce(t.sig_detail, '') NOT IN ('alg-key-mismatch', 'crit-unsupported', 'rsa-key-too-short')`,
  `(SELECT coalesce(list({'kid': k.kid, 'thumbprint': CASE WHEN k.is_secret THEN NULL ELSE k.thumbprint END}
      ORDER BY k.kid, k.thumbprint), [])
    FROM keys k WHERE CASE WHEN (t.header->'kid') IS NULL THEN ${keyFitsAlgSql('t', 'k')} ELSE k.kid = t.kid END) AS candidates`,
);

const COLUMNS = columns({ ...TOKEN_USAGE_COLUMNS, candidates: listOf({ kid: 'text', thumbprint: 'text?' }) });

function toFinding(row: RowOf<typeof COLUMNS>) {
  const psychic = row.sig_detail === 'ecdsa-zero-signature';
  const checked = MISMATCH.includes(row.sig_detail ?? '');
  const severity = severityByAcceptance(row, acceptanceLevels(checked ? WRONG : UNVERIFIED));
  const noKid = row.kid === null;
  const tried = row.candidates.length;
  const title = psychic
    ? `ECDSA "psychic signature" (CVE-2022-21449): ${row.alg} signature with r or s = 0`
    : !checked
      ? `Signature could not be verified: no usable registry key (${row.sig_detail})`
      : noKid
        ? `Signature (no kid) verifies with none of the ${tried} registry key(s) that fit ${row.alg}`
        : `Signature does not verify with key ${row.kid}`;
  const evidence = {
    alg: row.alg,
    sig_detail: row.sig_detail,
    cve: psychic ? 'CVE-2022-21449' : undefined,
    attack: psychic ? 'psychic signature: an all-zero r or s that vulnerable ECDSA verifiers (Java 15-18) accept' : undefined,
    token_kid: row.kid,
    registry_keys_tried: tried,
    candidate_keys: row.candidates.slice(0, 20),
    iss: row.iss,
  };
  return tokenDraft(row, severity, evidence, title);
}

export const badSignature = defineCheck({
  id: 'bad-signature',
  title: 'Signature does not verify',
  description: describe(
    'A token whose signature verifies with none of the registry keys it could be checked with: those under its kid, or, ' +
      'when it carries no kid, every key that fits its alg (signature mismatch, an undecodable signature, or the ECDSA ' +
      'r=s=0 "psychic signature" of CVE-2022-21449, named as such); the keys tried are in the evidence.',
    LADDER,
  ),
  ladder: LADDER,
  coverage: { family: 'signature', needs: ['tokens', 'keys'] },
  remediation:
    'If accepted: find the verifier that let it through (disabled verification, a vulnerable ECDSA implementation such ' +
    'as Java 15-18 for CVE-2022-21449, a decode-only code path), fix it, and revoke every session it touched. If ' +
    'rejected: look at who sent it (failure-burst, the IP and subject in the events).',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
