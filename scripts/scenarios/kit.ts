// Tools for writing check scenarios: fixed test-only keys (committed, so signatures and fingerprints are
// reproducible), real jose signatures, and a writer for fixtures/scenarios/<id>/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, generateSecret, importJWK, type JWK } from 'jose';

const KEY_FILE = new URL('../scenario-keys/keys.json', import.meta.url);
const OUT = new URL('../../fixtures/scenarios/', import.meta.url);

/** Deterministic algorithms only (RSA PKCS#1 v1.5, EdDSA, HMAC): same keys → same tokens → same fingerprints. */
export type KeyName = 'rsa' | 'rsa-old' | 'rsa-2' | 'ed' | 'hs' | 'ec';
const SPECS: Record<KeyName, { alg: 'RS256' | 'EdDSA' | 'HS256' | 'ES256'; kid: string }> = {
  rsa: { alg: 'RS256', kid: 'rsa-current' },
  'rsa-old': { alg: 'RS256', kid: 'rsa-old' },
  'rsa-2': { alg: 'RS256', kid: 'rsa-next' },
  ed: { alg: 'EdDSA', kid: 'ed-1' },
  hs: { alg: 'HS256', kid: 'hs-1' },
  ec: { alg: 'ES256', kid: 'ec-1' },
};

export interface Kit {
  kid(name: KeyName): string;
  /** the public JWK (oct: the secret) as a JWKS member */
  publicJwk(name: KeyName): JWK;
  jwks(...names: KeyName[]): string;
  /** the SPKI PEM of an asymmetric key */
  pem(name: KeyName): Promise<string>;
  sign(name: KeyName, claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function loadKit(): Promise<Kit> {
  const stored = await privateJwks();
  const pub = (name: KeyName): JWK => {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = stored[name]!;
    return rest;
  };
  return {
    kid: (name) => SPECS[name].kid,
    publicJwk: pub,
    jwks: (...names) => JSON.stringify({ keys: names.map(pub) }, null, 2),
    pem: async (name) => {
      const { createPublicKey } = await import('node:crypto');
      return createPublicKey({ key: pub(name) as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    },
    sign: async (name, claims, header = {}) => {
      const key = await importJWK(stored[name]!, SPECS[name].alg);
      return new SignJWT(claims).setProtectedHeader({ alg: SPECS[name].alg, kid: SPECS[name].kid, typ: 'JWT', ...header }).sign(key);
    },
  };
}

async function privateJwks(): Promise<Record<string, JWK>> {
  if (existsSync(KEY_FILE)) return JSON.parse(readFileSync(KEY_FILE, 'utf8'));
  const out: Record<string, JWK> = {};
  for (const [name, spec] of Object.entries(SPECS)) {
    const jwk =
      spec.alg === 'HS256'
        ? await exportJWK(await generateSecret('HS256', { extractable: true }))
        : await exportJWK((await generateKeyPair(spec.alg, { extractable: true })).privateKey);
    out[name] = { ...jwk, kid: spec.kid, alg: spec.alg };
  }
  writeFileSync(KEY_FILE, JSON.stringify(out, null, 2) + '\n');
  return out;
}

/** A token without a signature: alg none (any casing) or an empty signature segment. */
export function unsignedToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none', typ: 'JWT' }): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64(header)}.${b64(claims)}.`;
}

export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

export const ndjson = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** An expected finding: the fields a scenario pins down (others are not compared). */
export interface Expected {
  check: string;
  severity: string;
  token?: string | null;
  jti?: string | null;
  sub?: string | null;
  kid?: string | null;
}

export interface Scenario {
  id: string;
  description: string;
  /** the checks this scenario judges: findings of other checks are not compared */
  checks: string[];
  files: Record<string, string>;
  policy?: Record<string, unknown>;
  expected: Expected[];
  /** the near misses planted, in words, for the reviewer */
  near_misses: string[];
}

export function writeScenario(s: Scenario): void {
  const dir = join(OUT.pathname, s.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(s.files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  if (s.policy) writeFileSync(join(dir, 'policy.json'), JSON.stringify(s.policy, null, 2) + '\n');
  const expected = { description: s.description, checks: s.checks, near_misses: s.near_misses, findings: s.expected };
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
}
