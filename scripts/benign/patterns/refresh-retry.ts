// Issue 21 pattern 3. A refresh retried by the client: the identity provider rotated the refresh token, but the
// response never reached the app (the phone left the Wi-Fi mid-request), so the app sends the same refresh token
// again a few seconds later over mobile data — a new IP, the same app, user agent and client_id. Identity providers
// grant exactly this (Okta's grace period for token rotation, default 30 s; Auth0's reuse interval; Cognito's
// RetryGracePeriodSeconds, up to 60 s), so both exchanges are granted. In browsers, two tabs waking together race
// to refresh the one stored token from the same IP within a second. refresh-reuse must say info, not critical.
import { DAY, HOUR, T0, type Place, type Session, type World } from '../world.js';

const PATTERN = 'refresh-retry';

/** The country's mobile carriers (plausible CGN egress ranges): where a phone's mobile data leaves the network. */
const CARRIER: Record<string, string> = {
  GB: '31.94', FR: '92.184', DE: '80.187', NL: '62.140', ES: '88.28', US: '172.56', CA: '174.88',
};

export async function plant(w: World): Promise<void> {
  const phones = w.users.filter((u) => u.devices[1]);
  // phones: a dozen evenings spread over the week, each ending in a retried renewal across a network change
  for (let i = 0; i < 14; i++) {
    const user = phones[(i * 7 + 3) % phones.length]!;
    const day = i % 7;
    const start = T0 + day * DAY + (user.home.geo.lon < -30 ? 23 : 18) * HOUR + w.int(0, 2 * HOUR);
    const s = await w.session(user, start, w.int(16 * 60, 40 * 60), { device: user.devices[1], pattern: PATTERN });
    await retriedRenewal(w, s, mobileData(w, s.place));
  }
  // laptops: two tabs racing for the same refresh token, from the same IP a second apart
  const laptops = w.users.filter((u) => !u.devices[1]);
  for (let i = 0; i < 8; i++) {
    const user = laptops[(i * 5 + 1) % laptops.length]!;
    const day = i % 5;
    const start = T0 + day * DAY + (user.home.geo.lon < -30 ? 15 : 9) * HOUR + w.int(0, 3 * HOUR);
    const s = await w.session(user, start, w.int(20 * 60, 50 * 60), { pattern: PATTERN });
    await retriedRenewal(w, s, s.place);
  }
}

/** The phone on mobile data: the carrier's address, placed where the user is (the city's coordinates). */
function mobileData(w: World, home: Place): Place {
  const prefix = CARRIER[home.geo.country] ?? '31.94';
  return { ip: `${prefix}.${w.int(1, 250)}.${w.int(1, 250)}`, geo: { ...home.geo } };
}

/**
 * After the session's last call the client renews: the exchange is granted but its answer lost; 1–4 s later the
 * client presents the same refresh token again (from `retryFrom`), is granted again, and carries on with that
 * second pair. The first pair is never used.
 */
async function retriedRenewal(w: World, s: Session, retryFrom: Place): Promise<void> {
  const { user, device, sid } = s;
  const first = s.end + w.int(5, 40);
  const second = first + w.int(1, 4);
  const pair = async (t: number) => ({
    refresh: await w.mint({ sub: user.sub, kind: 'refresh', iat: t, sid, claims: { client_id: device.client_id } }),
    access: await w.mint({ sub: user.sub, kind: 'access', iat: t, sid, claims: { client_id: device.client_id } }),
  });
  const lost = await pair(first);
  const kept = await pair(second);
  const at = (place: Place) => w.common({ user, device, place, sid });
  w.push(PATTERN, { ts: first, event: 'refresh', token: lost.refresh.token, jti: lost.refresh.jti, parent_jti: s.refresh.jti, outcome: 'success', ...at(s.place) });
  w.push(PATTERN, { ts: first, event: 'issue', token: lost.access.token, jti: lost.access.jti, outcome: 'success', ...at(s.place) });
  w.push(PATTERN, { ts: second, event: 'refresh', token: kept.refresh.token, jti: kept.refresh.jti, parent_jti: s.refresh.jti, outcome: 'success', ...at(retryFrom) });
  w.push(PATTERN, { ts: second, event: 'issue', token: kept.access.token, jti: kept.access.jti, outcome: 'success', ...at(retryFrom) });
  let t = second;
  for (let k = w.int(2, 5); k > 0; k--) {
    t += w.int(20, 90);
    w.push(PATTERN, { ts: t, event: 'use', token: kept.access.token, jti: kept.access.jti, aud: 'https://api.example', outcome: 'success', ...at(retryFrom) });
  }
}
