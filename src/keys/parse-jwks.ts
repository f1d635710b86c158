// JWKS (or one JWK) → KeyRecords. Every entry is hostile until proven otherwise: a bad entry becomes a
// reject, never an exception, and private members are dropped before anything is stored or reported.
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyRecord, KeyReject, X509Info } from '../types.js';
import { curveBits, isBase64url, keyBits, quote } from './key-bits.js';
import { buildRecord, byIndex, duplicateKids, errorCode, reject, type ParsedKeys } from './record.js';
import { x509Info } from './x509-info.js';

type Obj = Record<string, unknown>;
type Kty = 'RSA' | 'EC' | 'OKP' | 'oct';
interface Problem {
  reason: string;
  detail: string;
}
interface Outcome {
  key: KeyRecord | null;
  rejects: KeyReject[];
}

const REQUIRED: Record<Kty, readonly string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'], oct: ['k'] };
// RFC 7518 §6.2.2 / §6.3.2 / RFC 8037: everything that would let a reader sign.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const OPTIONAL_STRINGS = ['kid', 'alg', 'use'];
// OpenSSL refuses to verify with larger RSA moduli, so such a key could never explain a token.
const MAX_RSA_BITS = 16384;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `source` names the file (its base name) in the kid of an `oct` key that has none (record.ts). */
export async function parseJwks(text: string, source?: string): Promise<ParsedKeys> {
  const doc = readJson(text);
  if ('reject' in doc) return unusable(doc.reject);
  const entries = jwkEntries(doc.value);
  if (typeof entries === 'string') return unusable(reject(-1, null, 'not-jwks', entries));
  const keys: KeyRecord[] = [];
  const rejects: KeyReject[] = [];
  for (const [index, entry] of entries.entries()) {
    const out = await parseEntry(entry, index, source);
    if (out.key) keys.push(out.key);
    rejects.push(...out.rejects);
  }
  return { keys, rejects: byIndex([...rejects, ...duplicateKids(keys)]) };
}

/** The whole document is unreadable: one reject for the file, and the file is flagged unusable (ingest exit 2). */
function unusable(r: KeyReject): ParsedKeys {
  const what = r.reason === 'not-jwks' ? `not a JWKS: ${r.detail}` : r.detail;
  return { keys: [], rejects: [r], unusable: { line: r.line, what } };
}

function readJson(text: string): { value: unknown } | { reject: KeyReject } {
  const clean = text.replace(/^\uFEFF/, '');
  try {
    return { value: JSON.parse(clean) };
  } catch (err) {
    if (clean.trim() === '') return { reject: reject(-1, 1, 'bad-json', 'the file is empty') };
    // V8's message quotes the input (it could be an oct `k`): keep only the position.
    const msg = err instanceof Error ? err.message : '';
    const end = clean.trimEnd().length;
    const at = /position (\d+)/.exec(msg)?.[1];
    const pos = at !== undefined ? Number(at) : /end of JSON input/i.test(msg) ? end : null;
    if (pos === null) return { reject: reject(-1, null, 'bad-json', 'not valid JSON') };
    const before = clean.slice(0, pos).split('\n');
    const line = before.length;
    const column = (before[before.length - 1]?.length ?? 0) + 1;
    // A parse that fails at the last character is a cut-off file (a partial download, a full disk).
    const cut = pos >= end ? ': the document ends early (truncated?)' : '';
    return { reject: reject(-1, line, 'bad-json', `not valid JSON at column ${column}${cut}`) };
  }
}

/** The JWK list, or why the document is not a JWKS. A top-level array of JWKs is accepted too. */
function jwkEntries(value: unknown): unknown[] | string {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return 'expected {"keys":[...]} or a JWK object';
  if (!Object.hasOwn(value, 'keys')) return [value];
  return Array.isArray(value.keys) ? value.keys : '"keys" is not an array';
}

async function parseEntry(entry: unknown, index: number, source: string | undefined): Promise<Outcome> {
  try {
    return await parseJwk(entry, index, source);
  } catch (err) {
    // Last resort: an input nobody thought of must cost one key, not the whole file.
    return fail(index, { reason: 'bad-jwk', detail: `unexpected error (${errorCode(err)})` });
  }
}

async function parseJwk(entry: unknown, index: number, source: string | undefined): Promise<Outcome> {
  if (!isObject(entry)) return fail(index, { reason: 'bad-jwk', detail: 'entry is not a JSON object' });
  // JSON.parse reads any depth, but storing the JWK (JSON.stringify) overflows the stack near 4,000 levels
  if (deeperThan(entry, MAX_JWK_DEPTH)) return fail(index, { reason: 'bad-jwk', detail: `a member nests more than ${MAX_JWK_DEPTH} levels deep` });
  const shape = shapeProblem(entry);
  if (shape) return fail(index, shape);
  const jwk = publicHalf(entry);
  const imported = jwk.kty === 'oct' ? null : importPublic(jwk);
  if (imported !== null && !isKeyObject(imported)) return fail(index, imported);
  const rejects: KeyReject[] = [];
  const leaked = jwk.kty === 'oct' ? [] : PRIVATE_MEMBERS.filter((m) => Object.hasOwn(entry, m));
  if (leaked.length) {
    const detail = `JWK carries private members (${leaked.join(', ')}); they were dropped and only the public half is loaded`;
    rejects.push(reject(index, null, 'private-key', detail));
  }
  const cert = certInfo(entry.x5c, imported, index);
  if (cert.warning) rejects.push(cert.warning);
  const kid = typeof entry.kid === 'string' && entry.kid !== '' ? entry.kid : null;
  const key = await buildRecord({ jwk, kid, kidSource: 'jwk', x509: cert.x509, index, source });
  return { key, rejects };
}

