import { createHmac, createPublicKey } from 'node:crypto';
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const T0 = 1773568800; // 2026-03-15T10:00:00Z
const HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** What an attacker does: take the published public key bytes and use them as the HMAC secret. */
function hmacToken(alg: keyof typeof HASH, kid: string | undefined, claims: Record<string, unknown>, secret: string | Buffer): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })}.${b64(claims)}`;
  return `${input}.${createHmac(HASH[alg], secret).update(input).digest('base64url')}`;
}

export async function scenario(kit: Kit): Promise<Scenario> {
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 900 };
  const rsaPem = await kit.pem('rsa');
  const rsaDer = createPublicKey(rsaPem).export({ type: 'spki', format: 'der' });
  const edPem = await kit.pem('ed');
  const c = (sub: string, jti: string) => ({ ...base, sub, jti });
  const pemForged = hmacToken('HS256', 'rsa-current', c('admin', 'forged-pem'), rsaPem);
  const derForged = hmacToken('HS256', 'rsa-current', c('admin', 'forged-der'), rsaDer);
  const jwkForged = hmacToken('HS384', 'rsa-current', c('admin', 'forged-jwk'), JSON.stringify(kit.publicJwk('rsa')));
  // No kid at all, and the Ed25519 PEM without its trailing newline: confirmed by trying every registry key.
  const edForged = hmacToken('HS512', undefined, c('root', 'forged-ed-nonl'), edPem.trimEnd());
  const attemptAccepted = hmacToken('HS256', 'rsa-current', c('mallory', 'attempt-accepted'), 'guessed-secret');
  const attemptRejected = hmacToken('HS256', 'ed-1', c('mallory', 'attempt-rejected'), 'another-guess');
  // Near misses: a genuine HS256 token of the internal HMAC key, and an HMAC token with a wrong secret naming that key.
  const genuine = await kit.sign('hs', { ...base, iss: 'https://internal.example', sub: 'svc-batch', jti: 'genuine-hs' });
  const wrongSecret = hmacToken('HS256', 'hs-1', c('mallory', 'wrong-secret'), 'not-the-secret');
  const use = (i: number, token: string, sub: string, outcome?: string) => ({
    ts: T0 + 60 * i, event: 'use', token, sub, ip: '203.0.113.7', aud: base.aud, ...(outcome ? { outcome } : {}),
  });
  return {
    id: 'alg-confusion',
    description: 'HS256/384/512 tokens forged with registry public keys (PEM, PEM without newline, DER, JWK JSON) and HMAC tokens naming asymmetric keys.',
    checks: ['alg-confusion'],
    files: {
      'keys.json': kit.jwks('rsa', 'ed', 'hs'),
      'events.ndjson': ndjson([
        use(1, pemForged, 'admin', 'success'),
        use(2, derForged, 'admin', 'failure'),
        use(3, edForged, 'root', 'success'),
        use(4, attemptAccepted, 'mallory', 'success'),
        use(5, attemptRejected, 'mallory', 'failure'),
        use(6, genuine, 'svc-batch', 'success'),
        use(7, wrongSecret, 'mallory', 'failure'),
      ]),
      'captures.txt': `${jwkForged}\n`,
    },
    expected: [
      { check: 'alg-confusion', severity: 'critical', token: fingerprint(pemForged), jti: 'forged-pem', kid: 'rsa-current' },
      { check: 'alg-confusion', severity: 'high', token: fingerprint(derForged), jti: 'forged-der', kid: 'rsa-current' },
      { check: 'alg-confusion', severity: 'high', token: fingerprint(jwkForged), jti: 'forged-jwk', kid: 'rsa-current' },
      { check: 'alg-confusion', severity: 'critical', token: fingerprint(edForged), jti: 'forged-ed-nonl', kid: null },
      { check: 'alg-confusion', severity: 'high', token: fingerprint(attemptAccepted), jti: 'attempt-accepted', kid: 'rsa-current' },
      { check: 'alg-confusion', severity: 'medium', token: fingerprint(attemptRejected), jti: 'attempt-rejected', kid: 'ed-1' },
    ],
    near_misses: [
      'a genuine HS256 token verified by the registry oct key hs-1 is HMAC but not confusion',
      'an HS256 token naming the oct key hs-1 with a wrong secret is a bad signature, not algorithm confusion',
    ],
  };
}
