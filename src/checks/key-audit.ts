// Shared pieces of the key-registry audit (`check-keys`): the investigation's reference time and which tokens
// each kid stands behind. Kept here so key-rotation-gap, weak-key and unused-key agree on both.
import type { DuckDBValue } from '@duckdb/node-api';

/**
 * "Now" for the audit: the latest auth event, else the latest capture, else the wall clock (bound as `$now`).
 * Ages and "still active" are judged at this time, so a replayed investigation gives the same answer tomorrow.
 */
export const REFERENCE_TIME_SQL = `coalesce((SELECT max(ts) FROM events), (SELECT max(captured_at) FROM captures), $now::TIMESTAMP)`;

/** The `$now` parameter: UTC wall clock, only used when the store holds neither events nor captures. */
export function nowParam(): Record<string, DuckDBValue> {
  return { now: new Date().toISOString().replace('T', ' ').slice(0, 19) };
}

/**
 * Per kid: tokens it verified, and tokens that name it but could not be checked because jose refuses RSA keys
 * under 2048 bits (sig_detail 'rsa-key-too-short'). The latter count as signed by the key "by kid": nothing
 * else could have verified them, and a server with a laxer library may well have accepted them. Uses are
 * presentations (the `uses` view), so a token only minted or revoked was not accepted.
 */
export const KEY_TOKENS_SQL = keyTokensSql(false);

/**
 * The same per key material (kid and thumbprint `jkt`): a key is charged only with the tokens it verified itself,
 * not with those another key under the same kid verified. `jkt` is NULL for the tokens counted by kid (short RSA,
 * or verified before thumbprints were recorded): join those to every key under the kid.
 */
export const KEY_MATERIAL_TOKENS_SQL = keyTokensSql(true);

function keyTokensSql(byMaterial: boolean): string {
  return `
SELECT t.kid, ${byMaterial ? 't.jkt,' : ''} count(DISTINCT t.sha256) FILTER (WHERE t.how = 'verified') AS verified,
  count(DISTINCT t.sha256) FILTER (WHERE t.how = 'short-rsa') AS short_rsa, count(DISTINCT t.sha256) AS signed,
  list(DISTINCT t.iss) FILTER (WHERE t.iss IS NOT NULL) AS issuers,
  count(e.line) FILTER (WHERE e.outcome = 'success') AS accepted_uses, min(e.ts) AS first_used, max(e.ts) AS last_used
FROM (
  SELECT sig_kid AS kid, sig_jkt AS jkt, sha256, iss, 'verified' AS how FROM tokens WHERE sig_status = 'valid' AND sig_kid IS NOT NULL
  UNION ALL
  SELECT kid, NULL, sha256, iss, 'short-rsa' FROM tokens WHERE sig_status = 'invalid' AND sig_detail = 'rsa-key-too-short' AND kid IS NOT NULL
) t LEFT JOIN uses e ON e.used_sha = t.sha256
GROUP BY t.kid${byMaterial ? ', t.jkt' : ''}`;
}
