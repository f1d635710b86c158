// Builds KeyRecord objects for the jwt tests directly, so these tests do not depend on src/keys.
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { KeyRecord } from '../../src/types.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

/** Public members only for asymmetric keys (as the registry stores them); `k` kept for oct. */
export function publicJwk(jwk: JWK): JWK {
  const out: JWK = { ...jwk };
  if (out.kty !== 'oct') for (const m of PRIVATE_MEMBERS) delete (out as Record<string, unknown>)[m];
  return out;
}

export async function keyRecord(input: JWK, index = 0, kidOverride?: string): Promise<KeyRecord> {
  const jwk = publicJwk(input);
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  const kid = kidOverride ?? jwk.kid ?? thumbprint;
  return {
    kid,
    kidSource: kidOverride === undefined && jwk.kid !== undefined ? 'jwk' : 'thumbprint',
    kty: jwk.kty ?? '',
    alg: jwk.alg ?? null,
    use: jwk.use ?? null,
    crv: jwk.crv ?? null,
    bits: null,
    thumbprint,
    jwk: { ...jwk, kid },
    isSecret: jwk.kty === 'oct',
    x509: null,
    index,
  };
}
