// Amazon Cognito user-pool events as AWS CloudTrail records them (`eventSource: cognito-idp.amazonaws.com`), one
// record a line. Two kinds of record:
// - user-pool API calls (`InitiateAuth`, `RespondToAuthChallenge`, `RevokeToken`, `GlobalSignOut`, `GetUser`, the
//   `Admin…` calls): `requestParameters` with the API's own names (`authFlow`, `clientId`), tokens, passwords and
//   often the user name written as HIDDEN_DUE_TO_SECURITY_REASONS, the user's `sub` in `additionalEventData.sub`
//   when Cognito knows it;
// - the managed login and OAuth endpoints (`Token_POST`, `Login_POST`, `Logout_GET`, `Revoke_POST`, …): no user at
//   all, the request's form fields as lists under `additionalEventData.requestParameters` (`grant_type`,
//   `client_id`), the HTTP status under `additionalEventData.responseParameters.status`.
// A record from an S3 object's `{"Records": […]}` or an EventBridge `detail` is the same record once unwrapped.
import type { MappingFile } from '../mapping-check.js';

const FORM_GRANT = "json_extract_string(r_form_grant, '$[0]')";
// The provider type carries the grant type or auth flow where the call's name alone does not say whether tokens
// were issued or refreshed (as the okta preset does for grantType).
const GRANT = (g: string): string => `Token_POST (grant_type ${g})`;
const FLOW = (call: string, flow: string): string => `${call} (AuthFlow ${flow})`;

/** calls authorised by the user's access token: a presentation of it */
const USES = [
  'GetUser', 'UpdateUserAttributes', 'DeleteUserAttributes', 'VerifyUserAttribute', 'GetUserAttributeVerificationCode',
  'ChangePassword', 'DeleteUser', 'SetUserMFAPreference', 'SetUserSettings', 'AssociateSoftwareToken', 'VerifySoftwareToken',
  'ConfirmDevice', 'GetDevice', 'ListDevices', 'ForgetDevice', 'UpdateDeviceStatus', 'UserInfo_GET', 'UserInfo_POST',
];

export const AWS_COGNITO: MappingFile = {
  name: 'aws-cognito',
  description: 'Amazon Cognito user-pool events in AWS CloudTrail (API calls and managed login / OAuth endpoints)',
  detect: { any: [{ values: { eventSource: ['cognito-idp.amazonaws.com'] } }] },
  raw: {
    name: '$.eventName',
    error_code: '$.errorCode',
    error_message: '$.errorMessage',
    status: '$.additionalEventData.responseParameters.status',
    form_grant: '$.additionalEventData.requestParameters.grant_type',
    form_client: '$.additionalEventData.requestParameters.client_id',
    flow: '$.requestParameters.authFlow',
    client: '$.requestParameters.clientId',
    ip: '$.sourceIPAddress',
  },
  fields: {
    ts: '$.eventTime',
    event: {
      sql: `CASE
        WHEN r_name = 'Token_POST' AND ${FORM_GRANT} IS NOT NULL THEN r_name || ' (grant_type ' || ${FORM_GRANT} || ')'
        WHEN r_name IN ('InitiateAuth', 'AdminInitiateAuth') AND NULLIF(r_flow, '') IS NOT NULL THEN r_name || ' (AuthFlow ' || r_flow || ')'
        ELSE r_name END`,
    },
    // an API call failed when it has an errorCode; an endpoint request when its HTTP status is 4xx or 5xx
    outcome: {
      sql: `CASE WHEN NULLIF(r_error_code, '') IS NOT NULL THEN 'failure'
        WHEN TRY_CAST(r_status AS DOUBLE) >= 400 THEN 'failure'
        WHEN r_name IS NOT NULL THEN 'success' END`,
    },
    // The user's `sub` (the `sub` of Cognito's tokens) as Cognito adds it; an admin call's is the user acted on,
    // its IAM caller stays in extra.userIdentity. The user name is not the sub, and is mostly hidden: not used.
    sub: '$.additionalEventData.sub',
    client_id: { sql: `COALESCE(NULLIF(r_client, ''), json_extract_string(r_form_client, '$[0]'))` },
    // a call made by an AWS service has the service's name here, not an address
    ip: { sql: `CASE WHEN regexp_full_match(r_ip, '[0-9A-Fa-f.:]+') THEN r_ip END` },
    ua: '$.userAgent',
    // an endpoint's failure has no error code, only its HTTP status
    reason: {
      sql: `COALESCE(NULLIF(concat_ws(': ', NULLIF(r_error_code, ''), NULLIF(r_error_message, '')), ''),
        CASE WHEN TRY_CAST(r_status AS DOUBLE) >= 400 THEN 'HTTP ' || CAST(TRY_CAST(r_status AS DOUBLE) AS INTEGER) END)`,
    },
  },
  event_types: {
    [GRANT('authorization_code')]: 'issue',
    [GRANT('client_credentials')]: 'issue',
    [GRANT('refresh_token')]: 'refresh',
    [FLOW('InitiateAuth', 'REFRESH_TOKEN_AUTH')]: 'refresh',
    [FLOW('InitiateAuth', 'REFRESH_TOKEN')]: 'refresh',
    [FLOW('AdminInitiateAuth', 'REFRESH_TOKEN_AUTH')]: 'refresh',
    [FLOW('AdminInitiateAuth', 'REFRESH_TOKEN')]: 'refresh',
    // a password flow returns tokens (or an MFA challenge); SRP, custom and choice-based flows always start a
    // challenge, whose answer (RespondToAuthChallenge) issues the tokens: those initiations are kept as they are
    [FLOW('InitiateAuth', 'USER_PASSWORD_AUTH')]: 'issue',
    [FLOW('AdminInitiateAuth', 'ADMIN_USER_PASSWORD_AUTH')]: 'issue',
    [FLOW('AdminInitiateAuth', 'ADMIN_NO_SRP_AUTH')]: 'issue',
    RespondToAuthChallenge: 'issue',
    AdminRespondToAuthChallenge: 'issue',
    GetTokensFromRefreshToken: 'refresh',
    // RevokeToken and Revoke_POST end one refresh token, which CloudTrail hides: without it a revoke would read as
    // ending every token of the user (its other devices' too), so they are kept as they are. A global sign-out does
    // end every refresh token of the user: the subject's scope is exact there.
    GlobalSignOut: 'revoke',
    AdminUserGlobalSignOut: 'revoke',
    Logout_GET: 'logout',
    ...Object.fromEntries(USES.map((c) => [c, 'use' as const])),
  },
  failure_event: 'fail',
};
