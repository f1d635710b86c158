// Issue 21 pattern 12. A retired key missing from the JWKS: auth-2026-01 signed until its retirement on 4 February
// and is named by the rotation records, but the JWKS the investigation was given was saved after the rotation and no
// longer holds it (OpenID Connect Core §10.1.1 keeps decommissioned keys published only "for a reasonable period").
// Phone apps that last refreshed in late January hold 60-day refresh tokens it signed; during the week they come back
// and exchange them. The token endpoint's gateway logs the refresh token presented (`token`, its own jti as
// `parent_jti`: the second log form refresh-reuse reads), so the store holds those tokens, unverifiable without the
// old key. New tokens are signed by the current key.
import { DAY, HOUR, T0, type World } from '../world.js';

const PATTERN = 'retired-key-missing';
/** late January, before auth-2026-01 retired (2026-02-04T06:00Z): 2026-01-24 … 2026-02-03 */
const JAN_24 = Date.UTC(2026, 0, 24) / 1000;

export async function plant(w: World): Promise<void> {
  const phones = w.users.filter((u) => u.devices[1]).slice(24, 64);
  for (const [i, user] of phones.entries()) {
    const device = user.devices[1]!;
    const sid = w.id('sid');
    const iat = JAN_24 + w.int(0, 10 * DAY - 1);
    const old = await w.mint({ sub: user.sub, kind: 'refresh', iat, ttl: 60 * DAY, sid, key: 'archived', claims: { client_id: device.client_id } });
    const back = T0 + (i % 7) * DAY + w.int(7 * HOUR, 21 * HOUR);
    const c = w.common({ user, device, place: user.home, sid });
    // the exchange, logged with the refresh token presented
    w.push(PATTERN, { ts: back, event: 'refresh', token: old.token, jti: old.jti, parent_jti: old.jti, outcome: 'success', ...c });
    const next = await w.mint({ sub: user.sub, kind: 'refresh', iat: back, sid, claims: { client_id: device.client_id } });
    const access = await w.mint({ sub: user.sub, kind: 'access', iat: back, sid, claims: { client_id: device.client_id } });
    for (const m of [next, access]) w.push(PATTERN, { ts: back, event: 'issue', token: m.token, jti: m.jti, outcome: 'success', ...c });
    for (let k = 1; k <= w.int(1, 4); k++) {
      w.push(PATTERN, { ts: back + k * w.int(60, 200), event: 'use', token: access.token, jti: access.jti, aud: 'https://api.example', outcome: 'success', ...c });
    }
  }
}
