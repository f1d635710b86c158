// Issue 21 pattern 4: geolocation error taken for travel. The log's `geo` is a geolocation of the IP, not a GPS fix
// (MaxMind: coordinates "not precise", an accuracy radius at 67% confidence; a country-only answer sits at the
// country's centre with a radius of up to 1,000 km). Three routines whose places jump although nobody moved:
//   - dual stack: a laptop at home reaches the API over IPv4 or IPv6 connection by connection (Happy Eyeballs,
//     RFC 8305), and the log's geolocation places the ISP's IPv6 prefix in another city, 480–1,100 km away;
//   - a phone on a mobile carrier: the laptop works from home while the phone app, on mobile data, leaves through a
//     carrier gateway that the geolocation places far away or only at country level;
//   - in-flight Wi-Fi: the laptop's session carries on from the aircraft, whose satellite or air-to-ground provider's
//     exits the geolocation knows only by country, then from the destination.
// The benign fixture has no MMDB, and events carry no AS data (the canonical schema has no such field): these stay
// quiet by the uncertainty of a log-supplied place (policy impossible_travel.log_geo_accuracy_km) and by the
// alternation between the same two places, not by a network list.
import { HOUR, DAY, T0, PLACES, iso, type Device, type Place, type User, type World } from '../world.js';

const PATTERN = 'geo-error';

const city = (country: string, name: string, lat: number, lon: number) => ({ country, city: name, lat, lon });
// MaxMind's country-level answers: the country's default point, no city (GeoIP2's US point is 37.751, -97.822)
const countryOnly = (country: string, lat: number, lon: number) => ({ country, lat, lon });

/** Where the log's geolocation puts each home network's IPv6 prefix (the ISP registered it elsewhere). */
const IPV6_ELSEWHERE: Record<string, { country: string; city?: string; lat: number; lon: number }> = {
  London: city('GB', 'Edinburgh', 55.9533, -3.1883), // 534 km
  Paris: city('DE', 'Frankfurt am Main', 50.1109, 8.6821), // 479 km: under the 500 km floor even as points
  'San Francisco': city('US', 'Seattle', 47.6062, -122.3321), // 1,093 km
};
/** Another London ISP, whose IPv6 prefix is geolocated in another country (636 km). */
const LONDON_ISP2 = { ip: '86.140.22.9', ip6: '2a00:23c4::22:9', geo6: city('DE', 'Frankfurt am Main', 50.1109, 8.6821) };

/** Carrier gateways as the log's geolocation names them, per home city. */
const CARRIER: Record<string, { ip: string; geo: { country: string; city?: string; lat: number; lon: number } }> = {
  'San Francisco': { ip: '198.51.100.23', geo: countryOnly('US', 37.751, -97.822) }, // 2,100 km, country level
  'New York': { ip: '198.51.100.41', geo: city('US', 'Chicago', 41.8781, -87.6298) }, // 1,145 km
  Madrid: { ip: '198.51.100.57', geo: city('ES', 'Barcelona', 41.3874, 2.1686) }, // 505 km
  Toronto: { ip: '198.51.100.66', geo: city('CA', 'Montreal', 45.5019, -73.5674) }, // 504 km
  Berlin: { ip: '198.51.100.72', geo: city('DE', 'Munich', 48.1351, 11.582) }, // 504 km
};

export async function plant(w: World): Promise<void> {
  await dualStack(w);
  await phoneOnCarrier(w);
  await inFlight(w);
}

