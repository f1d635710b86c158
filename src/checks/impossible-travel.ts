// One token (or one subject) at two places too far apart for the time between: consecutive located events,
// great-circle distance over elapsed time. Token level is token theft; subject level (different tokens) is an
// account used from two places at once. Distances and speeds are computed in DuckDB, not per event in JS.
import { SEVERITIES, type EventRef, type Severity } from '../findings/finding.js';
import { boxBoundKmSql, haversineSql } from '../geo/distance.js';
import { EVENT_GEO, type LocationSource } from '../geo/locations.js';
import type { Policy } from '../policy/policy.js';
import { ipsInNetworks } from '../geo/networks.js';
import { PRESENTATIONS_SQL, TOKEN_IDS_SQL } from './presentations.js';
import type { Check, CheckContext, FindingDraft, Row } from './check.js';

// An event counts as rejected only when its outcome says failure; a missing outcome may have been accepted.
const REJECTED = (o: string): string => `coalesce(${o} = 'failure', false)`;

/** The query over any location source: events it cannot place are left out, never guessed at. */
function travelSql(locations: LocationSource): string {
  return `
WITH located AS ( -- narrow rows: the window below sorts every located event twice
  SELECT p.source_id, p.line, p.ts, p.outcome, p.token_key, p.sub AS subject, p.via_parent, g.lat, g.lon
  FROM (${PRESENTATIONS_SQL}) p
  JOIN (${locations.sql}) g ON g.source_id = p.source_id AND g.line = p.line
  WHERE p.event IS DISTINCT FROM 'revoke' -- an admin revoking a token is not where the token is
    AND NOT list_contains($trusted::VARCHAR[], coalesce(p.ip, '')) -- a VPN exit is not where the person is
),
keyed AS (
  SELECT 'token' AS level, token_key AS key, * FROM located WHERE token_key IS NOT NULL
  UNION ALL BY NAME
  SELECT 'subject' AS level, subject AS key, * FROM located WHERE subject IS NOT NULL AND NOT via_parent
),
moving AS ( -- a cheap pass first: a token or subject whose places all fit in a small box cannot travel far
  SELECT level, key FROM keyed GROUP BY level, key
  HAVING ${boxBoundKmSql('max(lat) - min(lat)', 'max(lon) - min(lon)')} > $min_km
),
hops AS ( -- each located event of a moving token / subject with the one before it
  SELECT level, key, subject, source_id, line, ts, outcome, token_key, lat, lon,
    lag(source_id) OVER w AS a_source_id, lag(line) OVER w AS a_line, lag(ts) OVER w AS a_ts,
    lag(outcome) OVER w AS a_outcome, lag(token_key) OVER w AS a_token_key, lag(lat) OVER w AS a_lat, lag(lon) OVER w AS a_lon
  FROM keyed SEMI JOIN moving USING (level, key) WINDOW w AS (PARTITION BY level, key ORDER BY ts, source_id, line)
),
measured AS (
  SELECT *, ${haversineSql('a_lat', 'a_lon', 'lat', 'lon')} AS km, epoch(ts) - epoch(a_ts) AS seconds
  FROM hops WHERE a_ts IS NOT NULL
),
fast AS ( -- zero elapsed time over a real distance is infinitely fast; identical places never pass min_km
  SELECT *, CASE -- index into SEVERITIES: critical 0, high 1, medium 2, low 3
    WHEN level = 'token' AND a_outcome = 'success' AND outcome = 'success' THEN 0
    WHEN level = 'token' THEN CASE WHEN ${REJECTED('a_outcome')} AND ${REJECTED('outcome')} THEN 2 ELSE 1 END
    ELSE CASE WHEN ${REJECTED('a_outcome')} AND ${REJECTED('outcome')} THEN 3 ELSE 2 END
  END AS rank
  FROM measured
  WHERE km > $min_km AND (seconds <= 0 OR km / (seconds / 3600.0) > $max_kmh)
    -- one token at both ends is the token-level finding; the subject level is about different tokens
    AND (level = 'token' OR token_key IS NULL OR a_token_key IS DISTINCT FROM token_key)
),
places AS ( -- the details, only for the few events at either end of an impossible hop
  SELECT e.source_id, e.line, {'source': e.source, 'line': e.line, 'ts': iso(e.ts), 'event': e.event, 'outcome': e.outcome,
    'ip': e.ip, 'country': g.country, 'city': g.city, 'lat': g.lat, 'lon': g.lon, 'geo_source': g.geo_source, 'ua': e.ua,
    'token': t.fingerprint, 'parent_jti': e.parent_jti} AS place
  FROM (SELECT a_source_id AS source_id, a_line AS line FROM fast UNION SELECT source_id, line FROM fast) ends
  JOIN events_src e USING (source_id, line) JOIN (${locations.sql}) g USING (source_id, line)
  LEFT JOIN tokens t ON t.sha256 = e.token_sha
)
SELECT f.level, f.key, min(f.rank) AS rank, count(*) AS hop_count, min(f.subject) AS sub, any_value(i.kid) AS kid,
  any_value(i.jti) AS token_jti, any_value(i.token_key) IS NULL AS unstored, coalesce(any_value(i.fingerprints), []) AS tokens,
  iso(min(f.a_ts)) AS first_seen, iso(max(f.ts)) AS last_seen,
  list({'from': pa.place, 'to': pb.place, 'distance_km': round(f.km, 1), 'elapsed_minutes': round(f.seconds / 60.0, 1),
        'speed_kmh': CASE WHEN f.seconds > 0 THEN round(f.km / (f.seconds / 3600.0)) END, 'simultaneous': f.seconds <= 0}
       ORDER BY f.ts, f.line)[1:10] AS hops,
  list_distinct(flatten(list([{'source': pa.place.source, 'line': pa.place.line, 'ts': pa.place.ts},
                              {'source': pb.place.source, 'line': pb.place.line, 'ts': pb.place.ts}]))) AS events
FROM fast f
JOIN places pa ON pa.source_id = f.a_source_id AND pa.line = f.a_line
JOIN places pb ON pb.source_id = f.source_id AND pb.line = f.line
LEFT JOIN (${TOKEN_IDS_SQL}) i ON f.level = 'token' AND i.token_key = f.key
GROUP BY f.level, f.key ORDER BY f.level, f.key`;
}

