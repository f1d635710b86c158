// Great-circle distance. The same haversine formula exists twice on purpose: as a pure function (tests, single
// lookups) and as a SQL expression builder, so checks compute distances set-based inside DuckDB instead of
// looping over events in JavaScript. Both use the same radius, so they agree to floating-point precision.

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

export interface LatLon {
  lat: number;
  lon: number;
}

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km between two points given in decimal degrees. */
export function haversineKm(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  // min(1, …) guards asin against rounding just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A DuckDB expression for the haversine distance in km; the arguments are SQL expressions in degrees. */
export function haversineSql(lat1: string, lon1: string, lat2: string, lon2: string): string {
  const h =
    `pow(sin(radians((${lat2}) - (${lat1})) / 2), 2) + ` +
    `cos(radians(${lat1})) * cos(radians(${lat2})) * pow(sin(radians((${lon2}) - (${lon1})) / 2), 2)`;
  return `(2 * ${EARTH_RADIUS_KM} * asin(least(1.0, sqrt(${h}))))`;
}

/**
 * An upper bound on the distance between any two points of a lat/lon box: along a meridian across the latitude
 * span, then along a parallel across the longitude span (never longer at latitude φ than at the equator). A path
 * is never shorter than the great circle, so a box whose bound is under a threshold cannot hold a longer hop.
 * Used to skip, cheaply, tokens and subjects that never moved before sorting their events.
 */
export function boxBoundKm(latSpanDeg: number, lonSpanDeg: number): number {
  return EARTH_RADIUS_KM * (rad(latSpanDeg) + rad(lonSpanDeg));
}

/** boxBoundKm as a DuckDB expression over SQL expressions for the spans, in degrees. */
export function boxBoundKmSql(latSpan: string, lonSpan: string): string {
  return `(${EARTH_RADIUS_KM} * (radians(${latSpan}) + radians(${lonSpan})))`;
}

/** Implied speed in km/h; Infinity when the two points differ but no time passed (one moment, two places). */
export function impliedSpeedKmh(distanceKm: number, elapsedSeconds: number): number {
  if (distanceKm === 0) return 0;
  if (elapsedSeconds <= 0) return Infinity;
  return distanceKm / (elapsedSeconds / 3600);
}
