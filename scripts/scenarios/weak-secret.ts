// HMAC tokens signed with publicly known secrets (issue 20): a legacy service signing with `secret` whose tokens
// were accepted (critical), a tool's token signed with jwt.io's default only captured (high), a token whose secret is
// its own issuer (rejected: high), and a registry `oct` key that is in the shipped list (weak-key). Near miss: a
// token signed with a long random secret the list does not hold stays unknown-key.
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1774346400; // 2026-03-24T10:00:00Z

const hmac = (alg: 'HS256' | 'HS384' | 'HS512', secret: string, kid: string, claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(Buffer.from(secret));

export async function scenario(kit: Kit): Promise<Scenario> {
  const c = (iss: string, sub: string, jti: string) => ({ iss, aud: 'https://api.example', sub, jti, iat: T0, exp: T0 + 900 });
  const legacy = 'https://legacy.example';
  const mintedA = await hmac('HS256', 'secret', 'legacy-hs', c(legacy, 'admin', 'legacy-1'));
  const mintedB = await hmac('HS512', 'secret', 'legacy-hs', c(legacy, 'root', 'legacy-2'));
  const tool = await hmac('HS256', 'your-256-bit-secret', 'tools-hs', c('https://tools.example', 'ops', 'tools-1'));
  const ownIss = await hmac('HS384', 'https://svc.example', 'svc-hs', c('https://svc.example', 'svc-user', 'svc-1'));
  // 256 random-looking bits, fixed so the fixture is stable; not in any list
  const strong = createHash('sha256').update('weak-secret scenario: a strong secret').digest('base64url');
  const random = await hmac('HS256', strong, 'rand-hs', c('https://strong.example', 'erin', 'strong-1'));
  const oct = (kid: string, secret: string) => ({ kty: 'oct', kid, alg: 'HS256', k: Buffer.from(secret).toString('base64url') });
  const use = (i: number, token: string, sub: string, outcome: string) => ({
    ts: T0 + 60 * i, event: 'use', token, sub, ip: '198.51.100.40', aud: 'https://api.example', outcome,
  });
  return {
    id: 'weak-secret',
    description: 'HMAC tokens signed with publicly known secrets: `secret` (two tokens, HS256 and HS512, accepted), jwt.io\'s default (only captured), the token\'s own issuer (rejected); a registry oct key whose 288-bit secret is in the shipped list; a token signed with a strong secret.',
    checks: ['weak-secret', 'weak-key', 'unknown-key'],
    files: {
      'keys.json': JSON.stringify({ keys: [kit.publicJwk('rsa'), oct('hs-public', 'your-secret-key-change-in-production')] }, null, 2),
      'events.ndjson': ndjson([
        use(1, mintedA, 'admin', 'success'),
        use(2, mintedB, 'root', 'success'),
        use(3, ownIss, 'svc-user', 'failure'),
        use(4, random, 'erin', 'failure'),
      ]),
      'captures.txt': `${tool}\n`,
    },
    expected: [
      { check: 'weak-secret', severity: 'critical', kid: 'legacy-hs', token: null, sub: null },
      { check: 'weak-secret', severity: 'high', kid: 'tools-hs', token: fingerprint(tool), sub: 'ops' },
      { check: 'weak-secret', severity: 'high', kid: 'svc-hs', token: fingerprint(ownIss), sub: 'svc-user' },
      { check: 'weak-key', severity: 'medium', kid: 'hs-public' },
      { check: 'unknown-key', severity: 'high', kid: 'legacy-hs' },
      { check: 'unknown-key', severity: 'low', kid: 'tools-hs' },
      { check: 'unknown-key', severity: 'low', kid: 'svc-hs' },
      { check: 'unknown-key', severity: 'low', kid: 'rand-hs' },
    ],
    near_misses: [
      `a token signed with a strong random secret (${fingerprint(random)}, kid rand-hs) is only unknown-key: no weak-secret finding`,
      'hs-public is 288 bits, over min_hmac_bits: weak only because its secret is in the shipped list',
    ],
  };
}
