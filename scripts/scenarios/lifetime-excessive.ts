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
  // Keycloak names the kind in the payload typ (Bearer, ID, Refresh, Offline). An offline token lives on its own
  // limit (90 days); with Offline Session Max Limited off (Keycloak's default) it carries no exp at all.
  const kc = (sub: string, jti: string, typ: string, ttl: number | null, iat = T0) =>
    kit.sign('rsa', { ...base, iat, nbf: iat, sub, jti, typ, azp: 'acme-cli', ...(ttl === null ? {} : { exp: iat + ttl }) });
  const kcBearer2d = await kc('u-kc', 'kc-bearer-2d', 'Bearer', 2 * DAY); // an access token by its payload typ: over 24 h
  const offline30d = await kc('u-kc', 'kc-offline-30d', 'Offline', 30 * DAY); // near miss: Offline Session Max Limited on
  const offlineOpen = await kc('u-kc', 'kc-offline-open', 'Offline', null, T0 - 20 * DAY); // near miss: no exp, used 20 days on
  const offlineStale = await kc('u-old', 'kc-offline-120d', 'Offline', null, T0 - 120 * DAY); // no exp, still exchanged 120 days on
  const kcRefresh = await kc('u-kc', 'kc-refresh-30m', 'Refresh', 1800); // near miss: SSO Session Idle 30 min
  // a forged "offline" token without exp, accepted: the exemption is for what the issuer signed only
  const forgedOffline = alter(offline30d, { ...base, sub: 'admin', jti: 'kc-forged-offline', typ: 'Offline' });
  const use = (dt: number, token: string, sub: string, outcome = 'success') => ({ ts: T0 + dt, event: 'use', token, sub, ip: '81.2.69.145', aud: base.aud, outcome });
  return {
    id: 'lifetime-excessive',
    description: 'A 30-day access token accepted, a 2-day id token accepted, a 25-hour access token and an exp-less refresh token only captured; Keycloak kinds from the payload typ: a 2-day Bearer token, an exp-less offline token still exchanged 120 days on, a forged exp-less "offline" token accepted.',
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
        use(360, kcBearer2d, 'u-kc'),
        // offline tokens are exchanged at the token endpoint (by jti) for access tokens
        { ts: T0 + 420, event: 'refresh', sub: 'u-kc', parent_jti: 'kc-offline-30d', outcome: 'success' },
        { ts: T0 + 480, event: 'refresh', sub: 'u-kc', parent_jti: 'kc-offline-open', outcome: 'success' },
        { ts: T0 + 540, event: 'refresh', sub: 'u-old', parent_jti: 'kc-offline-120d', outcome: 'success' },
        { ts: T0 + 600, event: 'refresh', sub: 'u-kc', parent_jti: 'kc-refresh-30m', outcome: 'success' },
        use(660, forgedOffline, 'admin'),
      ]),
      'captures.txt': [day25, forever, rt30, offline30d, offlineOpen, offlineStale, kcRefresh].join('\n') + '\n',
    },
    expected: [
      { check: 'lifetime-excessive', severity: 'high', token: fingerprint(month), jti: 'access-30d', sub: 'u-cli', kid: 'rsa-current' },
      { check: 'lifetime-excessive', severity: 'medium', token: fingerprint(idToken), jti: 'id-2d', sub: 'u-id' },
      { check: 'lifetime-excessive', severity: 'low', token: fingerprint(day25), jti: 'access-25h', sub: 'u-25h' },
      { check: 'lifetime-excessive', severity: 'medium', token: fingerprint(forever), jti: 'refresh-no-exp', sub: 'u-rt' },
      { check: 'lifetime-excessive', severity: 'medium', token: fingerprint(kcBearer2d), jti: 'kc-bearer-2d', sub: 'u-kc' },
      { check: 'lifetime-excessive', severity: 'medium', token: fingerprint(offlineStale), jti: 'kc-offline-120d', sub: 'u-old' },
      { check: 'lifetime-excessive', severity: 'high', token: fingerprint(forgedOffline), jti: 'kc-forged-offline', sub: 'admin' },
    ],
    near_misses: [
      'a 23-hour access token (limit 24 h) and a 30-day refresh token (limit 90 days): no finding',
      'a 60-day token whose kind comes from token_type "refresh_token": within the refresh limit, not the 24 h "other" one',
      'an altered token without exp (invalid signature) that the server rejected: a forgery\'s lifetime is not the issuer\'s policy',
      'a Keycloak offline token (payload typ Offline) of 30 days: within the offline limit (90 days), not the 24 h "other" one',
      'a Keycloak offline token without exp (Offline Session Max Limited off, the default) exchanged 20 days after iat',
      'a Keycloak refresh token (payload typ Refresh) of 30 minutes',
    ],
  };
}
