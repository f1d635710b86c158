// Issue 21 pattern 7. Multi-audience tokens and refresh exchanges with the deployment's policy naming its APIs
// (trusted_audiences, merged into policy.json by make-benign). A web client asks for one access token covering the
// API, billing and userinfo (an `aud` array, as Auth0 issues when the openid scope rides along with an API audience;
// RFC 7519 §4.1.3: any member is the recipient), calls all three, and renews through refresh exchanges at the
// issuer's token endpoint (the refresh token's audience is the issuer; the event names no API, or names the resource
// the new access token is for, RFC 8707). Some gateways log the call without the API's name. Now and then a client
// library sends its ID token to the issuer's userinfo endpoint (a client bug the issuer tolerates: low at most).
import { API, BILLING, DAY, HOUR, T0, USERINFO, type Minted, type Rec, type User, type World } from '../world.js';

const PATTERN = 'refresh-with-audiences';

/** The APIs this deployment's resource servers answer for (policy trusted_audiences). */
export const TRUSTED_AUDIENCES: string[] = [API, BILLING];

const AUDIENCES = [API, BILLING, USERINFO];

export async function plant(w: World): Promise<void> {
  const users = w.users.slice(60, 84);
  for (const [i, user] of users.entries()) {
    const days = w.int(1, 3);
    for (let k = 0; k < days; k++) {
      const day = (i + 3 * k) % 7;
      const west = user.home.geo.lon < -30;
      const start = T0 + day * DAY + (west ? 14 : 8) * HOUR + w.int(0, 5 * HOUR);
      await session(w, user, start, w.int(30 * 60, 2 * HOUR), i % 5 === 0);
    }
  }
}

/** A login whose access tokens cover three audiences, renewed by rotating refresh exchanges. */
async function session(w: World, user: User, start: number, seconds: number, idAtUserinfo: boolean): Promise<void> {
  const device = user.devices[0]!;
  const sid = w.id('sid');
  const c: Rec = w.common({ user, device, place: user.home, sid });
  const mintPair = async (iat: number): Promise<[Minted, Minted]> => [
    await w.mint({ sub: user.sub, kind: 'refresh', iat, sid, claims: { client_id: device.client_id } }),
    await w.mint({ sub: user.sub, kind: 'access', iat, sid, aud: AUDIENCES, claims: { client_id: device.client_id } }),
  ];
  const id = await w.mint({ sub: user.sub, kind: 'id', iat: start, sid, aud: device.client_id, claims: { nonce: w.id('n') } });
  let [refresh, access] = await mintPair(start);
  w.push(PATTERN, { ts: start, event: 'login', outcome: 'success', ...c });
  for (const m of [id, refresh, access]) w.push(PATTERN, { ts: start, event: 'issue', token: m.token, jti: m.jti, outcome: 'success', ...c });
  if (idAtUserinfo) {
    w.push(PATTERN, { ts: start + 2, event: 'use', token: id.token, jti: id.jti, aud: USERINFO, outcome: 'success', ...c });
  } else {
    w.push(PATTERN, { ts: start + 2, event: 'use', token: access.token, jti: access.jti, aud: USERINFO, outcome: 'success', ...c });
  }
  const end = start + seconds;
  for (let t = start + w.int(30, 120); t < end; t += w.int(45, 300)) {
    if (t >= access.exp - 60) {
      const [next, fresh] = await mintPair(t);
      // a refresh exchange at the issuer: no aud, or the resource asked for (RFC 8707 resource indicator)
      const resource = w.chance(0.3) ? { aud: w.pick([API, BILLING]) } : {};
      w.push(PATTERN, { ts: t, event: 'refresh', token: next.token, jti: next.jti, parent_jti: refresh.jti, outcome: 'success', ...c, ...resource });
      w.push(PATTERN, { ts: t, event: 'issue', token: fresh.token, jti: fresh.jti, outcome: 'success', ...c });
      [refresh, access] = [next, fresh];
      t += w.int(1, 5);
    }
    // the API, billing, or a gateway that logs the call without naming the API
    const aud = w.pick([API, API, BILLING, `${BILLING}/`, null]);
    w.push(PATTERN, { ts: t, event: 'use', token: access.token, jti: access.jti, ...(aud ? { aud } : {}), outcome: 'success', ...c });
  }
}
