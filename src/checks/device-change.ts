// One bearer token presented by more than one device: the signature of a replayed (stolen) token. A device is a
// user-agent family (browser + OS, no versions) and a client_id, so browser and app updates are not devices.
import type { EventRef, Severity } from '../findings/finding.js';
import { columns, listOf, type RowOf } from '../store/rows.js';
import { uaFamilySql } from '../util/ua-family.js';
import { defineCheck, type FindingDraft } from './check.js';
import { PRESENTATIONS_SQL, TOKEN_IDS_SQL } from './presentations.js';
import { describe, ladder, severityOf } from './ladder.js';

// Every token an event presents (a refresh also presents its parent), by jti, else fingerprint. Revocations are
// excluded: an admin console revoking a token is not a device using it.
const SQL = `
WITH ev AS (
  SELECT source, line, ts, ip, nullif(trim(ua), '') AS ua, nullif(trim(client_id), '') AS client_id, outcome,
    token_key, fingerprint, jti, sub, kid
  FROM (${PRESENTATIONS_SQL}) WHERE event IS DISTINCT FROM 'revoke' AND token_key IS NOT NULL
),
families AS ( -- normalised once per distinct UA string, not per event
  SELECT ua, ${uaFamilySql('ua')} AS family FROM (SELECT DISTINCT ua FROM ev WHERE ua IS NOT NULL)
),
dev AS (SELECT ev.*, f.family FROM ev LEFT JOIN families f USING (ua)),
multi AS ( -- an unknown UA or client_id (NULL) is not counted as another device
  SELECT token_key FROM dev GROUP BY token_key HAVING count(DISTINCT family) > 1 OR count(DISTINCT client_id) > 1
),
per_device AS (
  SELECT d.token_key, d.family, d.client_id, min(d.ts) AS first_ts, max(d.ts) AS last_ts, count(*) AS uses,
    count(*) FILTER (WHERE d.outcome = 'success') AS accepted,
    count(*) FILTER (WHERE d.outcome = 'failure') AS rejected,
    list_sort(list(DISTINCT d.ip) FILTER (WHERE d.ip IS NOT NULL)) AS ips,
    list_sort(list(DISTINCT d.ua) FILTER (WHERE d.ua IS NOT NULL))[1:5] AS user_agents,
    arg_min({'source': d.source, 'line': d.line, 'ts': iso(d.ts)}, (d.ts, d.line)) AS first_ref,
    arg_max({'source': d.source, 'line': d.line, 'ts': iso(d.ts)}, (d.ts, d.line)) AS last_ref
  FROM dev d JOIN multi USING (token_key) GROUP BY ALL
),
tok AS (SELECT token_key, min(jti) AS jti, min(sub) AS sub FROM dev JOIN multi USING (token_key) GROUP BY token_key)
SELECT p.token_key, t.jti, t.sub, i.kid, coalesce(i.fingerprints, []) AS tokens,
  iso(min(p.first_ts)) AS first_seen, iso(max(p.last_ts)) AS last_seen,
  -- accepted on two devices: the replay worked; only rejected elsewhere: an attempt
  count(DISTINCT p.family) FILTER (WHERE p.accepted > 0) > 1 OR count(DISTINCT p.client_id) FILTER (WHERE p.accepted > 0) > 1 AS both_accepted,
  count(DISTINCT p.family) FILTER (WHERE p.uses > p.rejected) > 1 OR count(DISTINCT p.client_id) FILTER (WHERE p.uses > p.rejected) > 1 AS both_live,
  list({'device': coalesce(p.family, 'unknown user agent'), 'client_id': p.client_id, 'first_use': iso(p.first_ts),
        'last_use': iso(p.last_ts), 'uses': p.uses, 'accepted': p.accepted, 'rejected': p.rejected, 'ips': p.ips,
        'user_agents': p.user_agents} ORDER BY p.first_ts, p.family, p.client_id) AS devices,
  list_distinct(flatten(list([p.first_ref, p.last_ref]))) AS events
FROM per_device p JOIN tok t USING (token_key) LEFT JOIN (${TOKEN_IDS_SQL}) i USING (token_key)
GROUP BY ALL ORDER BY p.token_key`;

// A device's ips / user_agents are NULL when none was logged: evidence as DuckDB gives it.
const COLUMNS = columns({
  token_key: 'text', jti: 'text?', sub: 'text?', kid: 'text?', tokens: 'text[]', first_seen: 'text', last_seen: 'text',
  both_accepted: 'bool', both_live: 'bool',
  devices: listOf({
    device: 'text', client_id: 'text?', first_use: 'text', last_use: 'text', uses: 'int', accepted: 'int', rejected: 'int',
    ips: 'json?', user_agents: 'json?',
  }),
  events: 'refs',
});
type DeviceRow = RowOf<typeof COLUMNS>;

const LADDER = ladder<DeviceRow>(
  { severity: 'high', when: 'when the server accepted it on two devices', test: (r) => r.both_accepted },
  { severity: 'medium', when: "when the second device's outcome was not recorded", test: (r) => r.both_live },
  { severity: 'low', when: 'when every use on all but one device was rejected', test: () => true },
);

const severity = (row: DeviceRow): Severity => severityOf(LADDER, row)!;

function toFinding(row: DeviceRow): FindingDraft {
  const { tokens, devices } = row;
  return {
    key: [row.token_key],
    severity: severity(row),
    jti: row.jti,
    sub: row.sub,
    kid: row.kid,
    token: tokens[0] ?? null,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    // first and last use on each device: a handful of refs, put in time order here
    events: row.events.sort(byTime).slice(0, 20),
    evidence: { device_count: devices.length, devices, tokens },
  };
}

const byTime = (a: EventRef, b: EventRef): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line);

export const deviceChange = defineCheck({
  id: 'device-change',
  title: 'One token used from more than one device',
  description: describe(
    'One token (same jti, else same fingerprint) presented by more than one device: a different user-agent family ' +
      '(browser and OS, versions ignored, so browser or app updates do not count) or a different client_id — a replayed ' +
      'bearer token. A missing UA or client_id is never counted as a device.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'behaviour', needs: ['user-agents', ['token-events', 'refresh-links']] },
  remediation:
    'Revoke the token and its session, and treat the subject\'s credentials as exposed: find where the token leaked ' +
    '(logs, proxies, browser extensions, a compromised device). Bind tokens to the client (DPoP or mTLS, RFC 9449 / 8705) ' +
    'so a copied bearer token is useless elsewhere.',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
