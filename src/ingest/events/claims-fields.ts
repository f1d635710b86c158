// A record's `claims` (and optional JOSE `header`) in place of its token (DESIGN.md "Auth events"; src/jwt/claims-token.ts).
// In SQL the claims travel where a token would: the `token` column holds a marked text, [claims, header] as JSON
// after CLAIMS_MARK, so an event carries its sha256 like any token's and the claims are read again from the line
// like a token's text (token-lines.ts). Registration (register-tokens.ts) makes the token from it, identified by
// the sha256 of its canonical claims, and settle-claims.ts moves the events onto that identity.
import type { LoggedClaims } from '../../jwt/claims-token.js';

/** Starts the marked text: a control character no compact JWT holds, then a word for whoever reads the stage. */
export const CLAIMS_MARK = '\u0001claims';

/** The marked text from the VARCHAR expressions of the claims (JSON text) and the header (or NULL): NULL without claims. */
export const claimsTokenSql = (claims: string, header: string): string =>
  `CASE WHEN ${claims} IS NOT NULL THEN chr(1) || 'claims' || json_array(${claims}, ${header})::VARCHAR END`;

/** `extra` when the claims stand for the token: without `claims` and `header` (the token row holds them); else `other`. */
export const extraWithoutClaimsSql = (fromClaims: string, x: string, other: string): string =>
  `CASE WHEN ${fromClaims} THEN NULLIF(json_merge_patch(coalesce(${x}, '{}'::JSON), '{"claims":null,"header":null}'::JSON), '{}') ELSE ${other} END`;

/** The logged claims a marked text carries, or null for any other token text. */
export function loggedClaims(raw: string): LoggedClaims | null {
  if (!raw.startsWith(CLAIMS_MARK)) return null;
  try {
    const pair = JSON.parse(raw.slice(CLAIMS_MARK.length)) as unknown;
    if (Array.isArray(pair) && typeof pair[0] === 'string') return { claims: pair[0], header: typeof pair[1] === 'string' ? pair[1] : null };
  } catch {
    // our own json_array: cannot happen; the claims are then refused by claimsToken as not an object
  }
  return { claims: '', header: null };
}