/** Type checks before any crypto: wrong types must produce a reason, not a TypeError from a library. */
function shapeProblem(entry: Obj): Problem | null {
  const kty = entry.kty;
  if (kty === undefined) return { reason: 'bad-jwk', detail: 'kty is missing' };
  if (typeof kty !== 'string') return { reason: 'bad-jwk', detail: 'kty is not a string' };
  if (!isKty(kty)) return { reason: 'unsupported-kty', detail: `kty ${quote(kty)} is not supported (RSA, EC, OKP, oct)` };
  for (const m of OPTIONAL_STRINGS) {
    if (Object.hasOwn(entry, m) && typeof entry[m] !== 'string') return { reason: 'bad-jwk', detail: `${m} is not a string` };
  }
  for (const m of REQUIRED[kty]) {
    const v = entry[m];
    if (v === undefined) return { reason: 'bad-jwk', detail: `${kty} key is missing "${m}"` };
    if (typeof v !== 'string') return { reason: 'bad-jwk', detail: `"${m}" is not a string` };
    if (v === '') return { reason: 'bad-jwk', detail: `"${m}" is empty` }; // an empty HMAC secret or exponent is no key
    if (m !== 'crv' && !isBase64url(v)) return { reason: 'bad-jwk', detail: `"${m}" is not base64url` };
  }
  const crv = entry.crv;
  if (kty !== 'RSA' && kty !== 'oct' && typeof crv === 'string' && curveBits(crv) === null) {
    return { reason: 'unsupported-crv', detail: `curve ${quote(crv)} is not supported` };
  }
  return null;
}

/** The stored JWK: everything but private members (`k` stays: HMAC tokens cannot be checked without it). */
// fromEntries defines own properties: a JSON "__proto__" member stays data instead of becoming a prototype.
function publicHalf(entry: Obj): JWK {
  return Object.fromEntries(Object.entries(entry).filter(([m]) => !PRIVATE_MEMBERS.includes(m))) as JWK;
}

/** node:crypto checks what structure cannot (EC point on the curve, key sizes), for every curve we list. */
function importPublic(jwk: JWK): KeyObject | Problem {
  const kty = jwk.kty as Kty;
  const core: Obj = { kty };
  for (const m of REQUIRED[kty]) core[m] = jwk[m as keyof JWK];
  let key: KeyObject;
  try {
    key = createPublicKey({ key: core, format: 'jwk' });
  } catch (err) {
    return { reason: 'bad-jwk', detail: `not a usable ${kty} public key (${errorCode(err)})` };
  }
  const bits = keyBits(jwk) ?? 0;
  if (kty === 'RSA' && (bits === 0 || bits > MAX_RSA_BITS)) {
    return { reason: 'bad-jwk', detail: `RSA modulus of ${bits} bits is not usable (1..${MAX_RSA_BITS})` };
  }
  return key;
}

/** x5c problems are warnings: the JWK's own key is fine, the certificate claim about it is not. */
function certInfo(x5c: unknown, key: KeyObject | null, index: number): { x509: X509Info | null; warning: KeyReject | null } {
  if (x5c === undefined) return { x509: null, warning: null };
  const first: unknown = Array.isArray(x5c) ? x5c[0] : undefined;
  const warn = (reason: string, detail: string, x509: X509Info | null = null) => ({ x509, warning: reject(index, null, reason, detail) });
  if (typeof first !== 'string' || !B64.test(first)) return warn('bad-x5c', 'x5c is not an array of base64 certificates');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(first, 'base64'));
  } catch (err) {
    return warn('bad-x5c', `x5c[0] is not a readable certificate (${errorCode(err)})`);
  }
  const x509 = x509Info(cert);
  if (key === null || !cert.publicKey.equals(key)) return warn('x5c-mismatch', "x5c[0] certificate holds a different key than the JWK", x509);
  return { x509, warning: null };
}

/** Deeper than this, a JWK is rejected (the same limit as a token's JSON, src/jwt/decode.ts). */
const MAX_JWK_DEPTH = 256;

/** Does the value nest deeper than `limit` (objects and arrays)? Iterative: no stack to overflow. */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(v as object)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

function fail(index: number, p: Problem): Outcome {
  return { key: null, rejects: [reject(index, null, p.reason, p.detail)] };
}

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isKty(v: string): v is Kty {
  return v === 'RSA' || v === 'EC' || v === 'OKP' || v === 'oct';
}

function isKeyObject(v: KeyObject | Problem): v is KeyObject {
  return !('reason' in v);
}
