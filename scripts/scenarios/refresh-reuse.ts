import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const LON = { ip: '81.2.69.194', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/133.0.0.0', geo: { country: 'GB', city: 'London' } };
const SYD = { ip: '1.128.0.1', ua: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/122.0.0.0', geo: { country: 'AU', city: 'Sydney' } };
// one phone on the office Wi-Fi, then on mobile data (a new IP, the same app)
const IOS = 'AcmeApp/5.2.1 (iPhone; iOS 17.3.1; Scale/3.00)';
const WIFI = { ip: '81.2.69.160', ua: IOS, geo: { country: 'GB', city: 'London' } };
const LTE = { ip: '31.94.18.77', ua: IOS, geo: { country: 'GB', city: 'London' } };

export async function scenario(kit: Kit): Promise<Scenario[]> {
  return [await newTokenLogs(kit), await presentedTokenLogs(kit)];
}

async function newTokenLogs(kit: Kit): Promise<Scenario> {
  const rt = (sub: string, jti: string, iat: number) =>
    kit.sign('rsa', { iss: 'https://auth.example', sub, jti, sid: `s-${sub}`, iat, nbf: iat, exp: iat + 30 * 86400, token_use: 'refresh' });
  const issue = (dt: number, token: string, sub: string) => ({ ts: T0 + dt, event: 'issue', token, sub, ...LON, outcome: 'success' });
  const refresh = (dt: number, parent: string, token: string | undefined, sub: string, outcome: string, from = LON, client_id = 'web') =>
    ({ ts: T0 + dt, event: 'refresh', token, parent_jti: parent, sub, client_id, ...from, outcome });
  // alice: a chain, each token exchanged once (the near miss)
  const a = await Promise.all([0, 900, 1800, 2700].map((dt, i) => rt('alice', `a${i + 1}`, T0 + dt)));
  // bob: b1 exchanged in London, then again from Sydney: both granted
  const b1 = await rt('bob', 'b1', T0);
  const [b2, b2x] = [await rt('bob', 'b2', T0 + 900), await rt('bob', 'b2x', T0 + 2000)];
  // carol: c1 exchanged, then replayed from Sydney and refused (reuse detection worked)
  const [c1, c2] = [await rt('carol', 'c1', T0), await rt('carol', 'c2', T0 + 900)];
  // dave: the app retried the exchange 2 s later from the same device
  const [d1, d2, d2r] = [await rt('dave', 'd1', T0), await rt('dave', 'd2', T0 + 900), await rt('dave', 'd2r', T0 + 902)];
  // erin: one exchange, logged by the IdP and again by the gateway (two sources)
  const [e1, e2] = [await rt('erin', 'e1', T0), await rt('erin', 'e2', T0 + 900)];
  const erinExchange = refresh(900, 'e1', e2, 'erin', 'success');
  // frank: the app's refresh response was lost as the phone left the Wi-Fi; it retried 3 s later over mobile data
  const [f1, f2, f2r] = [await rt('frank', 'f1', T0), await rt('frank', 'f2', T0 + 900), await rt('frank', 'f2r', T0 + 903)];
  // gina: her refresh token copied; a headless browser exchanged it 4 s after her app did (inside the grace)
  const [g1, g2, g2x] = [await rt('gina', 'gn1', T0), await rt('gina', 'gn2', T0 + 900), await rt('gina', 'gn2x', T0 + 904)];
  return {
    id: 'refresh-reuse',
    description: 'A stolen refresh token exchanged twice (both granted, once within seconds), a refused replay, client retries (same IP, and across a network change), an exchange logged twice, a clean chain.',
    checks: ['refresh-reuse'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        issue(0, a[0]!, 'alice'),
        refresh(900, 'a1', a[1], 'alice', 'success'),
        refresh(1800, 'a2', a[2], 'alice', 'success'),
        refresh(2700, 'a3', a[3], 'alice', 'success'),
        issue(0, b1, 'bob'),
        refresh(900, 'b1', b2, 'bob', 'success'),
        refresh(2000, 'b1', b2x, 'bob', 'success', SYD),
        issue(0, c1, 'carol'),
        refresh(900, 'c1', c2, 'carol', 'success'),
        refresh(1500, 'c1', undefined, 'carol', 'failure', SYD),
        issue(0, d1, 'dave'),
        refresh(900, 'd1', d2, 'dave', 'success'),
        refresh(902, 'd1', d2r, 'dave', 'success'),
        issue(0, e1, 'erin'),
        erinExchange,
        issue(0, f1, 'frank'),
        refresh(900, 'f1', f2, 'frank', 'success', WIFI, 'ios-app'),
        refresh(903, 'f1', f2r, 'frank', 'success', LTE, 'ios-app'),
        issue(0, g1, 'gina'),
        refresh(900, 'gn1', g2, 'gina', 'success', WIFI, 'ios-app'),
        refresh(904, 'gn1', g2x, 'gina', 'success', SYD, 'ios-app'),
      ]),
      'gateway.ndjson': ndjson([erinExchange]),
    },
    expected: [
      { check: 'refresh-reuse', severity: 'critical', token: fingerprint(b1), jti: 'b1', sub: 'bob', kid: 'rsa-current' },
      { check: 'refresh-reuse', severity: 'medium', token: fingerprint(c1), jti: 'c1', sub: 'carol' },
      { check: 'refresh-reuse', severity: 'info', token: fingerprint(d1), jti: 'd1', sub: 'dave' },
      { check: 'refresh-reuse', severity: 'info', token: fingerprint(f1), jti: 'f1', sub: 'frank' },
      { check: 'refresh-reuse', severity: 'critical', token: fingerprint(g1), jti: 'gn1', sub: 'gina', kid: 'rsa-current' },
    ],
    near_misses: [
      'alice: a chain a1 → a2 → a3 → a4, each refresh token exchanged exactly once: no finding',
      'erin: one exchange present in two logs (IdP and gateway) is one exchange, not a reuse',
      'carol: the replay was refused: medium (the token leaked; the server caught it), not critical',
      'dave: the same client (IP and user agent) retrying 2 s later, within refresh_reuse_grace_seconds (30): info',
      'frank: the same app (user agent and client_id) retrying 3 s later from a new IP (Wi-Fi to mobile data), within the grace: info, not critical',
      'gina: a second exchange 4 s after hers, inside the grace but from another user agent (and place): critical, a retry needs the same client',
    ],
  };
}

