// Microsoft Entra ID (Azure AD) sign-in logs in the two shapes responders hold them:
// - Azure Monitor diagnostic export (Event Hub, storage account, Log Analytics export): an envelope with `time`,
//   `category`, `resultType`, and the sign-in itself under `properties`;
// - Microsoft Graph `/auditLogs/signIns` (v1.0 and beta) records, one per line: the signIn resource, flat
//   (`createdDateTime`, `userPrincipalName`, `ipAddress`, `status.errorCode`, `location.countryOrRegion`, …).
// The sign-in happened at `createdDateTime`; the envelope's `time` is when Azure Monitor emitted the record, one to
// four minutes later, so it is only the last resort.
import type { MappingFile } from '../mapping-check.js';

// The Graph record has no `category`: its kind of sign-in is `signInEventTypes` (beta), else `isInteractive`
// (v1.0), in Graph's own words; a sign-in with a service principal and no user is a service principal's.
const GRAPH_KIND = `CASE
  WHEN json_array_length(TRY_CAST(r_g_kinds AS JSON)) > 0 THEN TRY_CAST(r_g_kinds AS JSON)->>0
  WHEN NULLIF(r_g_user_id, '') IS NULL AND NULLIF(r_g_sp_id, '') IS NOT NULL THEN 'servicePrincipal'
  WHEN r_g_interactive = 'true' THEN 'interactiveUser'
  WHEN r_g_interactive = 'false' THEN 'nonInteractiveUser'
END`;

// resultType (envelope) or status.errorCode (both shapes): 0 is success, any other code a failure or an interrupt
const RESULT = "COALESCE(NULLIF(r_result, ''), r_error_code, r_g_error_code)";

export const ENTRA: MappingFile = {
  name: 'entra',
  description: 'Microsoft Entra ID sign-in logs (Azure Monitor diagnostic export, Microsoft Graph signIn records)',
  detect: {
    any: [
      {
        values: {
          category: ['SignInLogs', 'NonInteractiveUserSignInLogs', 'ServicePrincipalSignInLogs', 'ManagedIdentitySignInLogs', 'MicrosoftServicePrincipalSignInLogs'],
        },
      },
      { has: ['properties.userPrincipalName', 'properties.createdDateTime'] },
      // Graph signIn records: no other provider's record has createdDateTime beside appId and a status.errorCode
      { has: ['createdDateTime', 'appId', 'status.errorCode'] },
      { has: ['createdDateTime', 'userPrincipalName', 'ipAddress', 'isInteractive'] },
    ],
  },
  raw: {
    category: '$.category',
    result: '$.resultType',
    error_code: '$.properties.status.errorCode',
    p_created: '$.properties.createdDateTime',
    p_resource: '$.properties.resourceId',
    g_error_code: '$.status.errorCode',
    g_kinds: '$.signInEventTypes',
    g_interactive: '$.isInteractive',
    g_user_id: '$.userId',
    g_sp_id: '$.servicePrincipalId',
    g_resource: '$.resourceId',
  },
  fields: {
    ts: ['$.properties.createdDateTime', '$.createdDateTime', '$.time'],
    // each envelope category is one kind of sign-in: an interactive one issues tokens, a non-interactive one redeems
    // a refresh token or session cookie for new ones; a Graph record says the same in signInEventTypes/isInteractive
    event: { sql: `COALESCE(NULLIF(r_category, ''), ${GRAPH_KIND})` },
    outcome: { sql: `CASE WHEN ${RESULT} IS NULL THEN NULL WHEN ${RESULT} = '0' THEN 'success' ELSE 'failure' END` },
    sub: [
      '$.properties.userPrincipalName', '$.userPrincipalName', '$.properties.servicePrincipalName', '$.servicePrincipalName',
      '$.properties.userId', '$.userId', '$.properties.servicePrincipalId', '$.servicePrincipalId',
    ],
    sid: ['$.properties.sessionId', '$.sessionId'],
    client_id: ['$.properties.appId', '$.appId'],
    ip: ['$.properties.ipAddress', '$.ipAddress', '$.callerIpAddress'],
    country: ['$.properties.location.countryOrRegion', '$.location.countryOrRegion'],
    city: ['$.properties.location.city', '$.location.city'],
    lat: ['$.properties.location.geoCoordinates.latitude', '$.location.geoCoordinates.latitude'],
    lon: ['$.properties.location.geoCoordinates.longitude', '$.location.geoCoordinates.longitude'],
    ua: ['$.properties.userAgent', '$.userAgent'],
    // the envelope's top-level resourceId is the Azure resource path of the tenant; a Graph record's is the app id
    // of the resource signed in to, which the envelope keeps under properties
    aud: { sql: "CASE WHEN r_category IS NULL AND r_p_created IS NULL THEN NULLIF(r_g_resource, '') ELSE NULLIF(r_p_resource, '') END" },
    reason: ['$.properties.status.failureReason', '$.status.failureReason', '$.resultDescription'],
  },
  event_types: {
    SignInLogs: 'issue',
    NonInteractiveUserSignInLogs: 'refresh',
    ServicePrincipalSignInLogs: 'issue',
    ManagedIdentitySignInLogs: 'issue',
    MicrosoftServicePrincipalSignInLogs: 'issue',
    interactiveUser: 'issue',
    nonInteractiveUser: 'refresh',
    servicePrincipal: 'issue',
    managedIdentity: 'issue',
  },
  failure_event: 'fail',
};
