// Issue 21 patterns 1 and 2. Key rotation overlap: phone apps that logged in on Monday (tokens signed by
// auth-2026-02) come back on Thursday or Friday, after that key's retirement on Wednesday, and exchange their
// still-valid 30-day refresh token — OpenID Connect keeps a retired key published for exactly this. Logout with an
// old ID token as `id_token_hint` (OpenID Connect RP-Initiated Logout 1.0 §2: the OP accepts an expired hint): the
// Monday ID token, long expired and signed by the retired key, ends the session — a logout is not a use.
import { DAY, HOUR, T0, type World } from '../world.js';

const PATTERN = 'rotation-overlap';

export async function plant(w: World): Promise<void> {
  const phones = w.users.filter((u) => u.devices[1]).slice(0, 24);
  for (const [i, user] of phones.entries()) {
    const device = user.devices[1]!;
    // Monday evening: a short session on the old key; the app keeps its refresh token
    const s = await w.session(user, T0 + 19 * HOUR + i * 300, w.int(5 * 60, 20 * 60), { device, pattern: PATTERN });
    const back = T0 + (3 + (i % 2)) * DAY + 8 * HOUR + w.int(0, 8 * HOUR);
    const c = w.common(s);
    const refresh = await w.mint({ sub: user.sub, kind: 'refresh', iat: back, sid: s.sid, claims: { client_id: device.client_id } });
    const access = await w.mint({ sub: user.sub, kind: 'access', iat: back, sid: s.sid, claims: { client_id: device.client_id } });
    w.push(PATTERN, { ts: back, event: 'refresh', token: refresh.token, jti: refresh.jti, parent_jti: s.refresh.jti, outcome: 'success', ...c });
    w.push(PATTERN, { ts: back, event: 'issue', token: access.token, jti: access.jti, outcome: 'success', ...c });
    for (let k = 1; k <= 3; k++) {
      w.push(PATTERN, { ts: back + k * 120, event: 'use', token: access.token, jti: access.jti, aud: 'https://api.example', outcome: 'success', ...c });
    }
    if (i % 3 === 0) {
      // the user signs out: the app sends the Monday ID token as id_token_hint
      w.push(PATTERN, { ts: back + 900, event: 'logout', token: s.id.token, jti: s.id.jti, outcome: 'success', reason: 'rp-initiated logout', ...c });
    }
  }
}
