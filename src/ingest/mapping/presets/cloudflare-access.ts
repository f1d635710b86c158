// Cloudflare Access authentication logs: the Logpush `access_requests` dataset (PascalCase fields) and the API
// (`/accounts/{id}/access/logs/access_requests`, snake_case). Each field lists both spellings.
import type { MappingFile } from '../mapping-check.js';

// CreatedAt comes as RFC 3339, epoch seconds or epoch nanoseconds (Logpush's timestamp options): nanoseconds
// are cut to milliseconds, which the shared time parser understands.
const CREATED = 'COALESCE(r_created, r_created_api)';
const TS = `CASE WHEN TRY_CAST(${CREATED} AS DOUBLE) >= 1e17 THEN CAST(TRY_CAST(${CREATED} AS HUGEINT) // 1000000 AS VARCHAR) ELSE ${CREATED} END`;

export const CLOUDFLARE_ACCESS: MappingFile = {
  name: 'cloudflare-access',
  description: 'Cloudflare Access authentication logs (Logpush access_requests or the API)',
  detect: { any: [{ has: ['RayID', 'CreatedAt', 'Action'] }, { has: ['RayID', 'AppUUID'] }, { has: ['ray_id', 'app_uid'] }, { has: ['ray_id', 'created_at', 'action'] }] },
  raw: {
    created: '$.CreatedAt', created_api: '$.created_at', country: '$.Country', country_api: '$.country',
    action: '$.Action', action_api: '$.action', allowed: '$.Allowed', allowed_api: '$.allowed',
  },
  fields: {
    ts: { sql: TS },
    // The dataset records login attempts (and logouts): a record with an empty or absent Action is a login attempt,
    // allowed or denied as `Allowed` says, not an event of no kind.
    event: {
      sql: "COALESCE(NULLIF(r_action, ''), NULLIF(r_action_api, ''), CASE WHEN COALESCE(r_allowed, r_allowed_api) IN ('true', 'false') THEN 'login' END)",
    },
    outcome: ['$.Allowed', '$.allowed'],
    // the Access JWT's `sub` is the user's UID; the e-mail when the UID is not logged
    sub: ['$.UserUID', '$.Email', '$.user_email'],
    client_id: ['$.AppUUID', '$.app_uid'],
    aud: ['$.AppDomain', '$.app_domain'],
    ip: ['$.IPAddress', '$.ip_address'],
    // an ISO code, often lower-case ("us"); made the alpha-2 code like every preset's (country-codes.ts); Cloudflare's
    // own "T1" (Tor) and "XX" (unknown) are no country and stay as they are, upper-cased
    country: { sql: "upper(COALESCE(NULLIF(r_country, ''), r_country_api))" },
  },
  event_types: { login: 'issue', sso: 'issue', logout: 'logout' },
  outcome: { true: 'success', false: 'failure' },
  failure_event: 'fail',
};