function toFinding(row: Row, policy: Policy): FindingDraft {
  const token = row.level === 'token';
  const tokens = row.tokens as string[];
  const hops: Row[] = (row.hops as Row[]).map((h) => ({ ...h, from: place(h.from as Row), to: place(h.to as Row) }));
  const first = hops[0]!;
  const where = (p: unknown): string => {
    const { city, country, lat, lon } = p as Row;
    return String(city ?? country ?? `${String(lat)},${String(lon)}`);
  };
  return {
    key: [row.level as string, row.key as string],
    severity: SEVERITIES[Number(row.rank)] as Severity,
    title: `Impossible travel: ${token ? 'one token' : `subject ${String(row.key)}`} in ${where(first.from)} and ${where(first.to)} ${String(first.elapsed_minutes)} min apart`,
    // a token known only from logs (jti, parent_jti) has no stored row: its key is its jti
    jti: token ? ((row.unstored ? row.key : row.token_jti) as string | null) : null,
    sub: (row.sub as string | null) ?? null,
    kid: token ? ((row.kid as string | null) ?? null) : null,
    token: token ? (tokens[0] ?? null) : null,
    first_seen: row.first_seen as string,
    last_seen: row.last_seen as string,
    // both ends of every impossible hop, in time order (a handful per finding)
    events: (row.events as EventRef[]).map((e) => ({ ...e, line: Number(e.line) })).sort(byTime).slice(0, 20),
    evidence: {
      level: row.level, key: row.key, impossible_hops: Number(row.hop_count), hops, tokens,
      max_speed_kmh: policy.impossible_travel.max_speed_kmh, min_distance_km: policy.impossible_travel.min_distance_km,
    },
  };
}

const place = (p: Row): Row => ({ ...p, line: Number(p.line) });
const byTime = (a: EventRef, b: EventRef): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.line - b.line);

/** The check over a given location source: a GeoIP source later plugs in here. */
export function impossibleTravelCheck(locations: LocationSource): Check {
  return {
    id: 'impossible-travel',
    title: 'Impossible travel',
    description:
      'Consecutive located events of one token (jti, else fingerprint; a refresh also places the refresh token it exchanges) — or of one subject using different tokens — whose ' +
      'great-circle distance exceeds impossible_travel.min_distance_km and needs a speed above impossible_travel.max_speed_kmh ' +
      '(two places at the same instant count as infinitely fast). Token level (a stolen token): critical when both events ' +
      'were accepted, high when at least one may have been, medium when both were rejected. Subject level: medium, low when ' +
      'both were rejected. Events without coordinates (or at 0,0) are never placed, nor are events from ' +
      `impossible_travel.trusted_networks (VPN exits). Locations: ${locations.id} geo fields.`,
    remediation:
      'Revoke the token (token level) or every session of the subject (subject level) and require re-authentication with ' +
      'MFA; review what was accessed from the unexpected place, and where the token could have been copied from.',
    scope: 'detection',
    run: (ctx) => run(ctx, locations),
  };
}

// \`run\` rather than \`sql\` only because trusted networks are CIDRs (IPv4 and IPv6), matched in JS once per
// distinct located IP; everything else is the one query.
async function run({ store, policy }: CheckContext, locations: LocationSource): Promise<FindingDraft[]> {
  const cidrs = policy.impossible_travel.trusted_networks;
  const ips = cidrs.length
    ? (await store.json<{ ip: string }>(`SELECT DISTINCT e.ip FROM events e JOIN (${locations.sql}) g USING (source_id, line) WHERE e.ip IS NOT NULL`)).map((r) => r.ip)
    : [];
  const rows = await store.json<Row>(travelSql(locations), {
    max_kmh: policy.impossible_travel.max_speed_kmh,
    min_km: policy.impossible_travel.min_distance_km,
    trusted: JSON.stringify(ipsInNetworks(ips, cidrs)),
  });
  return rows.map((r) => toFinding(r, policy));
}

export const impossibleTravel: Check = impossibleTravelCheck(EVENT_GEO);
