// Key material helpers shared by the JWKS and PEM parsers: bit lengths, thumbprints, safe quoting.
import { calculateJwkThumbprint, type JWK } from 'jose';
import { excerpt } from '../util/sanitize.js';

// A Map, not an object literal: a hostile "crv":"__proto__" must not find Object.prototype.
const CURVE_BITS = new Map<string, number>([
  ['P-256', 256],
  ['P-384', 384],
  ['P-521', 521],
  ['secp256k1', 256],
  ['Ed25519', 256],
  ['Ed448', 456], // RFC 8032: Ed448 keys are 57 bytes
  ['X25519', 256],
  ['X448', 448],
]);

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

export function curveBits(crv: string): number | null {
  return CURVE_BITS.get(crv) ?? null;
}

/** Node's decoder silently skips junk characters, so check the alphabet first. */
export function isBase64url(value: string): boolean {
  return B64URL.test(value);
}

export function b64uBytes(value: string): Buffer {
  return Buffer.from(value, 'base64url');
}

/** Bit length of a big-endian unsigned integer, ignoring leading zero bytes (some encoders pad `n`). */
export function integerBits(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const top = bytes[i];
  if (top === undefined) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(top));
}

/** RSA modulus bits, EC/OKP curve bits, oct secret bits; null when the JWK does not say. */
export function keyBits(jwk: JWK): number | null {
  switch (jwk.kty) {
    case 'RSA':
      return typeof jwk.n === 'string' ? integerBits(b64uBytes(jwk.n)) : null;
    case 'EC':
    case 'OKP':
      return typeof jwk.crv === 'string' ? curveBits(jwk.crv) : null;
    case 'oct':
      return typeof jwk.k === 'string' ? 8 * b64uBytes(jwk.k).length : null;
    default:
      return null;
  }
}

/** RFC 7638 SHA-256 thumbprint (base64url). */
export function thumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

/** Hostile strings (kid, kty, …) shown in a reject detail: short, printable, quoted. */
export function quote(value: string): string {
  return JSON.stringify(excerpt(value, 60));
}
