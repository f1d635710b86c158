// What the identity provider itself detected, read from its own record (`events.extra`, kept whole by the presets,
// with the provider's type as `extra.provider_event`): Okta's refresh-token reuse detection, Auth0's failed exchange
// of a rotating refresh token whose description says reuse, Entra ID Protection's risk detections on a sign-in. The
// provider saw what our logs may not (the earlier exchange, its own risk models), so its words are the evidence.
import type { Severity } from '../findings/finding.js';
import { columns, type RowOf } from '../store/rows.js';
import { defineCheck, type FindingDraft } from './check.js';
import { describe, ladder, severityOf } from './ladder.js';
import { eventRefsSql } from './views.js';

// A provider's type and description read in one parse of the record (the record is the provider's whole event).
const REUSE_PATHS = `['$.provider_event', '$.data.description', '$.description']`;
const reuseTest = (v: string, reason: string): string =>
  `coalesce(${v}[1] LIKE '%.token.detect_reuse' OR (${v}[1] = 'ferrt' AND coalesce(${v}[2], ${v}[3], ${reason}) ILIKE '%reuse%'), false)`;

/**
 * A provider's own refresh-token reuse detection: Okta `app.oauth2[.as].token.detect_reuse` (developer.okta.com,
 * "Refresh token reuse detection": the org and custom authorization servers' System Log events), Auth0 `ferrt`
 * ("Failed Exchange of Rotating Refresh Token. This could occur when reuse is detected") whose description says so
 * ("Reused rotating refresh token detected, revoked the family"). SQL over events row `e`; refresh-reuse reads it too.
 * A detection is a refused exchange: an event whose outcome is success (most of a provider's log) is not parsed
 * (CASE evaluates its branches only for the rows that reach them), unless its canonical event kept the Okta type.
 */
export const providerReuseSql = (e: string): string => `(CASE
  WHEN ${e}.extra IS NULL OR (${e}.outcome = 'success' AND coalesce(${e}.event NOT LIKE '%detect_reuse', true)) THEN false
  ELSE ${reuseTest(`json_extract_string(${e}.extra, ${REUSE_PATHS})`, `${e}.reason`)} END)`;

// Entra ID Protection detections of a stolen, replayed or forged token or session (learn.microsoft.com, "What are
// risk detections?": Anomalous token, Token issuer anomaly, Attacker in the Middle), compared in lower case.
const TOKEN_RISKS = ['anomaloustoken', 'tokenissueranomaly', 'attackerinbrowser'];
const sqlList = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
// a risk list read from the record: an array of strings, or nothing
const riskList = (path: string): string =>
  `coalesce(CASE WHEN json_type(rec, '${path}') = 'ARRAY' THEN json_extract_string(rec, '${path}[*]') END, [])`;
// Probed in one parse: the provider's type (1), Auth0's description (2, 3), Entra's levels and states (4-7: in
// properties, then at the top), its risk lists (8-11: JSON text, '[]' when empty).
const PROBE_PATHS = `['$.provider_event', '$.data.description', '$.description',
  '$.properties.riskLevelDuringSignIn', '$.properties.riskLevelAggregated', '$.riskLevelDuringSignIn', '$.riskLevelAggregated',
  '$.properties.riskEventTypes_v2', '$.properties.riskEventTypes', '$.riskEventTypes_v2', '$.riskEventTypes',
  '$.properties.riskState', '$.riskState']`;
// a level or state that makes a sign-in a signal (with a risk list that is not empty)
const RISKY = ['low', 'medium', 'high', 'atrisk', 'confirmedcompromised', 'remediated', 'dismissed', 'confirmedsafe'];
const levelRank = (c: string): string => `CASE lower(${c}) WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END`;

