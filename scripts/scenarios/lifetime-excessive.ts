import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const H = 3600;
const DAY = 24 * H;

/** A copy of `token` with its payload replaced and the original signature kept: an invalid signature. */
function alter(token: string, claims: Record<string, unknown>): string {
  const [h, , s] = token.split('.');
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, nbf: T0 };
  const at = (sub: string, jti: string, ttl: number) => kit.sign('rsa', { ...base, sub, jti, exp: T0 + ttl }, { typ: 'at+jwt' });
  const month = await at('u-cli', 'access-30d', 30 * DAY);
  const day25 = await at('u-25h', 'access-25h', 25 * H);
  const idToken = await kit.sign('rsa', { ...base, sub: 'u-id', jti: 'id-2d', exp: T0 + 2 * DAY, token_use: 'id' });
  const forever = await kit.sign('rsa', { ...base, sub: 'u-rt', jti: 'refresh-no-exp', token_use: 'refresh' });
  // near misses
  const day23 = await at('u-ok', 'access-23h', 23 * H);
  const rt30 = await kit.sign('rsa', { ...base, sub: 'u-ok', jti: 'refresh-30d', exp: T0 + 30 * DAY, token_use: 'refresh' });
  const rt60 = await kit.sign('rsa', { ...base, sub: 'u-ok', jti: 'refresh-60d', exp: T0 + 60 * DAY, token_type: 'refresh_token' });
  const forged = alter(await at('mallory', 'forged', 900), { ...base, sub: 'admin', jti: 'forged' });
  const use = (dt: number, token: string, sub: string, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, sub, ip: '81.2.69.145', aud: base.aud, outcome });
  return {
    id: 'lifetime-excessive',
    description: 'A 30-day access token accepted, a 2-day id token accepted, a 25-hour access token and an exp-less refresh token only captured.',
    checks: ['lifetime-excessive'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        { ts: T0, event: 'issue', token: month, sub: 'u-cli', outcome: 'success' },
        use(60, month, 'u-cli'),
        use(7200, month, 'u-cli'),
        use(120, idToken, 'u-id'),
        use(180, day23, 'u-ok'),
        { ts: T0 + 240, event: 'refresh', token: rt60, sub: 'u-ok', parent_jti: 'refresh-30d', outcome: 'success' },
        use(300, forged, 'admin', 'failure'),
      ]),
      'captures.txt': [day25, forever, rt30].join('\n') + '\n',
    },
    expected: [
      { check: 'lifetime-excessive', severity: 'high', token: fingerprint(month), jti: 'access-30d', sub: 'u-cli', kid: 'rsa-current' },
      { check: 'lifetime-excessive', severity: 'medium', token: fingerprint(idToken), jti: 'id-2d', sub: 'u-id' },
      { check: 'lifetime-excessive', severity: 'low', token: fingerprint(day25), jti: 'access-25h', sub: 'u-25h' },
      { check: 'lifetime-excessive', severity: 'medium', token: fingerprint(forever), jti: 'refresh-no-exp', sub: 'u-rt' },
    ],
    near_misses: [
      'a 23-hour access token (limit 24 h) and a 30-day refresh token (limit 90 days): no finding',
      'a 60-day token whose kind comes from token_type "refresh_token": within the refresh limit, not the 24 h "other" one',
      'an altered token without exp (invalid signature) that the server rejected: a forgery\'s lifetime is not the issuer\'s policy',
    ],
  };
}
