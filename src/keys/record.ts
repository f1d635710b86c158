// Building KeyRecords and the reject/warning entries common to the JWKS and PEM parsers.
import type { JWK } from 'jose';
import type { KeyRecord, KeyReject, X509Info } from '../types.js';
import { keyBits, quote, thumbprint } from './key-bits.js';

export interface ParsedKeys {
  keys: KeyRecord[];
  rejects: KeyReject[];
  /** set when the file as a whole cannot be read (JWKS that is no JSON, PEM without one complete block) */
  unusable?: { line: number | null; what: string };
}

export interface RecordInput {
  jwk: JWK;
  /** null: the input named no kid, so the thumbprint stands in (for an `oct` secret: its file and place) */
  kid: string | null;
  kidSource: KeyRecord['kidSource'];
  x509: X509Info | null;
  index: number;
  /** base name of the file the key came from: names a kid-less `oct` secret */
  source?: string;
}

export async function buildRecord(input: RecordInput): Promise<KeyRecord> {
  const { jwk } = input;
  const tp = await thumbprint(jwk);
  const secret = jwk.kty === 'oct';
  return {
    // An oct thumbprint is a hash of the secret, an offline oracle for it: never a printed name (the store keeps it
    // in keys.thumbprint, beside the secret itself).
    kid: input.kid ?? (secret ? positionKid(input.source, input.index) : tp),
    kidSource: input.kid !== null ? input.kidSource : secret ? 'position' : 'thumbprint',
    kty: jwk.kty ?? '',
    alg: text(jwk.alg),
    use: text(jwk.use),
    crv: text(jwk.crv),
    bits: keyBits(jwk),
    thumbprint: tp,
    jwk,
    isSecret: jwk.kty === 'oct',
    x509: input.x509,
    index: input.index,
  };
}

/** The kid of an `oct` secret without one: `oct#<file>#<n>`, n counting from 1 as the rejects do (`key #n`). */
export function positionKid(source: string | undefined, index: number): string {
  return `oct#${source ? `${source}#` : ''}${index + 1}`;
}

// A member the key type does not use (crv on an RSA key) is kept in the JWK but may be any JSON value.
function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function reject(index: number, line: number | null, reason: string, detail: string): KeyReject {
  return { index, line, reason, detail };
}

/** One entry per kid used more than once. Both keys stay loaded: a kid collision is evidence
 *  (key confusion, sloppy rotation), and which one a verifier picks is for the audit to judge. */
export function duplicateKids(keys: readonly KeyRecord[]): KeyReject[] {
  const byKid = new Map<string, KeyRecord[]>();
  for (const k of keys) {
    const group = byKid.get(k.kid);
    if (group) group.push(k);
    else byKid.set(k.kid, [k]);
  }
  const out: KeyReject[] = [];
  for (const [kid, group] of byKid) {
    const [first, second] = group;
    if (!first || !second) continue;
    const same = group.every((k) => k.thumbprint === first.thumbprint) ? 'same' : 'different';
    const indexes = group.map((k) => k.index).join(', ');
    out.push(reject(second.index, null, 'duplicate-kid', `kid ${quote(kid)} is used by keys at indexes ${indexes} (${same} key material); all kept`));
  }
  return out;
}

/** Rejects in input order, file-level ones (index -1) first. */
export function byIndex(rejects: KeyReject[]): KeyReject[] {
  return [...rejects].sort((a, b) => a.index - b.index);
}

/** A short, secret-free name for a caught error: codes, never messages that might quote input. */
export function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.name : 'unknown error';
}
