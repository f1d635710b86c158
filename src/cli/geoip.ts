// `--geoip FILE` / `--asn FILE` (global options; JWT_FORENSICS_GEOIP / JWT_FORENSICS_ASN): look up the store's
// new event IPs before checks run, and say on stderr what was looked up. Offline: the files are the only source.
import { locateIps, type GeoIpFiles, type LookupStats } from '../geo/ip-locations.js';
import type { Store } from '../store/db.js';
import type { Globals } from './context.js';
import type { Out } from './output.js';

export async function lookupGeoIp(store: Store, g: Globals, out: Out): Promise<LookupStats | null> {
  const stats = await locateIps(store, geoFiles(g));
  if (stats) out.status(geoLine(stats));
  return stats;
}

export const geoFiles = (g: Globals): GeoIpFiles => ({ geoip: g.geoip, asn: g.asn });

export function geoLine(stats: LookupStats): string {
  const n = (x: number): string => x.toLocaleString('en');
  return `GeoIP (${stats.db}): ${n(stats.looked_up)} new IPs looked up, ${n(stats.located)} located, ${n(stats.with_asn)} with an ASN\n`;
}
