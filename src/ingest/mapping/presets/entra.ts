// Microsoft Entra ID (Azure AD) sign-in logs as Azure Monitor exports them (diagnostic settings → Event Hub or
// storage): `time`, `category`, `resultType` and the sign-in itself under `properties`.
import type { MappingFile } from '../mapping-check.js';

export const ENTRA: MappingFile = {
  name: 'entra',
  description: 'Microsoft Entra ID sign-in logs (Azure Monitor diagnostic export)',
  detect: {
    any: [
      {
        values: {
          category: ['SignInLogs', 'NonInteractiveUserSignInLogs', 'ServicePrincipalSignInLogs', 'ManagedIdentitySignInLogs', 'MicrosoftServicePrincipalSignInLogs'],
        },
      },
      { has: ['properties.userPrincipalName', 'properties.createdDateTime'] },
    ],
  },
  raw: { result: '$.resultType', error_code: '$.properties.status.errorCode' },
  fields: {
    ts: ['$.time', '$.properties.createdDateTime'],
    // each category is one kind of sign-in: an interactive one issues tokens, a non-interactive one redeems a
    // refresh token or session cookie for new ones
    event: '$.category',
    // resultType / errorCode 0 is success; any other code is a failure or an interrupt
    outcome: {
      sql: "CASE WHEN COALESCE(NULLIF(r_result, ''), r_error_code) IS NULL THEN NULL WHEN COALESCE(NULLIF(r_result, ''), r_error_code) = '0' THEN 'success' ELSE 'failure' END",
    },
    sub: ['$.properties.userPrincipalName', '$.properties.servicePrincipalName', '$.properties.userId', '$.properties.servicePrincipalId'],
    sid: '$.properties.sessionId',
    client_id: '$.properties.appId',
    ip: ['$.properties.ipAddress', '$.callerIpAddress'],
    country: '$.properties.location.countryOrRegion',
    city: '$.properties.location.city',
    lat: '$.properties.location.geoCoordinates.latitude',
    lon: '$.properties.location.geoCoordinates.longitude',
    ua: '$.properties.userAgent',
    aud: '$.properties.resourceId',
    reason: ['$.properties.status.failureReason', '$.resultDescription'],
  },
  event_types: {
    SignInLogs: 'issue',
    NonInteractiveUserSignInLogs: 'refresh',
    ServicePrincipalSignInLogs: 'issue',
    ManagedIdentitySignInLogs: 'issue',
    MicrosoftServicePrincipalSignInLogs: 'issue',
  },
  failure_event: 'fail',
};
