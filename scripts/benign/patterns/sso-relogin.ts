// Issue 21 pattern 8. Logout, then a silent SSO re-login in the same provider session. The user signs out of the web
// app (the app's logout ends its own session; the identity provider's session cookie stays), reopens it minutes later,
// and the app signs in silently (an authorization request with prompt=none): the provider mints new ID, access and
// refresh tokens carrying the same `sid` — OpenID Connect's session id names the provider's session, which the app's
// logout did not end. The new tokens are issued after the logout (iat after it): the logout does not revoke them.
import { DAY, HOUR, T0, type World } from '../world.js';

const PATTERN = 'sso-relogin';

export async function plant(w: World): Promise<void> {
  const users = w.users.slice(90, 112);
  for (const [i, user] of users.entries()) {
    const days = w.int(1, 2);
    for (let k = 0; k < days; k++) {
      const day = (i + 2 * k) % 5;
      const west = user.home.geo.lon < -30;
      const start = T0 + day * DAY + (west ? 16 : 10) * HOUR + w.int(0, 4 * HOUR);
      const first = await w.session(user, start, w.int(15 * 60, 60 * 60), { logout: true, pattern: PATTERN });
      // back a few seconds to a few minutes later: the same browser, the same provider session, fresh tokens
      const again = first.end + w.pick([w.int(1, 10), w.int(30, 600)]);
      const logout = w.chance(0.5);
      const second = await w.session(user, again, w.int(10 * 60, 45 * 60), { sid: first.sid, logout, pattern: PATTERN });
      if (logout && w.chance(0.5)) {
        // and once more after that logout
        await w.session(user, second.end + w.int(5, 300), w.int(5 * 60, 20 * 60), { sid: first.sid, pattern: PATTERN });
      }
    }
  }
}
