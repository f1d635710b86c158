// Issue 21 pattern 5. A verifier whose clock skew is larger than ours: the API runs on ASP.NET Core, whose JwtBearer
// handler accepts a token up to TokenValidationParameters.ClockSkew after `exp` (default 300 s). A browser tab in the
// background has its timers throttled (Chrome's intensive throttling runs them once a minute at most), so the SPA's
// "renew 60 s before exp" timer fires minutes late: the tab keeps calling the API with its old token for a few
// minutes after `exp`, the API accepts it, and then the timer fires and the tab refreshes as usual. Late by 62–299 s:
// past our 60 s leeway, within the verifier's 300 s skew (policy verifier_skew_seconds).
import { API, DAY, HOUR, T0, type World } from '../world.js';

const PATTERN = 'verifier-skew';

export async function plant(w: World): Promise<void> {
  const users = w.users.slice(30, 52);
  for (const [i, user] of users.entries()) {
    const device = user.devices[0]!;
    const days = w.int(1, 3);
    for (let k = 0; k < days; k++) {
      const day = (i + 2 * k) % 5;
      const west = user.home.geo.lon < -30;
      const start = T0 + day * DAY + (west ? 15 : 9) * HOUR + w.int(0, 4 * HOUR);
      const s = await w.session(user, start, w.int(20 * 60, 50 * 60), { device, pattern: PATTERN });
      const c = w.common(s);
      // the throttled tab: calls with the last access token after its real exp, accepted within the framework's skew
      const lag = w.int(62, 299);
      const times = new Set<number>();
      for (let n = w.int(1, 4); n > 0; n--) times.add(s.access.exp + w.int(62, lag));
      for (const ts of [...times].sort((a, b) => a - b)) {
        w.push(PATTERN, { ts, event: 'use', token: s.access.token, jti: s.access.jti, aud: API, outcome: 'success', ...c });
      }
      // then its renewal timer fires: the refresh token rotates once
      const renew = s.access.exp + lag + w.int(1, 20);
      const refresh = await w.mint({ sub: user.sub, kind: 'refresh', iat: renew, sid: s.sid, claims: { client_id: device.client_id } });
      const access = await w.mint({ sub: user.sub, kind: 'access', iat: renew, sid: s.sid, claims: { client_id: device.client_id } });
      w.push(PATTERN, { ts: renew, event: 'refresh', token: refresh.token, jti: refresh.jti, parent_jti: s.refresh.jti, outcome: 'success', ...c });
      w.push(PATTERN, { ts: renew, event: 'issue', token: access.token, jti: access.jti, outcome: 'success', ...c });
      for (let n = 1; n <= w.int(2, 5); n++) {
        w.push(PATTERN, { ts: renew + n * w.int(60, 240), event: 'use', token: access.token, jti: access.jti, aud: API, outcome: 'success', ...c });
      }
    }
  }
}
