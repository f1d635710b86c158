// Google Workspace: Admin SDK Reports API activities (`activities.list`, applicationName `login`, `token`, `saml`),
// one activity a line. An activity is one actor, IP and time with one or more `events[]`: each element is an
// event (`each`), its `parameters` a list of {name, value | boolValue | intValue | multiValue} read by name.
import type { MappingFile } from '../mapping-check.js';

/** a text parameter of the element by name (the ones mapped are all `value`; each lookup parses the list once) */
const param = (name: string): string => `$.events.parameters[name=${name}].value`;

/** the same in a mapping's SQL, over `r_params` (the element's parameter list as JSON text) */
const paramSql = (name: string): string =>
  `json_extract_string(list_filter(json_extract(CASE WHEN json_valid(r_params) THEN r_params ELSE '[]' END, '$[*]'), p -> json_extract_string(p, '$.name') = '${name}')[1], '$.value')`;

export const GOOGLE_WORKSPACE: MappingFile = {
  name: 'google-workspace',
  description: 'Google Workspace Admin SDK Reports API activities (login, token, saml)',
  each: '$.events',
  detect: {
    any: [
      { values: { kind: ['admin#reports#activity'] } },
      { has: ['id.time', 'id.applicationName', 'actor', 'events'] },
    ],
  },
  raw: {
    profile: '$.actor.profileId',
    email: '$.actor.email',
    name: '$.events.name',
    params: '$.events.parameters',
  },
  fields: {
    ts: '$.id.time',
    event: '$.events.name',
    outcome: {
      sql: `CASE WHEN r_name IN ('login_failure') THEN 'failure'
        WHEN r_name IN ('login_success', 'logout', 'authorize', 'revoke', 'activity') THEN 'success'
        WHEN r_name IN ('login_challenge', 'login_verification') THEN
          CASE WHEN lower(${paramSql('login_challenge_status')}) LIKE '%fail%' THEN 'failure'
            WHEN lower(${paramSql('login_challenge_status')}) LIKE '%pass%' THEN 'success' END END`,
    },
    // the Google account id, which Google's ID tokens carry in `sub` (105250506097979753968 is Google's
    // placeholder for an actor with no profile); else the address
    sub: { sql: "COALESCE(NULLIF(NULLIF(r_profile, ''), '105250506097979753968'), NULLIF(r_email, ''))" },
    // the OAuth client a token was granted to or used by; for SAML, the application signed into
    client_id: [param('client_id'), param('application_name')],
    ip: '$.ipAddress',
    country: '$.networkInfo.regionCode',
    reason: [param('login_failure_type'), param('failure_type')],
  },
  event_types: {
    login_success: 'issue',
    authorize: 'issue',
    activity: 'use',
    revoke: 'revoke',
    logout: 'logout',
    login_failure: 'fail',
  },
  failure_event: 'fail',
};
