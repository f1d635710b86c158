// Okta System Log (`/api/v1/logs` LogEvent, also what Okta's log streams and SIEM exports carry). The mapping
// file format (docs/presets.md), written as a TypeScript object so it ships inside the build.
import type { MappingFile } from '../mapping-check.js';

export const OKTA: MappingFile = {
  name: 'okta',
  description: 'Okta System Log events',
  detect: { any: [{ has: ['eventType', 'actor.alternateId', 'published'] }, { has: ['eventType', 'actor', 'client.ipAddress'] }] },
  raw: { type: '$.eventType', ip: '$.client.ipAddress', sid: '$.authenticationContext.externalSessionId' },
  fields: {
    ts: '$.published',
    event: '$.eventType',
    outcome: '$.outcome.result',
    sub: '$.actor.alternateId',
    // a failed sign-in has no session: Okta writes "unknown", which would join every such failure together
    sid: { sql: "NULLIF(r_sid, 'unknown')" },
    client_id: '$.client.id',
    // Okta writes the text "null" for an unknown client IP
    ip: { sql: "NULLIF(r_ip, 'null')" },
    country: '$.client.geographicalContext.country',
    city: '$.client.geographicalContext.city',
    lat: '$.client.geographicalContext.geolocation.lat',
    lon: '$.client.geographicalContext.geolocation.lon',
    ua: '$.client.userAgent.rawUserAgent',
    reason: '$.outcome.reason',
    // OAuth grant and revoke events name the token in `target[]` (id `AT.…` / `ID.…` / `RT.…`, the token's jti);
    // only those events pay for reading the array.
    jti: {
      sql: "CASE WHEN r_type LIKE 'app.oauth2.%' THEN list_filter(json_extract(x, '$.target[*]'), lambda t: t->>'type' IN ('access_token', 'id_token', 'refresh_token'))[1]->>'id' END",
    },
  },
  event_types: {
    'user.session.start': 'issue',
    'user.authentication.sso': 'issue',
    'app.oauth2.authorize.code': 'issue',
    'app.oauth2.as.authorize.code': 'issue',
    'app.oauth2.token.grant': 'issue',
    'app.oauth2.token.grant.access_token': 'issue',
    'app.oauth2.token.grant.id_token': 'issue',
    'app.oauth2.token.grant.refresh_token': 'issue',
    'app.oauth2.as.token.grant': 'issue',
    'app.oauth2.as.token.grant.access_token': 'issue',
    'app.oauth2.as.token.grant.id_token': 'issue',
    'app.oauth2.as.token.grant.refresh_token': 'issue',
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
