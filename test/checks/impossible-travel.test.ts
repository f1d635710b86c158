import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { impossibleTravel } from '../../src/checks/impossible-travel.js';
import { runChecks } from '../../src/checks/engine.js';
import type { Finding } from '../../src/findings/finding.js';
import { locateIps } from '../../src/geo/ip-locations.js';
import { networkKindSql } from '../../src/geo/network-kinds.js';
import { ingestPaths } from '../../src/ingest/ingest-paths.js';
import { mergePolicy } from '../../src/policy/policy.js';
import { Store } from '../../src/store/db.js';
import { LITE_ASN, LITE_CITY } from '../helpers/geoip.js';
import { tempDir } from '../helpers/tmp.js';
import { findingsFor, T0 } from './behaviour-helpers.js';

const LONDON = { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931 };
const SYDNEY = { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 };
const MADRID = { country: 'ES', city: 'Madrid', lat: 40.4168, lon: -3.7038 }; // ~1,260 km from London
const at = (min: number, geo: object | null, extra: object) =>
  ({ ts: T0 + min * 60, event: 'use', ip: '81.2.69.142', outcome: 'success', ...(geo ? { geo } : {}), ...extra });

describe('impossible-travel', () => {
  it('places a refresh token where the refresh events that exchange it happened (parent_jti)', async () => {
    const found = await findingsFor(impossibleTravel, [
      { ...at(0, LONDON, { jti: 'rt-2', sub: 'kim' }), event: 'refresh', parent_jti: 'rt-1' },
      { ...at(15, LONDON, { jti: 'rt-3a', sub: 'kim' }), event: 'refresh', parent_jti: 'rt-2' },
      { ...at(45, SYDNEY, { jti: 'rt-3b', sub: 'kim', ip: '1.128.0.1' }), event: 'refresh', parent_jti: 'rt-2' },
    ]);
    const token = found.filter((f) => f.evidence.level === 'token');
    expect(token.map((f) => [f.jti, f.severity])).toEqual([['rt-2', 'critical']]);
    const hop = (token[0]!.evidence.hops as { elapsed_minutes: number; speed_kmh: number }[])[0]!;
    expect(hop.elapsed_minutes).toBe(30);
    expect(hop.speed_kmh).toBeGreaterThan(30_000);
  });

  it('follows the policy speed: London → Madrid in two hours is fine at 900 km/h, not at 500', async () => {
    const events = [at(0, LONDON, { jti: 'm', sub: 'lee' }), at(120, MADRID, { jti: 'm', sub: 'lee', ip: '90.0.0.1' })];
    expect(await findingsFor(impossibleTravel, events)).toEqual([]);
    const slow = await findingsFor(impossibleTravel, events, { impossible_travel: { max_speed_kmh: 500 } });
    expect(slow.map((f) => f.severity)).toEqual(['critical']);
  });

  it('never places unlocated events, out-of-range coordinates or an IPv6 trusted network', async () => {
    const found = await findingsFor(
      impossibleTravel,
      [
        at(0, LONDON, { jti: 'n', sub: 'max' }),
        at(5, null, { jti: 'n', sub: 'max', ip: '1.128.0.1' }),
        at(6, { lat: 123, lon: 500 }, { jti: 'n', sub: 'max' }),
        at(7, SYDNEY, { jti: 'n', sub: 'max', ip: '2001:db8::7' }),
      ],
      { impossible_travel: { trusted_networks: ['2001:db8::/32'] } },
    );
    expect(found).toEqual([]);
  });

  it('reports one finding per token however often it hops, with a stable id', async () => {
    const events = [0, 20, 40, 60].map((m, i) => at(m, i % 2 ? SYDNEY : LONDON, { jti: 'p', sub: 'ned', outcome: i === 3 ? 'failure' : 'success' }));
    const [first, ...rest] = await findingsFor(impossibleTravel, events);
    expect(rest).toEqual([]);
    expect(first!.evidence.impossible_hops).toBe(3);
    expect(first!.severity).toBe('critical');
    expect((await findingsFor(impossibleTravel, events))[0]!.id).toBe(first!.id);
  });
});

// Issue 21 item 4: geolocation error is not travel. Every place is an area (the log's own geo too), a rapid
// alternation between the same two places is an artefact, and a network whose place is not the person's lowers a rung.
const EDINBURGH = { country: 'GB', city: 'Edinburgh', lat: 55.9533, lon: -3.1883 }; // 534 km from London
const NEW_YORK = { country: 'US', city: 'New York', lat: 40.7128, lon: -74.006 };
const SAN_FRANCISCO = { country: 'US', city: 'San Francisco', lat: 37.7749, lon: -122.4194 };
const US_ONLY = { country: 'US', lat: 37.751, lon: -97.822 }; // a country-level answer: 2,156 km from San Francisco
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/133.0.0.0';
const PHONE = 'AcmeApp/5.2.1 (iPhone; iOS 17.3.1)';
const sev = (found: { severity: string }[]): string[] => found.map((f) => f.severity);
const loud = (found: { severity: string }[]): string[] => sev(found).filter((s) => ['critical', 'high', 'medium'].includes(s));

