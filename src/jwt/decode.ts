// Decode a compact JWS/JWT without trusting it. Never throws: every input, however hostile, becomes a
// DecodedToken with a stable reason code. We do not use jose's decodeProtectedHeader/decodeJwt: a manual split +
// base64url + JSON.parse is faster. We decode what a lenient verifier (jose) decodes — a server would have read the
// same header and claims — and record each segment that was not canonical base64url: no conforming signer emits
// one, so it is a sign of tampering (a flipped unused bit changes the token's text and hash, not its meaning).
import { isUtf8 } from 'node:buffer';
import type { DecodedToken, DecodeReason } from '../types.js';
import { decodeBase64urlLenient, isStrictBase64url, lenientDecodedLength } from './base64url.js';
import { fingerprintOf } from './fingerprint.js';
import { sha256Hex } from '../util/sha256.js';

/** Compact strings longer than this are not parsed (64 KiB); the hash is still computed. */
export const DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;

export interface DecodeOptions {
  maxLength?: number;
}

// Invalid UTF-8 is evidence of tampering, not something to paper over with U+FFFD, so it is checked
// first. isUtf8 + toString is the same check as TextDecoder({fatal: true}) but ~1.5x faster, and it
// keeps a BOM, which JSON.parse then rejects (RFC 8259 forbids emitting one).

type Part<T> = { ok: true; value: T } | { ok: false; reason: DecodeReason; detail: string };

/** base64url → UTF-8 → JSON → object. `what` names the segment in the detail (never its content). */
function parseSegment(t: DecodedToken, segment: string, what: 'header' | 'payload'): Part<Record<string, unknown>> {
  const decoded = decodeBase64urlLenient(segment);
  if (decoded === null) return { ok: false, reason: 'bad-base64url', detail: `${what} is not base64url` };
  if (!decoded.canonical) t.nonCanonical.push(what);
  const bytes = decoded.bytes;
  if (!isUtf8(bytes)) return { ok: false, reason: 'bad-utf8', detail: `${what} bytes are not valid UTF-8` };
  const text = bytes.toString('utf8');
  // JSON.parse accepts any depth, but JSON.stringify (storing it, printing it) overflows the stack near 4,000
  // levels: a hostile token nested that deep would crash the ingest of its whole file. No real JOSE header or
  // claims set nests more than a few levels; only text long enough to nest past the limit is scanned.
  if (text.length > 2 * MAX_DEPTH && nestingDepth(text) > MAX_DEPTH) {
    return { ok: false, reason: 'too-large', detail: `${what} JSON nests more than ${MAX_DEPTH} levels deep` };
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

const MAX_DEPTH = 256;

/** Deepest nesting of `{`/`[` outside strings (the text may not be valid JSON; JSON.parse decides that). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
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
    header: null, claims: null, payloadReason: null, signatureLength: 0, nonCanonical: [],
    alg: null, kid: null, typ: null, iss: null, sub: null, aud: null, jti: null, iat: null, nbf: null, exp: null,
  };
}

// The helpers below fill in the fresh object from blank() in place: one allocation per token matters
// when ingesting millions of log lines.
function fail(t: DecodedToken, reason: DecodeReason, detail: string): DecodedToken {
  t.ok = false;
  t.reason = reason;
  t.detail = detail;
  return t;
}

function setHeader(t: DecodedToken, header: Record<string, unknown>, signature: string): void {
  t.ok = true;
  t.header = header;
  // -1 marks a signature segment that is not base64url even to a lenient decoder (verification: malformed).
  t.signatureLength = lenientDecodedLength(signature);
  if (t.signatureLength >= 0 && !isStrictBase64url(signature)) t.nonCanonical.push('signature');
  t.alg = str(header.alg);
  t.kid = str(header.kid);
  t.typ = str(header.typ);
}

function setClaims(t: DecodedToken, claims: Record<string, unknown>): void {
  t.claims = claims;
  t.iss = str(claims.iss);
  t.sub = str(claims.sub);
  t.aud = audience(claims.aud);
  t.jti = str(claims.jti);
  t.iat = num(claims.iat);
  t.nbf = num(claims.nbf);
  t.exp = num(claims.exp);
}

function decodeUnguarded(raw: string, maxLength: number): DecodedToken {
  const t = blank(raw, sha256Hex(raw));
  if (raw.length === 0) return fail(t, 'empty', 'empty token');
  const parts = countParts(raw);
  if (parts !== 3) {
    const hint = parts === 5 ? ' (JWE compact serialization?)' : '';
    return fail(t, 'not-three-parts', `expected 3 dot-separated segments, got ${parts}${hint}`);
  }
  const [h, p, s] = raw.split('.') as [string, string, string];
  // Over the limit, the header is still read (a huge payload must not hide `alg: none`); the payload is not.
  const tooLarge = raw.length > maxLength;
  if (tooLarge && h.length > maxLength) return fail(t, 'too-large', `token is ${raw.length} characters, limit is ${maxLength}`);
  const header = parseSegment(t, h, 'header');
  if (!header.ok) return fail(t, header.reason, header.detail);
  setHeader(t, header.value, s);
  if (tooLarge) {
    t.payloadReason = 'too-large';
    t.detail = `token is ${raw.length} characters, limit is ${maxLength}: payload not decoded`;
    return t;
  }
  const payload = parseSegment(t, p, 'payload');
  if (payload.ok) {
    setClaims(t, payload.value);
  } else {
    // A JWS whose payload is not a claims set is still a signed object: ok stays true.
    t.payloadReason = payload.reason;
    t.detail = payload.detail;
  }
  return t;
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
