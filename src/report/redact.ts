// Without --include-raw no raw token or secret reaches a report (DESIGN.md "Findings"). The checks already keep
// them out of findings; this is the renderer's own guard over every string it is given, since timelines and
// evidence carry log fields an attacker wrote (a JWT pasted into a user agent is still a JWT).
import { createHash } from 'node:crypto';

/** A compact JWS/JWT: a base64url JSON header (starts with `{"` → `eyJ`), payload and signature (maybe empty). */
const COMPACT_JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** Members that hold raw tokens or key material wherever they appear. */
const SECRET_MEMBERS = new Set(['raw', 'raw_token', 'token_raw', 'secret', 'password', 'client_secret']);
/** JWK members that are private key material (the `k` of an oct key, the private parts of RSA/EC/OKP keys). */
const JWK_PRIVATE = new Set(['k', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'oth']);

export const REDACTED = '[redacted]';

/** The token named the way every report names tokens: the first 12 hex of the sha256 of its compact form. */
export function fingerprintOf(compact: string): string {
  return createHash('sha256').update(compact).digest('hex').slice(0, 12);
}

export function redactString(text: string): string {
  return text.replace(COMPACT_JWT, (jwt) => `[token ${fingerprintOf(jwt)}]`);
}

/** A deep copy with raw tokens replaced by their fingerprints and secret members by `[redacted]`. */
export function redactDeep<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  const obj = value as Record<string, unknown>;
  const isJwk = typeof obj.kty === 'string';
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const secret = SECRET_MEMBERS.has(k.toLowerCase()) || (isJwk && JWK_PRIVATE.has(k));
    out[k] = secret && v !== null && v !== undefined ? REDACTED : walk(v, depth + 1);
  }
  return out;
}
