// Verify decoded tokens against the key registry with jose. Only registry keys are ever used: embedded
// `jwk`, `jku`, `x5u` and `x5c` headers are attacker-controlled and are never fetched or trusted.
import { compactVerify, errors, importJWK, type JWK } from 'jose';
import { DEFAULT_POLICY } from '../policy/policy.js';
import type { DecodedToken, KeyRecord, SigStatus, VerifyResult } from '../types.js';
import { decodeBase64urlLenient, decodeBase64urlStrict, lenientDecodedLength } from './base64url.js';

export interface VerifyOptions {
  /** Tokens verified in parallel (default 64). */
  concurrency?: number;
  /** Distinct keys tried for one token before giving up with 'unknown-key' / 'too-many-candidates' (policy
   *  `max_verify_candidates`, default 32): verification costs tokens × candidates, and a registry of 2,000 keys under
   *  one kid would otherwise make every token try all of them. */
  maxCandidates?: number;
}

/** The detail of a token whose candidate keys were more than `maxCandidates` and none of those tried verified it:
 *  status 'unknown-key' (no key was found to explain it), not 'invalid' (not every key was tried). */
export const TOO_MANY_CANDIDATES = 'too-many-candidates';

/** JWS algorithms we hand to jose; anything else is reported 'unsupported'. */
export const SUPPORTED_ALGS: ReadonlySet<string> = new Set([
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
]);

const EC_CURVE: Record<string, { crv: string; size: number }> = {
  ES256: { crv: 'P-256', size: 32 }, ES384: { crv: 'P-384', size: 48 }, ES512: { crv: 'P-521', size: 66 },
};

/** Does the key's type fit the algorithm family? Prevents e.g. an RSA public key being used as an HMAC secret. */
export function keyFitsAlg(key: KeyRecord, alg: string): boolean {
  const crv = key.crv ?? (typeof key.jwk.crv === 'string' ? key.jwk.crv : null);
  if (alg.startsWith('HS')) return key.kty === 'oct';
  if (alg.startsWith('RS') || alg.startsWith('PS')) return key.kty === 'RSA';
  const ec = EC_CURVE[alg];
  if (ec) return key.kty === 'EC' && crv === ec.crv;
  return (alg === 'EdDSA' || alg === 'Ed25519') && key.kty === 'OKP' && crv === 'Ed25519';
}

/** RFC 7517 §4.2/4.3: an encryption key must not verify signatures. The JWK `alg` is advisory here
 *  (Wycheproof expects RFC 7520's PS256-labelled key to verify a PS384 token). */
function keyIsForSignatures(key: KeyRecord): boolean {
  if ((key.use ?? key.jwk.use) === 'enc') return false;
  const ops = key.jwk.key_ops;
  // A public key of a signing pair may carry 'sign' from its source; encrypt-only keys are refused.
  return !Array.isArray(ops) || ops.includes('verify') || ops.includes('sign');
}

type Imported = { key: CryptoKey } | { fail: string };

/** Imports each (key material, alg) once per verifyTokens call; concurrent callers share the promise. */
class KeyCache {
  private readonly cache = new Map<string, Promise<Imported>>();

  get(k: KeyRecord, alg: string): Promise<Imported> {
    const id = `${alg}\u0000${k.kty}\u0000${k.thumbprint || `#${k.index}`}`;
    let hit = this.cache.get(id);
    if (!hit) {
      hit = importKey(k, alg).catch((): Imported => ({ fail: 'key-import-failed' }));
      this.cache.set(id, hit);
    }
    return hit;
  }
}

/** Only the public key members go to importJWK: alg/use/key_ops/ext were judged above and would
 *  otherwise make WebCrypto refuse or restrict the key. */
function publicMembers(jwk: JWK): JWK {
  const out: JWK = { kty: jwk.kty };
  for (const m of ['crv', 'n', 'e', 'x', 'y'] as const) if (typeof jwk[m] === 'string') out[m] = jwk[m];
  return out;
}

