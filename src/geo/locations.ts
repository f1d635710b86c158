// Where events happened. A location source is a SQL query yielding one row per located event; checks join it
// to events by (source_id, line). EVENT_GEO is the geo the log itself recorded; EVENT_OR_IP adds the GeoIP
// lookups kept in `ip_locations` (`--geoip` / `--asn`, src/geo/ip-locations.ts) for events the log did not place.

export interface LocationSource {
  /** named in evidence, so a reader knows how each place was obtained */
  id: string;
  /**
   * SELECT source_id, line, lat, lon, country, city, geo_source ('event' | 'geoip'), radius_km (how far the
   * person may be from lat/lon: 0 for the log's own geo) — at most one row per event
   */
  sql: string;
}

/**
 * Coordinates worth believing: in range, and not 0,0 ("null island", what many loggers write for "unknown").
 * NULL-safe, so a missing place is simply false.
 */
const placed = (t: string): string =>
  `coalesce(${t}.lat BETWEEN -90 AND 90 AND ${t}.lon BETWEEN -180 AND 180 AND NOT (${t}.lat = 0 AND ${t}.lon = 0), false)`;

const OWN_GEO = `SELECT source_id, line, lat, lon, country, city, 'event' AS geo_source, 0 AS radius_km FROM events e WHERE ${placed('e')}`;

/** The event's own `geo` fields. An event without a trustworthy place is never guessed at. */
export const EVENT_GEO: LocationSource = { id: 'event', sql: OWN_GEO };

/**
 * The event's own geo when it has one (the log saw the request; a database only estimates), else the GeoIP
 * place of its IP with that lookup's accuracy radius. Two branches rather than one LEFT JOIN with per-row
 * choices: events the log placed cost what EVENT_GEO costs, and only the others meet ip_locations.
 */
export const EVENT_OR_IP: LocationSource = {
  id: 'event-or-geoip',
  sql: `${OWN_GEO}
  UNION ALL
  SELECT e.source_id, e.line, i.lat, i.lon, i.country, i.city, 'geoip' AS geo_source, coalesce(i.accuracy_radius_km, 0) AS radius_km
  FROM events e JOIN ip_locations i ON i.ip = e.ip WHERE NOT ${placed('e')} AND ${placed('i')}`,
};
