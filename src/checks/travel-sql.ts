// The impossible-travel query (src/checks/impossible-travel.ts): consecutive located events of one token, or of
// one subject, in DuckDB window functions; distance, accuracy radii and speed per pair in SQL. Kept apart from
// the check's metadata and mapping so each file stays readable.
import { boxBoundKmSql, haversineSql } from '../geo/distance.js';
import type { LocationSource } from '../geo/locations.js';
import { networkKindSql } from '../geo/network-kinds.js';
import { PRESENTATIONS_SQL, TOKEN_IDS_SQL } from './presentations.js';

// An event counts as rejected only when its outcome says failure; a missing outcome may have been accepted.
const REJECTED = (o: string): string => `coalesce(${o} = 'failure', false)`;

/**
 * How far the person may be from a place (km). The log's own geo is a geolocation too, not a GPS fix: a city's
 * coordinates are good to $city_km, a country's to $country_km (coordinates naming neither count as a city's), or
 * to the IP's MMDB accuracy radius when that is larger; a GeoIP place has its lookup's radius.
 */
const radiusSql = (g: string, ip: string): string =>
  `CASE WHEN ${g}.geo_source = 'event'
    THEN greatest(CASE WHEN ${g}.city IS NULL AND ${g}.country IS NOT NULL THEN $country_km ELSE $city_km END, coalesce(${ip}.accuracy_radius_km, 0))
    ELSE ${g}.radius_km END`;

/** Two ends of hops are one place within this many km (one metro area: geolocation gives a city one point). */
export const SAME_PLACE_KM = 50;
/** Flips between the same two places within this many seconds of a hop (before or after) make an alternation. */
export const FLIP_WINDOW_SECONDS = 3600;
/** A hop is a geolocation artefact when the subject flips between its two places at least this often (A→B→A→B). */
export const MIN_FLIPS = 3;

const near = (lat1: string, lon1: string, lat2: string, lon2: string): string =>
  `${haversineSql(lat1, lon1, lat2, lon2)} <= ${SAME_PLACE_KM}`;

/**
 * Parameters: $max_kmh, $min_km, $trusted (the IPs inside trusted networks), $city_km and $country_km (the
 * uncertainty of a place the log supplied: with a city, or a country only). Events the location source cannot
 * place are left out, never guessed at.
 */
