// The impossible-travel query (src/checks/impossible-travel.ts): consecutive located events of one token, or of
// one subject, in DuckDB window functions; distance, accuracy radii and speed per pair in SQL. Kept apart from
// the check's metadata and mapping so each file stays readable.
import { boxBoundKmSql, haversineSql } from '../geo/distance.js';
import type { LocationSource } from '../geo/locations.js';
import { PRESENTATIONS_SQL, TOKEN_IDS_SQL } from './presentations.js';

// An event counts as rejected only when its outcome says failure; a missing outcome may have been accepted.
const REJECTED = (o: string): string => `coalesce(${o} = 'failure', false)`;

/**
 * Parameters: $max_kmh, $min_km, $trusted (the IPs inside trusted networks). Events the location source
 * cannot place are left out, never guessed at.
 */
export function travelSql(locations: LocationSource): string {
  return `
WITH located AS ( -- narrow rows: the window below sorts every located event twice
  SELECT p.source_id, p.line, p.ts, p.outcome, p.token_key, p.sub AS subject, p.via_parent, g.lat, g.lon,
    g.radius_km, g.country
  FROM (${PRESENTATIONS_SQL}) p
  JOIN (${locations.sql}) g ON g.source_id = p.source_id AND g.line = p.line
  WHERE p.event IS DISTINCT FROM 'revoke' -- an admin revoking a token is not where the token is
    -- a VPN exit or privacy relay is not where the person is
    AND NOT list_contains($trusted::VARCHAR[], coalesce(p.ip, ''))
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
  SELECT level, key, subject, source_id, line, ts, outcome, token_key, lat, lon, radius_km, country,
    lag(source_id) OVER w AS a_source_id, lag(line) OVER w AS a_line, lag(ts) OVER w AS a_ts,
    lag(outcome) OVER w AS a_outcome, lag(token_key) OVER w AS a_token_key, lag(lat) OVER w AS a_lat, lag(lon) OVER w AS a_lon,
    lag(radius_km) OVER w AS a_radius_km, lag(country) OVER w AS a_country
  FROM keyed SEMI JOIN moving USING (level, key) WINDOW w AS (PARTITION BY level, key ORDER BY ts, source_id, line)
),
measured AS (
  SELECT *, ${haversineSql('a_lat', 'a_lon', 'lat', 'lon')} AS km, epoch(ts) - epoch(a_ts) AS seconds,
    -- both places are circles, not points: the least distance the person must have covered is what is left
    -- after both accuracy radii, so a coarse lookup (a 534 km country centroid) never makes travel by itself
    greatest(0, km - coalesce(a_radius_km, 0) - coalesce(radius_km, 0)) AS near_km,
    coalesce(a_country <> country, false) AS country_change
  FROM hops WHERE a_ts IS NOT NULL
),
fast AS ( -- zero elapsed time over a real distance is infinitely fast; identical places never pass min_km
  SELECT *, CASE -- index into SEVERITIES: critical 0, high 1, medium 2, low 3
    WHEN level = 'token' AND a_outcome = 'success' AND outcome = 'success' THEN 0
    WHEN level = 'token' THEN CASE WHEN ${REJECTED('a_outcome')} AND ${REJECTED('outcome')} THEN 2 ELSE 1 END
    ELSE CASE WHEN ${REJECTED('a_outcome')} AND ${REJECTED('outcome')} THEN 3 ELSE 2 END
  END AS rank
  FROM measured
  WHERE near_km > $min_km AND (seconds <= 0 OR near_km / (seconds / 3600.0) > $max_kmh)
    -- one token at both ends is the token-level finding; the subject level is about different tokens
    AND (level = 'token' OR token_key IS NULL OR a_token_key IS DISTINCT FROM token_key)
),
country_changes AS ( -- back-to-back events in two countries, however near: the shortest gap is evidence too
  SELECT level, key, min(seconds) AS seconds FROM measured SEMI JOIN fast USING (level, key)
  WHERE country_change GROUP BY level, key
),
places AS ( -- the details, only for the few events at either end of an impossible hop
  SELECT e.source_id, e.line, {'source': e.source, 'line': e.line, 'ts': iso(e.ts), 'event': e.event, 'outcome': e.outcome,
    'ip': e.ip, 'country': g.country, 'city': g.city, 'lat': g.lat, 'lon': g.lon, 'geo_source': g.geo_source,
    'accuracy_radius_km': g.radius_km, 'asn': n.asn, 'as_org': n.as_org, 'ua': e.ua,
    'token': t.fingerprint, 'parent_jti': e.parent_jti} AS place
  FROM (SELECT a_source_id AS source_id, a_line AS line FROM fast UNION SELECT source_id, line FROM fast) ends
  JOIN events_src e USING (source_id, line) JOIN (${locations.sql}) g USING (source_id, line)
  LEFT JOIN tokens t ON t.sha256 = e.token_sha
  LEFT JOIN ip_locations n ON n.ip = e.ip -- the network owner (--asn), whichever source placed the event
)
SELECT f.level, f.key, min(f.rank) AS rank, count(*) AS hop_count, min(f.subject) AS sub, any_value(i.kid) AS kid,
  any_value(i.jti) AS token_jti, any_value(i.token_key) IS NULL AS unstored, coalesce(any_value(i.fingerprints), []) AS tokens,
  iso(min(f.a_ts)) AS first_seen, iso(max(f.ts)) AS last_seen,
  round(any_value(c.seconds) / 60.0, 1) AS country_change_minutes,
  list({'from': pa.place, 'to': pb.place, 'distance_km': round(f.km, 1),
        'accuracy_radii_km': [f.a_radius_km, f.radius_km], 'distance_less_radii_km': round(f.near_km, 1),
        'elapsed_minutes': round(f.seconds / 60.0, 1),
        'speed_kmh': CASE WHEN f.seconds > 0 THEN round(f.near_km / (f.seconds / 3600.0)) END, 'simultaneous': f.seconds <= 0,
        'country_change': f.country_change}
       ORDER BY f.ts, f.line)[1:10] AS hops,
  list_distinct(flatten(list([{'source': pa.place.source, 'line': pa.place.line, 'ts': pa.place.ts},
                              {'source': pb.place.source, 'line': pb.place.line, 'ts': pb.place.ts}]))) AS events
FROM fast f
JOIN places pa ON pa.source_id = f.a_source_id AND pa.line = f.a_line
JOIN places pb ON pb.source_id = f.source_id AND pb.line = f.line
LEFT JOIN country_changes c ON c.level = f.level AND c.key = f.key
LEFT JOIN (${TOKEN_IDS_SQL}) i ON f.level = 'token' AND i.token_key = f.key
GROUP BY f.level, f.key ORDER BY f.level, f.key`;
}
