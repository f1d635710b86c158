import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const ISS = 'https://auth.example';
const API = 'https://api.example';
const ADMIN = 'https://admin.example';

export async function scenario(kit: Kit): Promise<Scenario> {
  const tok = (sub: string, jti: string, aud: string | string[], iss = ISS, key: 'rsa' | 'ed' = 'rsa') =>
    kit.sign(key, { iss, aud, sub, jti, iat: T0, nbf: T0, exp: T0 + 900 });
  const wrongApi = await tok('alice', 'api-at-admin', API);
  const lookalike = await tok('bob', 'api-at-lookalike', API);
  const rogue = await tok('mallory', 'rogue-issuer', API, 'https://evil.example', 'ed');
  const both = await tok('carol', 'api-and-admin', [API, ADMIN]);
  const slash = await tok('dave', 'trailing-slash', `${API}/`);
  const partner = await tok('p-1', 'partner', API, 'https://partner.example/', 'ed');
  const noAud = await kit.sign('rsa', { iss: ISS, sub: 'svc', jti: 'no-aud', iat: T0, exp: T0 + 900 });
  const use = (dt: number, token: string, sub: string, aud: string, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, sub, ip: '81.2.69.142', aud, outcome });
  return {
    id: 'audience-mismatch',
    description: 'A token for the API accepted by the admin API, one tried at a look-alike audience, and a token from an untrusted issuer.',
    checks: ['audience-mismatch'],
    policy: { trusted_issuers: [ISS, 'https://partner.example'] },
    files: {
      'keys.json': kit.jwks('rsa', 'ed'),
      'events.ndjson': ndjson([
        use(60, wrongApi, 'alice', API),
        use(120, wrongApi, 'alice', ADMIN),
        use(180, lookalike, 'bob', `${API}.evil.test`, 'failure'),
        use(240, rogue, 'mallory', API),
        use(300, both, 'carol', ADMIN),
        use(360, slash, 'dave', API),
        use(420, partner, 'p-1', `${API}/`),
        use(480, noAud, 'svc', API),
      ]),
    },
    expected: [
      { check: 'audience-mismatch', severity: 'high', token: fingerprint(wrongApi), jti: 'api-at-admin', sub: 'alice', kid: 'rsa-current' },
      { check: 'audience-mismatch', severity: 'low', token: fingerprint(lookalike), jti: 'api-at-lookalike', sub: 'bob' },
      { check: 'audience-mismatch', severity: 'high', token: fingerprint(rogue), jti: 'rogue-issuer', sub: 'mallory', kid: 'ed-1' },
    ],
    near_misses: [
      'carol: aud is an array that includes the admin API: covered',
      'dave and p-1: "https://api.example/" and "https://api.example" are one audience (trailing slash), and the partner issuer with a trailing slash is trusted',
      'bob: "https://api.example.evil.test" starts with the token\'s audience; a prefix match would pass it, exact comparison flags it',
      'svc: a token without aud is not judged',
    ],
  };
}
