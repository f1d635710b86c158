import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const MIN = 60;
const PLACE = {
  london: { country: 'GB', city: 'London', lat: 51.5142, lon: -0.0931 },
  sydney: { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093 },
  paris: { country: 'FR', city: 'Paris', lat: 48.8566, lon: 2.3522 },
  newYork: { country: 'US', city: 'New York', lat: 40.7128, lon: -74.006 },
  frankfurt: { country: 'DE', city: 'Frankfurt', lat: 50.1109, lon: 8.6821 }, // ~640 km from London
  manchester: { country: 'GB', city: 'Manchester', lat: 53.4808, lon: -2.2426 }, // ~260 km from London
  singapore: { country: 'SG', city: 'Singapore', lat: 1.3521, lon: 103.8198 },
  edinburgh: { country: 'GB', city: 'Edinburgh', lat: 55.9533, lon: -3.1883 }, // ~534 km from London
  madrid: { country: 'ES', city: 'Madrid', lat: 40.4168, lon: -3.7038 }, // ~1,265 km from London
  sanFrancisco: { country: 'US', city: 'San Francisco', lat: 37.7749, lon: -122.4194 },
  usOnly: { country: 'US', lat: 37.751, lon: -97.822 }, // a country-level geolocation: ~2,156 km from San Francisco
  nullIsland: { lat: 0, lon: 0 },
};
type Geo = Record<string, unknown>;

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 6 * 3600 };
  const tok = (sub: string, jti: string) => kit.sign('rsa', { ...base, sub, jti });
  const stolen = await tok('alice', 'it-stolen');
  const erin = await tok('erin', 'it-erin');
  const gina = await tok('gina', 'it-gina');
  const bob = await tok('bob', 'it-bob');
  const daveWeb = await tok('dave', 'it-dave-web');
  const daveApp = await tok('dave', 'it-dave-app');
  const harry = await tok('harry', 'it-harry');
  const ivan = await tok('ivan', 'it-ivan');
  const judy = await tok('judy', 'it-judy');
  const kate = await tok('kate', 'it-kate');
  const dana = await tok('dana', 'it-dana');
  const fay = await tok('fay', 'it-fay');
  const cy = await tok('cy', 'it-cy');

  const use = (at: number, token: string, ip: string, geo: Geo | null, outcome = 'success') =>
    ({ ts: T0 + at, event: 'use', token, ip, ...(geo ? { geo } : {}), outcome, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/133.0.0.0' });
  const events = [
    // a token used in London, then in Sydney 20 minutes later, both accepted → token level, critical
    use(0, stolen, '81.2.69.142', PLACE.london),
    use(20 * MIN, stolen, '1.128.0.7', PLACE.sydney),
    // the same, but Sydney was rejected → high
    use(5 * MIN, erin, '81.2.69.143', PLACE.london),
    use(25 * MIN, erin, '1.128.0.9', PLACE.sydney, 'failure'),
    // London and Frankfurt in the same second (zero elapsed time over 640 km: infinitely fast) → high
    use(10 * MIN, gina, '81.2.69.145', PLACE.london),
    use(10 * MIN, gina, '91.0.0.10', PLACE.frankfurt, 'failure'),
    // near miss: London → Paris four hours later is a train ride
    use(0, bob, '81.2.69.150', PLACE.london),
    use(4 * 60 * MIN, bob, '90.0.0.20', PLACE.paris),
    // one subject, two tokens on two devices, London and New York 30 minutes apart → subject level only
    use(0, daveWeb, '81.2.69.155', PLACE.london),
    use(30 * MIN, daveApp, '216.160.83.56', PLACE.newYork),
    // near miss: London → Manchester in 5 minutes is fast but under min_distance_km (geo-IP jitter), and two
    // events at identical coordinates in the same second are no travel at all
    use(0, harry, '81.2.69.170', PLACE.london),
    use(0, harry, '81.2.69.171', PLACE.london),
    use(5 * MIN, harry, '81.2.69.180', PLACE.manchester),
    // near miss: an Australian IP without geo fields is not guessed at, nor is 0,0 ("null island")
    use(0, ivan, '81.2.69.194', PLACE.london),
    use(10 * MIN, ivan, '1.128.0.11', null),
    use(15 * MIN, ivan, '1.128.0.12', PLACE.nullIsland),
    // near miss: a corporate VPN exit (policy trusted_networks) geolocates to Singapore
    use(0, judy, '81.2.69.142', PLACE.london),
    use(10 * MIN, judy, '198.18.4.20', PLACE.singapore),
    // a victim in London and a thief in New York taking turns with one token (and its user agent) → critical:
    // an alternation no geolocation error explains (two continents)
    ...[0, 2, 4, 6, 8].map((m, i) => use(m * MIN, kate, i % 2 ? '216.160.83.60' : '81.2.69.160', i % 2 ? PLACE.newYork : PLACE.london)),
    // near miss: a dual-stack laptop whose IPv4 is geolocated to London and its IPv6 prefix to Edinburgh, flipping
    // connection by connection (RFC 8305) → a geolocation artefact, low with a note
    ...[0, 2, 4, 6, 8].map((m, i) => use(m * MIN, dana, i % 2 ? '2a02:6b8::1:142' : '81.2.69.142', i % 2 ? PLACE.edinburgh : PLACE.london)),
    // near miss: San Francisco, then 90 minutes later from the aircraft's Wi-Fi, whose exit the log knows only as "US"
    use(0, fay, '73.162.9.41', PLACE.sanFrancisco),
    use(90 * MIN, fay, '203.0.113.10', PLACE.usOnly),
    // near miss: London → Madrid in 80 minutes: 949 km/h between the points, 799 km/h between two city-level areas
    use(0, cy, '81.2.69.190', PLACE.london),
    use(80 * MIN, cy, '83.45.7.33', PLACE.madrid),
  ].sort((a, b) => a.ts - b.ts);

  return {
    id: 'impossible-travel',
    description: 'One token in London and Sydney 20 minutes apart (accepted, rejected), two places in one second, one subject in London and New York with two tokens, and a victim and a thief taking turns with one token; geolocation error (a dual-stack alternation, a country-level in-flight exit, city-level radii) stays below medium.',
    checks: ['impossible-travel'],
    policy: { impossible_travel: { trusted_networks: ['198.18.0.0/15'] } },
    files: { 'keys.json': kit.jwks('rsa'), 'events.ndjson': ndjson(events) },
    expected: [
      { check: 'impossible-travel', severity: 'critical', token: fingerprint(stolen), jti: 'it-stolen', sub: 'alice', kid: 'rsa-current' },
      { check: 'impossible-travel', severity: 'high', token: fingerprint(erin), jti: 'it-erin', sub: 'erin' },
      { check: 'impossible-travel', severity: 'high', token: fingerprint(gina), jti: 'it-gina', sub: 'gina' },
      { check: 'impossible-travel', severity: 'medium', token: null, jti: null, sub: 'dave', kid: null },
      { check: 'impossible-travel', severity: 'critical', token: fingerprint(kate), jti: 'it-kate', sub: 'kate', kid: 'rsa-current' },
      { check: 'impossible-travel', severity: 'low', token: fingerprint(dana), jti: 'it-dana', sub: 'dana', kid: 'rsa-current' },
    ],
    near_misses: [
      'London → Paris four hours later is plausible (about 90 km/h)',
      'London → Manchester in 5 minutes is under min_distance_km 500 (geo-IP jitter, not travel)',
      'two events at identical coordinates in the same second never fire',
      'an event without geo fields, or at 0,0, is never placed',
      'a VPN exit in a trusted network (policy trusted_networks) is not where the person is',
      "the stolen token's London → Sydney hop is reported once, at token level, not again for the subject",
      'a dual-stack laptop flipping between London (IPv4) and Edinburgh (IPv6) every two minutes is a geolocation artefact: low, not critical',
      'an in-flight exit known only as "US" 90 minutes after San Francisco is within the country-level radius (log_geo_accuracy_km.country)',
      'London → Madrid in 80 minutes is a flight once both city-level radii (log_geo_accuracy_km.city) are taken off',
    ],
  };
}