/** Laptops on dual-stack home networks whose IPv6 prefix is geolocated in another city. */
async function dualStack(w: World): Promise<void> {
  const users = w.users.filter((u) => u.home.ip6 && IPV6_ELSEWHERE[u.home.geo.city]).slice(0, 8);
  for (const [i, user] of users.entries()) {
    const other = i === 1 && user.home.geo.city === 'London';
    const home: Place = other ? { ip: LONDON_ISP2.ip, geo: user.home.geo } : user.home;
    const v6: Place = other
      ? { ip: LONDON_ISP2.ip6, geo: LONDON_ISP2.geo6 as Place['geo'] }
      : { ip: home.ip6!, geo: IPV6_ELSEWHERE[home.geo.city] as Place['geo'] };
    const day = i % 5;
    const start = T0 + day * DAY + (home.geo.lon < -30 ? 15 : 9) * HOUR + w.int(0, 2 * HOUR);
    // each new connection races IPv6 against IPv4; IPv6 usually wins, IPv4 when the v6 path is slow
    await travelSession(w, user, user.devices[0]!, start, start + w.int(90 * 60, 3 * HOUR), () => (w.chance(0.6) ? v6 : home));
  }
}

/** The laptop at home and the phone app on mobile data at the same time, the phone geolocated at the gateway. */
async function phoneOnCarrier(w: World): Promise<void> {
  const users = w.users.filter((u) => u.devices[1] && CARRIER[u.home.geo.city]).slice(0, 10);
  for (const [i, user] of users.entries()) {
    const carrier = CARRIER[user.home.geo.city]!;
    const phonePlace: Place = { ip: carrier.ip.replace(/\d+$/, (n) => String(Number(n) + i)), geo: carrier.geo as Place['geo'] };
    const day = (i + 2) % 5;
    const start = T0 + day * DAY + (user.home.geo.lon < -30 ? 16 : 10) * HOUR + w.int(0, HOUR);
    await travelSession(w, user, user.devices[0]!, start, start + w.int(90 * 60, 2 * HOUR), () => user.home);
    // the phone checks in through the working session (a chat app, a mail client)
    const phoneStart = start + w.int(10 * 60, 30 * 60);
    await travelSession(w, user, user.devices[1]!, phoneStart, phoneStart + w.int(40 * 60, 60 * 60), () => phonePlace);
  }
}

/** A country-level answer: the country's centre point, no city (GeoIP2's US point is 37.751, -97.822). */
const COUNTRY = {
  US: countryOnly('US', 37.751, -97.822),
  CA: countryOnly('CA', 56.1304, -106.3468),
  DE: countryOnly('DE', 51.1657, 10.4515),
  FR: countryOnly('FR', 46.2276, 2.2137),
};
const exit = (ip: string, geo: (typeof COUNTRY)[keyof typeof COUNTRY]): Place => ({ ip, geo: geo as Place['geo'] });

/** Flights by the traveller's home city: the destination, and the exits of the aircraft's Wi-Fi (known by country). */
const ROUTES: Record<string, { to: Place; exits: Place[] }> = {
  'San Francisco': { to: { ip: '98.113.4.200', geo: city('US', 'New York', 40.7128, -74.006) }, exits: [exit('203.0.113.10', COUNTRY.US)] },
  'New York': { to: PLACES.find((p) => p.geo.city === 'San Francisco')!, exits: [exit('203.0.113.11', COUNTRY.US)] },
  Toronto: { to: { ip: '24.114.90.5', geo: city('CA', 'Vancouver', 49.2827, -123.1207) }, exits: [exit('203.0.113.12', COUNTRY.CA)] },
  // two ground-station gateways, taking turns
  Madrid: { to: { ip: '145.53.9.14', geo: city('NL', 'Amsterdam', 52.3676, 4.9041) }, exits: [exit('203.0.113.20', COUNTRY.DE), exit('203.0.113.21', COUNTRY.FR)] },
  Berlin: { to: { ip: '85.240.1.30', geo: city('PT', 'Lisbon', 38.7223, -9.1393) }, exits: [exit('203.0.113.22', COUNTRY.FR), exit('203.0.113.23', COUNTRY.DE)] },
  London: { to: { ip: '94.66.3.12', geo: city('GR', 'Athens', 37.9838, 23.7275) }, exits: [exit('203.0.113.24', COUNTRY.DE)] },
  Amsterdam: { to: { ip: '93.40.5.77', geo: city('IT', 'Rome', 41.9028, 12.4964) }, exits: [exit('203.0.113.25', COUNTRY.DE)] },
};