describe('impossible-travel: geolocation error (issue 21 item 4)', () => {
  it("gives the log's own geo a city-level radius: London → Madrid in 80 minutes is a flight, not 949 km/h", async () => {
    const events = [at(0, LONDON, { jti: 'c', sub: 'cy' }), at(80, MADRID, { jti: 'c', sub: 'cy', ip: '90.0.0.1' })];
    expect(await findingsFor(impossibleTravel, events)).toEqual([]);
    // the same points taken as exact (the old reading) fire: the radius is what keeps it quiet
    const exact = await findingsFor(impossibleTravel, events, { impossible_travel: { log_geo_accuracy_km: { city: 0, country: 0 } } });
    expect(sev(exact)).toEqual(['critical']);
  });

  it('gives a country-only place the country-level radius: an in-flight exit known only as "US"', async () => {
    // San Francisco, then 90 minutes later from the aircraft's Wi-Fi, whose exit geolocates to the US default point
    const events = [at(0, SAN_FRANCISCO, { jti: 'f', sub: 'fay' }), at(90, US_ONLY, { jti: 'f', sub: 'fay', ip: '203.0.113.10' })];
    expect(await findingsFor(impossibleTravel, events)).toEqual([]);
    const exact = await findingsFor(impossibleTravel, events, { impossible_travel: { log_geo_accuracy_km: { city: 100, country: 0 } } });
    expect(sev(exact)).toEqual(['critical']);
    // a country-only place is still a place: Sydney → "US" in 20 minutes fires
    const far = [at(0, SYDNEY, { jti: 'g', sub: 'gus' }), at(20, US_ONLY, { jti: 'g', sub: 'gus', ip: '203.0.113.10' })];
    expect(sev(await findingsFor(impossibleTravel, far))).toEqual(['critical']);
  });

  it('does not add the radii to the 500 km floor: two cities 636 km apart in the same second are two places', async () => {
    const frankfurt = { country: 'DE', city: 'Frankfurt am Main', lat: 50.1109, lon: 8.6821 };
    const found = await findingsFor(impossibleTravel, [at(0, LONDON, { jti: 'h', sub: 'hal' }), at(0, frankfurt, { jti: 'h', sub: 'hal', ip: '91.0.0.10' })]);
    expect(sev(found)).toEqual(['critical']);
  });

  const flipping = (places: object[], jti: string, sub: string, ua: (i: number) => string = () => CHROME) =>
    places.map((geo, i) => at(i * 2, geo, { jti, sub, ua: ua(i), ip: i % 2 ? '2a02:6b8::1:142' : '81.2.69.142' }));

  it('calls a dual-stack device flipping between two places a geolocation artefact: low, with a note', async () => {
    // IPv4 geolocated to London, the same home's IPv6 prefix to Edinburgh; each connection picks one (RFC 8305)
    const found = await findingsFor(impossibleTravel, flipping([LONDON, EDINBURGH, LONDON, EDINBURGH, LONDON], 'ds', 'dee'));
    expect(loud(found)).toEqual([]);
    expect(sev(found)).toEqual(['low']);
    const [f] = found;
    expect(f!.evidence).toMatchObject({ severity_by_places: 'critical', impossible_hops: 4 });
    expect((f!.evidence.notes as string[])[0]).toMatch(/4 of 4 impossible hop\(s\) flip .* geolocation artefact .*dual-stack/);
    expect((f!.evidence.hops as { geolocation_artefact: boolean }[]).every((h) => h.geolocation_artefact)).toBe(true);
  });

  it('keeps an alternation critical when no geolocation error explains it', async () => {
    // victim in London, attacker in New York, interleaving on one token: out of a geolocation error's reach
    expect(sev(await findingsFor(impossibleTravel, flipping([LONDON, NEW_YORK, LONDON, NEW_YORK, LONDON], 'x1', 'xan')))).toEqual(['critical']);
    // within reach, but two user agents on one token are two devices
    const twoDevices = flipping([LONDON, EDINBURGH, LONDON, EDINBURGH, LONDON], 'x2', 'xia', (i) => (i % 2 ? 'python-requests/2.31' : CHROME));
    expect(sev(await findingsFor(impossibleTravel, twoDevices))).toEqual(['critical']);
    // within reach, one user agent, but a single return (London → Edinburgh → London) is not an alternation
    expect(sev(await findingsFor(impossibleTravel, flipping([LONDON, EDINBURGH, LONDON], 'x3', 'xu')))).toEqual(['critical']);
    // three quick flips two hours apart each are not one alternation: each hop stands alone
    const sparse = [[0, LONDON], [10, EDINBURGH], [130, EDINBURGH], [140, LONDON], [260, LONDON], [270, EDINBURGH]] as const;
    const slow = sparse.map(([m, geo]) => at(m, geo, { jti: 'x4', sub: 'xavi', ua: CHROME }));
    expect(sev(await findingsFor(impossibleTravel, slow))).toEqual(['critical']);
  });

  it("treats a phone on a carrier gateway far from the laptop, used in turns, as an artefact at subject level", async () => {
    // the laptop in San Francisco, the phone app on mobile data geolocated at country level (2,156 km), in turns
    const events = [0, 3, 6, 9, 12, 15].map((m, i) =>
      at(m, i % 2 ? US_ONLY : SAN_FRANCISCO, { jti: i % 2 ? 'phone-at' : 'laptop-at', sub: 'pat', ua: i % 2 ? PHONE : CHROME, ip: i % 2 ? '198.51.100.23' : '73.162.9.41' }));
    const found = await findingsFor(impossibleTravel, events);
    expect(found.map((f) => [f.evidence.level, f.severity])).toEqual([['subject', 'low']]);
    // a single hop to the gateway (no alternation) is medium, as before: one place each, two tokens
    expect(sev(await findingsFor(impossibleTravel, events.slice(0, 2)))).toEqual(['medium']);
  });
});

