// Without --include-raw no raw token or secret is printed or written (DESIGN.md "Findings"). The checks keep them
// out of findings; reports redact every value they are given (redactDeep), and every text that leaves the process
// (stdout, stderr, report files) goes through redactOutput last, since timelines, evidence and query rows carry log
// fields an attacker wrote (a JWT pasted into a user agent is still a JWT).
import { sha256Hex } from './sha256.js';

/**
 * A compact JWS/JWT is `eyJ` (a base64url JSON header starts with `{"`) and at least 4 more base64url characters,
 * `.`, the payload, `.`, the signature (maybe empty): the shape `eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`.
 * That pattern as a regular expression backtracks over every `eyJ` of a long run without dots (a logged 1 MB
 * `eyJeyJ…` took minutes), so tokens are found in one pass instead: text is cut into maximal runs of base64url
 * characters and dots, and a run into its dot-separated segments; the leftmost `eyJ` of a segment with two
 * more segments after it starts a token, as the pattern would.
 */
const RUN = /[A-Za-z0-9_.-]+/g;
/** Runs in rendered text, where Markdown escaping may have put a backslash before `-`, `_` and `.`; a backslash
 * before anything else ends a run (BREAK). */
const RUN_ESCAPED = /[A-Za-z0-9_.\\-]+/g;
const BREAK = /\\(?![_.-])/;

function replaceTokens(text: string, escaped: boolean): string {
  if (!text.includes('eyJ')) return text;
  if (!escaped) return text.replace(RUN, (run) => (run.includes('eyJ') ? replaceInRun(run) : run));
  return text.replace(RUN_ESCAPED, (run) => {
    if (!run.includes('eyJ')) return run;
    return BREAK.test(run) ? run.split(BREAK).map(replaceInRun).join('\\') : replaceInRun(run);
  });
}

/** The tokens in one run of base64url characters and dots (a backslash escapes the character after it). */
function replaceInRun(run: string): string {
  // segment k is [starts[k], ends[k]) in the run; a separator is `.` or `\.`
  const starts: number[] = [0];
  const ends: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c === 92 && run.charCodeAt(i + 1) === 46) {
      ends.push(i);
      starts.push(i + 2);
      i++;
    } else if (c === 92) {
      i++; // an escaped `-` or `_`: part of the segment
    } else if (c === 46) {
      ends.push(i);
      starts.push(i + 1);
    }
  }
  ends.push(run.length);
  const unescape = run.includes('\\') ? (t: string): string => t.replace(/\\/g, '') : (t: string): string => t;
  const named = new Map<string, string>(); // a token repeated in one run is hashed once
  const out: string[] = [];
  let emitted = 0;
  let at = run.indexOf('eyJ'); // the next `eyJ`: searched forward only, so the whole run is read once
  for (let k = 0; k + 2 < ends.length && at >= 0; ) {
    const from = starts[k]!;
    const to = ends[k]!;
    if (at < from) at = run.indexOf('eyJ', from);
    // at least 4 characters (escapes not counted) after `eyJ` in the same segment
    if (at >= 0 && at + 3 < to && unescape(run.slice(at + 3, to)).length >= 4) {
      const end = ends[k + 2]!;
      const token = unescape(run.slice(at, end));
      let fp = named.get(token);
      if (fp === undefined) named.set(token, (fp = fingerprintOf(token)));
      out.push(run.slice(emitted, at), `[token ${fp}]`);
      emitted = end;
      k += 3;
    } else {
      k += 1;
    }
  }
  out.push(run.slice(emitted));
  return out.join('');
}

/** Members that hold raw tokens or key material wherever they appear. */
const SECRET_MEMBERS = new Set(['raw', 'raw_token', 'token_raw', 'secret', 'password', 'client_secret']);
/** JWK members that are private key material (the `k` of an oct key, the private parts of RSA/EC/OKP keys). */
const JWK_PRIVATE = new Set(['k', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'oth']);

export const REDACTED = '[redacted]';

/** The token named the way every report names tokens: the first 12 hex of the sha256 of its compact form. */
export function fingerprintOf(compact: string): string {
  return sha256Hex(compact).slice(0, 12);
}

/** Every JWT in a value as `[token <fingerprint>]`. */
export function redactString(text: string): string {
  return replaceTokens(text, false);
}

/**
 * The last guard over text on its way out (terminal, JSON, NDJSON, CSV, Markdown, report files): every JWT-shaped
 * run becomes `[token <fingerprint>]`, the fingerprint of the token itself (Markdown escapes taken out first).
 */
export function redactOutput(text: string): string {
  return replaceTokens(text, true);
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