const SQL = `
WITH
provider AS (
  -- one parse of each record for what can make it a signal; only those rows are read further. Entra's sign-in is
  -- under \`properties\` in Azure Monitor exports and at the top in Graph's /auditLogs/signIns; Auth0's log-stream
  -- record is under \`data\`.
  SELECT *, v[1] AS provider_event, coalesce(extra->'properties', extra->'data', extra) AS rec
  FROM (SELECT e.*, json_extract_string(e.extra, ${PROBE_PATHS}) AS v FROM events_src e WHERE e.extra IS NOT NULL)
  WHERE v[1] IS NOT NULL AND (${reuseTest('v', 'reason')} OR list_has_any(list_transform(v[4:], lambda x: lower(x)), ${sqlList(RISKY)})
    OR coalesce(v[8] NOT IN ('[]', 'null'), false) OR coalesce(v[9] NOT IN ('[]', 'null'), false)
    OR coalesce(v[10] NOT IN ('[]', 'null'), false) OR coalesce(v[11] NOT IN ('[]', 'null'), false))),
read AS (
  SELECT p.* EXCLUDE (v), ${reuseTest('p.v', 'p.reason')} AS reuse,
    list_sort(list_filter(list_distinct(list_concat(${riskList('$.riskEventTypes_v2')}, ${riskList('$.riskEventTypes')})),
      lambda t: t IS NOT NULL AND t NOT IN ('', 'none', 'unknownFutureValue'))) AS risk_types,
    rec->>'riskLevelDuringSignIn' AS level_during, rec->>'riskLevelAggregated' AS level_aggregated,
    rec->>'riskState' AS risk_state, rec->>'riskDetail' AS risk_detail,
    coalesce(p.extra->>'displayMessage', rec->>'description') AS words,
    lower(p.extra->'debugContext'->'debugData'->>'threatSuspected') = 'true' AS threat_suspected,
    rec->'details'->>'familyId' AS provider_family,
    TRY_CAST(rec->'details'->>'tokenCounter' AS BIGINT) AS token_counter, TRY_CAST(rec->'details'->>'latestCounter' AS BIGINT) AS latest_counter
  FROM provider p),
signals AS (
  SELECT *, greatest(${levelRank('level_during')}, ${levelRank('level_aggregated')}) AS level_rank,
    CASE
      WHEN reuse THEN 'token-reuse'
      WHEN list_has_any(list_transform(risk_types, lambda t: lower(t)), ${sqlList(TOKEN_RISKS)}) THEN 'token-anomaly'
      WHEN len(risk_types) > 0 OR greatest(${levelRank('level_during')}, ${levelRank('level_aggregated')}) > 0
        OR risk_state IN ('atRisk', 'confirmedCompromised', 'remediated', 'dismissed', 'confirmedSafe') THEN 'sign-in-risk'
    END AS kind,
    -- the reused refresh token, where the record names it (a token id the preset mapped)
    CASE WHEN reuse THEN coalesce(parent_jti, jti) END AS family
  FROM read),
grouped AS (
  -- one finding per token family the provider names, else per subject, and kind of signal
  SELECT kind, coalesce(family, provider_family) AS family_key, any_value(family) AS family,
    any_value(provider_family) AS provider_family, mode(sub) AS sub, min(ts) AS first_ts, count(*) AS signals,
    list_sort(list_distinct(list(provider_event))) AS provider_events,
    list_sort(list_distinct(list(words) FILTER (WHERE words IS NOT NULL))) AS provider_words,
    list_sort(list_distinct(flatten(list(risk_types)))) AS risk_types,
    max(level_rank) AS level_rank,
    list_sort(list_distinct(list(level_during) FILTER (WHERE level_during IS NOT NULL))) AS levels_during,
    list_sort(list_distinct(list(level_aggregated) FILTER (WHERE level_aggregated IS NOT NULL))) AS levels_aggregated,
    list_sort(list_distinct(list(risk_state) FILTER (WHERE risk_state IS NOT NULL))) AS risk_states,
    list_sort(list_distinct(list(risk_detail) FILTER (WHERE risk_detail IS NOT NULL))) AS risk_details,
    coalesce(bool_and(risk_state IN ('confirmedSafe', 'dismissed')), false) AS cleared,
    coalesce(bool_or(risk_state = 'confirmedCompromised'
      OR risk_detail IN ('adminConfirmedSigninCompromised', 'adminConfirmedUserCompromised')), false) AS confirmed,
    coalesce(bool_or(threat_suspected), false) AS threat_suspected,
    count(*) FILTER (WHERE outcome IS DISTINCT FROM 'failure' AND event IS DISTINCT FROM 'fail') AS not_refused,
    max(latest_counter) AS latest_counter, min(token_counter) AS token_counter,
    list_sort(list_distinct(list(ip) FILTER (WHERE ip IS NOT NULL)))[1:10] AS ips,
    list_sort(list_distinct(list(client_id) FILTER (WHERE client_id IS NOT NULL)))[1:10] AS client_ids,
    list({'ts': iso(ts), 'provider_event': provider_event, 'words': words, 'risk_types': risk_types,
          'risk_level_during_sign_in': level_during, 'risk_level_aggregated': level_aggregated, 'risk_state': risk_state,
          'threat_suspected': threat_suspected, 'outcome': outcome,
          'ip': ip, 'country': country} ORDER BY ts, source, line)[1:10] AS signal_list,
    iso(min(ts)) AS first_seen, iso(max(ts)) AS last_seen,
    ${eventRefsSql('s')} AS events
  FROM signals s WHERE kind IS NOT NULL
  GROUP BY kind, coalesce(family, provider_family), CASE WHEN coalesce(family, provider_family) IS NULL THEN sub END),
used_after AS (
  -- the refresh token the provider said it caught reused, exchanged successfully after it said so
  SELECT g.family, count(*) AS n, iso(min(e.ts)) AS first
  FROM (SELECT DISTINCT family, first_ts FROM grouped WHERE kind = 'token-reuse' AND family IS NOT NULL) g
  JOIN events_src e ON e.parent_jti = g.family AND e.ts > g.first_ts
  WHERE e.event = 'refresh' AND e.outcome = 'success' AND NOT ${providerReuseSql('e')}
  GROUP BY g.family)
SELECT g.* EXCLUDE (first_ts, family_key), coalesce(u.n, 0) AS used_after, u.first AS first_used_after
FROM grouped g LEFT JOIN used_after u ON g.kind = 'token-reuse' AND u.family = g.family
ORDER BY g.kind, g.family_key, g.sub`;

