// Impossible travel placed by MaxMind's test databases: IPs without geo fields are looked up once per distinct
// IP into ip_locations, and the check subtracts both accuracy radii from every distance.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { impossibleTravel, impossibleTravelCheck } from '../../src/checks/impossible-travel.js';
import { runChecks } from '../../src/checks/engine.js';
import type { Finding } from '../../src/findings/finding.js';
import { locateIps, type GeoIpFiles } from '../../src/geo/ip-locations.js';
import { EVENT_GEO } from '../../src/geo/locations.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { CITY_LAYOUTS, GEOIP, LITE_ASN, LITE_CITY } from '../helpers/geoip.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2026, 2, 14, 10, 0, 0) / 1000;
const LONDON = '81.2.69.142';
const MILTON = '216.160.83.56'; // AS209
const LINKOPING = '89.160.20.112';
const BHUTAN = '67.43.156.14'; // country centroid, 534 km accuracy radius
const CHANGCHUN = '175.16.199.5'; // 100 km radius; 3,596 km from the Bhutan centroid
const use = (min: number, ip: string, extra: object = {}) =>
  ({ ts: T0 + min * 60, event: 'use', jti: 'tok', sub: 'kim', ip, outcome: 'success', ...extra });

async function withStore<T>(events: object[], fn: (store: Store) => Promise<T>): Promise<T> {
  const dir = tempDir();
  writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    return await fn(store);
  } finally {
    store.close();
  }
}

function travel(events: object[], files: GeoIpFiles = { geoip: LITE_CITY }, policy: object = {}): Promise<Finding[]> {
  return withStore(events, async (store) => {
    await locateIps(store, files);
    return runChecks(store, mergePolicy(policy), [impossibleTravel]);
  });
}

type Hop = Record<string, unknown> & { from: Record<string, unknown>; to: Record<string, unknown> };
const hopsOf = (f: Finding): Hop[] => f.evidence.hops as Hop[];

