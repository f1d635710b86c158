import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

// Events without geo fields, placed by MaxMind's test databases (fixtures/geoip, named in geoip.json).
const T0 = 1773482400; // 2026-03-14T10:00:00Z
const MIN = 60;
const IP = {
  london: '81.2.69.142', // GB London, radius 10 km, no ASN
  london2: '81.2.69.144', // GB London, radius 3 km
  milton: '216.160.83.56', // US Milton WA, radius 22 km, AS209
  linkoping: '89.160.20.112', // SE Linköping, radius 76 km, AS29518
  bhutan: '67.43.156.14', // BT country centroid, radius 534 km
  changchun: '175.16.199.5', // CN Changchun, radius 100 km
  sanDiego: '214.78.1.1', // US San Diego, AS721: the planted "privacy relay" network
  unlisted: '1.1.1.1', // in neither database
  verizon: '149.101.100.1', // AS6167 CELLCO-PART (Verizon Wireless, a mobile carrier); not in GeoLite2-City-Test
  verizon2: '149.101.100.2',
};
const US_ONLY = { country: 'US', lat: 37.751, lon: -97.822 }; // a country-level geolocation (the log's own)
const THIMPHU = { country: 'BT', city: 'Thimphu', lat: 27.4728, lon: 89.639 };
const KOLKATA = { country: 'IN', city: 'Kolkata', lat: 22.5726, lon: 88.3639 }; // ~560 km from Thimphu

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 12 * 3600 };
  const tok = (sub: string, jti: string) => kit.sign('rsa', { ...base, sub, jti });
  const stolen = await tok('alice', 'gt-stolen');
  const [bob, carol, dave, erin] = await Promise.all([tok('bob', 'gt-bob'), tok('carol', 'gt-carol'), tok('dave', 'gt-dave'), tok('erin', 'gt-erin')]);
  const [mallory, pia, piaPhone, bo] = await Promise.all([tok('mallory', 'gt-mallory'), tok('pia', 'gt-pia'), tok('pia', 'gt-pia-phone'), tok('bo', 'gt-bo')]);

  const use = (at: number, token: string, ip: string, geo?: object, ua = 'Mozilla/5.0 (Macintosh) Safari/605.1.15') =>
    ({ ts: T0 + at, event: 'use', token, ip, ...(geo ? { geo } : {}), outcome: 'success', ua });
  const events = [
    // London → Milton, WA 30 minutes later, both accepted → token level, critical
    use(0, stolen, IP.london),
    use(30 * MIN, stolen, IP.milton),
    // near miss: London → Linköping five hours later
    use(0, bob, IP.london2),
    use(5 * 60 * MIN, bob, IP.linkoping),
    // near miss: Bhutan → Changchun in 3.5 hours needs 1,027 km/h between the points but only 846 km/h once
    // the 534 km (and 100 km) accuracy radii are taken off
    use(0, carol, IP.bhutan),
    use(210 * MIN, carol, IP.changchun),
    // near miss: a relay exit in a trusted ASN (policy "AS721") geolocates to San Diego
    use(0, dave, IP.london),
    use(10 * MIN, dave, IP.sanDiego),
    // near miss: the log's own geo (London) wins over the IP's lookup (Milton); an unlisted IP is not guessed at
    use(0, erin, IP.london),
    use(15 * MIN, erin, IP.milton, { country: 'GB', city: 'London', lat: 51.5074, lon: -0.1278 }),
    use(20 * MIN, erin, IP.unlisted),
    // London, then 10 minutes later from a mobile carrier (--asn: AS6167, Verizon Wireless) the log places only as "US"
    // → critical by the places, high: a carrier's place is its gateway's (one rung lower, never silenced)
    use(0, mallory, IP.london2),
    use(10 * MIN, mallory, IP.verizon, US_ONLY),
    // near miss: a laptop in Milton, WA and its owner's phone on Verizon ("US" only), used in turns → subject level,
    // medium by the places; a mobile carrier and a rapid alternation make it low
    ...[0, 3, 6, 9, 12].map((m, i) => (i % 2
      ? use(m * MIN, piaPhone, IP.verizon2, US_ONLY, 'AcmeApp/5.2.1 (iPhone; iOS 17.3.1)')
      : use(m * MIN, pia, IP.milton))),
    // near miss: the log says Thimphu (city level, 100 km), but the MMDB knows the Bhutan address only to 534 km:
    // the larger radius counts, and Kolkata 5 minutes later is within it
    use(0, bo, IP.bhutan, THIMPHU),
    use(5 * MIN, bo, '192.0.2.3', KOLKATA),
  ].sort((a, b) => a.ts - b.ts);

  return {
    id: 'impossible-travel-geoip',
    description: 'Events placed by GeoIP alone (MaxMind test databases): one token in London and Milton, WA 30 minutes apart, and one in London and then on a mobile carrier (one rung lower); accuracy radii, a trusted ASN, event geo and a carrier alternation keep the rest quiet.',
    checks: ['impossible-travel'],
    policy: { impossible_travel: { trusted_networks: ['AS721'] } },
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson(events),
      'geoip.json': JSON.stringify({ city: '../../geoip/GeoLite2-City-Test.mmdb', asn: '../../geoip/GeoLite2-ASN-Test.mmdb' }, null, 2) + '\n',
    },
    expected: [
      { check: 'impossible-travel', severity: 'critical', token: fingerprint(stolen), jti: 'gt-stolen', sub: 'alice', kid: 'rsa-current' },
      { check: 'impossible-travel', severity: 'high', token: fingerprint(mallory), jti: 'gt-mallory', sub: 'mallory', kid: 'rsa-current' },
      { check: 'impossible-travel', severity: 'low', token: null, jti: null, sub: 'pia', kid: null },
    ],
    near_misses: [
      'London → Linköping five hours later is a flight and a train (about 230 km/h)',
      'Bhutan → Changchun in 3.5 hours fires on the points alone, but not once the 534 km and 100 km accuracy radii are taken off',
      'an exit in a trusted autonomous system (policy trusted_networks "AS721") is not where the person is',
      "an event's own geo (London) wins over its IP's GeoIP place (Milton, WA)",
      'an IP in neither database is never placed',
      "a laptop and a phone on a mobile carrier (AS6167) used in turns are low at subject level (a carrier gateway's place, alternating)",
      "the log's city-level Thimphu takes the MMDB's larger 534 km radius for the Bhutan address, so Kolkata 5 minutes later is no travel",
    ],
  };
}