const COLUMNS = columns({
  kind: 'text', family: 'text?', provider_family: 'text?', sub: 'text?', signals: 'int', provider_events: 'text[]',
  provider_words: 'text[]', risk_types: 'text[]', level_rank: 'int', levels_during: 'text[]', levels_aggregated: 'text[]',
  risk_states: 'text[]', risk_details: 'text[]', cleared: 'bool', confirmed: 'bool', threat_suspected: 'bool',
  not_refused: 'int', latest_counter: 'int?', token_counter: 'int?', ips: 'text[]', client_ids: 'text[]',
  signal_list: 'json', first_seen: 'text', last_seen: 'text', events: 'refs', used_after: 'int', first_used_after: 'text?',
});
type SignalRow = RowOf<typeof COLUMNS>;

const LEVELS = ['none', 'low', 'medium', 'high'] as const;
/** a sign-in the provider did not refuse (succeeded, or its outcome not recorded) */
const notRefused = (r: SignalRow): boolean => r.not_refused > 0;

// The first rung that holds wins.
const LADDER = ladder<SignalRow>(
  {
    severity: 'info',
    when: 'when the provider\'s record says every signal was reviewed and cleared (Entra riskState confirmedSafe or dismissed)',
    test: (r) => r.cleared,
  },
  {
    severity: 'critical',
    when:
      'when the provider or an administrator confirmed the compromise (riskState confirmedCompromised, riskDetail ' +
      'adminConfirmed…Compromised), or the refresh token the provider caught reused was exchanged successfully after ' +
      'it said so (its revocation of the family did not hold)',
    test: (r) => r.confirmed || r.used_after > 0,
  },
  {
    severity: 'high',
    when:
      'when the provider detected a stolen, replayed or forged token (Entra anomalousToken, tokenIssuerAnomaly, ' +
      'attackerinBrowser), flagged the reuse as a suspected threat (Okta threatSuspected), or rated a sign-in it did ' +
      'not refuse high risk',
    test: (r) => r.kind === 'token-anomaly' || r.threat_suspected || (r.level_rank >= 3 && notRefused(r)),
  },
  {
    severity: 'medium',
    when:
      'when the provider detected a refresh token reuse and refused it (a copy of the token is in other hands, or the ' +
      'client replays spent tokens; the provider revoked the family), rated a sign-in it did not refuse medium risk, ' +
      'or one it refused high risk',
    test: (r) => r.kind === 'token-reuse' || (r.level_rank === 2 && notRefused(r)) || r.level_rank >= 3,
  },
  { severity: 'low', when: 'otherwise (low, hidden or no risk level; a medium-risk sign-in the provider refused)', test: () => true },
);

const severity = (r: SignalRow): Severity => severityOf(LADDER, r)!;

