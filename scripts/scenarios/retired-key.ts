import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const RETIRED = 1772323200; // 2026-03-01T00:00:00Z: rsa-old retired
const HOUR = 3600;

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string, iat: number, ttl = HOUR) => ({
    iss: 'https://auth.example', aud: 'https://api.example', sub, jti, iat, exp: iat + ttl,
  });
  // Signed four days after retirement and accepted: two findings (signed after, accepted after).
  const lateSigned = await kit.sign('rsa-old', c('alice', 'late-signed', RETIRED + 4 * 24 * HOUR));
  // Signed after retirement, every use rejected: only the signed-after finding, low.
  const lateRejected = await kit.sign('rsa-old', c('mallory', 'late-rejected', RETIRED + 2 * HOUR));
  // Issued an hour before retirement, accepted 30 minutes after it: only the accepted-after finding.
  const straddling = await kit.sign('rsa-old', c('bob', 'straddling', RETIRED - HOUR, 2 * HOUR));
  // Near misses: issued and used before retirement; issued 30 s after it (inside the 60 s leeway) and used at once;
  // the new key signing after the old one retired.
  const before = await kit.sign('rsa-old', c('carol', 'before', RETIRED - 2 * HOUR));
  const inSkew = await kit.sign('rsa-old', c('dave', 'in-skew', RETIRED + 30));
  const current = await kit.sign('rsa', c('erin', 'current', RETIRED + 4 * 24 * HOUR));
  const use = (ts: number, token: string, sub: string, outcome: string) => ({
    ts, event: 'use', token, sub, ip: '81.2.69.160', aud: 'https://api.example', outcome,
  });
  return {
    id: 'retired-key',
    description: 'rsa-old retired on 2026-03-01: tokens it signed afterwards, and a token issued before but accepted after the retirement.',
    checks: ['retired-key'],
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-old'),
      'rotation.ndjson': ndjson([
        { ts: '2025-09-01T00:00:00Z', kid: 'rsa-old', action: 'created', actor: 'kms' },
        { ts: '2025-09-01T00:00:00Z', kid: 'rsa-old', action: 'activated', actor: 'kms' },
        { ts: '2026-02-27T00:00:00Z', kid: 'rsa-current', action: 'created', actor: 'kms' },
        { ts: '2026-02-28T00:00:00Z', kid: 'rsa-current', action: 'activated', actor: 'kms' },
        { ts: '2026-03-01T00:00:00Z', kid: 'rsa-old', action: 'retired', actor: 'kms', reason: 'scheduled rotation' },
      ]),
      'events.ndjson': ndjson([
        use(RETIRED - 2 * HOUR + 60, before, 'carol', 'success'),
        use(RETIRED - HOUR + 60, straddling, 'bob', 'success'),
        use(RETIRED + 30, inSkew, 'dave', 'success'),
        use(RETIRED + HOUR / 2, straddling, 'bob', 'success'),
        use(RETIRED + 2 * HOUR + 60, lateRejected, 'mallory', 'failure'),
        use(RETIRED + 4 * 24 * HOUR + 60, lateSigned, 'alice', 'success'),
        use(RETIRED + 4 * 24 * HOUR + 120, current, 'erin', 'success'),
      ]),
    },
    expected: [
      { check: 'retired-key', severity: 'high', token: fingerprint(lateSigned), jti: 'late-signed', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'high', token: fingerprint(lateSigned), jti: 'late-signed', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'low', token: fingerprint(lateRejected), jti: 'late-rejected', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'medium', token: fingerprint(straddling), jti: 'straddling', kid: 'rsa-old' },
    ],
    near_misses: [
      'a token issued and used before the retirement',
      'a token issued 30 s after the retirement and used at once (inside the 60 s clock-skew leeway)',
      'the successor key rsa-current signing after rsa-old retired',
    ],
  };
}
