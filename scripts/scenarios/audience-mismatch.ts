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
  // a refresh token (its audience is the issuer) rotated twice: exchanges at the issuer, events without aud
  const rt = (jti: string, iat: number) => kit.sign('rsa', { iss: ISS, aud: ISS, sub: 'frank', jti, iat, exp: iat + 86_400, token_use: 'refresh' });
  const rt1 = await rt('frank-rt-1', T0);
  const rt2 = await rt('frank-rt-2', T0 + 900);
  const rt3 = await rt('frank-rt-3', T0 + 1800);
  // ID tokens (aud = the client id) sent to the issuer's userinfo endpoint, and to a look-alike host's
  const idt = (sub: string, jti: string) => kit.sign('rsa', { iss: ISS, aud: 'web', sub, jti, iat: T0, exp: T0 + 3600, nonce: 'n-1' });
  const idAtUserinfo = await idt('gina', 'id-at-userinfo');
  const idAtLookalike = await idt('hugo', 'id-at-lookalike-userinfo');
  const exchange = (dt: number, token: string, parent: string) => ({ ts: T0 + dt, event: 'refresh', token, parent_jti: parent, sub: 'frank', ip: '81.2.69.142', outcome: 'success' });
  const use = (dt: number, token: string, sub: string, aud: string, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, sub, ip: '81.2.69.142', aud, outcome });
  return {
    id: 'audience-mismatch',
    description:
      'A token for the API accepted by the admin API, one tried at a look-alike audience, a token from an untrusted issuer, ' +
      "an ID token at its issuer's userinfo endpoint (low) and at a look-alike host's (high); refresh exchanges stay quiet.",
    checks: ['audience-mismatch'],
    policy: { trusted_issuers: [ISS, 'https://partner.example'], trusted_audiences: [API, ADMIN] },
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
        { ts: T0, event: 'issue', token: rt1, sub: 'frank', ip: '81.2.69.142', outcome: 'success' },
        exchange(900, rt2, 'frank-rt-1'),
        exchange(1800, rt3, 'frank-rt-2'),
        use(540, idAtUserinfo, 'gina', `${ISS}/userinfo`),
        use(600, idAtLookalike, 'hugo', 'https://auth.example.evil/userinfo'),
      ]),
    },
    expected: [
      { check: 'audience-mismatch', severity: 'high', token: fingerprint(wrongApi), jti: 'api-at-admin', sub: 'alice', kid: 'rsa-current' },
      { check: 'audience-mismatch', severity: 'low', token: fingerprint(lookalike), jti: 'api-at-lookalike', sub: 'bob' },
      { check: 'audience-mismatch', severity: 'high', token: fingerprint(rogue), jti: 'rogue-issuer', sub: 'mallory', kid: 'ed-1' },
      { check: 'audience-mismatch', severity: 'low', token: fingerprint(idAtUserinfo), jti: 'id-at-userinfo', sub: 'gina' },
      { check: 'audience-mismatch', severity: 'high', token: fingerprint(idAtLookalike), jti: 'id-at-lookalike-userinfo', sub: 'hugo' },
    ],
    near_misses: [
      'carol: aud is an array that includes the admin API: covered',
      'dave and p-1: "https://api.example/" and "https://api.example" are one audience (trailing slash), and the partner issuer with a trailing slash is trusted',
      'bob: "https://api.example.evil.test" starts with the token\'s audience; a prefix match would pass it, exact comparison flags it',
      'svc: a token without aud is not judged',
      "frank: refresh exchanges of a refresh token whose audience is the issuer, events without aud, trusted_audiences set: " +
        'an exchange at the issuer is not a use at a resource, no finding',
      "gina: an ID token (aud = the client id) at its issuer's own userinfo endpoint, accepted: low, nothing of medium or above",
      "hugo: the same at https://auth.example.evil/userinfo (not the issuer's origin): high",
    ],
  };
}
