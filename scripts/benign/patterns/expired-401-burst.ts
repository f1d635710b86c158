// Issue 21 pattern 10. Bursts of expired-token 401s: an office behind one NAT address comes back in the morning
// (and after lunch); every laptop's browser tab wakes with the access token that expired overnight, fires its
// parallel API calls with it, gets 401 (RFC 6750 §3.1 invalid_token) and renews with its refresh token, then
// carries on. Dozens of failures on one IP within a minute or two, from many users — a client renewing its token,
// not probing. Gateways word the 401 differently, or not at all: "token expired", "Jwt expired at …", the bare
// OAuth error "invalid_token", or no reason. failure-burst must raise nothing of medium or above.
import { DAY, HOUR, T0, iso, type Minted, type Place, type Session, type User, type World } from '../world.js';

const PATTERN = 'expired-401-burst';
const API = 'https://api.example';

/** How the API gateway words a refused expired token (undefined: it logs none). */
const REASONS: (string | ((exp: number) => string) | undefined)[] = [
  'token expired',
  (exp) => `Jwt expired at ${iso(exp)}`,
  'invalid_token',
  undefined,
];

export async function plant(w: World): Promise<void> {
  // the offices: the places most users share (one NAT address each)
  const byPlace = new Map<string, User[]>();
  for (const u of w.users) byPlace.set(u.home.ip, [...(byPlace.get(u.home.ip) ?? []), u]);
  const offices = [...byPlace.values()].filter((us) => us.length >= 8).slice(0, 4);
  for (const [o, staff] of offices.entries()) {
    // Tuesday to Friday (yesterday's tokens signed after Tuesday's key activation): the morning and, some days, after lunch
    for (let day = 2; day <= 4; day++) {
      const place = staff[0]!.home;
      const west = place.geo.lon < -30;
      const yesterday = T0 + (day - 1) * DAY + (west ? 19 : 14) * HOUR;
      const morning = T0 + day * DAY + (west ? 13 : 7) * HOUR + 45 * 60 + w.int(0, 20 * 60);
      const reason = REASONS[(o + day) % REASONS.length];
      await wake(w, staff.slice(0, w.int(8, staff.length)), place, yesterday, morning, reason);
      if ((o + day) % 2 === 0) {
        const lunch = morning + 5 * HOUR + w.int(0, 30 * 60);
        await wake(w, staff.slice(0, w.int(6, staff.length)), place, morning + 10 * 60, lunch, REASONS[(o + day + 1) % REASONS.length]);
      }
    }
  }
}

/**
 * Each laptop worked a while from `from` (its session left open, no logout) and wakes within a few minutes of
 * `at`: 3–7 parallel calls with its expired access token, all 401, then a successful refresh seconds later and
 * the same calls again with the new token.
 */
async function wake(w: World, staff: User[], place: Place, from: number, at: number, reason: (typeof REASONS)[number]): Promise<void> {
  for (const user of staff) {
    const s = await w.session(user, from + w.int(0, 40 * 60), w.int(30 * 60, 2 * HOUR), { place, pattern: PATTERN });
    const woke = at + w.int(0, 4 * 60);
    const calls = w.int(3, 7);
    const c = w.common(s);
    const why = typeof reason === 'function' ? reason(s.access.exp) : reason;
    for (let k = 0; k < calls; k++) {
      w.push(PATTERN, {
        ts: woke + k * 0.05, event: 'use', token: s.access.token, jti: s.access.jti, aud: API, outcome: 'failure',
        ...(why === undefined ? {} : { reason: why }), ...c,
      });
    }
    // the client renews within seconds (a slow laptop or a locked screen: up to half a minute)
    const renewed = woke + (w.chance(0.8) ? w.int(1, 4) : w.int(10, 30));
    const next = await renew(w, s, renewed);
    for (let k = 0; k < calls; k++) {
      w.push(PATTERN, { ts: renewed + 1 + k * 0.05, event: 'use', token: next.token, jti: next.jti, aud: API, outcome: 'success', ...c });
    }
  }
}

/** A refresh of the session's latest refresh token: the new access token (the refresh token rotates). */
async function renew(w: World, s: Session, t: number): Promise<Minted> {
  const claims = { client_id: s.device.client_id };
  const refresh = await w.mint({ sub: s.user.sub, kind: 'refresh', iat: t, sid: s.sid, claims });
  const access = await w.mint({ sub: s.user.sub, kind: 'access', iat: t, sid: s.sid, claims });
  const c = w.common(s);
  w.push(PATTERN, { ts: t, event: 'refresh', token: refresh.token, jti: refresh.jti, parent_jti: s.refresh.jti, outcome: 'success', ...c });
  w.push(PATTERN, { ts: t, event: 'issue', token: access.token, jti: access.jti, outcome: 'success', ...c });
  return access;
}