describe('impossible travel with GeoIP', () => {
  it.each(CITY_LAYOUTS)('London → Milton, WA in 30 minutes fires at token level (%s)', async (file) => {
    const [f, ...rest] = await travel([use(0, LONDON), use(30, MILTON)], { geoip: GEOIP(file), asn: LITE_ASN });
    expect(rest).toEqual([]);
    expect([f!.severity, f!.evidence.level, f!.jti]).toEqual(['critical', 'token', 'tok']);
    const hop = hopsOf(f!)[0]!;
    expect(hop).toMatchObject({ distance_km: 7732.3, accuracy_radii_km: [10, 22], distance_less_radii_km: 7700.3, elapsed_minutes: 30, country_change: true });
    expect(hop.from).toMatchObject({ ip: LONDON, city: 'London', geo_source: 'geoip', accuracy_radius_km: 10, asn: null });
    expect(hop.to).toMatchObject({ ip: MILTON, city: 'Milton', country: 'US', geo_source: 'geoip', accuracy_radius_km: 22, asn: 209 });
    expect(f!.evidence).toMatchObject({ country_change: true, country_change_minutes: 30, locations: 'event-or-geoip' });
  });

  it('London → Linköping in five hours does not fire', async () => {
    expect(await travel([use(0, LONDON), use(300, LINKOPING)])).toEqual([]);
  });

  it('the 534 km Bhutan radius does not create travel out of its own uncertainty', async () => {
    // Bhutan → Changchun in 3.5 hours: 3,596 km between the points (1,027 km/h, would fire), but only
    // 2,962 km once both radii are taken off (846 km/h)
    const events = [use(0, BHUTAN), use(210, CHANGCHUN)];
    expect(await travel(events)).toEqual([]);
    // the same two points as the log's own geo (no radius) do fire: the radius is what keeps it quiet
    const asEventGeo = [use(0, '192.0.2.1', { geo: { lat: 27.5, lon: 90.5 } }), use(210, '192.0.2.2', { geo: { lat: 43.88, lon: 125.3228 } })];
    const fired = await withStore(asEventGeo, (store) => runChecks(store, mergePolicy({}), [impossibleTravelCheck(EVENT_GEO)]));
    expect(fired.map((f) => f.severity)).toEqual(['critical']);
  });

  it('takes the radii off for min_distance_km too: Bhutan → Kolkata (589 km) in 5 minutes is within 534 km of uncertainty', async () => {
    const kolkata = { country: 'IN', city: 'Kolkata', lat: 22.5726, lon: 88.3639 };
    expect(await travel([use(0, BHUTAN), use(5, '192.0.2.3', { geo: kolkata })])).toEqual([]);
    const sure = await withStore([use(0, '192.0.2.1', { geo: { lat: 27.5, lon: 90.5 } }), use(5, '192.0.2.3', { geo: kolkata })],
      (store) => runChecks(store, mergePolicy({}), [impossibleTravelCheck(EVENT_GEO)]));
    expect(sure).toHaveLength(1);
  });

  it('ignores events from a trusted ASN, and still from a trusted CIDR', async () => {
    const events = [use(0, LONDON), use(30, MILTON)];
    expect(await travel(events, { geoip: LITE_CITY, asn: LITE_ASN }, { impossible_travel: { trusted_networks: ['AS209'] } })).toEqual([]);
    expect(await travel(events, { geoip: LITE_CITY, asn: LITE_ASN }, { impossible_travel: { trusted_networks: ['as209'] } })).toEqual([]);
    expect(await travel(events, { geoip: LITE_CITY }, { impossible_travel: { trusted_networks: ['216.160.83.56/29'] } })).toEqual([]);
    // another ASN is no reason to skip it
    expect(await travel(events, { geoip: LITE_CITY, asn: LITE_ASN }, { impossible_travel: { trusted_networks: ['AS13335'] } })).toHaveLength(1);
  });

  it("prefers the event's own geo to its IP's lookup, and never guesses an unlocated IP", async () => {
    const events = [use(0, LONDON), use(20, MILTON, { geo: { country: 'GB', city: 'London', lat: 51.5, lon: -0.1 } }), use(25, '1.1.1.1')];
    expect(await travel(events)).toEqual([]);
    const [f] = await travel([use(0, LONDON), use(20, '192.0.2.9', { geo: { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 } })]);
    // the log's own geo is a city-level geolocation (policy impossible_travel.log_geo_accuracy_km.city, 100 km)
    expect(hopsOf(f!)[0]!.to).toMatchObject({ geo_source: 'event', accuracy_radius_km: 100, city: 'Sydney' });
    expect(hopsOf(f!)[0]!.accuracy_radii_km).toEqual([10, 100]);
  });

  it('looks each distinct IP up once per database, and redoes them for another database', async () => {
    await withStore([use(0, LONDON), use(5, LONDON), use(30, MILTON), use(40, '1.1.1.1')], async (store) => {
      expect(await locateIps(store, { geoip: LITE_CITY })).toMatchObject({ looked_up: 3, located: 2, with_asn: 0 });
      expect(await locateIps(store, { geoip: LITE_CITY })).toMatchObject({ looked_up: 0 });
      expect(await locateIps(store, { geoip: LITE_CITY, asn: LITE_ASN })).toMatchObject({ looked_up: 3, located: 2, with_asn: 1 });
      const dbs = await store.json<{ db: string }>(`SELECT DISTINCT db FROM ip_locations`);
      expect(dbs).toEqual([{ db: 'GeoLite2-City 2026-02-04T22:49:29Z + GeoLite2-ASN 2026-02-04T22:49:29Z' }]);
      expect(await locateIps(store, {})).toBeNull();
    });
  });

  it('stores nothing when a database turns out corrupt mid-lookup', async () => {
    await withStore([use(0, LONDON), use(30, MILTON)], async (store) => {
      await expect(locateIps(store, { geoip: GEOIP('GeoIP2-City-Test-Broken-Double-Format.mmdb') })).rejects.toThrow(/Broken-Double-Format\.mmdb: corrupt/);
      expect(await store.json(`SELECT * FROM ip_locations`)).toEqual([]);
    });
  });
});
