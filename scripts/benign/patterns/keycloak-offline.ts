// Issue 21 pattern 9. Provider token kinds: the desktop sync client asks for `offline_access`, so the identity
// provider (Keycloak) hands it an offline token — a refresh token whose payload says `typ: "Offline"` and that outlives
// logins. Keycloak keeps it alive while it is used within Offline Session Idle (default 30 days); with "Offline Session
// Max Limited" off (the default) it signs it without `exp` at all (keycloak/keycloak PR #7012, issue #27201), with it
// on the exp is iat + the idle timeout. Keycloak's access tokens say `typ: "Bearer"` (5-minute lifespan by default).
// The clients logged in between one and four weeks before the week; every few hours they exchange their latest
// offline token (the gateway logs the token presented) for a new offline token and an access token.
import { API, DAY, HOUR, T0, type Minted, type Rec, type User, type World } from '../world.js';

const PATTERN = 'keycloak-offline';
const UA = 'AcmeSync/3.4.0 (Windows NT 10.0; Win64; x64)';
const CLIENT = 'desktop-sync';

async function offline(w: World, user: User, iat: number, sid: string, limited: boolean): Promise<Minted> {
  return w.mint({
    sub: user.sub, kind: 'refresh', iat, sid, ttl: 30 * DAY,
    claims: {
      typ: 'Offline', azp: CLIENT, scope: 'openid offline_access', token_use: undefined,
      // Offline Session Max Limited off (Keycloak's default): no exp
      ...(limited ? {} : { exp: undefined }),
    },
  });
}

export async function plant(w: World): Promise<void> {
  for (const [i, user] of w.users.slice(40, 64).entries()) {
    const limited = i % 3 === 0;
    const sid = w.id('sid');
    let current = await offline(w, user, T0 - w.int(7 * DAY, 28 * DAY), sid, limited);
    const c: Rec = { sub: user.sub, sid, client_id: CLIENT, ua: UA, ip: user.home.ip, geo: user.home.geo };
    for (let t = T0 + w.int(0, 6 * HOUR); t < T0 + 7 * DAY - HOUR; t += w.int(4 * HOUR, 20 * HOUR)) {
      // the exchange, logged with the offline token presented; Keycloak answers with a new one and an access token
      w.push(PATTERN, { ts: t, event: 'refresh', token: current.token, jti: current.jti, parent_jti: current.jti, outcome: 'success', ...c });
      const next = await offline(w, user, t, sid, limited);
      const access = await w.mint({ sub: user.sub, kind: 'access', iat: t, sid, ttl: 300, claims: { typ: 'Bearer', azp: CLIENT } });
      for (const m of [next, access]) w.push(PATTERN, { ts: t, event: 'issue', token: m.token, jti: m.jti, outcome: 'success', ...c });
      for (let k = 1; k <= w.int(1, 3); k++) {
        w.push(PATTERN, { ts: t + k * 60, event: 'use', token: access.token, jti: access.jti, aud: API, outcome: 'success', ...c });
      }
      current = next;
    }
  }
}
