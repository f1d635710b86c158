// Microsoft 365 Unified Audit Log: Azure AD (Entra ID) STS logons (Workload AzureActiveDirectory, RecordType 15,
// Operation UserLoggedIn / UserLoginFailed) as the Office 365 Management Activity API, Search-UnifiedAuditLog's
// AuditData or a Purview export give them, one record a line. Other audit records load with their operation kept.
import type { MappingFile } from '../mapping-check.js';

/** `[host]:port`, `[host]`, `a.b.c.d:port` → the host; `::ffff:a.b.c.d` (IPv4-mapped) → a.b.c.d; others as they are */
function ipWithoutPort(v: string): string {
  return `CASE WHEN regexp_matches(${v}, '^\\[[^\\]]+\\](:[0-9]+)?$') THEN regexp_extract(${v}, '^\\[([^\\]]+)\\]', 1)
    WHEN regexp_matches(${v}, '^[0-9]+(\\.[0-9]+){3}:[0-9]+$') THEN split_part(${v}, ':', 1)
    ELSE ${v} END`;
}

const IPV4_MAPPED = (v: string): string => `regexp_replace(${v}, '^::ffff:([0-9]+(\\.[0-9]+){3})$', '\\1', 'i')`;

export const M365_AUDIT: MappingFile = {
  name: 'm365-audit',
  description: 'Microsoft 365 Unified Audit Log (Azure AD STS logons)',
  detect: {
    any: [
      { values: { Workload: ['AzureActiveDirectory'], Operation: ['UserLoggedIn', 'UserLoginFailed'] } },
      { has: ['CreationTime', 'Operation', 'Workload', 'OrganizationId', 'RecordType'] },
    ],
  },
  raw: {
    operation: '$.Operation',
    result: '$.ResultStatus',
    client_ip: '$.ClientIP',
    actor_ip: '$.ActorIpAddress',
    object: '$.ObjectId',
    logon_error: '$.LogonError',
    error_number: '$.ErrorNumber',
  },
  fields: {
    // UTC, written without an offset (the store's session is UTC)
    ts: '$.CreationTime',
    event: '$.Operation',
    // the operation says whether the logon succeeded: a failed logon's ResultStatus is the HTTP call's ("Success")
    outcome: {
      sql: `CASE WHEN r_operation = 'UserLoginFailed' THEN 'failure' WHEN r_operation = 'UserLoggedIn' THEN 'success'
        WHEN lower(r_result) IN ('success', 'succeeded', 'true') THEN 'success' WHEN lower(r_result) IN ('failed', 'false') THEN 'failure' END`,
    },
    // the UPN (a failed logon's is the name that was tried)
    sub: '$.UserId',
    sid: '$.DeviceProperties[Name=SessionId].Value',
    client_id: '$.ApplicationId',
    // ClientIP carries a port at times: 1.2.3.4:5678, [2001:db8::1]:5678; an IPv4-mapped IPv6 is the IPv4 host
    ip: { sql: IPV4_MAPPED(ipWithoutPort("COALESCE(NULLIF(r_client_ip, ''), NULLIF(r_actor_ip, ''))")) },
    ua: '$.ExtendedProperties[Name=UserAgent].Value',
    // the resource the sign-in was for (an app id, as Entra's resourceId); "Unknown" and "Not Available" are none
    aud: { sql: "CASE WHEN r_object IN ('Unknown', 'Not Available') THEN NULL ELSE NULLIF(r_object, '') END" },
    // LogonError says why in words, ErrorNumber is the AADSTS code ("0" on success)
    reason: {
      sql: `CASE WHEN NULLIF(r_logon_error, '') IS NOT NULL AND COALESCE(r_error_number, '0') <> '0' THEN r_logon_error || ' (AADSTS' || r_error_number || ')'
        WHEN NULLIF(r_logon_error, '') IS NOT NULL THEN r_logon_error
        WHEN COALESCE(r_error_number, '0') <> '0' THEN 'AADSTS' || r_error_number END`,
    },
  },
  event_types: {
    UserLoggedIn: 'issue',
    UserLoginFailed: 'fail',
  },
  failure_event: 'fail',
};
