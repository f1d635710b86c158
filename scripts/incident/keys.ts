// The incident's signing keys. Private halves live in scripts/incident-keys/ (test-only, committed) so
// re-running the generator signs the same tokens; a missing key file is generated once and saved.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK } from 'jose';

export type Alg = 'RS256' | 'PS256' | 'ES256' | 'EdDSA' | 'HS256';
export type SignKey = Awaited<ReturnType<typeof importJWK>>;

export interface IncidentKey {
  kid: string;
  alg: Alg;
  /** In the published JWKS (the victim's registry); the attacker's keys are not. */
  published: boolean;
  privateJwk: JWK;
  publicJwk: JWK;
  signKey: SignKey;
}

const SPECS: readonly { kid: string; alg: Alg; published: boolean }[] = [
  { kid: 'acme-2025-rsa', alg: 'RS256', published: true },
  { kid: 'acme-2026-rsa', alg: 'RS256', published: true },
  { kid: 'acme-es-1', alg: 'ES256', published: true },
  { kid: 'partner-ed-1', alg: 'EdDSA', published: true },
  { kid: 'acme-internal-hs', alg: 'HS256', published: true },
  // Attacker-held: an old key that was never in today's registry, and a fresh key for jwk/jku tricks.
  { kid: 'acme-2024-old', alg: 'RS256', published: false },
  { kid: 'attacker-1', alg: 'RS256', published: false },
];

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

export const KEYS_DIR = new URL('../incident-keys/', import.meta.url);

export async function loadIncidentKeys(dir: URL = KEYS_DIR): Promise<Map<string, IncidentKey>> {
  mkdirSync(dir, { recursive: true });
  const keys = new Map<string, IncidentKey>();
  for (const spec of SPECS) {
    const file = new URL(`${spec.kid}.jwk.json`, dir);
    if (!existsSync(file)) {
      writeFileSync(file, JSON.stringify(await newPrivateJwk(spec.kid, spec.alg), null, 2) + '\n');
      process.stderr.write(`generated missing test key ${spec.kid}\n`);
    }
    const privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    keys.set(spec.kid, {
      ...spec,
      privateJwk,
      publicJwk: publicOf(privateJwk),
      signKey: await importJWK(privateJwk, spec.alg),
    });
  }
  return keys;
}

export function getKey(keys: Map<string, IncidentKey>, kid: string): IncidentKey {
  const key = keys.get(kid);
  if (!key) throw new Error(`no incident key ${kid}`);
  return key;
}

async function newPrivateJwk(kid: string, alg: Alg): Promise<JWK> {
  if (alg === 'HS256') return { kty: 'oct', kid, alg, use: 'sig', k: randomBytes(32).toString('base64url') };
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { ...(await exportJWK(pair.privateKey)), kid, alg, use: 'sig' };
}

/** The public half; an `oct` key has none, so its JWKS entry is the secret itself (as DESIGN.md allows). */
export function publicOf(jwk: JWK): JWK {
  if (jwk.kty === 'oct') return { ...jwk };
  return Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.includes(k))) as JWK;
}

/** SPKI PEM of a public key, newline-terminated like a file on disk. */
export async function spkiPem(key: IncidentKey): Promise<string> {
  const pub = await importJWK(key.publicJwk, key.alg, { extractable: true });
  if (pub instanceof Uint8Array) throw new Error(`${key.kid} has no public key`);
  return (await exportSPKI(pub)) + '\n';
}
