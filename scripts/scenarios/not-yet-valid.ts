import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const API = 'https://api.example';

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: API };
  const predated = await kit.sign('rsa', { ...base, sub: 'mallory', jti: 'nbf-future', iat: T0, nbf: T0 + 3600, exp: T0 + 7200 });
  const future = await kit.sign('rsa', { ...base, sub: 'mallory', jti: 'iat-future', iat: T0 + 7200, exp: T0 + 8100 });
  const unknown = await kit.sign('rsa', { ...base, sub: 'oscar', jti: 'nbf-unknown', iat: T0, nbf: T0 + 600, exp: T0 + 1800 });
  const skewed = await kit.sign('rsa', { ...base, sub: 'alice', jti: 'skewed', iat: T0 + 600, nbf: T0 + 600, exp: T0 + 1500 });
  const issuedAhead = await kit.sign('rsa', { ...base, sub: 'bob', jti: 'issued-ahead', iat: T0 + 3600, nbf: T0 + 3600, exp: T0 + 4500 });
  const ev = (dt: number, event: string, token: string, sub: string, outcome?: string) => ({ ts: T0 + dt, event, token, sub, ip: '81.2.69.142', aud: API, outcome });
  return {
    id: 'not-yet-valid',
    description: 'Tokens used before nbf (accepted, outcome unknown) and before iat (rejected); a gateway 20 s behind the issuer.',
    checks: ['not-yet-valid'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        ev(60, 'use', predated, 'mallory', 'success'),
        ev(3700, 'use', predated, 'mallory', 'success'),
        ev(100, 'use', future, 'mallory', 'failure'),
        ev(200, 'use', unknown, 'oscar'),
        ev(580, 'use', skewed, 'alice', 'success'),
        ev(0, 'issue', issuedAhead, 'bob', 'success'),
        ev(3605, 'use', issuedAhead, 'bob', 'success'),
      ]),
    },
    expected: [
      { check: 'not-yet-valid', severity: 'high', token: fingerprint(predated), jti: 'nbf-future', sub: 'mallory', kid: 'rsa-current' },
      { check: 'not-yet-valid', severity: 'low', token: fingerprint(future), jti: 'iat-future', sub: 'mallory' },
      { check: 'not-yet-valid', severity: 'medium', token: fingerprint(unknown), jti: 'nbf-unknown', sub: 'oscar' },
    ],
    near_misses: [
      'alice: used 20 s before iat/nbf (gateway clock skew), inside the 60 s leeway: no finding',
      'bob: the issue event logged before iat is the issuer minting it, not a use; its first use is after nbf',
      'mallory nbf-future: one finding per token, from its early use only (the later use is valid)',
    ],
  };
}
