// Decode a compact JWS/JWT without trusting it. Never throws: every input, however hostile, becomes a
// DecodedToken with a stable reason code. We do not use jose's decodeProtectedHeader/decodeJwt: a manual
// split + strict base64url + JSON.parse is faster and rejects encodings jose's lenient decoder accepts.
import type { DecodedToken, DecodeReason } from '../types.js';
import { decodeBase64urlStrict } from './base64url.js';
import { fingerprintOf, sha256Hex } from './fingerprint.js';

/** Compact strings longer than this are not parsed (64 KiB); the hash is still computed. */
export const DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;

export interface DecodeOptions {
  maxLength?: number;
}

// fatal: invalid UTF-8 is evidence of tampering, not something to paper over with U+FFFD.
// ignoreBOM: keep a BOM so JSON.parse rejects it (RFC 8259 forbids emitting one).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Part<T> = { ok: true; value: T } | { ok: false; reason: DecodeReason; detail: string };

/** base64url → UTF-8 → JSON → object. `what` names the segment in the detail (never its content). */
function parseSegment(segment: string, what: 'header' | 'payload'): Part<Record<string, unknown>> {
  const bytes = decodeBase64urlStrict(segment);
  if (bytes === null) return { ok: false, reason: 'bad-base64url', detail: `${what} is not canonical base64url` };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'bad-utf8', detail: `${what} bytes are not valid UTF-8` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's message quotes the input, so it must not leak into detail.
    return { ok: false, reason: 'bad-json', detail: `${what} is not valid JSON` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, reason: 'not-an-object', detail: `${what} JSON is ${kind}, not an object` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
// Negative or absurd (1e308) times are kept: they are evidence. JSON cannot express NaN; 1e400 parses to Infinity.
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function audience(v: unknown): string[] | null {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return null;
}

function countParts(raw: string): number {
  let n = 1;
  for (let i = raw.indexOf('.'); i !== -1; i = raw.indexOf('.', i + 1)) n++;
  return n;
}

function blank(raw: string, sha256: string): DecodedToken {
  return {
    raw, sha256, fingerprint: fingerprintOf(sha256), ok: false, reason: null, detail: null,
    header: null, claims: null, payloadReason: null, signatureLength: 0,
    alg: null, kid: null, typ: null, iss: null, sub: null, aud: null, jti: null, iat: null, nbf: null, exp: null,
  };
}

function fail(t: DecodedToken, reason: DecodeReason, detail: string): DecodedToken {
  return { ...t, ok: false, reason, detail };
}

function withClaims(t: DecodedToken, claims: Record<string, unknown>): DecodedToken {
  return {
    ...t, claims,
    iss: str(claims.iss), sub: str(claims.sub), aud: audience(claims.aud), jti: str(claims.jti),
    iat: num(claims.iat), nbf: num(claims.nbf), exp: num(claims.exp),
  };
}

function decodeUnguarded(raw: string, maxLength: number): DecodedToken {
  const t = blank(raw, sha256Hex(raw));
  if (raw.length === 0) return fail(t, 'empty', 'empty token');
  if (raw.length > maxLength) return fail(t, 'too-large', `token is ${raw.length} characters, limit is ${maxLength}`);
  const parts = countParts(raw);
  if (parts !== 3) {
    const hint = parts === 5 ? ' (JWE compact serialization?)' : '';
    return fail(t, 'not-three-parts', `expected 3 dot-separated segments, got ${parts}${hint}`);
  }
  const [h, p, s] = raw.split('.') as [string, string, string];
  const header = parseSegment(h, 'header');
  if (!header.ok) return fail(t, header.reason, header.detail);
  const hv = header.value;
  // -1 marks a signature segment that is not canonical base64url (verification reports it as malformed).
  const sig = decodeBase64urlStrict(s);
  const base: DecodedToken = {
    ...t, ok: true, header: hv, signatureLength: sig === null ? -1 : sig.length,
    alg: str(hv.alg), kid: str(hv.kid), typ: str(hv.typ),
  };
  const payload = parseSegment(p, 'payload');
  // A JWS whose payload is not a claims set is still a signed object: ok stays true.
  if (!payload.ok) return { ...base, payloadReason: payload.reason, detail: payload.detail };
  return withClaims(base, payload.value);
}

/**
 * Decode a compact JWS without verifying it. Never throws. `ok` is false when the header cannot be
 * read (`reason` says why); when only the payload is not a JSON object, `ok` is true, `claims` is null
 * and `payloadReason` is set. `detail` explains `reason` (or `payloadReason`) and never quotes the token.
 */
export function decodeToken(raw: string, opts: DecodeOptions = {}): DecodedToken {
  const input = typeof raw === 'string' ? raw : '';
  const max = opts.maxLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  try {
    return decodeUnguarded(input, max);
  } catch {
    // Defensive: nothing above should throw, but a decoder that crashes an ingest run loses evidence.
    return fail(blank(input, sha256Hex(input)), 'bad-json', 'unexpected decoder failure');
  }
}
