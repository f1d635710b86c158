// Bench signing keys: the committed test keys of scripts/incident-keys/, re-imported under bench kids so a run
// needs no (slow, unseedable) key generation and the JWKS is the same every time.
import { importJWK, type JWK } from 'jose';
import { loadIncidentKeys, publicOf, type Alg, type SignKey } from '../../scripts/incident/keys.js';

export interface BenchKey {
  kid: string;
  alg: Alg;
  iss: string;
  signKey: SignKey;
  publicJwk: JWK;
}

const ACME = 'https://auth.acme.example';
const PARTNER = 'https://login.partner.example';

/** [incident key, bench alg, bench kid, issuer]; the retired RSA key gets a second life as the PS256 key. */
const MAP: readonly [string, Alg, string, string][] = [
  ['acme-2026-rsa', 'RS256', 'bench-rs-1', ACME],
  ['acme-2025-rsa', 'PS256', 'bench-ps-1', ACME],
  ['acme-es-1', 'ES256', 'bench-es-1', ACME],
  ['partner-ed-1', 'EdDSA', 'bench-ed-1', PARTNER],
  ['acme-internal-hs', 'HS256', 'bench-hs-1', ACME],
];

export async function benchKeys(): Promise<BenchKey[]> {
  const incident = await loadIncidentKeys();
  return Promise.all(
    MAP.map(async ([from, alg, kid, iss]) => {
      const src = incident.get(from);
      if (!src) throw new Error(`missing test key ${from}`);
      const privateJwk: JWK = { ...src.privateJwk, kid, alg };
      return { kid, alg, iss, signKey: await importJWK(privateJwk, alg), publicJwk: publicOf(privateJwk) };
    }),
  );
}

export function jwksJson(keys: readonly BenchKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.publicJwk) }, null, 2) + '\n';
}
