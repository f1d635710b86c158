// Where events happened. A location source is a SQL query yielding one row per located event; checks join it
// to events by (source_id, line). Today the only source is the geo the log itself recorded; a GeoIP (MaxMind)
// source can be added as another LocationSource (e.g. event geo first, else the IP's lookup) without touching
// the checks that consume it.

export interface LocationSource {
  /** named in evidence, so a reader knows how each place was obtained */
  id: string;
  /** SELECT source_id, line, lat, lon, country, city, geo_source — at most one row per event */
  sql: string;
}

/**
 * The event's own `geo` fields. Out-of-range coordinates and 0,0 ("null island", what many loggers write for
 * "unknown") are unlocated: an event without a trustworthy place is never guessed at.
 */
export const EVENT_GEO: LocationSource = {
  id: 'event',
  sql: `SELECT source_id, line, lat, lon, country, city, 'event' AS geo_source FROM events
    WHERE lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND NOT (lat = 0 AND lon = 0)`,
};
