// Keycloak events in the three shapes a responder holds them:
// - the event store's REST records (`GET /admin/realms/{realm}/events`, EventRepresentation: `time` in epoch
//   milliseconds, `type`, `userId`, `sessionId`, `clientId`, `ipAddress`, `error`, `details{…}`) and admin events
//   (`GET …/admin-events`, AdminEventRepresentation: `operationType`, `resourcePath`, `authDetails{…}`), one a line,
//   which JSON event-listener extensions write in the same shape;
// - the built-in `jboss-logging` listener's lines in Keycloak's JSON console/file log (Quarkus `json` format with
//   `loggerName`, or `ecs` with `log.logger`): logger `org.keycloak.events`, the event as `key="value", …` text in
//   `message` (values quoted since Keycloak 23; older servers write `key=value` and `key='a value'`).
// A server log's other lines (start-up, warnings) have no event time here: they are rejected as missing-ts.
import type { MappingFile } from '../mapping-check.js';

// org.keycloak.events.EventType: each type has its `_ERROR` twin
const TYPES = [
  'LOGIN', 'REGISTER', 'LOGOUT', 'CODE_TO_TOKEN', 'CLIENT_LOGIN', 'REFRESH_TOKEN', 'VALIDATE_ACCESS_TOKEN', 'INTROSPECT_TOKEN',
  'FEDERATED_IDENTITY_LINK', 'REMOVE_FEDERATED_IDENTITY', 'UPDATE_EMAIL', 'UPDATE_PROFILE', 'UPDATE_PASSWORD', 'UPDATE_TOTP',
  'VERIFY_EMAIL', 'VERIFY_PROFILE', 'REMOVE_TOTP', 'GRANT_CONSENT', 'UPDATE_CONSENT', 'REVOKE_GRANT', 'SEND_VERIFY_EMAIL',
  'SEND_RESET_PASSWORD', 'SEND_IDENTITY_PROVIDER_LINK', 'RESET_PASSWORD', 'RESTART_AUTHENTICATION', 'INVALID_SIGNATURE',
  'REGISTER_NODE', 'UNREGISTER_NODE', 'USER_INFO_REQUEST', 'IDENTITY_PROVIDER_LINK_ACCOUNT', 'IDENTITY_PROVIDER_LOGIN',
  'IDENTITY_PROVIDER_FIRST_LOGIN', 'IDENTITY_PROVIDER_POST_LOGIN', 'IDENTITY_PROVIDER_RESPONSE', 'IDENTITY_PROVIDER_RETRIEVE_TOKEN',
  'IMPERSONATE', 'CUSTOM_REQUIRED_ACTION', 'EXECUTE_ACTIONS', 'EXECUTE_ACTION_TOKEN', 'CLIENT_INFO', 'CLIENT_REGISTER',
  'CLIENT_UPDATE', 'CLIENT_DELETE', 'CLIENT_INITIATED_ACCOUNT_LINKING', 'TOKEN_EXCHANGE', 'OAUTH2_DEVICE_AUTH',
  'OAUTH2_DEVICE_VERIFY_USER_CODE', 'OAUTH2_DEVICE_CODE_TO_TOKEN', 'AUTHREQID_TO_TOKEN', 'PERMISSION_TOKEN', 'DELETE_ACCOUNT',
  'PUSHED_AUTHORIZATION_REQUEST', 'USER_DISABLED_BY_PERMANENT_LOCKOUT', 'USER_DISABLED_BY_TEMPORARY_LOCKOUT',
  'OAUTH2_EXTENSION_GRANT', 'JWT_BEARER',
];
/** the token endpoint's grants and the sign-ins that start a session: tokens (or a session) are issued */
const ISSUE = [
  'LOGIN', 'CODE_TO_TOKEN', 'CLIENT_LOGIN', 'TOKEN_EXCHANGE', 'OAUTH2_DEVICE_CODE_TO_TOKEN', 'AUTHREQID_TO_TOKEN',
  'PERMISSION_TOKEN', 'OAUTH2_EXTENSION_GRANT', 'JWT_BEARER',
];
// The token revocation endpoint (RFC 7009) logs REVOKE_GRANT with the revoked token's `token_id`; the account
// console's "remove access" logs REVOKE_GRANT with `revoked_client` and no token: it ends that client's grant only,
// which no revocation scope here can say (a subject-wide revoke would flag the user's other apps), so its provider
// type carries the difference and it is kept as it is.
const CONSENT = ' (revoked_client)';