/**
 * A laptop session that carries on in the air (country-level exits) and at the destination, on a weekend. The
 * travellers are laptop-only users no other pattern picks (the others take users by index: 0–84 and 90–112, and
 * phones), with nothing written for them from the flight on: a traveller is not at home and away at once.
 */
async function inFlight(w: World): Promise<void> {
  const when = (u: User, i: number) => T0 + (5 + (i % 2)) * DAY + (u.home.geo.lon < -30 ? 13 : 6) * HOUR;
  const free = [...w.users.slice(84, 90), ...w.users.slice(112)].filter((u) => u.devices.length === 1 && ROUTES[u.home.geo.city]);
  const travellers = free.filter((u, i) => !w.events.some((e) => e.sub === u.sub && e.ts >= iso(when(u, i) - 2 * HOUR))).slice(0, 6);
  for (const user of travellers) {
    const route = ROUTES[user.home.geo.city]!;
    const start = when(user, free.indexOf(user));
    // home until the taxi (75 min); airport, boarding and the climb; the aircraft's Wi-Fi from 3 h to 5 h 30 min;
    // landing, and the destination from 7 h
    const at = (t: number): Place | null => {
      const m = (t - start) / 60;
      if (m < 75) return user.home;
      if (m >= 180 && m < 330) return w.pick(route.exits);
      if (m >= 420) return route.to;
      return null;
    };
    await travelSession(w, user, user.devices[0]!, start, start + 9 * HOUR, at);
  }
}

/**
 * One login's traffic (as World.session) whose place is chosen per request: `placeAt(t)` names where the request
 * comes from, or null when the device is offline (asleep, boarding). The access token is renewed on the first
 * request after it nears expiry, so the refresh token rotates across places as a real client's does.
 */
async function travelSession(w: World, user: User, device: Device, start: number, end: number, placeAt: (t: number) => Place | null): Promise<void> {
  const sid = w.id('sid');
  const first = placeAt(start) ?? user.home;
  const ctx = (place: Place) => w.common({ user, device, place, sid });
  const claims = { client_id: device.client_id };
  const id = await w.mint({ sub: user.sub, kind: 'id', iat: start, sid, aud: device.client_id, claims: { nonce: w.id('n') } });
  let refresh = await w.mint({ sub: user.sub, kind: 'refresh', iat: start, sid, claims });
  let access = await w.mint({ sub: user.sub, kind: 'access', iat: start, sid, claims });
  w.push(PATTERN, { ts: start, event: 'login', outcome: 'success', ...ctx(first) });
  for (const m of [id, refresh, access]) w.push(PATTERN, { ts: start, event: 'issue', token: m.token, jti: m.jti, outcome: 'success', ...ctx(first) });
  for (let t = start + w.int(60, 420); t < end; t += w.int(60, 420)) {
    const place = placeAt(t);
    if (!place) continue;
    if (t >= access.exp - 60) {
      const next = await w.mint({ sub: user.sub, kind: 'refresh', iat: t, sid, claims });
      access = await w.mint({ sub: user.sub, kind: 'access', iat: t, sid, claims });
      w.push(PATTERN, { ts: t, event: 'refresh', token: next.token, jti: next.jti, parent_jti: refresh.jti, outcome: 'success', ...ctx(place) });
      w.push(PATTERN, { ts: t, event: 'issue', token: access.token, jti: access.jti, outcome: 'success', ...ctx(place) });
      refresh = next;
      t += w.int(1, 5);
    }
    w.push(PATTERN, { ts: t, event: 'use', token: access.token, jti: access.jti, aud: 'https://api.example', outcome: 'success', ...ctx(placeAt(t) ?? place) });
  }
}
