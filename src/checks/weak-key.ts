import type { Policy } from '../policy/policy.js';
import { columns, typedRows, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { describe, ladder, severityOf } from './ladder.js';
import { KEY_MATERIAL_TOKENS_SQL } from './key-audit.js';
import { BUILTIN_LIST } from './weak-secrets/list.js';
import { listedCandidates } from './weak-secrets/list-file.js';

/**
 * Curves fit for JWS signatures. secp256k1 (ES256K, RFC 8812) is not weak — about 128-bit security like P-256 — so
 * it is accepted. The key parser admits only these plus X25519/X448, which are key-agreement curves: such a key
 * cannot sign at all, so one offered for signatures (use not `enc`) is a misconfigured registry entry.
 * Other curves (brainpool, P-192 …) never reach the store: ingest rejects them as unsupported-crv.
 */
const SIGNATURE_CURVES = ['P-256', 'P-384', 'P-521', 'secp256k1', 'Ed25519', 'Ed448'];

// The thumbprint of an `oct` key is a hash of the secret itself: with a short secret it is a brute-force oracle,
// so it is left out along with `k` — also from the finding key (finding ids are hashes of it): a secret is named by
// its source file and position instead. Only the bit length of a secret is ever reported.
const SQL = `
WITH used AS (${KEY_MATERIAL_TOKENS_SQL}),
-- each key charged with the tokens it verified itself (plus those counted by kid alone), never another key's
charged AS (
  SELECT k.kid, k.thumbprint, sum(u.verified) AS verified, sum(u.short_rsa) AS short_rsa,
    sum(u.accepted_uses) AS accepted_uses, min(u.first_used) AS first_used, max(u.last_used) AS last_used
  FROM keys k JOIN used u ON u.kid = k.kid AND (u.jkt IS NULL OR u.jkt = k.thumbprint) GROUP BY k.kid, k.thumbprint)
SELECT k.kid, CASE WHEN k.is_secret THEN NULL ELSE k.thumbprint END AS thumbprint,
  CASE WHEN k.is_secret THEN s.sha256 || '#' || k.idx ELSE k.thumbprint END AS material,
  k.kty, k.alg, k.use, k.crv, k.bits, s.path AS source,
  -- an oct key long enough is weak only if a list of secrets holds it: known in JS (run), not here
  CASE WHEN k.kty = 'RSA' THEN 'rsa-modulus-too-short' WHEN k.kty = 'oct' AND k.bits < $min_hmac_bits THEN 'hmac-secret-too-short'
       WHEN k.kty = 'oct' THEN NULL ELSE 'curve-not-for-signatures' END AS weakness,
  -- an oct key's secret (base64url), held against the lists of secrets in JS: never put in a finding
  CASE WHEN k.kty = 'oct' THEN k.jwk->>'k' END AS secret,
  CASE WHEN k.kty = 'RSA' THEN $min_rsa_bits WHEN k.kty = 'oct' THEN $min_hmac_bits END AS min_bits,
  coalesce(u.verified, 0) AS tokens_verified, coalesce(u.short_rsa, 0) AS tokens_by_kid_unverifiable,
  coalesce(u.accepted_uses, 0) AS accepted_uses, iso(u.first_used) AS first_seen, iso(u.last_used) AS last_seen
FROM keys k JOIN sources s ON s.id = k.source_id LEFT JOIN charged u ON u.kid = k.kid AND u.thumbprint = k.thumbprint
WHERE (k.kty = 'RSA' AND k.bits < $min_rsa_bits)
   OR k.kty = 'oct' -- every secret: a long one may still be in a list of secrets
   OR (k.kty IN ('EC', 'OKP') AND NOT list_contains($curves::VARCHAR[], k.crv) AND coalesce(k.use, 'sig') <> 'enc')
ORDER BY k.kid, k.thumbprint`;

// thumbprint is NULL for secrets; min_bits for curve weaknesses; first_seen / last_seen when the key verified nothing.
const COLUMNS = columns({
  kid: 'text', thumbprint: 'text?', material: 'text', kty: 'text', alg: 'text?', use: 'text?', crv: 'text?', bits: 'int?',
  source: 'text', weakness: 'text?', secret: 'text?', min_bits: 'int?', tokens_verified: 'int', tokens_by_kid_unverifiable: 'int',
  accepted_uses: 'int', first_seen: 'text?', last_seen: 'text?',
});

const LADDER = ladder<{ signed: number }>(
  {
    severity: 'high',
    when: 'when the key signed tokens in the evidence (verified them, or — for RSA keys too short for jose to verify — tokens naming its kid)',
    test: (k) => k.signed > 0,
  },
  { severity: 'medium', when: 'when it signed nothing seen', test: () => true },
);

type Row = RowOf<typeof COLUMNS>;
type Listed = { list: string; entry: number };

/** Which of the registry's secrets a list of secrets holds (weak-secret's candidates: the shipped list, then the
 *  user's), by their bytes: a `k` written with padding or other unused bits is the same secret. Read once, held
 *  against a Set of the registry's few secrets, so a list of millions costs one pass. */
function listedSecrets(policy: Policy, secrets: readonly string[]): Map<string, Listed> {
  const found = new Map<string, Listed>();
  const wanted = new Set(secrets.map(canonical));
  if (wanted.size === 0) return found;
  for (const c of listedCandidates(policy)) {
    const b64 = c.bytes.toString('base64url');
    if (wanted.has(b64) && !found.has(b64)) found.set(b64, { list: c.list, entry: c.entry as number });
    if (found.size === wanted.size) break;
  }
  return found;
}

const canonical = (k: string): string => Buffer.from(k, 'base64url').toString('base64url');

function toFinding(row: Row, listed: ReadonlyMap<string, Listed>): FindingDraft | null {
  const hit = row.secret !== null ? listed.get(canonical(row.secret)) : undefined;
  const shipped = hit?.list === BUILTIN_LIST;
  const weakness = row.weakness ?? (hit ? (shipped ? 'hmac-secret-in-public-list' : 'hmac-secret-in-secret-list') : null);
  if (weakness === null) return null; // a secret long enough and in no list
  const verified = row.tokens_verified;
  const byKid = row.tokens_by_kid_unverifiable;
  return {
    key: [row.kid, row.material],
    severity: severityOf(LADDER, { signed: verified + byKid })!,
    kid: row.kid,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    evidence: {
      kid: row.kid,
      weakness,
      // also (or only) in a list of secrets: named by list and entry, never by value
      ...(hit ? { reason: shipped ? 'in a public list of secrets' : 'in a list of secrets given (policy weak_secret.lists, --secrets)', secret_list: hit.list, secret_entry: hit.entry } : {}),
      kty: row.kty,
      alg: row.alg ?? undefined,
      crv: row.crv ?? undefined,
      bits: row.bits,
      min_bits: row.min_bits ?? undefined,
      thumbprint: row.thumbprint ?? undefined,
      source: row.source,
      tokens_verified: verified,
      accepted_uses: row.accepted_uses,
      // jose will not verify with RSA < 2048: such tokens are attributed to the key because they name its kid
      tokens_by_kid_unverifiable: byKid || undefined,
      attribution: byKid ? 'tokens naming this kid could not be verified (RSA key too short for jose); counted by kid' : undefined,
    },
  };
}

export const weakKey = defineCheck({
  id: 'weak-key',
  title: 'Weak key in the registry',
  description: describe(
    'A registry key too weak to trust: RSA modulus under min_rsa_bits (2048), `oct` HMAC secret under min_hmac_bits (256), ' +
      "an `oct` secret in a public list of secrets (the weak-secret check's shipped list, whatever its length) or in a list given " +
      '(policy weak_secret.lists, --secrets), or an EC/OKP key on a curve that cannot sign (X25519/X448 not marked `use: enc`; P-256/384/521, secp256k1, Ed25519 and ' +
      'Ed448 are fine). The secret itself is never reported, only its bits.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'keys', needs: ['keys'] },
  remediation:
    'Replace the key: RSA of at least 2048 bits (3072 for long-lived keys), HMAC secrets of at least 256 random bits, or ' +
    'an Ed25519/P-256 key. Treat tokens it signed as forgeable: an attacker may have factored the modulus or brute-forced the ' +
    'secret, so revoke the sessions they carry.',
  scope: 'keys',
  // one query, then the lists of secrets in JS (a user's list of millions is no SQL parameter)
  run: async ({ store, policy }) => {
    const rows = await typedRows(store, 'weak-key', COLUMNS, SQL, {
      min_rsa_bits: policy.min_rsa_bits, min_hmac_bits: policy.min_hmac_bits, curves: JSON.stringify(SIGNATURE_CURVES),
    });
    const listed = listedSecrets(policy, rows.flatMap((r) => (r.secret === null ? [] : [r.secret])));
    return rows.map((r) => toFinding(r, listed)).filter((d): d is FindingDraft => d !== null);
  },
});