/** The check over events whose IPs were looked up in MaxMind's test databases (City and ASN), as --geoip / --asn do. */
async function withLookups(events: object[], policy: Record<string, unknown> = {}): Promise<Finding[]> {
  const dir = tempDir();
  writeFileSync(join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const store = await Store.open(':memory:');
  try {
    await ingestPaths(store, [dir]);
    await locateIps(store, { geoip: LITE_CITY, asn: LITE_ASN });
    return await runChecks(store, mergePolicy(policy), [impossibleTravel]);
  } finally {
    store.close();
  }
}

describe('impossible-travel: MMDB radius and network kinds (issue 21 item 4)', () => {
  const MILTON = '216.160.83.56'; // GeoLite2 test data: Milton, WA, radius 22 km
  const VERIZON = '149.101.100.1'; // AS6167 CELLCO-PART (Verizon Wireless): a mobile carrier
  const BHUTAN = '67.43.156.14'; // the BT country centroid, radius 534 km
  const THIMPHU = { country: 'BT', city: 'Thimphu', lat: 27.4728, lon: 89.639 };
  const KOLKATA = { country: 'IN', city: 'Kolkata', lat: 22.5726, lon: 88.3639 }; // 560 km from Thimphu

  it("takes the IP's MMDB radius over the city-level default when it is larger", async () => {
    // the log says Thimphu (city level: 100 km), but the database knows the address only to 534 km
    const events = [at(0, THIMPHU, { jti: 'b', sub: 'bo', ip: BHUTAN }), at(5, KOLKATA, { jti: 'b', sub: 'bo', ip: '192.0.2.3' })];
    expect(await withLookups(events)).toEqual([]);
    // without the lookup, 560 km in 5 minutes between two city-level places is travel
    expect(sev(await findingsFor(impossibleTravel, events))).toEqual(['critical']);
  });

  it('lowers a stolen token one rung, never more, when one place is a mobile carrier (--asn)', async () => {
    // London, then 10 minutes later from Verizon Wireless, placed by the log at the US default point
    const events = [at(0, LONDON, { jti: 'v', sub: 'val' }), at(10, US_ONLY, { jti: 'v', sub: 'val', ip: VERIZON })];
    const [f, ...rest] = await withLookups(events);
    expect(rest).toEqual([]);
    expect([f!.severity, f!.evidence.severity_by_places]).toEqual(['high', 'critical']);
    expect((f!.evidence.hops as { to: { network: string; asn: number } }[])[0]!.to).toMatchObject({ network: 'mobile', asn: 6167 });
    expect((f!.evidence.notes as string[]).join(' ')).toMatch(/mobile network \(--asn\)/);
    // the same events without the ASN database: critical, as before
    expect(sev(await findingsFor(impossibleTravel, events))).toEqual(['critical']);
  });

  it('drops a laptop-and-phone pair on a carrier to low at subject level', async () => {
    // the laptop in Milton, WA (GeoIP), the phone on Verizon geolocated to the US default point, one hop apart
    const events = [at(0, null, { jti: 'lap', sub: 'pia', ip: MILTON, ua: CHROME }), at(4, US_ONLY, { jti: 'pho', sub: 'pia', ip: VERIZON, ua: PHONE })];
    expect((await withLookups(events)).map((f) => [f.evidence.level, f.severity])).toEqual([['subject', 'low']]);
  });

  it('names network kinds from the AS number or the organisation name', async () => {
    const store = await Store.open(':memory:');
    try {
      const kinds = await store.json<{ k: string | null }>(
        `SELECT ${networkKindSql('asn', 'org')} AS k FROM (VALUES (14593, NULL), (NULL, 'Gogo Business Aviation LLC'), (6167, 'CELLCO-PART'),
           (21928, 'T-Mobile USA, Inc.'), (16509, 'AMAZON-02'), (9009, 'M247 Europe SRL'), (3320, 'Deutsche Telekom AG'), (NULL, NULL)) v(asn, org)`,
      );
      expect(kinds.map((r) => r.k)).toEqual(['satellite', 'satellite', 'mobile', 'mobile', 'hosting', 'vpn', null, null]);
    } finally {
      store.close();
    }
  });
});
