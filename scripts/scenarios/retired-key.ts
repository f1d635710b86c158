import { calculateJwkThumbprint } from 'jose';
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const RETIRED = 1772323200; // 2026-03-01T00:00:00Z: rsa-old retired
const HOUR = 3600;

export async function scenario(kit: Kit): Promise<Scenario[]> {
  return [await main(kit), await untrusted(kit), await sharedKid(kit)];
}

async function main(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string, iat: number, ttl = HOUR) => ({
    iss: 'https://auth.example', aud: 'https://api.example', sub, jti, iat, exp: iat + ttl,
  });
  // Signed four days after retirement and accepted: two findings (signed after, accepted after).
  const lateSigned = await kit.sign('rsa-old', c('alice', 'late-signed', RETIRED + 4 * 24 * HOUR));
  // Signed after retirement, every use rejected: only the signed-after finding, low.
  const lateRejected = await kit.sign('rsa-old', c('mallory', 'late-rejected', RETIRED + 2 * HOUR));
  // Issued an hour before retirement, accepted 30 minutes after it, within its lifetime: rotation overlap, info.
  const straddling = await kit.sign('rsa-old', c('bob', 'straddling', RETIRED - HOUR, 2 * HOUR));
  // Issued before retirement, still accepted after both the retirement and its own exp: medium.
  const stale = await kit.sign('rsa-old', c('frank', 'stale', RETIRED - HOUR, 2 * HOUR));
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
    description: 'rsa-old retired on 2026-03-01: tokens it signed afterwards, a token issued before and accepted after the retirement within its lifetime (rotation overlap: info), and one accepted after its own expiry too.',
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
        use(RETIRED + 3 * HOUR, stale, 'frank', 'success'),
        use(RETIRED + 2 * HOUR + 60, lateRejected, 'mallory', 'failure'),
        use(RETIRED + 4 * 24 * HOUR + 60, lateSigned, 'alice', 'success'),
        use(RETIRED + 4 * 24 * HOUR + 120, current, 'erin', 'success'),
      ]),
    },
    expected: [
      { check: 'retired-key', severity: 'high', token: fingerprint(lateSigned), jti: 'late-signed', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'high', token: fingerprint(lateSigned), jti: 'late-signed', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'low', token: fingerprint(lateRejected), jti: 'late-rejected', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'info', token: fingerprint(straddling), jti: 'straddling', kid: 'rsa-old' },
      { check: 'retired-key', severity: 'medium', token: fingerprint(stale), jti: 'stale', kid: 'rsa-old' },
    ],
    near_misses: [
      'a token issued and used before the retirement',
      'a token issued 30 s after the retirement and used at once (inside the 60 s clock-skew leeway)',
      'the successor key rsa-current signing after rsa-old retired',
    ],
  };
}

/** The same overlap under a policy for which a retirement ends trust: the overlap is a finding (medium). */
async function untrusted(kit: Kit): Promise<Scenario> {
  const straddling = await kit.sign('rsa-old', { iss: 'https://auth.example', sub: 'bob', jti: 'straddling', iat: RETIRED - HOUR, exp: RETIRED + HOUR });
  return {
    id: 'retired-key-untrusted',
    description: 'rotation overlap under `retired_key_trusted: false`: a token signed before the retirement and accepted after it is medium.',
    checks: ['retired-key'],
    policy: { retired_key_trusted: false },
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-old'),
      'rotation.ndjson': ndjson([{ ts: '2026-03-01T00:00:00Z', kid: 'rsa-old', action: 'retired', actor: 'kms' }]),
      'events.ndjson': ndjson([{ ts: RETIRED + HOUR / 2, event: 'use', token: straddling, sub: 'bob', ip: '81.2.69.160', outcome: 'success' }]),
    },
    expected: [{ check: 'retired-key', severity: 'medium', token: fingerprint(straddling), jti: 'straddling', kid: 'rsa-old' }],
    near_misses: [],
  };
}

/**
 * Keys are known by their material: our key and a partner's both use kid "1". Our key is retired by a record naming
 * its thumbprint (`jkt`); the partner's keeps signing and raises nothing, ours signing after retirement fires.
 */
async function sharedKid(kit: Kit): Promise<Scenario> {
  const ours = { ...kit.publicJwk('rsa-old'), kid: '1' };
  const partner = { ...kit.publicJwk('rsa-2'), kid: '1' };
  const jkt = await calculateJwkThumbprint(ours);
  const c = (iss: string, sub: string, jti: string, iat: number) => ({ iss, sub, jti, iat, exp: iat + HOUR });
  const oursLate = await kit.sign('rsa-old', c('https://auth.example', 'alice', 'ours-late', RETIRED + 2 * HOUR), { kid: '1' });
  const partnerLate = await kit.sign('rsa-2', c('https://partner.example', 'pat', 'partner-late', RETIRED + 2 * HOUR), { kid: '1' });
  const use = (ts: number, token: string, sub: string) => ({ ts, event: 'use', token, sub, ip: '81.2.69.160', outcome: 'success' });
  return {
    id: 'retired-key-shared-kid',
    description: 'two keys under kid "1" (ours and a partner\'s); ours retired by a record naming its thumbprint: only ours signing after the retirement fires.',
    checks: ['retired-key'],
    files: {
      'keys.json': JSON.stringify({ keys: [ours, partner] }, null, 2),
      'rotation.ndjson': ndjson([{ ts: '2026-03-01T00:00:00Z', kid: '1', jkt, action: 'retired', actor: 'kms', reason: 'scheduled rotation' }]),
      'events.ndjson': ndjson([use(RETIRED + 2 * HOUR + 60, oursLate, 'alice'), use(RETIRED + 2 * HOUR + 90, partnerLate, 'pat')]),
    },
    expected: [
      { check: 'retired-key', severity: 'high', token: fingerprint(oursLate), jti: 'ours-late', kid: '1' },
      { check: 'retired-key', severity: 'high', token: fingerprint(oursLate), jti: 'ours-late', kid: '1' },
    ],
    near_misses: ['the partner key under the same kid "1", not retired, signing after our retirement'],
  };
}