/** A `key=value` of the jboss-logging message, unquoted ("…" with \" escapes, '…', or bare up to the next comma);
 *  the text "null" is no value. Only a log line (a `message`) pays for it. */
const kv = (key: string): string =>
  `CASE WHEN r_message IS NOT NULL THEN list_transform([regexp_extract(r_message, '(?:^|, )${key}=("(?:[^"\\\\]|\\\\.)*"|''[^'']*''|[^,]*)', 1)],
    lambda v: NULLIF(NULLIF(CASE WHEN v LIKE '"%"' THEN regexp_replace(v[2:-2], '\\\\(.)', '\\1', 'g')
      WHEN v LIKE '''%''' THEN v[2:-2] ELSE v END, 'null'), ''))[1] END`;
/** a field of the REST record, else of the log line's message */
const field = (raw: string, key: string): string => `COALESCE(NULLIF(r_${raw}, ''), ${kv(key)})`;

const TYPE = field('type', 'type');
const OP = field('op', 'operationType');
const PATH = field('path', 'resourcePath');
const ERROR = field('error', 'error');
const TOKEN_ID = field('token_id', 'token_id');
const RT_ID = field('rt_id', 'refresh_token_id');
const NEW_RT_ID = field('new_rt_id', 'updated_refresh_token_id');
// an admin event's resource path with the ids cut out (`users/{id}/logout`): its provider type
const ROUTE = `regexp_replace(${PATH}, '(^|/)(users|clients|sessions|groups|client-scopes|components|roles-by-id|organizations|identity-provider/instances)/[^/]+', '\\1\\2/{id}', 'g')`;
const LOGGER = `COALESCE(r_logger, CASE WHEN r_message IS NOT NULL THEN x->>'$."log.logger"' END)`;