async function importKey(k: KeyRecord, alg: string): Promise<Imported> {
  if (k.kty === 'oct') {
    // jose would re-import a raw secret on every verify; a CryptoKey is imported once.
    const secret = typeof k.jwk.k === 'string' ? decodeBase64urlStrict(k.jwk.k) : null;
    if (!secret || secret.length === 0) return { fail: 'key-import-failed' };
    const algo = { name: 'HMAC', hash: `SHA-${alg.slice(2)}` };
    return { key: await crypto.subtle.importKey('raw', new Uint8Array(secret), algo, false, ['verify']) };
  }
  const key = await importJWK(publicMembers(k.jwk), alg);
  if (key instanceof Uint8Array) return { fail: 'key-import-failed' };
  const bits = (key.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength;
  // jose refuses RSA < 2048 at verify time; say so precisely instead of 'signature-mismatch'.
  if (k.kty === 'RSA' && (bits ?? 0) < 2048) return { fail: 'rsa-key-too-short' };
  return { key };
}

const result = (status: SigStatus, detail: string | null, kid: string | null = null): VerifyResult => ({
  status, kid, detail,
});

/** CVE-2022-21449 ("psychic signature"): r = 0 or s = 0 is never a valid ECDSA signature. */
function isZeroEcdsa(alg: string, sig: Buffer): boolean {
  const ec = EC_CURVE[alg];
  if (!ec || sig.length !== 2 * ec.size) return false;
  const allZero = (b: Buffer) => b.every((x) => x === 0);
  return allZero(sig.subarray(0, ec.size)) || allZero(sig.subarray(ec.size));
}

/** jose understands only `b64` (RFC 7797) among critical extensions. */
function critUnsupported(h: Record<string, unknown>): boolean {
  if (!('crit' in h)) return false;
  const crit = h.crit;
  return !Array.isArray(crit) || crit.length === 0 || crit.some((c) => c !== 'b64');
}

/** RFC 7797 unencoded payload: jose signs the raw payload text, so it is not base64url. */
const unencodedPayload = (h: Record<string, unknown>) =>
  h.b64 === false && Array.isArray(h.crit) && h.crit.includes('b64');

type Plan = VerifyResult | { alg: string; candidates: readonly KeyRecord[] };

/** The registry as candidates: per kid, and per alg for tokens without one; each list holds one key per material
 *  (the same key loaded twice, from a JWKS and a PEM, or under two kids, is tried once), in registry order. */
class Registry {
  private readonly byKid = new Map<string, KeyRecord[]>();
  private readonly byAlg = new Map<string, KeyRecord[]>();

  constructor(private readonly keys: readonly KeyRecord[]) {
    const seen = new Map<string, Set<string>>();
    for (const k of keys) {
      let list = this.byKid.get(k.kid);
      if (!list) this.byKid.set(k.kid, (list = []));
      let materials = seen.get(k.kid);
      if (!materials) seen.set(k.kid, (materials = new Set()));
      const m = material(k);
      if (!materials.has(m)) {
        materials.add(m);
        list.push(k);
      }
    }
  }

  forKid(kid: string): readonly KeyRecord[] {
    return this.byKid.get(kid) ?? [];
  }

  /** Keys that fit the algorithm, for a token that names no kid; computed once per alg, not per token. */
  forAlg(alg: string): readonly KeyRecord[] {
    let list = this.byAlg.get(alg);
    if (!list) {
      const materials = new Set<string>();
      list = this.keys.filter((k) => {
        if (!keyFitsAlg(k, alg)) return false;
        const m = material(k);
        if (materials.has(m)) return false;
        materials.add(m);
        return true;
      });
      this.byAlg.set(alg, list);
    }
    return list;
  }
}

/** What makes a key's verdict on a token: its material (RFC 7638 thumbprint) and whether it may verify at all. */
function material(k: KeyRecord): string {
  return `${k.thumbprint || `#${k.kid}#${k.index}`}\u0000${keyIsForSignatures(k)}`;
}

/** Everything decidable without cryptography, in order of precedence. */
function plan(t: DecodedToken, reg: Registry): Plan {
  const h = t.header;
  if (!t.ok || !h) return result('malformed', t.reason ?? 'undecodable');
  const [, payload = '', sig = ''] = t.raw.split('.');
  if (typeof h.alg === 'string' && h.alg.toLowerCase() === 'none') return result('unsigned', 'alg-none');
  if (sig === '') return result('unsigned', 'empty-signature');
  // What jose decodes is verified (a server running it would have): non-canonical segments are recorded at decode.
  if (t.signatureLength < 0) return result('malformed', 'bad-base64url-signature');
  if (!unencodedPayload(h) && lenientDecodedLength(payload) < 0) return result('malformed', 'bad-base64url-payload');
  if (typeof h.alg !== 'string') return result('unsupported', 'alg-not-a-string');
  if (!SUPPORTED_ALGS.has(h.alg)) return result('unsupported', 'alg-unsupported');
  const alg = h.alg;
  if ('kid' in h) {
    // A non-string kid matches no registry key; it is not a licence to try every key.
    const candidates = typeof h.kid === 'string' ? reg.forKid(h.kid) : [];
    return candidates.length ? { alg, candidates } : result('unknown-key', 'no-key-for-kid');
  }
  const candidates = reg.forAlg(alg);
  return candidates.length ? { alg, candidates } : result('unknown-key', 'no-candidate-key');
}

// When nothing verifies, the most informative failure wins: a real signature check beats "could not even try".
const FAILURE_RANK = [
  'signature-mismatch', 'jws-invalid', 'rsa-key-too-short', 'key-import-failed', 'key-not-for-signing', 'alg-key-mismatch',
];

function worst(details: string[]): string {
  for (const d of FAILURE_RANK) if (details.includes(d)) return d;
  return details[0] ?? 'signature-mismatch';
}

async function tryKey(raw: string, alg: string, k: KeyRecord, cache: KeyCache): Promise<string | null> {
  if (!keyFitsAlg(k, alg)) return 'alg-key-mismatch';
  if (!keyIsForSignatures(k)) return 'key-not-for-signing';
  const imported = await cache.get(k, alg);
  if ('fail' in imported) return imported.fail;
  try {
    await compactVerify(raw, imported.key, { algorithms: [alg] });
    return null;
  } catch (e) {
    if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature-mismatch';
    if (e instanceof errors.JOSENotSupported) return 'crit-unsupported';
    return 'jws-invalid';
  }
}

/** A genuine signature under an algorithm the key was not labelled for: authentic (only the key holder
 *  could make it), but worth flagging as misconfiguration or cross-algorithm key use. */
function keyAlgDiffers(k: KeyRecord, alg: string): boolean {
  const label = k.alg ?? (typeof k.jwk.alg === 'string' ? k.jwk.alg : null);
  return label !== null && label !== alg;
}

async function verifyOne(t: DecodedToken, reg: Registry, cache: KeyCache, maxCandidates: number): Promise<VerifyResult> {
  const p = plan(t, reg);
  if ('status' in p) return p;
  const sig = decodeBase64urlLenient(t.raw.slice(t.raw.lastIndexOf('.') + 1))?.bytes ?? Buffer.alloc(0);
  if (isZeroEcdsa(p.alg, sig)) return result('invalid', 'ecdsa-zero-signature');
  if (critUnsupported(t.header ?? {})) return result('invalid', 'crit-unsupported');
  const failures: string[] = [];
  const tried = Math.min(p.candidates.length, maxCandidates);
  for (let i = 0; i < tried; i++) {
    const k = p.candidates[i]!;
    const failure = await tryKey(t.raw, p.alg, k, cache);
    if (failure === null) return { ...result('valid', keyAlgDiffers(k, p.alg) ? 'key-alg-differs' : null, k.kid), jkt: k.thumbprint || null };
    failures.push(failure);
  }
  // Not every candidate was tried: the token is not shown invalid, only that no key tried explains it.
  if (tried < p.candidates.length) return result('unknown-key', TOO_MANY_CANDIDATES);
  return result('invalid', worst(failures));
}

/**
 * Verify each distinct token (by sha256) against the registry keys. Never throws for a bad token or key.
 * Keys are imported once per (key, alg); at most `concurrency` tokens are in flight.
 */
export async function verifyTokens(
  tokens: DecodedToken[],
  keys: KeyRecord[],
  opts: VerifyOptions = {},
): Promise<Map<string, VerifyResult>> {
  const unique = [...new Map(tokens.map((t) => [t.sha256, t])).values()];
  const results: VerifyResult[] = new Array(unique.length);
  const cache = new KeyCache();
  const reg = new Registry(keys);
  const maxCandidates = Math.max(1, Math.floor(opts.maxCandidates ?? DEFAULT_POLICY.max_verify_candidates) || 1);
  const limit = Math.max(1, Math.floor(opts.concurrency ?? 64) || 1);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const i = next++;
      try {
        results[i] = await verifyOne(unique[i]!, reg, cache, maxCandidates);
      } catch {
        results[i] = result('invalid', 'verify-error');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, unique.length) }, worker));
  // Map in input order, whatever order the workers finished in: reports stay reproducible.
  return new Map(unique.map((t, i) => [t.sha256, results[i]!]));
}
