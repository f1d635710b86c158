import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773482400; // 2026-03-14T10:00:00Z
const API = 'https://api.example';

export async function scenario(kit: Kit): Promise<Scenario> {
  const tok = (sub: string, jti: string, sid: string, iat = T0) =>
    kit.sign('rsa', { iss: 'https://auth.example', aud: API, sub, jti, sid, iat, nbf: iat, exp: iat + 3600 }, { typ: 'at+jwt' });
  const lost = await tok('alice', 'sid-revoked', 's-alice');
  const denied = await tok('bob', 'jti-revoked', 's-bob');
  const carolOld = await tok('carol', 'carol-old', 's-carol-1');
  const carolNew = await tok('carol', 'carol-new', 's-carol-2', T0 + 1500);
  const dave = await tok('dave', 'dave-logout', 's-dave');
  const erin = await tok('erin', 'erin-inflight', 's-erin');
  const frankPhone = await tok('frank', 'frank-phone', 's-frank-phone');
  // logout at T0+2400, then a silent SSO re-login minting new tokens in the same provider session
  const gusOld = await tok('gus', 'gus-before-logout', 's-gus');
  const gusNew = await tok('gus', 'gus-after-relogin', 's-gus', T0 + 2405);
  // two sessions logged out while their access tokens are still valid: a stateless API keeps accepting them
  const hal = await tok('hal', 'hal-after-logout', 's-hal', T0 + 2000);
  const ivy = await tok('ivy', 'ivy-after-logout', 's-ivy', T0 + 2100);
  // an offboarded employee's token, still accepted
  const jay = await tok('jay', 'jay-offboarded', 's-jay', T0 + 2000);
  const use = (dt: number, token: string, sub: string, outcome?: string, ip = '81.2.69.150') => ({ ts: T0 + dt, event: 'use', token, sub, ip, aud: API, outcome });
  return {
    id: 'revoked-use',
    description:
      'Uses after a session, a jti and a subject were revoked (accepted, rejected, outcome unknown), and after a logout; a ' +
      'silent re-login in the same session after a logout; still-valid tokens a stateless API accepts after logout (one ' +
      'finding for the API); an offboarded subject\'s token accepted.',
    checks: ['revoked-use'],
    files: {
      'keys.json': kit.jwks('rsa'),
      'revocations.ndjson': ndjson([
        { ts: T0 + 600, sid: 's-alice', reason: 'laptop reported lost' },
        { ts: T0 + 600, jti: 'jti-revoked', reason: 'token leaked in a ticket' },
        { ts: T0 + 1200, sub: 'carol', reason: 'account compromised, sessions reset' },
        { ts: T0 + 900, jti: 'erin-inflight', reason: 'user signed out everywhere' },
        { ts: T0 + 2600, sub: 'jay', reason: 'employee offboarded' },
      ]),
      'events.ndjson': ndjson([
        use(60, lost, 'alice', 'success'),
        use(780, lost, 'alice', 'success', '81.2.69.161'),
        use(900, lost, 'alice', 'success', '81.2.69.161'),
        use(700, denied, 'bob', 'failure'),
        use(1300, carolOld, 'carol'),
        use(1600, carolNew, 'carol', 'success'),
        use(100, dave, 'dave', 'success'),
        { ts: T0 + 1800, event: 'logout', token: dave, sub: 'dave', sid: 's-dave', outcome: 'success' },
        use(1920, dave, 'dave', 'failure'),
        use(920, erin, 'erin', 'success'),
        { ts: T0 + 2000, event: 'logout', sub: 'frank', outcome: 'success' },
        use(2100, frankPhone, 'frank', 'success'),
        use(2300, gusOld, 'gus', 'success'),
        { ts: T0 + 2400, event: 'logout', token: gusOld, sub: 'gus', sid: 's-gus', outcome: 'success' },
        { ts: T0 + 2405, event: 'issue', token: gusNew, sub: 'gus', sid: 's-gus', outcome: 'success' },
        use(2500, gusNew, 'gus', 'success'),
        use(3000, gusNew, 'gus', 'success'),
        { ts: T0 + 2500, event: 'logout', sub: 'hal', sid: 's-hal', outcome: 'success' },
        { ts: T0 + 2500, event: 'logout', sub: 'ivy', sid: 's-ivy', outcome: 'success' },
        use(2620, hal, 'hal', 'success', '81.2.69.170'),
        use(2700, hal, 'hal', 'success', '81.2.69.170'),
        use(2650, ivy, 'ivy', 'success', '81.2.69.171'),
        use(2700, jay, 'jay', 'success', '81.2.69.172'),
      ]),
    },
    expected: [
      { check: 'revoked-use', severity: 'critical', token: fingerprint(lost), jti: 'sid-revoked', sub: 'alice', kid: 'rsa-current' },
      { check: 'revoked-use', severity: 'info', token: fingerprint(denied), jti: 'jti-revoked', sub: 'bob' },
      { check: 'revoked-use', severity: 'medium', token: fingerprint(carolOld), jti: 'carol-old', sub: 'carol' },
      { check: 'revoked-use', severity: 'medium', token: null, jti: null, sub: null },
      { check: 'revoked-use', severity: 'critical', token: fingerprint(jay), jti: 'jay-offboarded', sub: 'jay' },
    ],
    near_misses: [
      'alice: her use before the revocation does not count (one finding, from the first use after it)',
      'bob: a use after an explicit jti revocation, rejected: info only (someone still holds the revoked token)',
      'carol: a token minted after the subject-wide revocation (a fresh login) is not revoked',
      'dave: reuse after logout, rejected by the server: no finding (a stale tab); the logout event itself is not a use',
      'erin: used 20 s after her jti was revoked, inside the 60 s clock-skew leeway: no finding',
      'frank: a logout naming only the subject (no session, no token) does not sign out his other devices',
      'gus: logout, then a silent SSO re-login minting a token with the same sid (iat after the logout): not revoked, no finding',
      'hal and ivy: unexpired access tokens still accepted by the API after their sessions logged out: one medium finding for ' +
        'the API (inherent to stateless JWT validation), not one per token, nothing critical',
      'jay: a subject revoked for an administrative reason (offboarded), token still accepted: critical',
    ],
  };
}
