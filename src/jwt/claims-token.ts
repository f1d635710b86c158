// A token known only by its claims: gateways (Envoy's jwt_authn with `payload_in_metadata`, Istio, Kong) and some
// identity-provider logs record the claims they validated, not the token. Such a record becomes a token whose
// identity is the sha256 of its canonical claims (RFC 8785 JSON Canonicalization Scheme, by `canonicalize`): the
// same claims logged with keys in another order, or by two gateways, are one token. There is no signature to judge:
// its status is `not-captured`. Never throws: a record whose claims cannot be a claims set is a reason, not a crash.
import canonicalize from 'canonicalize';
import type { DecodedToken } from '../types.js';
import { fingerprintOf } from './fingerprint.js';
import { sha256Hex } from '../util/sha256.js';

/** The canonical claims (what `tokens.raw` holds for such a token) may be at most this long: a real claims set is a
 *  few KiB (Entra ID's group overage keeps even a large one under 10 KiB); the longest token we parse is 64 KiB. */
export const MAX_CLAIMS_CHARS = 64 * 1024;
/** Deepest nesting a claims set or header may have (real ones nest two or three levels: realm_access.roles). */
const MAX_CLAIMS_DEPTH = 32;

/** The claims as logged (JSON text of an object) and the JOSE header when logged (JSON text, or null). */
export interface LoggedClaims {
  claims: string;
  header: string | null;
}

export type ClaimsResult = { ok: true; token: DecodedToken } | { ok: false; reason: 'bad-claims'; detail: string };

const bad = (detail: string): ClaimsResult => ({ ok: false, reason: 'bad-claims', detail });

/** The token the logged claims stand for, or why they cannot be one. */
export function claimsToken(logged: LoggedClaims): ClaimsResult {
  try {
    const claims = objectOf(logged.claims, 'claims');
    if (typeof claims === 'string') return bad(claims);
    const header = logged.header === null ? null : objectOf(logged.header, 'header');
    if (typeof header === 'string') return bad(header);
    const times = numericDates(claims);
    if (typeof times === 'string') return bad(times);
    const raw = canonicalize(claims);
    if (raw === undefined) return bad('`claims` has no JSON form');
    if (raw.length > MAX_CLAIMS_CHARS) return bad(`\`claims\` is ${raw.length} characters as canonical JSON, limit is ${MAX_CLAIMS_CHARS}`);
    return { ok: true, token: decodedFrom(raw, claims, header, times) };
  } catch (err) {
    // canonicalize refuses lone surrogates; nothing else should throw, but a bad record must not stop its file
    const why = err instanceof Error && /surrogate/i.test(err.message) ? 'holds a lone UTF-16 surrogate' : 'cannot be canonicalised';
    return bad(`\`claims\` ${why}`);
  }
}

/** The JSON text as an object, or a sentence saying what it is instead. Size and depth are checked first. */
function objectOf(text: string, what: 'claims' | 'header'): Record<string, unknown> | string {
  if (text.length > MAX_CLAIMS_CHARS) return `\`${what}\` is ${text.length} characters, limit is ${MAX_CLAIMS_CHARS}`;
  if (depthOver(text, MAX_CLAIMS_DEPTH)) return `\`${what}\` nests more than ${MAX_CLAIMS_DEPTH} levels deep`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // a JSON string that is not itself JSON (DuckDB hands a string's content, not its quotes)
    return `\`${what}\` is a string, not a JSON object`;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `\`${what}\` is ${kind}, not a JSON object`;
}

interface Times {
  iat: number | null;
  nbf: number | null;
  exp: number | null;
}

/** exp, nbf and iat as RFC 7519 NumericDates: a number, or a decimal string (log pipelines that stringify values);
 *  anything else rejects the record: a time the checks cannot read would make an expired token look unexpired. */
function numericDates(claims: Record<string, unknown>): Times | string {
  const out: Times = { iat: null, nbf: null, exp: null };
  for (const name of ['iat', 'nbf', 'exp'] as const) {
    const v = claims[name];
    if (v === undefined || v === null) continue;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d{1,15}(\.\d{1,9})?\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) return `\`claims.${name}\` is not a NumericDate (seconds since 1970 as a number)`;
    out[name] = n;
  }
  return out;
}

function decodedFrom(raw: string, claims: Record<string, unknown>, header: Record<string, unknown> | null, times: Times): DecodedToken {
  const sha256 = sha256Hex(raw);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((x): x is string => typeof x === 'string') : null;
  return {
    raw, sha256, fingerprint: fingerprintOf(sha256), ok: true, reason: null, detail: null,
    header, claims, payloadReason: null, signatureLength: 0, nonCanonical: [],
    alg: str(header?.alg), kid: str(header?.kid), typ: str(header?.typ),
    iss: str(claims.iss), sub: str(claims.sub), aud, jti: str(claims.jti), ...times,
  };
}

/** Whether `{` / `[` nest deeper than `max` outside strings (the text need not be valid JSON). */
function depthOver(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