const PROVIDER: Record<string, string> = { 'token-anomaly': 'Microsoft Entra ID', 'sign-in-risk': 'Microsoft Entra ID' };
const providerOf = (r: SignalRow): string =>
  PROVIDER[r.kind] ?? (r.provider_events.some((p) => p.endsWith('detect_reuse')) ? 'Okta' : 'Auth0');

function titleOf(r: SignalRow): string {
  const times = r.signals > 1 ? ` (${r.signals} signals)` : '';
  const types = r.risk_types.length ? `: ${r.risk_types.join(', ')}` : '';
  if (r.kind === 'token-reuse') return `${providerOf(r)} detected a refresh token reuse${times}`;
  if (r.kind === 'token-anomaly') return `Microsoft Entra ID detected a token anomaly${types}${times}`;
  return `Microsoft Entra ID flagged a risky sign-in${types}${times}`;
}

function toFinding(r: SignalRow): FindingDraft {
  return {
    key: [r.kind, r.family ?? r.provider_family, r.family || r.provider_family ? null : r.sub],
    severity: severity(r),
    title: titleOf(r),
    jti: r.family,
    sub: r.sub,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    events: r.events,
    evidence: {
      provider: providerOf(r),
      signal: r.kind,
      signals: r.signals,
      provider_events: r.provider_events,
      provider_words: r.provider_words,
      ...(r.kind === 'token-reuse'
        ? {
          reused_token: r.family,
          provider_family: r.provider_family,
          ...(r.latest_counter !== null ? { token_counter: r.token_counter, latest_counter: r.latest_counter } : {}),
          threat_suspected: r.threat_suspected,
          exchanged_after_detection: r.used_after,
          first_exchange_after_detection: r.first_used_after,
        }
        : {
          risk_event_types: r.risk_types,
          risk_level: LEVELS[r.level_rank],
          risk_level_during_sign_in: r.levels_during,
          risk_level_aggregated: r.levels_aggregated,
          risk_state: r.risk_states,
          risk_detail: r.risk_details,
          sign_ins_not_refused: r.not_refused,
        }),
      ips: r.ips,
      client_ids: r.client_ids,
      signal_list: r.signal_list,
    },
  };
}

export const providerSignal = defineCheck({
  id: 'provider-signal',
  title: 'The identity provider reported a threat',
  description: describe(
    'What the identity provider itself detected, read from its own record (presets keep it whole in `extra`, with ' +
      'the provider\'s type as `extra.provider_event`): Okta\'s `app.oauth2.token.detect_reuse` and ' +
      '`app.oauth2.as.token.detect_reuse` (a refresh token presented again after rotation, outside the grace period: ' +
      'Okta revokes the family), Auth0\'s `ferrt` whose description says reuse ("Reused rotating refresh token ' +
      'detected, revoked the family", with `details.familyId`), and Entra ID Protection\'s risk detections on a sign-in ' +
      '(`riskEventTypes_v2` / `riskEventTypes`, `riskLevelDuringSignIn`, `riskLevelAggregated`, `riskState`, under ' +
      '`properties` or at the top of a Graph record). One finding per token family the provider names (the reused ' +
      'refresh token\'s id, else Auth0\'s familyId), else per subject, and kind of signal (refresh-token reuse, token ' +
      'anomaly, other sign-in risk); the evidence quotes the provider (event types, displayMessage or description, risk ' +
      'types, levels and states). A reuse the provider caught is refused and its family revoked, like a refused replay ' +
      'in refresh-reuse; an unrefused risky sign-in weighs more than a refused one (Entra detects sign-in risk only ' +
      'when the right credentials were used).',
    [LADDER],
  ),
  ladder: [LADDER],
  coverage: { family: 'behaviour', needs: ['provider-events'] },
  remediation:
    'Read the provider\'s record (the signal list) and confirm or dismiss it there. For a reuse or token anomaly: revoke ' +
    'the user\'s sessions and refresh tokens (Okta: clear user sessions and revoke tokens; Auth0: revoke the refresh ' +
    'token family and sessions; Entra: revoke sign-in sessions, confirm the user compromised), then find where the ' +
    'copy came from (the IPs and clients of the signals and of the family\'s exchanges).',
  scope: 'detection',
  sql: SQL,
  columns: COLUMNS,
  toFinding,
});
