// Token presentations: every event with the identity of the token it shows. A `refresh` event presents TWO
// tokens: the refresh token being exchanged (`parent_jti`, presented by the caller) and the new one it receives
// (`token` / `jti`). Checks about where a token was used (device-change, impossible-travel, failure-burst) must
// see the parent too, or a stolen refresh token exchanged from a second device would be invisible.

/**
 * A token's identity: its jti when its signature verified (the issuer wrote that jti), else its fingerprint. A
 * forged or tampered token that copies a real token's jti is a different token, not another use of the real one
 * (that is jti-collision's business). A string that does not even decode ("null", two segments) is no token
 * anyone could replay: no identity. An event without a token is known by the jti it logged.
 */
export const tokenKeySql = (t: string): string =>
  `CASE WHEN ${t}.sig_status = 'valid' THEN coalesce(${t}.jti, ${t}.fingerprint) WHEN ${t}.decode_ok THEN ${t}.fingerprint END`;

/**
 * One row per (event, token it presents): the event's columns plus `token_key`, `jti`, `fingerprint`, `kid`,
 * `sub` (the token's, else the logged one) and `via_parent` (true for the parent-token row of a refresh). Each
 * event has exactly one row with via_parent false; its token_key is NULL when the event names no token.
 */
export const PRESENTATIONS_SQL = `
SELECT e.source_id, e.source, e.line, e.ts, e.event, e.ip, e.ua, e.client_id, e.outcome, e.reason,
  CASE WHEN t.sha256 IS NULL THEN e.jti ELSE ${tokenKeySql('t')} END AS token_key,
  coalesce(t.jti, e.jti) AS jti, t.fingerprint, t.kid, coalesce(t.sub, e.sub) AS sub, false AS via_parent
FROM events_src e LEFT JOIN tokens t ON t.sha256 = e.token_sha
UNION ALL
SELECT e.source_id, e.source, e.line, e.ts, e.event, e.ip, e.ua, e.client_id, e.outcome, e.reason,
  e.parent_jti, e.parent_jti, NULL, NULL, coalesce(t.sub, e.sub), true
FROM events_src e LEFT JOIN tokens t ON t.sha256 = e.token_sha
WHERE e.event = 'refresh' AND e.parent_jti IS NOT NULL`;

/** The stored tokens behind each identity (fingerprints, jti, kid), for findings about a token seen only by jti. */
export const TOKEN_IDS_SQL = `
SELECT ${tokenKeySql('t')} AS token_key, list_sort(list(t.fingerprint)) AS fingerprints, min(t.jti) AS jti, min(t.kid) AS kid
FROM tokens t GROUP BY ALL`;
