// The week's ordinary traffic, before any pattern: each user works on weekdays from the laptop (one or two
// sessions a day, logged out or left to expire), checks the phone app some evenings, and now and then presents
// an expired access token that the API rejects. A partner issuer's service and an internal HMAC batch job run
// beside them.
import { DAY, HOUR, T0, type World } from './world.js';

const PARTNER = 'https://login.partner.example';
const PARTNER_API = 'https://partner-api.example';
const JOBS = 'https://internal.example/jobs';

export async function background(w: World): Promise<void> {
  for (const user of w.users) {
    for (let day = 0; day < 7; day++) {
      const weekend = day >= 5;
      if (!weekend || w.chance(0.15)) {
        // working hours, local-ish: start 07:00–10:00 UTC (users in the Americas start later)
        const west = user.home.geo.lon < -30;
        const start = T0 + day * DAY + (west ? 13 : 7) * HOUR + w.int(0, 3 * HOUR);
        const s = await w.session(user, start, w.int(40 * 60, 3 * HOUR), { logout: w.chance(0.4) });
        if (w.chance(0.1)) {
          // the tab was left open: its last access token is presented once after expiry and rejected
          const t = s.access.exp + w.int(120, 1800);
          w.push(null, { ts: t, event: 'use', token: s.access.token, jti: s.access.jti, aud: 'https://api.example', outcome: 'failure', reason: 'token expired', ...w.common(s) });
        }
        if (!weekend && w.chance(0.3)) {
          const again = s.end + w.int(1 * HOUR, 3 * HOUR);
          await w.session(user, again, w.int(20 * 60, 90 * 60), { logout: w.chance(0.5) });
        }
      }
      const phone = user.devices[1];
      if (phone && w.chance(0.5)) {
        const evening = T0 + day * DAY + (user.home.geo.lon < -30 ? 23 : 18) * HOUR + w.int(0, 3 * HOUR);
        await w.session(user, evening, w.int(5 * 60, 30 * 60), { device: phone });
      }
    }
  }
  await partner(w);
  await jobs(w);
}

async function partner(w: World): Promise<void> {
  const place = { ip: '89.160.20.112', geo: { country: 'SE', city: 'Linköping', lat: 58.4167, lon: 15.6167 } };
  for (let i = 0; i < 28; i++) {
    const t = T0 + i * 6 * HOUR + w.int(0, 600);
    const sub = `partner-svc-${i % 3}`;
    const tok = await w.mint({ sub, kind: 'access', iat: t, iss: PARTNER, aud: PARTNER_API, key: 'partner', ttl: 600 });
    for (let k = 0; k < 3; k++) {
      w.push(null, {
        ts: t + k * 120, event: 'use', token: tok.token, jti: tok.jti, sub, aud: PARTNER_API, outcome: 'success', ip: place.ip,
        geo: place.geo, ua: 'partner-sync/2.1', client_id: 'partner', app_version: '5.2.1',
      });
    }
  }
}

async function jobs(w: World): Promise<void> {
  for (let day = 0; day < 7; day++) {
    for (const hour of [2, 14]) {
      const t = T0 + day * DAY + hour * HOUR;
      const tok = await w.mint({ sub: 'svc-batch', kind: 'access', iat: t, iss: 'https://internal.example', aud: JOBS, key: 'internal', ttl: 300 });
      w.push(null, {
        ts: t + 5, event: 'use', token: tok.token, jti: tok.jti, sub: 'svc-batch', aud: JOBS, outcome: 'success', ip: '10.0.0.7',
        ua: 'batch-runner/1.0', client_id: 'batch', app_version: '5.2.1',
      });
    }
  }
}
