// Minting tokens: real jose signatures for everything a real signer would produce, hand-built
// compact strings only for what no honest library emits (alg none, empty HMAC keys, tampering).
import { createHmac } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { IncidentKey } from './keys.js';

export type Claims = JWTPayload & Record<string, unknown>;
export type Header = Record<string, unknown> & { alg: string };

export interface Minted {
  token: string;
  header: Header;
  claims: Claims;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signed by `key`; extra header members (typ, jwk, jku, a lying kid) go in `header`. */
export async function signWith(key: IncidentKey, claims: Claims, header: Partial<Header> = {}): Promise<Minted> {
  const full: Header = { alg: key.alg, kid: key.kid, ...header };
  const token = await new SignJWT(claims).setProtectedHeader(full as never).sign(key.signKey);
  return { token, header: full, claims };
}

/** An HMAC token keyed by arbitrary bytes: the PEM of a public key, an empty key (jose rightly refuses both). */
export function hmacWith(secret: string | Buffer, claims: Claims, header: Partial<Header> = {}): Minted {
  const full: Header = { alg: 'HS256', ...header };
  const input = `${b64(full)}.${b64(claims)}`;
  const sig = createHmac('sha256', secret).update(input).digest('base64url');
  return { token: `${input}.${sig}`, header: full, claims };
}

/** An unsecured token: `alg` in whatever casing the attacker tried, empty signature. */
export function unsecured(alg: string, claims: Claims, header: Partial<Header> = {}): Minted {
  const full: Header = { ...header, alg };
  return { token: `${b64(full)}.${b64(claims)}.`, header: full, claims };
}

/** Same header and signature, edited payload: what a tamperer produces. */
export function tamper(original: Minted, patch: Claims): Minted {
  const [head, , sig] = original.token.split('.');
  const claims = { ...original.claims, ...patch };
  return { token: `${head}.${b64(claims)}.${sig}`, header: original.header, claims };
}

/** A signature-shaped run of base64url characters: a forged token's last segment. */
export function fakeSignature(rng: () => number, bytes: number): string {
  return Buffer.from(Array.from({ length: bytes }, () => Math.floor(rng() * 256))).toString('base64url');
}

export const jti = (m: Minted): string => String(m.claims.jti ?? '');
export const sub = (m: Minted): string => String(m.claims.sub ?? '');