export function travelSql(locations: LocationSource): string {
  return `
WITH located AS ( -- narrow rows: the window below sorts every located event twice
  SELECT p.source_id, p.line, p.ts, p.outcome, p.token_key, p.sub AS subject, p.via_parent, g.lat, g.lon,
    ${radiusSql('g', 'i')} AS radius_km, g.country
  FROM (${PRESENTATIONS_SQL}) p
  JOIN (${locations.sql}) g ON g.source_id = p.source_id AND g.line = p.line
  LEFT JOIN ip_locations i ON i.ip = p.ip AND g.geo_source = 'event'
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
    coalesce(a_radius_km, 0) + coalesce(radius_km, 0) AS radii_km,
    -- both places are circles, not points: the least distance the person must have covered is what is left
    -- after both accuracy radii, so a coarse lookup (a 534 km country centroid) never makes travel by itself
    greatest(0, km - radii_km) AS near_km,
    coalesce(a_country <> country, false) AS country_change
  FROM hops WHERE a_ts IS NOT NULL
),
impossible AS ( -- zero elapsed time over a real distance is infinitely fast; identical places never pass min_km
  SELECT * FROM measured
  -- two places closer than min_km are one (geolocation jitter), and so are two whose accuracy circles overlap;
  -- the floor and the radii describe the same error, so the larger counts, not their sum
  WHERE km > greatest($min_km, radii_km) AND (seconds <= 0 OR near_km / (seconds / 3600.0) > $max_kmh)
),
fast AS (
  SELECT *, CASE -- index into SEVERITIES: critical 0, high 1, medium 2, low 3
    WHEN level = 'token' AND a_outcome = 'success' AND outcome = 'success' THEN 0
    WHEN level = 'token' THEN CASE WHEN ${REJECTED('a_outcome')} AND ${REJECTED('outcome')} THEN 2 ELSE 1 END
    ELSE CASE WHEN ${REJECTED('a_outcome')} AND ${REJECTED('outcome')} THEN 3 ELSE 2 END
  END AS rank
  FROM impossible
  -- one token at both ends is the token-level finding; the subject level is about different tokens
  WHERE level = 'token' OR token_key IS NULL OR a_token_key IS DISTINCT FROM token_key
),
country_changes AS ( -- back-to-back events in two countries, however near: the shortest gap is evidence too
  SELECT level, key, min(seconds) AS seconds FROM measured SEMI JOIN fast USING (level, key)
  WHERE country_change GROUP BY level, key
),
places AS ( -- the details, only for the few events at either end of an impossible hop
  SELECT e.source_id, e.line, {'source': e.source, 'line': e.line, 'ts': iso(e.ts), 'event': e.event, 'outcome': e.outcome,
    'ip': e.ip, 'country': g.country, 'city': g.city, 'lat': g.lat, 'lon': g.lon, 'geo_source': g.geo_source,
    'accuracy_radius_km': ${radiusSql('g', 'n')}, 'asn': n.asn, 'as_org': n.as_org, 'network': ${networkKindSql('n.asn', 'n.as_org')},
    'ua': e.ua, 'token': t.fingerprint, 'parent_jti': e.parent_jti} AS place
  FROM (SELECT a_source_id AS source_id, a_line AS line FROM fast UNION SELECT source_id, line FROM fast) ends
  JOIN events_src e USING (source_id, line) JOIN (${locations.sql}) g USING (source_id, line)
  LEFT JOIN tokens t ON t.sha256 = e.token_sha
  LEFT JOIN ip_locations n ON n.ip = e.ip -- the network owner (--asn), whichever source placed the event
),
flips AS ( -- for each impossible hop, how often its subject (any of its tokens) jumped between the same two places
  SELECT f.level, f.key, f.source_id, f.line, count(*) AS flips
  FROM fast f JOIN impossible x ON x.level = 'subject' AND x.key = f.subject
    AND x.ts BETWEEN f.a_ts - INTERVAL ${FLIP_WINDOW_SECONDS} SECOND AND f.ts + INTERVAL ${FLIP_WINDOW_SECONDS} SECOND
    AND ((${near('x.a_lat', 'x.a_lon', 'f.a_lat', 'f.a_lon')} AND ${near('x.lat', 'x.lon', 'f.lat', 'f.lon')})
      OR (${near('x.a_lat', 'x.a_lon', 'f.lat', 'f.lon')} AND ${near('x.lat', 'x.lon', 'f.a_lat', 'f.a_lon')}))
  GROUP BY ALL
),
judged AS (
  SELECT f.*, pa.place AS pa, pb.place AS pb,
    -- a geolocation artefact: the subject flips between the hop's two places and back, again and again (A→B→A→B
    -- within the hour around it), between places a geolocation error can confuse (one country, or within two
    -- country-level radii), and at token level from one user agent (one device)
    coalesce(x.flips >= ${MIN_FLIPS}, false)
      AND (coalesce(f.country = f.a_country, false) OR f.km <= 2 * $country_km)
      AND (f.level = 'subject' OR pa.place.ua IS NULL OR pb.place.ua IS NULL OR pa.place.ua = pb.place.ua) AS artefact,
    (pa.place.network IS NOT NULL OR pb.place.network IS NOT NULL) AS coarse_network
  FROM fast f
  JOIN places pa ON pa.source_id = f.a_source_id AND pa.line = f.a_line
  JOIN places pb ON pb.source_id = f.source_id AND pb.line = f.line
  LEFT JOIN flips x ON x.level = f.level AND x.key = f.key AND x.source_id = f.source_id AND x.line = f.line
),
ranked AS ( -- a network whose place is not the person's lowers a hop one rung; an artefact is low at most
  SELECT *, CASE WHEN artefact THEN greatest(rank + coarse_network::INT, 3) ELSE least(rank + coarse_network::INT, 4) END AS hop_rank
  FROM judged
)
SELECT f.level, f.key, min(f.hop_rank) AS rank, min(f.rank) AS place_rank, count(*) AS hop_count,
  count(*) FILTER (WHERE f.artefact) AS artefact_hops, count(*) FILTER (WHERE f.coarse_network) AS network_hops,
  min(f.subject) AS sub, any_value(i.kid) AS kid,
  any_value(i.jti) AS token_jti, any_value(i.token_key) IS NULL AS unstored, coalesce(any_value(i.fingerprints), []) AS tokens,
  iso(min(f.a_ts)) AS first_seen, iso(max(f.ts)) AS last_seen,
  round(any_value(c.seconds) / 60.0, 1) AS country_change_minutes,
  list({'from': f.pa, 'to': f.pb, 'distance_km': round(f.km, 1),
        'accuracy_radii_km': [f.a_radius_km, f.radius_km], 'distance_less_radii_km': round(f.near_km, 1),
        'elapsed_minutes': round(f.seconds / 60.0, 1),
        'speed_kmh': CASE WHEN f.seconds > 0 THEN round(f.near_km / (f.seconds / 3600.0)) END, 'simultaneous': f.seconds <= 0,
        'country_change': f.country_change, 'geolocation_artefact': f.artefact}
       ORDER BY f.ts, f.line)[1:10] AS hops,
  list_distinct(flatten(list([{'source': f.pa.source, 'line': f.pa.line, 'ts': f.pa.ts},
                              {'source': f.pb.source, 'line': f.pb.line, 'ts': f.pb.ts}]))) AS events
FROM ranked f
LEFT JOIN country_changes c ON c.level = f.level AND c.key = f.key
LEFT JOIN (${TOKEN_IDS_SQL}) i ON f.level = 'token' AND i.token_key = f.key
GROUP BY f.level, f.key ORDER BY f.level, f.key`;
}
