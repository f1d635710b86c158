import type { Severity } from '../findings/finding.js';
import type { Policy } from '../policy/policy.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { eventRefsSql } from './views.js';
import { describe, ladder, severityOf } from './ladder.js';
import { providerReuseSql } from './provider-signal.js';

// The exchanged token is `parent_jti`; a refresh event without one names the presented token by `token`. Logs
// differ on what `token` holds beside a parent_jti: the NEW token (DESIGN.md) or the presented one (its jti is the
// parent's). One exchange logged twice (two sources, a duplicated line) is one exchange: it is identified by the
// new token it produced, else by its time and IP. The identity provider's own reuse detection (provider-signal.ts)
// naming the reused refresh token (its parent_jti, else jti) is an exchange it refused: it makes that token reused
// even when our logs hold only the one exchange before it (the provider saw the other).
const SQL = `
WITH
refreshes AS (
  SELECT e.* REPLACE (CASE WHEN ${providerReuseSql('e')} THEN 'failure' ELSE e.outcome END AS outcome),
    coalesce(e.parent_jti, e.token_sha) AS exchanged,
    CASE WHEN e.parent_jti IS NOT NULL THEN 'jti' ELSE 'token' END AS named_by,
    CASE WHEN e.parent_jti IS NOT NULL AND t.jti IS DISTINCT FROM e.parent_jti THEN e.token_sha END AS product,
    coalesce(product, iso(e.ts) || '|' || coalesce(e.ip, '')) AS exchange_id, ${providerReuseSql('e')} AS provider_detected
  FROM events_src e LEFT JOIN tokens t ON t.sha256 = e.token_sha
  WHERE e.event = 'refresh' AND coalesce(e.parent_jti, e.token_sha) IS NOT NULL
  UNION ALL BY NAME
  SELECT e.* REPLACE (coalesce(e.parent_jti, e.jti) AS parent_jti, 'failure' AS outcome), coalesce(e.parent_jti, e.jti) AS exchanged,
    'jti' AS named_by, NULL AS product, iso(e.ts) || '|' || coalesce(e.ip, '') AS exchange_id, true AS provider_detected
  FROM events_src e
  WHERE e.event IS DISTINCT FROM 'refresh' AND coalesce(e.parent_jti, e.jti) IS NOT NULL AND ${providerReuseSql('e')}),
reused AS (SELECT named_by, exchanged FROM refreshes GROUP BY ALL HAVING count(DISTINCT exchange_id) > 1 OR bool_or(provider_detected)),
exchanges AS (
  SELECT exchanged, named_by, exchange_id, any_value(parent_jti) AS parent_jti, bool_or(provider_detected) AS provider_detected,
    CASE WHEN named_by = 'token' THEN exchanged END AS presented, min(ts) AS ts, arg_min(ip, ts) AS ip, arg_min(ua, ts) AS ua,
    arg_min(client_id, ts) AS client_id, arg_min(country, ts) AS country, arg_min(sub, ts) AS sub,
    CASE WHEN bool_or(outcome = 'success') THEN 'success' WHEN bool_or(outcome = 'failure') THEN 'failure' END AS outcome,
    left(any_value(product), 12) AS new_token,
    ${eventRefsSql('r')} AS events
  FROM refreshes r SEMI JOIN reused u ON u.named_by = r.named_by AND u.exchanged = r.exchanged
  GROUP BY r.exchanged, r.named_by, r.exchange_id)
SELECT x.exchanged, x.named_by, t.fingerprint AS token, coalesce(t.jti, CASE WHEN x.named_by = 'jti' THEN x.exchanged END) AS jti,
  coalesce(t.sub, min(x.sub)) AS sub, t.kid, count(*) AS exchanges,
  count(*) FILTER (WHERE x.outcome = 'success') AS granted, count(*) FILTER (WHERE x.outcome IS NULL) AS unknown_outcome,
  count(DISTINCT x.ip) AS ips, count(DISTINCT x.ua) AS uas, count(*) FILTER (WHERE x.ua IS NULL) AS ua_missing,
  count(DISTINCT x.client_id) AS clients, epoch(max(x.ts)) - epoch(min(x.ts)) AS span_s,
  iso(min(x.ts)) AS first_seen, iso(max(x.ts)) AS last_seen,
  list({'ts': iso(x.ts), 'outcome': x.outcome, 'ip': x.ip, 'country': x.country, 'ua': x.ua, 'client_id': x.client_id,
        'new_token': x.new_token} ORDER BY x.ts, x.exchange_id)[1:10] AS exchange_list,
  flatten(list(x.events ORDER BY x.ts))[1:20] AS events, bool_or(x.provider_detected) AS provider_detected
FROM exchanges x
LEFT JOIN parent_tokens p ON p.jti = x.parent_jti
LEFT JOIN tokens t ON t.sha256 = coalesce(p.sha256, x.presented)
GROUP BY x.exchanged, x.named_by, t.fingerprint, t.jti, t.sub, t.kid HAVING count(*) > 1 OR bool_or(x.provider_detected)
ORDER BY x.named_by, x.exchanged`;