export const KEYCLOAK: MappingFile = {
  name: 'keycloak',
  description: 'Keycloak login and admin events (event store REST export, JSON listeners, jboss-logging JSON log lines)',
  detect: {
    any: [
      { has: ['time', 'type', 'realmId'] },
      { has: ['time', 'operationType', 'realmId'] },
      { values: { loggerName: ['org.keycloak.events'] } },
      // Keycloak's JSON log (Quarkus `json`, `ecs`): recognised by its own keys, whatever its first lines say
      { has: ['loggerName', 'loggerClassName', 'message', 'mdc'] },
      { has: ['@timestamp', 'message', 'mdc', 'ndc'] },
    ],
  },
  raw: {
    time: '$.time',
    log_time: '$.timestamp',
    ecs_time: '$.@timestamp',
    logger: '$.loggerName',
    message: '$.message',
    type: '$.type',
    op: '$.operationType',
    path: '$.resourcePath',
    error: '$.error',
    user: '$.userId',
    session: '$.sessionId',
    client: '$.clientId',
    ip: '$.ipAddress',
    admin_user: '$.authDetails.userId',
    admin_client: '$.authDetails.clientId',
    admin_ip: '$.authDetails.ipAddress',
    username: '$.details.username',
    token_id: '$.details.token_id',
    rt_id: '$.details.refresh_token_id',
    new_rt_id: '$.details.updated_refresh_token_id',
    revoked_client: '$.details.revoked_client',
    reason: '$.details.reason',
    audience: '$.details.audience',
  },
  fields: {
    // the event store's epoch milliseconds; a log line's own time when the line is an event
    ts: {
      sql: `COALESCE(NULLIF(r_time, ''), CASE WHEN ${LOGGER} = 'org.keycloak.events' THEN COALESCE(NULLIF(r_log_time, ''), r_ecs_time) END)`,
    },
    event: {
      sql: `CASE
        WHEN ${TYPE} IS NOT NULL THEN ${TYPE} || CASE WHEN ${TYPE} = 'REVOKE_GRANT' AND ${TOKEN_ID} IS NULL
          AND COALESCE(NULLIF(r_revoked_client, ''), ${kv('revoked_client')}) IS NOT NULL THEN '${CONSENT}' ELSE '' END
        WHEN ${OP} IS NOT NULL THEN 'admin ' || ${OP} || ' ' || COALESCE(${ROUTE}, '') END`,
    },
    outcome: {
      sql: `CASE WHEN ${ERROR} IS NOT NULL OR ends_with(${TYPE}, '_ERROR') THEN 'failure'
        WHEN COALESCE(${TYPE}, ${OP}) IS NOT NULL THEN 'success' END`,
    },
    // The user the event is about: its `userId` (the `sub` of Keycloak's tokens), else the name a failed login
    // tried. An admin event is the admin's (authDetails), except a revocation, which is the user's whose sessions
    // it ends (`users/{id}/logout`), or of nobody known (`sessions/{id}`: that session's).
    sub: {
      sql: `CASE WHEN ${OP} IS NOT NULL AND ${TYPE} IS NULL THEN CASE
          WHEN ${PATH} LIKE 'users/%/logout' THEN regexp_extract(${PATH}, '^users/([^/]+)/logout$', 1)
          WHEN ${PATH} LIKE 'sessions/%' THEN NULL
          ELSE COALESCE(NULLIF(r_admin_user, ''), ${kv('userId')}) END
        ELSE COALESCE(NULLIF(r_user, ''), ${kv('userId')}, NULLIF(r_username, ''), ${kv('username')}) END`,
    },
    sid: {
      sql: `CASE WHEN ${OP} IS NOT NULL AND ${TYPE} IS NULL THEN NULLIF(regexp_extract(${PATH}, '^sessions/([^/]+)$', 1), '')
        ELSE ${field('session', 'sessionId')} END`,
    },
    // user events name the client by its clientId; admin events by Keycloak's internal id (a UUID)
    client_id: { sql: `COALESCE(NULLIF(r_client, ''), NULLIF(r_admin_client, ''), ${kv('clientId')})` },
    ip: { sql: `COALESCE(NULLIF(r_ip, ''), NULLIF(r_admin_ip, ''), ${kv('ipAddress')})` },
    aud: { sql: field('audience', 'audience') },
    reason: { sql: `NULLIF(concat_ws(': ', ${ERROR}, ${field('reason', 'reason')}), '')` },
    // A refresh names the refresh token presented (refresh_token_id) and the one it hands out
    // (updated_refresh_token_id); a grant names the refresh token it issues, else the access token (token_id), so
    // one refresh-token family links from the code exchange through every refresh.
    jti: {
      sql: `CASE WHEN ${TYPE} = 'REFRESH_TOKEN' THEN COALESCE(${NEW_RT_ID}, ${TOKEN_ID})
        WHEN ${TYPE} IS NULL OR ends_with(${TYPE}, '_ERROR') THEN NULL
        ELSE COALESCE(${RT_ID}, ${TOKEN_ID}) END`,
    },
    parent_jti: { sql: `CASE WHEN ${TYPE} IN ('REFRESH_TOKEN', 'REFRESH_TOKEN_ERROR') THEN ${RT_ID} END` },
  },
  event_types: {
    ...Object.fromEntries(TYPES.map((t) => [`${t}_ERROR`, 'fail' as const])),
    ...Object.fromEntries(ISSUE.map((t) => [t, 'issue' as const])),
    REFRESH_TOKEN: 'refresh',
    // a refused refresh still presented its refresh token: kept a refresh (outcome failure), so a token exchanged
    // once and presented again is seen by refresh-reuse
    REFRESH_TOKEN_ERROR: 'refresh',
    INTROSPECT_TOKEN: 'use',
    USER_INFO_REQUEST: 'use',
    LOGOUT: 'logout',
    REVOKE_GRANT: 'revoke',
    'admin ACTION users/{id}/logout': 'revoke',
    'admin DELETE sessions/{id}': 'revoke',
  },
};