/** Logs whose refresh events carry the PRESENTED refresh token (its jti = parent_jti), as the clean baseline writes them. */
async function presentedTokenLogs(kit: Kit): Promise<Scenario> {
  const rt = (sub: string, jti: string, iat: number) =>
    kit.sign('rsa', { iss: 'https://auth.example', sub, jti, sid: `s-${sub}`, iat, exp: iat + 30 * 86400, token_use: 'refresh' });
  const [g1, g2, h1] = [await rt('gina', 'g1', T0), await rt('gina', 'g2', T0 + 900), await rt('hal', 'h1', T0)];
  const exchange = (dt: number, token: string, jti: string, sub: string, from = LON) =>
    ({ ts: T0 + dt, event: 'refresh', token, jti, parent_jti: jti, sub, ...from, outcome: 'success' });
  return {
    id: 'refresh-reuse-presented',
    description: 'Refresh events that log the presented token: hal\'s h1 presented twice from two places, both granted.',
    checks: ['refresh-reuse'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'events.ndjson': ndjson([
        exchange(900, g1, 'g1', 'gina'),
        exchange(1800, g2, 'g2', 'gina'),
        exchange(900, h1, 'h1', 'hal'),
        exchange(1500, h1, 'h1', 'hal', SYD),
      ]),
    },
    expected: [{ check: 'refresh-reuse', severity: 'critical', token: fingerprint(h1), jti: 'h1', sub: 'hal' }],
    near_misses: [
      'gina: g1 then g2, each presented once: no finding',
      'hal: both events carry the same (presented) token; it must not make the two exchanges look like one logged twice',
    ],
  };
}
