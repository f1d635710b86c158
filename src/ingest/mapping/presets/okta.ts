// Okta System Log (`/api/v1/logs` LogEvent, also what Okta's log streams and SIEM exports carry). The mapping
// file format (docs/presets.md), written as a TypeScript object so it ships inside the build.
import type { MappingFile } from '../mapping-check.js';

// Only OAuth events (and SSO) pay for reading `target[]`: the rest of the log never names a token or an app there.
const OAUTH = "r_type LIKE 'app.oauth2.%'";
const TARGETS = "json_extract(x, '$.target[*]')";
const TOKEN_TYPES = "('access_token', 'id_token', 'refresh_token')";
/** the first target of these types, as JSON */
const target = (types: string): string => `list_filter(${TARGETS}, lambda t: t->>'type' IN ${types})[1]`;
const REUSE = "r_type LIKE 'app.oauth2.%token.detect_reuse'";
// A token grant made with a refresh token: Okta logs it as a grant (one event per token issued) and says how in
// debugData.grantType. Its provider type carries the grant type, so the event table can tell it from a first grant.
const REFRESH_GRANT = "r_type LIKE 'app.oauth2.%token.grant%' AND r_grant = 'refresh_token'";
const BY_REFRESH = ' (grantType refresh_token)';
const GRANTS = [
  'app.oauth2.token.grant', 'app.oauth2.token.grant.access_token', 'app.oauth2.token.grant.id_token', 'app.oauth2.token.grant.refresh_token',
  'app.oauth2.as.token.grant', 'app.oauth2.as.token.grant.access_token', 'app.oauth2.as.token.grant.id_token', 'app.oauth2.as.token.grant.refresh_token',
];

export const OKTA: MappingFile = {
  name: 'okta',
  description: 'Okta System Log events',
  detect: { any: [{ has: ['eventType', 'actor.alternateId', 'published'] }, { has: ['eventType', 'actor', 'client.ipAddress'] }] },
  raw: {
    type: '$.eventType',
    ip: '$.client.ipAddress',
    sid: '$.authenticationContext.externalSessionId',
    result: '$.outcome.result',
    grant: '$.debugContext.debugData.grantType',
    actor_type: '$.actor.type',
    actor_id: '$.actor.id',
    actor_login: '$.actor.alternateId',
    client: '$.client.id',
  },
  fields: {
    ts: '$.published',
    event: { sql: `CASE WHEN ${REFRESH_GRANT} THEN r_type || '${BY_REFRESH}' ELSE r_type END` },
    // a reuse detection is logged as SUCCESS (the detection worked); the refresh it caught failed
    outcome: { sql: `CASE WHEN ${REUSE} THEN 'FAILURE' ELSE r_result END` },
    // A token granted to a client is the user's: the `User` target (Okta's login), else the actor when it is the
    // user, else the subject Okta wrote on the token target; a client acting for itself (client_credentials) is
    // its own subject, as in its tokens.
    sub: {
      sql: `COALESCE(
        CASE WHEN ${OAUTH} THEN list_transform(list_filter(${TARGETS}, lambda t: t->>'type' = 'User'), lambda t: COALESCE(NULLIF(t->>'alternateId', ''), t->>'id'))[1] END,
        CASE WHEN r_actor_type = 'User' THEN NULLIF(r_actor_login, '') END,
        CASE WHEN ${OAUTH} THEN NULLIF(${target(TOKEN_TYPES)}->'detailEntry'->>'subject', '') END,
        NULLIF(r_actor_login, ''), NULLIF(r_actor_id, ''))`,
    },
    // a failed sign-in has no session: Okta writes "unknown", which would join every such failure together
    sid: { sql: "NULLIF(r_sid, 'unknown')" },
    // The application the user signed in to (SSO: the AppInstance target, whose id is an OIDC app's client_id;
    // client.id is then Okta's own dashboard); the OAuth client (the actor when a client app acts, client.id
    // otherwise: Okta leaves it null on many grants).
    client_id: {
      sql: `CASE
        WHEN r_type = 'user.authentication.sso' THEN COALESCE(NULLIF(${target("('AppInstance')")}->>'id', ''), NULLIF(r_client, ''))
        WHEN ${OAUTH} AND r_actor_type IS NOT NULL AND r_actor_type <> 'User' THEN COALESCE(NULLIF(r_actor_id, ''), NULLIF(r_client, ''))
        ELSE NULLIF(r_client, '') END`,
    },
    // Okta writes the text "null" for an unknown client IP
    ip: { sql: "NULLIF(r_ip, 'null')" },
    country: '$.client.geographicalContext.country',
    city: '$.client.geographicalContext.city',
    lat: '$.client.geographicalContext.geolocation.lat',
    lon: '$.client.geographicalContext.geolocation.lon',
    ua: '$.client.userAgent.rawUserAgent',
    reason: '$.outcome.reason',
    // OAuth grant and revoke events name the token in `target[]` (id `AT.…` / `ID.…` / `RT.…`, the token's jti); a
    // reuse detection names no token issued, only (when it does) the refresh token presented again.
    jti: { sql: `CASE WHEN ${OAUTH} AND NOT (${REUSE}) THEN ${target(TOKEN_TYPES)}->>'id' END` },
    parent_jti: { sql: `CASE WHEN ${REUSE} THEN ${target("('refresh_token')")}->>'id' END` },
  },
  event_types: {
    'user.session.start': 'issue',
    'user.authentication.sso': 'issue',
    'app.oauth2.authorize.code': 'issue',
    'app.oauth2.as.authorize.code': 'issue',
    ...Object.fromEntries(GRANTS.map((g) => [g, 'issue'])),
    ...Object.fromEntries(GRANTS.map((g) => [`${g}${BY_REFRESH}`, 'refresh'])),
    'app.oauth2.token.detect_reuse': 'refresh',
    'app.oauth2.as.token.detect_reuse': 'refresh',
    'app.oauth2.token.revoke': 'revoke',
    'app.oauth2.as.token.revoke': 'revoke',
    'user.session.clear': 'revoke',
    'user.session.end': 'logout',
    'user.session.expire': 'logout',
    'user.session.access_admin_app': 'use',
  },
  outcome: { SUCCESS: 'success', ALLOW: 'success', FAILURE: 'failure', DENY: 'failure' },
  failure_event: 'fail',
};