const COLUMNS = columns({
  exchanged: 'text', named_by: 'text', token: 'text?', jti: 'text?', sub: 'text?', kid: 'text?', exchanges: 'int',
  granted: 'int', unknown_outcome: 'int', ips: 'int', uas: 'int', ua_missing: 'int', clients: 'int', span_s: 'num', first_seen: 'text', last_seen: 'text',
  exchange_list: 'json', events: 'refs', provider_detected: 'bool',
});
type ReuseRow = RowOf<typeof COLUMNS>;

interface Judged {
  row: ReuseRow;
  /** policy.clock_skew_seconds: two requests of one device racing */
  leeway: number;
  /** policy.refresh_reuse_grace_seconds: the identity provider's reuse / grace interval for client retries */
  grace: number;
}

/** The same client presented it each time: one user agent, recorded on every exchange, and at most one client_id. */
const oneClient = (row: ReuseRow): boolean => row.uas === 1 && row.ua_missing === 0 && row.clients <= 1;

// The first rung that holds wins: a retry by one client comes first, whatever was granted.
const LADDER = ladder<Judged>(
  {
    severity: 'info',
    when:
      'when the same client (one user agent on every exchange, one client_id where logged) exchanged it again within ' +
      'refresh_reuse_grace_seconds, from the same IP or a new one (a client retry)',
    test: ({ row, grace }) => row.exchanges > 1 && oneClient(row) && row.span_s <= grace,
  },
  {
    severity: 'low', when: 'when one client (same IP and user agent) retried within the clock-skew leeway (a network retry or two tabs racing)',
    test: ({ row, leeway }) => row.exchanges > 1 && row.ips <= 1 && row.uas <= 1 && row.span_s <= leeway,
  },
  { severity: 'critical', when: 'when two or more exchanges were granted (two token families now live)', test: ({ row }) => row.granted >= 2 },
  {
    severity: 'high', when: 'when a second grant cannot be ruled out (outcome not recorded)',
    test: ({ row }) => row.granted + row.unknown_outcome >= 2,
  },
  {
    severity: 'medium',
    when:
      'when only one exchange was granted and the reuse refused (the token leaked, reuse detection worked), or the ' +
      'identity provider reported the reuse (by its account an earlier exchange was granted)',
    test: ({ row }) => row.granted === 1 || row.provider_detected,
  },
  { severity: 'low', when: 'when every exchange was refused', test: () => true },
);

const severity = (j: Judged): Severity => severityOf(LADDER, j)!;

function toFinding(row: ReuseRow, policy: Policy): FindingDraft {
  const grace = policy.refresh_reuse_grace_seconds;
  return {
    key: [row.named_by, row.exchanged],
    severity: severity({ row, leeway: policy.clock_skew_seconds, grace }),
    jti: row.jti,
    sub: row.sub,
    kid: row.kid,
    token: row.token ?? (row.named_by === 'token' ? row.exchanged.slice(0, 12) : null),
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    events: row.events,
    evidence: {
      exchanges: row.exchanges,
      granted: row.granted,
      outcome_unknown: row.unknown_outcome,
      distinct_ips: row.ips,
      distinct_user_agents: row.uas,
      distinct_client_ids: row.clients,
      seconds_between_first_and_last: Math.round(row.span_s),
      client_retry: row.exchanges > 1 && oneClient(row) && row.span_s <= grace,
      grace_seconds: grace,
      provider_detected: row.provider_detected,
      exchange_list: row.exchange_list,
    },
  };
}

export const refreshReuse = defineCheck({
  id: 'refresh-reuse',
  title: 'Refresh token exchanged more than once',
  description: describe(
    'One refresh token (the `parent_jti` of refresh events, or the token a refresh event presents when it names no ' +
      'parent) exchanged in more than one refresh: a copy of it is in a second pair of hands. The same exchange logged ' +
      'twice counts once; a chain where each token is exchanged once never fires. The identity provider\'s own reuse ' +
      'detection naming the token (Okta `*.token.detect_reuse`, Auth0 `ferrt` saying reuse: see provider-signal) is an ' +
      'exchange it refused, so the token is reported even when the logs hold only one exchange of it. A retry is not a reuse: identity ' +
      'providers that rotate refresh tokens keep the previous one exchangeable for a short interval so a client whose ' +
      'response was lost (a network change mid-request) can retry — Auth0\'s rotation "reuse interval" (leeway: during ' +
      'it breach detection does not apply), Okta\'s "grace period for token rotation" (leeway 0–60 s, default 30), ' +
      'Amazon Cognito\'s RetryGracePeriodSeconds (0–60 s, "this allows for client-side retries"). ' +
      'refresh_reuse_grace_seconds (default 30, Okta\'s default) is that interval. The IP is not compared (a phone ' +
      'moving from Wi-Fi to mobile data gets a new address) nor the place (a roaming phone\'s mobile data exits in its ' +
      'home country); a different user agent or client_id, an exchange without a user agent, or a gap beyond the ' +
      'grace is judged as a reuse. Within the grace a thief who copies the user agent and client_id looks like the ' +
      'client, as they do to the identity provider that granted it; the exchange list keeps the IPs for review.',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'use', needs: ['refresh-events'] },
  remediation:
    'Revoke the whole token family (every refresh and access token descended from this refresh token, i.e. the session) ' +
    'and require a new login; turn on refresh-token rotation with reuse detection. Find where the copy came from ' +
    '(compare the exchanges\' IPs and user agents).',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
