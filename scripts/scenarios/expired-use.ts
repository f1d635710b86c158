import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const API = 'https://api.example';
const STRICT = 'https://payments.example'; // an API whose framework allows no skew (policy verifier_skew_by_audience)

export async function scenario(kit: Kit): Promise<Scenario> {
  const claims = (sub: string, jti: string, ttl = 900) => ({ iss: 'https://auth.example', aud: API, sub, jti, iat: T0, nbf: T0, exp: T0 + ttl });
  const replayed = await kit.sign('rsa', claims('alice', 'late-accepted'), { typ: 'at+jwt' });
  const rejected = await kit.sign('rsa', claims('bob', 'late-rejected'), { typ: 'at+jwt' });
  const unknown = await kit.sign('rsa', claims('carol', 'late-unknown'), { typ: 'at+jwt' });
  const leeway = await kit.sign('rsa', claims('dave', 'in-leeway'), { typ: 'at+jwt' });
  const loggedOut = await kit.sign('rsa', claims('erin', 'logout-late'), { typ: 'at+jwt' });
  const oldRt = await kit.sign('rsa', { ...claims('frank', 'rt-expired', 3600), token_use: 'refresh' });
  const skewed = await kit.sign('rsa', claims('gina', 'within-verifier-skew'), { typ: 'at+jwt' });
  const beyond = await kit.sign('rsa', claims('hank', 'beyond-verifier-skew'), { typ: 'at+jwt' });
  const strict = await kit.sign('rsa', { ...claims('ivan', 'strict-api-late'), aud: STRICT }, { typ: 'at+jwt' });
  const newRt = await kit.sign('rsa', { ...claims('frank', 'rt-new', 3600), iat: T0 + 7200, nbf: T0 + 7200, exp: T0 + 10800, token_use: 'refresh' });
  const ev = (dt: number, event: string, token: string | undefined, sub: string, outcome: string | undefined, more: Record<string, unknown> = {}) =>
    ({ ts: T0 + dt, event, token, sub, ip: '81.2.69.142', aud: API, outcome, ...more });
  return {
    id: 'expired-use',
    description:
      'Access tokens used after exp: accepted (twice), outcome unknown, rejected (quiet); a refresh token exchanged after its exp; ' +
      "accepted within the verifier's 5-minute skew (low), one second beyond it (critical), and late at an API whose policy skew is 0.",
    checks: ['expired-use'],
    policy: { verifier_skew_by_audience: { [STRICT]: 0 } },
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        ev(60, 'use', replayed, 'alice', 'success'),
        ev(900 + 600, 'use', replayed, 'alice', 'success', { ip: '1.128.0.1' }),
        ev(900 + 2400, 'use', replayed, 'alice', 'success', { ip: '1.128.0.1' }),
        ev(900 + 300, 'use', rejected, 'bob', 'failure', { reason: 'token expired' }),
        ev(900 + 420, 'use', unknown, 'carol', undefined),
        ev(900 + 30, 'use', leeway, 'dave', 'success'),
        ev(900 + 240, 'use', skewed, 'gina', 'success'),
        ev(900 + 301, 'use', beyond, 'hank', 'success'),
        ev(900 + 90, 'use', strict, 'ivan', 'success', { aud: `${STRICT}/` }),
        ev(900 + 600, 'logout', loggedOut, 'erin', 'success'),
        ev(0, 'issue', oldRt, 'frank', 'success'),
        ev(7200, 'refresh', newRt, 'frank', 'success', { parent_jti: 'rt-expired' }),
      ]),
    },
    expected: [
      { check: 'expired-use', severity: 'critical', token: fingerprint(replayed), jti: 'late-accepted', sub: 'alice', kid: 'rsa-current' },
      { check: 'expired-use', severity: 'medium', token: fingerprint(unknown), jti: 'late-unknown', sub: 'carol' },
      { check: 'expired-use', severity: 'critical', token: fingerprint(oldRt), jti: 'rt-expired', sub: 'frank' },
      { check: 'expired-use', severity: 'low', token: fingerprint(skewed), jti: 'within-verifier-skew', sub: 'gina' },
      { check: 'expired-use', severity: 'critical', token: fingerprint(beyond), jti: 'beyond-verifier-skew', sub: 'hank' },
      { check: 'expired-use', severity: 'critical', token: fingerprint(strict), jti: 'strict-api-late', sub: 'ivan' },
    ],
    near_misses: [
      'dave: used 30 s after exp and accepted, inside the 60 s leeway: no finding',
      'bob: an expired token correctly rejected (the server working, routine) raises nothing, certainly nothing of medium or above',
      'alice: one finding for the token although it was used late twice (and once in time)',
      'erin: a logout presenting an expired token is not a use',
      'carol: 420 s late, beyond the 300 s verifier skew, outcome not recorded: medium (late by less it would be low)',
      "gina: accepted 240 s after exp, within verifier_skew_seconds (300, ASP.NET Core's default ClockSkew): low, nothing of medium or above",
      'hank: accepted 301 s after exp, one second beyond the verifier skew: critical',
      'ivan: accepted 90 s after exp at an API whose verifier_skew_by_audience is 0 (the event names it with a trailing slash): critical',
      'frank: the refresh event carries the NEW refresh token (fresh, in its validity); only the exchanged parent is late',
    ],
  };
}
