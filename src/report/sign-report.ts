// Signed reports (docs/evidence.md): a detached JWS (RFC 7515 appendix F) over a report file's bytes, made with jose,
// whose protected header names the report's sha256 and the ledger head it was made from. `<report>.jws` holds
// `BASE64URL(header)..BASE64URL(signature)`: the payload is the file itself, left out.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FlattenedSign, base64url, calculateJwkThumbprint, exportJWK, flattenedVerify, type JWK } from 'jose';
import { InputError } from '../errors.js';
import { sha256Hex } from '../util/sha256.js';

export type SigningAlg = 'EdDSA' | 'ES256' | 'RS256';
const ALGS: readonly SigningAlg[] = ['EdDSA', 'ES256', 'RS256'];
/** what the header's `typ` says the JWS is */
export const REPORT_JWS_TYP = 'jwt-forensics-report+jws';

export interface SigningKey {
  key: KeyObject;
  alg: SigningAlg;
  /** the public key's RFC 7638 thumbprint */
  kid: string;
}

export interface ReportSignatureHeader {
  alg: SigningAlg;
  typ: string;
  kid: string;
  report_sha256: string;
  ledger_head: string;
  report_format?: string;
}

/** A private key from a JWK (JSON) or PEM file: Ed25519 → EdDSA, P-256 → ES256, RSA (2048 bits or more) → RS256. */
export async function loadSigningKey(path: string): Promise<SigningKey> {
  const key = readKey(path, 'private');
  if (key.type !== 'private') throw new InputError(`--sign-key ${path}: a private key is needed (this is a ${key.type} key)`);
  const alg = algOf(key, `--sign-key ${path}`);
  return { key, alg, kid: await thumbprint(createPublicKey(key)) };
}

/** The compact detached JWS over these bytes. */
export async function signDetached(bytes: Uint8Array, signer: SigningKey, claims: { ledger_head: string; report_format?: string }): Promise<string> {
  const header: ReportSignatureHeader = {
    alg: signer.alg, typ: REPORT_JWS_TYP, kid: signer.kid, report_sha256: sha256Hex(bytes), ledger_head: claims.ledger_head,
    ...(claims.report_format ? { report_format: claims.report_format } : {}),
  };
  const jws = await new FlattenedSign(bytes).setProtectedHeader({ ...header }).sign(signer.key);
  return `${jws.protected}..${jws.signature}`;
}

export type SignatureCheck =
  | { ok: true; header: ReportSignatureHeader }
  | { ok: false; reason: string; header: ReportSignatureHeader | null };

/**
 * Check a detached JWS against a report's bytes and a public key (JWK or PEM, or the private key, whose public half is
 * taken): the bytes unchanged (their sha256 is the one signed), then the signature. The ledger head is the caller's.
 */
export async function verifyDetached(jws: string, bytes: Uint8Array, publicKeyPath: string): Promise<SignatureCheck> {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '' || !parts[0] || !parts[2]) {
    return { ok: false, reason: 'not a detached JWS (BASE64URL(header)..BASE64URL(signature))', header: null };
  }
  let header: ReportSignatureHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(base64url.decode(parts[0]))) as ReportSignatureHeader;
  } catch {
    return { ok: false, reason: 'the signature\'s header is not base64url JSON', header: null };
  }
  if (typeof header !== 'object' || header === null || typeof header.report_sha256 !== 'string' || typeof header.ledger_head !== 'string') {
    return { ok: false, reason: 'the signature\'s header names no report_sha256 and ledger_head: not a jwt-forensics report signature', header: null };
  }
  const sha = sha256Hex(bytes);
  if (sha !== header.report_sha256) {
    return { ok: false, reason: `the report changed since it was signed: its sha256 is ${sha}, the signature's is ${header.report_sha256}`, header };
  }
  const given = readKey(publicKeyPath, 'public');
  const key = given.type === 'private' ? createPublicKey(given) : given;
  const alg = algOf(key, `--key ${publicKeyPath}`);
  if (header.alg !== alg) return { ok: false, reason: `signed with ${String(header.alg)}, but the key given is for ${alg}: not signed by this key`, header };
  const kid = await thumbprint(key);
  try {
    await flattenedVerify({ protected: parts[0], payload: base64url.encode(bytes), signature: parts[2] }, key, { algorithms: [...ALGS] });
  } catch {
    return { ok: false, reason: `the signature does not verify with the key given (${kid}; signed by ${String(header.kid)})`, header };
  }
  // signDetached names the signing key by its thumbprint: a header naming another key is not to be repeated as the signer
  if (header.kid !== kid) return { ok: false, reason: `the header names the signer ${String(header.kid)}, but the key that verifies it is ${kid}`, header };
  return { ok: true, header };
}

function readKey(path: string, want: 'private' | 'public'): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read the key: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as JWK;
      return want === 'private' && jwk.d === undefined
        ? createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
        : want === 'private'
          ? createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
          : createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    }
    if (want === 'private') return createPrivateKey(trimmed);
    return createPublicKey(trimmed);
  } catch (err) {
    throw new InputError(`${path}: not a usable ${want} key (a JWK or PEM of Ed25519, P-256 or RSA): ${err instanceof Error ? err.message : String(err)}`);
  }
}

function algOf(key: KeyObject, what: string): SigningAlg {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new InputError(`${what}: an RSA key of ${key.asymmetricKeyDetails?.modulusLength} bits is too weak to sign evidence (2048 or more)`);
    return 'RS256';
  }
  throw new InputError(`${what}: a ${type ?? 'unknown'}${type === 'ec' ? ` (${key.asymmetricKeyDetails?.namedCurve})` : ''} key; use Ed25519, ES256 (P-256) or RS256`);
}

async function thumbprint(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(publicKey));
}
