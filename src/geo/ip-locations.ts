// GeoIP lookup into the store: each distinct event IP is looked up once (per database build) and kept in
// `ip_locations`, which the EVENT_OR_IP location source joins to events. The lookup is the only per-item
// JavaScript loop, and it runs over distinct IPs (thousands), never over events (millions).
import { InputError } from '../errors.js';
import { appendRows, type Cell, type ColumnKind } from '../store/append.js';
import type { Store } from '../store/db.js';
import { openAsnDb, openCityDb, type AsnDb, type CityDb } from './mmdb.js';

export interface GeoIpFiles {
  /** a MaxMind City database (GeoIP2-City / GeoLite2-City) */
  geoip?: string;
  /** a MaxMind ASN database (GeoLite2-ASN) */
  asn?: string;
}

export interface IpLocation {
  ip: string;
  country: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  accuracy_radius_km: number | null;
  asn: number | null;
  as_org: string | null;
}

export interface LookupStats {
  /** the databases, as recorded in ip_locations.db */
  db: string;
  /** distinct IPs looked up in this run (those already looked up with the same databases are skipped) */
  looked_up: number;
  located: number;
  with_asn: number;
  ms: number;
}

const COLUMNS: readonly ColumnKind[] = ['text', 'text', 'text', 'double', 'double', 'int', 'bigint', 'text', 'text'];

/** Look up the event IPs not yet looked up with these databases; a no-op (null) when none is given. */
export async function locateIps(store: Store, files: GeoIpFiles): Promise<LookupStats | null> {
  if (!files.geoip && !files.asn) return null;
  const city = files.geoip ? await openCityDb(files.geoip) : undefined;
  const asn = files.asn ? await openAsnDb(files.asn) : undefined;
  const db = [city?.label, asn?.label].filter(Boolean).join(' + ');
  const started = performance.now();
  return store.transaction(async () => {
    // rows from other databases (an older build, City without ASN) are redone, so one store never mixes them
    await store.run(`DELETE FROM ip_locations WHERE db IS DISTINCT FROM $db`, { db });
    const ips = await store.json<{ ip: string }>(
      `SELECT DISTINCT ip FROM events WHERE ip IS NOT NULL AND ip NOT IN (SELECT ip FROM ip_locations)`,
    );
    const found = ips.map(({ ip }) => locateIp(ip, city, asn));
    await appendRows(store, 'ip_locations', COLUMNS, found.map((l) => [...rowOf(l), db]));
    return {
      db,
      looked_up: found.length,
      located: found.filter((l) => l.lat !== null).length,
      with_asn: found.filter((l) => l.asn !== null).length,
      ms: Math.round(performance.now() - started),
    };
  });
}

/** One IP in the City and/or ASN database; absent fields are null (an IP not in a database is unlocated). */
export function locateIp(ip: string, city?: CityDb, asn?: AsnDb): IpLocation {
  const c = city?.get(ip) ?? null;
  const a = asn?.get(ip) ?? null;
  const loc = c?.location;
  const hasPlace = loc !== undefined && loc.latitude !== undefined && loc.longitude !== undefined;
  if (hasPlace) checkCoordinates(ip, loc.latitude, loc.longitude, city!.path);
  return {
    ip,
    country: c?.country?.iso_code ?? c?.registered_country?.iso_code ?? null,
    city: c?.city?.names?.en ?? null,
    lat: hasPlace ? loc.latitude : null,
    lon: hasPlace ? loc.longitude : null,
    // MaxMind documents the radius in km around the point where the IP is likely to be; a record without one
    // claims no uncertainty, which is also how event-provided geo is treated
    accuracy_radius_km: hasPlace ? (loc.accuracy_radius ?? 0) : null,
    asn: a?.autonomous_system_number ?? null,
    as_org: a?.autonomous_system_organization ?? null,
  };
}

/**
 * MaxMind coordinates carry at most four decimals, so a non-zero value closer to 0 than 1e-6 (or one out of
 * range) is not a coordinate but a mis-encoded double: a corrupt database, which must not place anybody.
 */
function checkCoordinates(ip: string, lat: number, lon: number, path: string): void {
  const bad = (v: number, max: number): boolean => !Number.isFinite(v) || Math.abs(v) > max || (v !== 0 && Math.abs(v) < 1e-6);
  if (bad(lat, 90) || bad(lon, 180)) {
    throw new InputError(`--geoip ${path}: corrupt MaxMind database: ${ip} decodes to latitude ${lat}, longitude ${lon}, which is not a coordinate (a broken double encoding?)`);
  }
}

const rowOf = (l: IpLocation): Cell[] => [l.ip, l.country, l.city, l.lat, l.lon, l.accuracy_radius_km, l.asn, l.as_org];
