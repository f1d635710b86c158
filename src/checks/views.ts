// Shared views every check reads, made once per run: events with their source (a later identical copy of an event
// left out, so the checks count it once: src/store/event-copies.ts), token kinds, key
// lifecycles, and the token uses (src/store/uses.ts). Checks stay one query each instead of repeating these joins.
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/db.js';
import { notACopy } from '../store/event-copies.js';
import { createUseViews } from '../store/uses.js';
import { isoSeconds } from '../store/iso-sql.js';

export const viewsSql = (copies: number): string => `
CREATE OR REPLACE TEMP MACRO iso(t) AS ${isoSeconds('t')};
CREATE OR REPLACE TEMP MACRO epoch_ts(x) AS
  CASE WHEN x IS NOT NULL AND abs(x) < 253402300799 THEN make_timestamp(CAST(x * 1000000 AS BIGINT)) END;
-- A token's kind, from the first statement of it that holds: the header typ of RFC 9068 (at+jwt), the payload typ
-- Keycloak writes (org.keycloak.util.TokenUtil: Bearer and DPoP for access tokens, ID, Refresh, and Offline for the
-- refresh token of an offline_access session, which has a lifetime of its own), token_use (Cognito) or token_type, the
-- header typ refresh+jwt. Keycloak's other payload typs (Logout, Serialized-ID) stay other. (No semicolon in here:
-- viewsSql is split on them.)
CREATE OR REPLACE TEMP VIEW token_kinds AS
SELECT sha256,
  CASE
    WHEN htyp IN ('at+jwt', 'application/at+jwt') THEN 'access'
    WHEN ptyp IN ('bearer', 'dpop') THEN 'access'
    WHEN ptyp = 'id' THEN 'id'
    WHEN ptyp = 'refresh' THEN 'refresh'
    WHEN ptyp = 'offline' THEN 'offline'
    WHEN tuse LIKE '%refresh%' THEN 'refresh'
    WHEN tuse IN ('id', 'id_token') THEN 'id'
    WHEN tuse IN ('access', 'access_token', 'bearer') THEN 'access'
    WHEN htyp = 'refresh+jwt' THEN 'refresh'
    ELSE 'other'
  END AS kind
FROM (SELECT sha256, lower(typ) AS htyp, lower(claims->>'typ') AS ptyp,
        lower(coalesce(claims->>'token_use', claims->>'token_type', '')) AS tuse FROM tokens);
CREATE OR REPLACE TEMP VIEW events_src AS
SELECT e.*, s.path AS source FROM events_resolved e JOIN sources s ON s.id = e.source_id
WHERE ${notACopy('e', copies)};
CREATE OR REPLACE TEMP VIEW key_record_windows AS
SELECT kid, jkt, iss,
  min(ts) FILTER (WHERE action = 'created') AS created,
  min(ts) FILTER (WHERE action = 'activated') AS activated,
  min(ts) FILTER (WHERE action = 'retired') AS retired,
  min(ts) FILTER (WHERE action = 'revoked') AS revoked,
  min(ts) FILTER (WHERE action = 'compromised') AS compromised,
  count(*) AS records
FROM key_events GROUP BY kid, jkt, iss;
-- per kid, whichever key or issuer the records name (the key audit's view: records are about kids)
CREATE OR REPLACE TEMP VIEW key_windows AS
SELECT kid, min(created) AS created, min(activated) AS activated, min(retired) AS retired, min(revoked) AS revoked,
  min(compromised) AS compromised, sum(records) AS records
FROM key_record_windows GROUP BY kid;
`;

export async function createViews(store: Store): Promise<void> {
  const copies = await createUseViews(store); // first: it makes event_copies (src/store/event-copies.ts), which events_src reads
  for (const stmt of viewsSql(copies).split(';').map((s) => s.trim()).filter(Boolean)) await store.run(stmt);
}

/** SQL for a list of event references, for use in an aggregate over token_events / events_src rows `e`. */
export function eventRefsSql(alias = 'e', limit = 20): string {
  return `coalesce(list({'source': ${alias}.source, 'line': ${alias}.line, 'ts': iso(${alias}.ts)} ORDER BY ${alias}.ts, ${alias}.source, ${alias}.line)
    FILTER (WHERE ${alias}.line IS NOT NULL)[1:${limit}], [])`;
}

/**
 * A CTE `skews(aud, s)`: the skew each API's verifier allows, from policy verifier_skew_by_audience bound as `$skews`
 * (JSON text, never spliced; trailing slashes ignored). Join it on `rtrim(aud, '/')` and fall back to
 * `$skew` (verifier_skew_seconds). One reading for expired-use and revoked-use; bind verifierSkewParams with it.
 */
export const VERIFIER_SKEWS_CTE = `skews AS (
  SELECT rtrim(a.aud, '/') AS aud, max(a.s) AS s
  FROM (SELECT unnest(CAST($skews::JSON AS STRUCT(aud VARCHAR, s DOUBLE)[]), recursive := true)) a GROUP BY 1)`;

/** The parameters VERIFIER_SKEWS_CTE and its `$skew` fallback read. */
export const verifierSkewParams = (policy: Policy): { skew: number; skews: string } => ({
  skew: policy.verifier_skew_seconds,
  skews: JSON.stringify(Object.entries(policy.verifier_skew_by_audience).map(([aud, s]) => ({ aud, s }))),
});
