// Tokens whose signature does not verify with the registry key their kid names: a forgery or a tampered token.
// Only real verification failures count: an alg that cannot fit the key (alg-confusion / alg-not-allowed), an
// unsupported `crit` (header-injection) and keys that could not be used (check-keys) are reported elsewhere.
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck } from './check.js';
import { TOKEN_USAGE_COLUMNS, severityByAcceptance, tokenDraft, tokensWithUsage } from './token-usage.js';

const SQL = tokensWithUsage(
  `t.decode_ok AND t.sig_status = 'invalid'
   AND t.sig_detail IN ('signature-mismatch', 'ecdsa-zero-signature', 'jws-invalid')
   AND EXISTS (SELECT 1 FROM keys k WHERE k.kid = t.kid)`,
  `(SELECT count(*) FROM keys k WHERE k.kid = t.kid) AS keys_for_kid`,
);

const COLUMNS = columns({ ...TOKEN_USAGE_COLUMNS, keys_for_kid: 'int' });

function toFinding(row: RowOf<typeof COLUMNS>) {
  const psychic = row.sig_detail === 'ecdsa-zero-signature';
  const severity = severityByAcceptance(row, { accepted: 'critical', unknown: 'high', unused: 'medium', rejected: 'low' });
  const title = psychic
    ? `ECDSA "psychic signature" (CVE-2022-21449): ${row.alg} signature with r or s = 0`
    : `Signature does not verify with key ${row.kid}`;
  const evidence = {
    alg: row.alg,
    sig_detail: row.sig_detail,
    cve: psychic ? 'CVE-2022-21449' : undefined,
    attack: psychic ? 'psychic signature: an all-zero r or s that vulnerable ECDSA verifiers (Java 15-18) accept' : undefined,
    registry_keys_tried: row.keys_for_kid,
    iss: row.iss,
  };
  return tokenDraft(row, severity, evidence, title);
}

export const badSignature = defineCheck({
  id: 'bad-signature',
  title: 'Signature does not verify',
  description:
    'A token whose kid names a registry key but whose signature verifies with none of the keys under that kid ' +
    '(signature mismatch, an undecodable signature, or the ECDSA r=s=0 "psychic signature" of CVE-2022-21449, named as ' +
    'such). Critical when the server accepted it (outcome success): its verifier is broken or bypassed; high when the ' +
    'outcome was not recorded; medium when only captured; low when every use was rejected (an attempted forgery).',
  remediation:
    'If accepted: find the verifier that let it through (disabled verification, a vulnerable ECDSA implementation such ' +
    'as Java 15-18 for CVE-2022-21449, a decode-only code path), fix it, and revoke every session it touched. If ' +
    'rejected: look at who sent it (failure-burst, the IP and subject in the events).',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
