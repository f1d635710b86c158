// Weak keys need material the kit does not have: a 1024-bit RSA key, short HMAC secrets, non-signing curves.
// They are generated once into scripts/scenario-keys/weak-keys.json (test-only, committed) so fixtures are stable.
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { SignJWT } from 'jose';
import { fingerprint, ndjson, type Kit, type Scenario } from './kit.js';

const KEY_FILE = new URL('../scenario-keys/weak-keys.json', import.meta.url);
const T0 = 1773482400; // 2026-03-14T10:00:00Z

export interface WeakKeys {
  /** private JWK, kid weak-rsa, 1024 bits */
  rsa1024: JWK;
  x25519: JWK;
  secp256k1: JWK;
}

export function weakKeys(): WeakKeys {
  if (existsSync(KEY_FILE)) return JSON.parse(readFileSync(KEY_FILE, 'utf8')) as WeakKeys;
  const jwk = (k: { export(o: { format: 'jwk' }): JWK }): JWK => k.export({ format: 'jwk' });
  const keys: WeakKeys = {
    rsa1024: { ...jwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey), kid: 'weak-rsa', alg: 'RS256' },
    x25519: jwk(generateKeyPairSync('x25519').publicKey),
    secp256k1: jwk(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey),
  };
  writeFileSync(KEY_FILE, JSON.stringify(keys, null, 2) + '\n');
  return keys;
}

export function publicRsa(k: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = k;
  return pub;
}

/** RS256 with node:crypto: jose refuses RSA keys under 2048 bits, so it cannot make this token. */
export function signRs256(key: JWK, claims: Record<string, unknown>): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid: key.kid, typ: 'JWT' })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(input), { key: key as never, format: 'jwk' });
  return `${input}.${sig.toString('base64url')}`;
}

const hs256 = (secret: string, kid: string, claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(Buffer.from(secret));

export async function scenario(kit: Kit): Promise<Scenario> {
  const weak = weakKeys();
  const oct = (kid: string, secret: string): JWK => ({ kty: 'oct', kid, alg: 'HS256', k: Buffer.from(secret).toString('base64url') });
  const base = { iss: 'https://auth.example', aud: 'https://api.example', iat: T0, exp: T0 + 900 };
  const byWeakRsa = signRs256(weak.rsa1024, { ...base, sub: 'alice', jti: 'weak-rsa-1' });
  const byShortHmac = await hs256('sixteen-byte-key', 'hs-128', { ...base, sub: 'bob', jti: 'hs-128-1' });
  // names hs-short but is signed with another secret: a forgery attempt, not a token the weak key signed
  const forged = await hs256('not-the-registry-secret-at-all!!', 'hs-short', { ...base, sub: 'mallory', jti: 'forged' });
  const good = await kit.sign('rsa', { ...base, sub: 'carol', jti: 'good' });
  const use = (i: number, token: string) => ({ ts: T0 + 60 * i, event: 'use', token, ip: '81.2.69.142', outcome: 'success' });
  const jwks = {
    keys: [
      kit.publicJwk('rsa'), kit.publicJwk('hs'), kit.publicJwk('ed'),
      publicRsa(weak.rsa1024),
      oct('hs-short', 'weakpass'), // 64 bits
      oct('hs-128', 'sixteen-byte-key'), // 128 bits
      { ...weak.x25519, kid: 'x-sig' },
      { ...weak.x25519, kid: 'x-enc', use: 'enc' },
      { ...weak.secp256k1, kid: 'k1-1', alg: 'ES256K' },
    ],
  };
  return {
    id: 'weak-key',
    description: 'A 1024-bit RSA key that signed a token, short HMAC secrets (one signing, one only named by a forgery) and an X25519 key offered for signatures.',
    checks: ['weak-key'],
    files: {
      'keys.json': JSON.stringify(jwks, null, 2),
      'events.ndjson': ndjson([use(0, byWeakRsa), use(1, byShortHmac), use(2, forged), use(3, good)]),
    },
    expected: [
      { check: 'weak-key', severity: 'high', kid: 'weak-rsa' }, // 1024 bits; its token is attributed by kid (jose will not verify)
      { check: 'weak-key', severity: 'high', kid: 'hs-128' }, // 128-bit secret that verified a token
      { check: 'weak-key', severity: 'medium', kid: 'hs-short' }, // 64-bit secret; the token naming it did not verify
      { check: 'weak-key', severity: 'medium', kid: 'x-sig' }, // X25519 cannot sign
    ],
    near_misses: [
      `a token naming hs-short but signed with another secret (${fingerprint(forged)}) does not make hs-short "used": medium, not high`,
      'hs-1 is exactly 256 bits and rsa-current exactly 2048: at the limits, not under them',
      'k1-1 is secp256k1 (ES256K, ~128-bit security): not weak',
      'x-enc is an X25519 key marked use enc: a key-agreement key in its proper role',
      'ed-1 is Ed25519: fine',
    ],
  };
}
