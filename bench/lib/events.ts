// Turning planned sessions into event lines (without `ts` and `request_id`, added at write time), with the
// small dose of trouble real logs carry: malformed tokens, expired and revoked replays, a reused refresh.
import { int, pick, type Rng } from '../../scripts/incident/prng.js';
import { API, STEP, type Session, type Tok } from './pool.js';

export interface Line {
  ts: number; // ms
  body: string;
}

export interface Extras {
  logout: boolean;
  /** Generation after which an admin revokes the session; -1 for none. */
  revokeAfter: number;
  /** The first refresh token is exchanged a second time, from elsewhere. */
  reuse: boolean;
}

export interface Revocation {
  ts: number;
  sid: string;
  reason: string;
}

export function planExtras(rng: Rng, s: Session): Extras {
  return {
    logout: rng() < 0.2,
    revokeAfter: s.gens.length >= 2 && rng() < 0.002 ? 0 : -1,
    reuse: s.gens.length >= 3 && rng() < 0.001,
  };
}

/** Lines a session writes besides its uses: issue/refresh + issue per generation, and the extras. */
export const fixedLines = (s: Session, x: Extras): number => 2 * s.gens.length + (x.logout ? 1 : 0) + (x.revokeAfter >= 0 ? 1 : 0) + (x.reuse ? 1 : 0);

const GARBAGE = ['null', 'undefined', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0', 'eyJhbGciOi*JSUzI1NiJ9.e30.c2ln', 'Bearer', 'a.b.c.d'];
const ok = (status = 200): string => `"outcome":"success","http_status":${status}`;
const fail = (reason: string, status = 401): string => `"outcome":"failure","reason":"${reason}","http_status":${status}`;

export function sessionEvents(rng: Rng, s: Session, x: Extras, uses: () => number, out: Line[], revocations: Revocation[]): void {
  const u = s.user.frag;
  let revokedAt = Infinity;
  s.gens.forEach(([rt, at], g) => {
    const t0 = (s.start + g * STEP) * 1000 + int(rng, 0, 999);
    const prev = s.gens[g - 1]?.[0];
    out.push(prev
      ? { ts: t0, body: `"event":"refresh",${rt.frag},${u},${ok()},"parent_jti":"${prev.jti}","grant_type":"refresh_token"` }
      : { ts: t0, body: `"event":"issue",${rt.frag},${u},${ok()},"grant_type":"password"` });
    out.push({ ts: t0 + 1, body: `"event":"issue",${at.frag},${u},${ok()},"grant_type":"${prev ? 'refresh_token' : 'password'}"` });
    for (let n = uses(); n > 0; n--) out.push(useLine(rng, at, u, t0 + int(rng, 1000, STEP * 1000 - 1000), revokedAt));
    if (g === x.revokeAfter) {
      revokedAt = t0 + STEP * 1000 - 500;
      revocations.push({ ts: revokedAt, sid: s.sid, reason: 'session revoked by admin' });
      out.push({ ts: revokedAt, body: `"event":"revoke","sub":"${s.user.sub}","sid":"${s.sid}","ip":"10.0.5.20","ua":"acme-admin-console/2.1",${ok()}` });
    }
    if (g === 1 && x.reuse) {
      const from = s.gens[0]![0];
      out.push({ ts: t0 + 180_000, body: `"event":"refresh","sub":"${s.user.sub}","sid":"${s.sid}","client_id":"${s.client_id}","ip":"1.128.0.1","geo":{"country":"AU","city":"Sydney","lat":-33.8688,"lon":151.2093},"ua":"python-requests/2.31.0",${ok()},"parent_jti":"${from.jti}"` });
    }
  });
  if (x.logout) {
    const last = s.gens[s.gens.length - 1]![1];
    out.push({ ts: (s.start + s.gens.length * STEP) * 1000 - 2000, body: `"event":"logout",${last.frag},${u},${ok()},"reason":"user logout"` });
  }
}

/** One API call; ~0.5% carry a malformed token, a few replay the token after expiry. */
function useLine(rng: Rng, at: Tok, user: string, ts: number, revokedAt: number): Line {
  const r = rng();
  if (r < 0.005) return { ts, body: `"event":"use","token":"${pick(rng, GARBAGE)}",${user},"aud":"${API}",${fail('malformed token')}` };
  if (r < 0.0055) {
    const late = ts + 45 * 60_000; // 45 minutes later: long expired; 1 in 10 wrongly accepted
    return { ts: late, body: `"event":"use",${at.frag},${user},"aud":"${API}",${rng() < 0.1 ? ok() : fail('token expired')}` };
  }
  const frag = rng() < 0.01 ? `"authorization":"Bearer ${at.frag.slice(9)}` : at.frag;
  if (ts > revokedAt) return { ts, body: `"event":"use",${frag},${user},"aud":"${API}",${rng() < 0.05 ? ok() : fail('session revoked')}` };
  return { ts, body: `"event":"use",${frag},${user},"aud":"${API}",${ok(pick(rng, [200, 200, 200, 201, 204, 404]))}` };
}
