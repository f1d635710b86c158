// Without --include-raw no raw token or secret is printed or written (DESIGN.md "Findings"). The checks keep them
// out of findings; reports redact every value they are given (redactDeep), and every text that leaves the process
// (stdout, stderr, report files) goes through redactOutput last, since timelines, evidence and query rows carry log
// fields an attacker wrote (a JWT pasted into a user agent is still a JWT).
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

// The same shape in rendered text, where Markdown escaping may have put a backslash before `-`, `_` and `.`.
const SEG = String.raw`(?:[A-Za-z0-9]|\\?[_-])`;
const DOT = String.raw`\\?\.`;
const RENDERED_JWT = new RegExp(`eyJ${SEG}{4,}${DOT}${SEG}*${DOT}${SEG}*`, 'g');

/**
 * The last guard over text on its way out (terminal, JSON, NDJSON, CSV, Markdown, report files): every JWT-shaped
 * run becomes `[token <fingerprint>]`, the fingerprint of the token itself (Markdown escapes taken out first).
 */
export function redactOutput(text: string): string {
  return text.replace(RENDERED_JWT, (jwt) => `[token ${fingerprintOf(jwt.replace(/\\/g, ''))}]`);
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

/** The private members' values of a JWK (the `k` of an oct key, `d`, `p`, … of an asymmetric one), nested ones too. */
export function jwkSecretValues(jwk: unknown): string[] {
  const found: string[] = [];
  const collect = (v: unknown, depth: number): void => {
    if (typeof v === 'string') found.push(v);
    else if (v !== null && typeof v === 'object' && depth < 16) for (const x of Object.values(v)) collect(x, depth + 1);
  };
  if (jwk !== null && typeof jwk === 'object' && !Array.isArray(jwk)) {
    for (const [k, v] of Object.entries(jwk)) if (JWK_PRIVATE.has(k)) collect(v, 0);
  }
  return found.filter((s) => s.length > 0);
}

/** Column names whose values are raw tokens: shown as the token's fingerprint, whatever its shape. */
const RAW_COLUMNS = new Set(['raw', 'raw_token', 'token_raw']);
/** Shorter secrets are replaced only where they are a whole value, never inside other text. */
const MIN_SECRET_IN_TEXT = 8;

/**
 * One cell of a `query` result without raw tokens or key secrets (unless --include-raw, where this is not called):
 * a raw-token column as its fingerprint; JSON text (a `jwk` column, `extra`) and nested values redacted member by
 * member as reports are; the store's key secrets wherever they appear (`jwk->>'k'`); JWT-shaped text as fingerprints.
 */
export function redactQueryCell(column: string, value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string' && RAW_COLUMNS.has(column.toLowerCase())) return `[token ${fingerprintOf(value)}]`;
  return redactWithSecrets(value, secrets, 0);
}

function redactWithSecrets(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redactWithSecrets(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(redactDeep(value as Record<string, unknown>))) out[k] = redactWithSecrets(v, secrets, depth + 1);
  return out;
}

function redactText(text: string, secrets: readonly string[]): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      const redacted = redactWithSecrets(parsed, secrets, 1);
      if (JSON.stringify(redacted) !== JSON.stringify(parsed)) return JSON.stringify(redacted);
    } catch {
      // not JSON: text like any other
    }
  }
  let out = redactString(text);
  for (const s of secrets) {
    if (out === s) return REDACTED;
    if (s.length >= MIN_SECRET_IN_TEXT && out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}
