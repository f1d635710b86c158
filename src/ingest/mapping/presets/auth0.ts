// Auth0 tenant logs: the log-stream shape `{log_id, data: {…}}` and the Management API shape (`/api/v2/logs`,
// the same fields at the top level). Each field lists both paths; the first present wins.
import type { MappingFile } from '../mapping-check.js';

const both = (p: string): string[] => [`$.data.${p}`, `$.${p}`];

// Auth0 event codes (https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes) that are token events.
const SUCCESS: Record<string, 'issue' | 'refresh' | 'revoke' | 'logout'> = {
  s: 'issue', ssa: 'issue', sepft: 'issue', seacft: 'issue', seccft: 'issue', sede: 'issue', seoobft: 'issue',
  seotpft: 'issue', sercft: 'issue', sepkft: 'issue', scoa: 'issue', sertft: 'refresh', srrt: 'revoke', slo: 'logout',
};
const FAILURE = [
  'f', 'fp', 'fu', 'fc', 'fco', 'fcoa', 'fsa', 'feacft', 'feccft', 'fede', 'fepft', 'fepkft', 'feoobft', 'feotpft',
  'fercft', 'fertft', 'flo', 'fcpro', 'fn', 'pwd_leak', 'limit_wc', 'limit_mu', 'limit_sul', 'fepotpft', 'fd',
];

export const AUTH0: MappingFile = {
  name: 'auth0',
  description: 'Auth0 tenant logs (log streams and the Management API)',
  detect: { any: [{ has: ['log_id', 'data.type', 'data.date'] }, { has: ['log_id', 'type', 'date'] }] },
  raw: { user_id: '$.data.user_id', user_name: '$.data.user_name', api_user_id: '$.user_id', api_user_name: '$.user_name' },
  fields: {
    ts: both('date'),
    event: both('type'),
    // Auth0 has no outcome field: the event code says it (s… succeeded, f… failed)
    outcome: both('type'),
    // failed logins for unknown users carry an empty user_id and the name that was tried
    sub: {
      sql: "COALESCE(NULLIF(r_user_id, ''), NULLIF(r_api_user_id, ''), NULLIF(r_user_name, ''), NULLIF(r_api_user_name, ''))",
    },
    sid: both('details.session_id'),
    client_id: both('client_id'),
    ip: both('ip'),
    country: both('location_info.country_code'),
    city: both('location_info.city_name'),
    lat: both('location_info.latitude'),
    lon: both('location_info.longitude'),
    ua: both('user_agent'),
    aud: both('audience'),
    reason: both('description'),
  },
  event_types: { ...SUCCESS, ...Object.fromEntries(FAILURE.map((c) => [c, 'fail' as const])) },
  outcome: {
    ...Object.fromEntries(Object.keys(SUCCESS).map((c) => [c, 'success' as const])),
    ...Object.fromEntries(FAILURE.map((c) => [c, 'failure' as const])),
  },
};
