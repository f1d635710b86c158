// Auth0 tenant logs: the log-stream shape `{log_id, data: {…}}` and the Management API shape (`/api/v2/logs`,
// the same fields at the top level). Each field lists both paths; the first present wins.
import type { MappingFile } from '../mapping-check.js';

const both = (p: string): string[] => [`$.data.${p}`, `$.${p}`];

// Auth0's whole log event type table (https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes and the
// per-type schemas of github.com/auth0/auth0-log-schemas, plus older codes still found in exports), by what each
// says about tokens and whether it succeeded.

/** tokens or a session issued: logins, silent authentication, every successful token exchange */
const ISSUE = [
  's', 'ssa', 'scoa', 'sens', 'sdel', 'sdelsa', 'sd', 'seacft', 'seccft', 'secte', 'sede', 'sdeleacft', 'seoobft',
  'seotpft', 'sepft', 'sepkft', 'sepkoobft', 'sepkotpft', 'sepkrcft', 'sercft', 'seta', 'ciba_exchange_succeeded',
  'idjag_exchange_succeeded', 'success_on_behalf_of_token_exchange',
];
/** a sign-in, token exchange, MFA challenge or logout refused; an account or IP blocked from signing in */
const FAIL = [
  'f', 'fp', 'fu', 'fc', 'fco', 'fcoa', 'fens', 'fsa', 'fdelsa', 'fs', 'fd', 'fpar', 'feacft', 'feccft', 'fecte',
  'fede', 'fdeleacft', 'feoobft', 'feotpft', 'fepft', 'fepkft', 'fepotpft', 'fercft', 'ferrt', 'fertft', 'feta',
  'fdeac', 'fdeaz', 'fdecc', 'ciba_exchange_failed', 'ciba_start_failed', 'idjag_exchange_failed',
  'jwt_bearer_exchange_failed', 'failed_on_behalf_of_token_exchange', 'gd_auth_failed', 'gd_auth_rejected',
  'gd_recovery_failed', 'gd_otp_rate_limit_exceed', 'gd_recovery_rate_limit_exceed', 'gd_webauthn_challenge_failed',
  'passkey_challenge_failed', 'flo', 'federated_logout_failed', 'oidc_backchannel_logout_failed',
  'universal_logout_failed', 'limit_wc', 'limit_mu', 'limit_sul', 'pwd_leak',
];
/** succeeded, no token event: account changes, MFA steps, administration (kept as the code) */
const OTHER_SUCCESS = [
  'ss', 'scv', 'sce', 'scp', 'scpn', 'scpr', 'scu', 'sdu', 'si', 'sui', 'sv', 'svr', 'sscim', 'ss_sso_success',
  'gd_auth_succeed', 'gd_recovery_succeed', 'gd_enrollment_complete', 'gd_auth_email_verification', 'gd_send_email',
  'gd_send_email_verification', 'gd_send_pn', 'gd_send_sms', 'gd_send_voice', 'ciba_start_succeeded',
  'connected_accounts_connection_succeeded', 'connected_accounts_delete_succeeded',
  'my_account_authentication_method_succeeded', 'kms_key_management_success', 'forms_submission_succeeded',
  'flows_execution_completed', 'directory_sync_completed', 'organization_member_added', 'resource_cleanup',
];
/** failed, no token event: account changes, notifications, administration, rate limits (kept as the code) */
const OTHER_FAILURE = [
  'fapi', 'fce', 'fcp', 'fcph', 'fcpn', 'fcpr', 'fcpro', 'fcu', 'fdu', 'fi', 'fn', 'fpurh', 'fscim', 'fui', 'fv', 'fvr',
  'gd_auth_fail_email_verification', 'gd_send_email_verification_failure', 'gd_send_pn_failure',
  'gd_send_sms_failure', 'gd_send_voice_failure', 'gd_start_enroll_failed', 'gd_webauthn_enrollment_failed',
  'actions_execution_failed', 'flows_execution_failed', 'forms_submission_failed',
  'connected_accounts_connection_failed', 'connected_accounts_delete_failed', 'custom_domain_verification_failed',
  'custom_domains_verification_failed', 'directory_sync_failed', 'kms_key_management_failure',
  'my_account_authentication_method_failed', 'ss_sso_failure', 'rich_consents_access_error', 'api_limit',
  'limit_delegation', 'limit_phone', 'limit_ui', 'reset_pwd_leak', 'signup_pwd_leak', 'too_many_records',
];
/** notices and warnings: neither success nor failure (kept as the code, outcome unknown) */
const NOTICE = [
  'w', 'wn', 'wum', 'cs', 'cls', 'du', 'depnote', 'mfar', 'pla', 'acls_summary', 'acul_sdk_notice', 'api_limit_warning',
  'appi', 'elevated_rate_limit', 'directory_sync_started', 'gd_start_auth', 'gd_start_enroll', 'gd_tenant_update',
  'gd_unenroll', 'gd_update_device_account', 'kms_key_state_changed', 'passkey_challenge_started', 'ss_sso_info',
  'ublkdu', 'coff', 'con', 'admin_update_launch', 'sys_os_update_start', 'sys_os_update_end', 'sys_update_start',
  'sys_update_end',
];
const EVENTS: Record<string, 'refresh' | 'revoke' | 'logout' | 'use'> = {
  sertft: 'refresh', // refresh token exchanged (rotated or not)
  srrt: 'revoke', // refresh token revoked
  universal_logout_succeeded: 'revoke', // every session of the user ended by the identity provider or an admin
  slo: 'logout',
  oidc_backchannel_logout_succeeded: 'logout',
  sapi: 'use', // a Management API call, with its token's jti
  mgmt_api_read: 'use',
};
const SUCCESS = [...ISSUE, ...Object.keys(EVENTS), ...OTHER_SUCCESS];
const FAILURE = [...FAIL, ...OTHER_FAILURE];

/** Every code of the table: a record of another type is kept, outcome unknown, and counted in the ingest summary. */
export const AUTH0_TYPES: readonly string[] = [...SUCCESS, ...FAILURE, ...NOTICE];

const table = <T>(codes: string[], v: T): Record<string, T> => Object.fromEntries(codes.map((c) => [c, v]));

export const AUTH0: MappingFile = {
  name: 'auth0',
  description: 'Auth0 tenant logs (log streams and the Management API)',
  detect: { any: [{ has: ['log_id', 'data.type', 'data.date'] }, { has: ['log_id', 'type', 'date'] }] },
  raw: { user_id: '$.data.user_id', user_name: '$.data.user_name', api_user_id: '$.user_id', api_user_name: '$.user_name' },
  fields: {
    ts: both('date'),
    event: both('type'),
    // Auth0 has no outcome field: the event code says it
    outcome: both('type'),
    // failed logins for unknown users carry an empty user_id and the name that was tried
    sub: {
      sql: "COALESCE(NULLIF(r_user_id, ''), NULLIF(r_api_user_id, ''), NULLIF(r_user_name, ''), NULLIF(r_api_user_name, ''))",
    },
    // a refresh-token exchange or revocation names the session its refresh token is bound to
    sid: [...both('details.session_id'), ...both('details.refresh_token.session_id')],
    // the access token a successful exchange issued; on a Management API call, the calling token
    jti: [...both('details.access_token_jti'), ...both('details.request.auth.credentials.jti')],
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
  event_types: { ...table(ISSUE, 'issue' as const), ...EVENTS, ...table(FAIL, 'fail' as const) },
  outcome: { ...table(SUCCESS, 'success' as const), ...table(FAILURE, 'failure' as const) },
};
