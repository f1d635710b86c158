// Real signed tokens for tests, made with jose.
import { SignJWT, exportJWK, generateKeyPair, generateSecret, type JWK } from 'jose';

export interface TestKey {
  kid: string;
  alg: string;
  publicJwk: JWK;
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function makeKey(kid: string, alg: 'RS256' | 'ES256' | 'EdDSA' | 'HS256' | 'PS256' | 'ES384'): Promise<TestKey> {
  if (alg === 'HS256') {
    const secret = await generateSecret('HS256', { extractable: true });
    const jwk = { ...(await exportJWK(secret)), kid, alg };
    return { kid, alg, publicJwk: jwk, sign: (c, h) => sign(secret, alg, kid, c, h) };
  }
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg };
  return { kid, alg, publicJwk: jwk, sign: (c, h) => sign(privateKey, alg, kid, c, h) };
}

function sign(key: CryptoKey | Uint8Array, alg: string, kid: string, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT', ...header }).sign(key);
}

export function jwks(...keys: TestKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
}

/** An unsigned token with alg none (in whatever casing). */
export function unsigned(claims: Record<string, unknown>, alg = 'none'): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg, typ: 'JWT' })}.${b64(claims)}.`;
}
