// Shared shapes between decoding, key parsing, verification and the store.
import type { JWK } from 'jose';

/** Why a compact string could not be decoded as a JWS/JWT. Stable codes: tests and rejects name them. */
export type DecodeReason =
  | 'empty'
  | 'too-large'
  | 'not-three-parts'
  | 'bad-base64url'
  | 'bad-utf8'
  | 'bad-json'
  | 'not-an-object';

/** Outcome of verifying one distinct token against the key registry. */
export type SigStatus = 'valid' | 'invalid' | 'unknown-key' | 'unsigned' | 'unsupported' | 'malformed' | 'not-captured';

/** A token decoded without trust. `ok` false means the header could not be read; claims may still be null
 *  for a JWS whose payload is not a JSON object (then `payloadReason` says why). */
export interface DecodedToken {
  raw: string;
  sha256: string; // hex sha256 of the compact string
  fingerprint: string; // first 12 hex digits of sha256
  ok: boolean;
  reason: DecodeReason | null;
  detail: string | null; // human text for the reason, never containing the token
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  payloadReason: DecodeReason | null;
  signatureLength: number; // decoded signature bytes (0 = empty signature segment, -1 = not base64url at all)
  /** segments that are base64url only to a lenient decoder (stray padding bits, `=`, whitespace): a sign of tampering */
  nonCanonical: ('header' | 'payload' | 'signature')[];
  alg: string | null;
  kid: string | null;
  typ: string | null;
  iss: string | null;
  sub: string | null;
  aud: string[] | null;
  jti: string | null;
  iat: number | null; // seconds since epoch when the claim is a finite number
  nbf: number | null;
  exp: number | null;
}

/** A key from the registry (JWKS, PEM public key or X.509 certificate). */
export interface KeyRecord {
  kid: string;
  /** where the kid came from: the JWK itself, or derived because the input had none (from the RFC 7638 thumbprint,
   *  a certificate's x5t#S256, or — for an `oct` secret, whose thumbprint would be an oracle for it — its file and
   *  place: `oct#<file>#<n>`) */
  kidSource: 'jwk' | 'thumbprint' | 'x5t#S256' | 'position';
  kty: string;
  alg: string | null;
  use: string | null;
  crv: string | null;
  /** RSA modulus bits, EC/OKP curve bits, oct secret bits */
  bits: number | null;
  /** RFC 7638 SHA-256 thumbprint */
  thumbprint: string;
  /** the key as a JWK: public members only for asymmetric keys (private members are dropped on parse); `k` for oct */
  jwk: JWK;
  isSecret: boolean;
  x509: X509Info | null;
  /** position in the input: index of the key in the JWKS / PEM block order (0-based) */
  index: number;
}

export interface X509Info {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string; // ISO-8601
  notAfter: string; // ISO-8601
  sha256: string; // fingerprint of the DER certificate, hex
}

/** A key that could not be used, with a reason code and where it was. */
export interface KeyReject {
  index: number;
  line: number | null;
  reason: string; // e.g. 'bad-jwk', 'bad-pem', 'private-key', 'unsupported-kty', 'duplicate-kid'
  detail: string;
}

export interface VerifyResult {
  status: SigStatus;
  /** kid of the key that verified it (status 'valid'), else null */
  kid: string | null;
  /** RFC 7638 thumbprint of the key that verified it (status 'valid'), else null: keys are known by their material */
  jkt?: string | null;
  /** short machine-friendly detail: 'no-key-for-kid', 'alg-key-mismatch', 'signature-mismatch', 'crit-unsupported', … */
  detail: string | null;
}
