import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const COMPROMISED = 1773144000; // 2026-03-10T12:00:00Z: rsa-next reported compromised
const REVOKED = 1773273600; // 2026-03-12T00:00:00Z: ed-1 revoked
const HOUR = 3600;

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (sub: string, jti: string, iat: number, ttl = HOUR) => ({
    iss: 'https://auth.example', aud: 'https://api.example', sub, jti, iat, exp: iat + ttl,
  });
  // Minted with the compromised key after the compromise, accepted.
  const minted = await kit.sign('rsa-2', c('admin', 'minted-after', COMPROMISED + 5 * HOUR));
  // Issued before the compromise, accepted after it: still critical, the verifier trusts a compromised key.
  const lingering = await kit.sign('rsa-2', c('alice', 'lingering', COMPROMISED - HOUR, 4 * HOUR));
  // Signed by the revoked ed-1 after its revocation: rejected, and only captured.
  const rejected = await kit.sign('ed', c('mallory', 'revoked-rejected', REVOKED + HOUR));
  const captured = await kit.sign('ed', c('mallory', 'revoked-captured', REVOKED + 2 * HOUR));
  // Near misses: signed and accepted before the compromise, later presented and rejected; signed before the
  // revocation and only captured; a token whose *jti* was revoked (a token revocation, not a key revocation).
  const early = await kit.sign('rsa-2', c('bob', 'early', COMPROMISED - 3 * HOUR, 4 * HOUR));
  const old = await kit.sign('ed', c('carol', 'old-captured', REVOKED - 24 * HOUR));
  const jtiRevoked = await kit.sign('rsa', c('dave', 'jti-revoked', COMPROMISED));
  const use = (ts: number, token: string, sub: string, outcome: string) => ({
    ts, event: 'use', token, sub, ip: '203.0.113.200', aud: 'https://api.example', outcome,
  });
  return {
    id: 'revoked-key',
    description: 'rsa-next compromised and ed-1 revoked: tokens signed after, accepted after, and ones used only before.',
    checks: ['revoked-key'],
    files: {
      'keys.json': kit.jwks('rsa', 'rsa-2', 'ed'),
      'rotation.ndjson': ndjson([
        { ts: '2026-01-05T00:00:00Z', kid: 'rsa-next', action: 'created', actor: 'kms' },
        { ts: '2026-01-05T00:00:00Z', kid: 'rsa-next', action: 'activated', actor: 'kms' },
        { ts: '2026-03-10T12:00:00Z', kid: 'rsa-next', action: 'compromised', actor: 'secops', reason: 'private key in a public repo' },
        { ts: '2026-01-10T00:00:00Z', kid: 'ed-1', action: 'activated', actor: 'partner' },
        { ts: '2026-03-12T00:00:00Z', kid: 'ed-1', action: 'revoked', actor: 'partner' },
      ]),
      'revocations.ndjson': ndjson([{ ts: '2026-03-10T12:30:00Z', jti: 'jti-revoked', reason: 'logout' }]),
      'events.ndjson': ndjson([
        use(COMPROMISED - 3 * HOUR + 60, early, 'bob', 'success'),
        use(COMPROMISED - HOUR + 60, lingering, 'alice', 'success'),
        use(COMPROMISED + 60, jtiRevoked, 'dave', 'success'),
        use(COMPROMISED + 10 * 60, early, 'bob', 'failure'),
        use(COMPROMISED + 2 * HOUR, lingering, 'alice', 'success'),
        use(COMPROMISED + 5 * HOUR + 60, minted, 'admin', 'success'),
        use(REVOKED + HOUR + 60, rejected, 'mallory', 'failure'),
      ]),
      'captures.txt': `${captured}\n${old}\n`,
    },
    expected: [
      { check: 'revoked-key', severity: 'critical', token: fingerprint(minted), jti: 'minted-after', kid: 'rsa-next' },
      { check: 'revoked-key', severity: 'critical', token: fingerprint(lingering), jti: 'lingering', kid: 'rsa-next' },
      { check: 'revoked-key', severity: 'low', token: fingerprint(rejected), jti: 'revoked-rejected', kid: 'ed-1' },
      { check: 'revoked-key', severity: 'medium', token: fingerprint(captured), jti: 'revoked-captured', kid: 'ed-1' },
    ],
    near_misses: [
      'a token of the compromised key signed and accepted before the compromise, and rejected after it',
      'a token of the revoked key signed before the revocation and only captured',
      'a token whose jti was revoked: a token revocation, not a key revocation',
    ],
  };
}
