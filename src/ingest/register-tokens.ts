// Each distinct token is decoded and verified once, whichever source brought it (DESIGN.md: never per event).
import { claimsToken } from '../jwt/claims-token.js';
import { decodeToken } from '../jwt/decode.js';
import { verifyTokens, type VerifyOptions } from '../jwt/verify.js';
import { appendRows, type Cell, type ColumnKind } from '../store/append.js';
import type { Store } from '../store/db.js';
import { loadKeys } from '../store/key-registry.js';
import type { DecodedToken, KeyRecord, VerifyResult } from '../types.js';
import type { RejectRow } from './line-reasons.js';
import { lap } from '../util/profile.js';
import { loggedClaims } from './events/claims-fields.js';

export interface RawToken {
  sha256: string;
  raw: string;
}

const TOKEN_COLUMNS: readonly ColumnKind[] = [
  'text', 'text', 'text', 'int', 'bool', 'text', 'text', 'text', 'json', 'json', 'text', 'text', 'text', 'text',
  'text', 'text[]', 'text', 'double', 'double', 'double', 'int', 'text', 'text', 'text', 'int', 'text', 'text[]', 'text',
];

/** Tokens decoded, with their verification under way (it runs while the caller's next SQL statement does). */
export interface TokenBatch {
  decoded: DecodedToken[];
  verdicts: Promise<Map<string, VerifyResult>>;
  /** tokens known only by their logged claims (events/claims-fields.ts): nothing to verify */
  claims: DecodedToken[];
  /** each marked claims text's sha256 → its token's (canonical claims), or null and why it is refused */
  remap: [provisional: string, canonical: string | null, detail: string | null][];
  /** how many texts the batch was given */
  size: number;
}

/** Decode the tokens and start verifying them against these keys (no SQL: it can run while a statement does);
 *  finish with `storeTokens`. */
export function startVerifying(keys: KeyRecord[], tokens: readonly RawToken[], opts: VerifyOptions = {}): TokenBatch {
  const decoded: DecodedToken[] = [];
  const claims: DecodedToken[] = [];
  const remap: TokenBatch['remap'] = [];
  for (const t of tokens) {
    const logged = loggedClaims(t.raw);
    if (logged === null) {
      decoded.push(decodeToken(t.raw));
      continue;
    }
    const made = claimsToken(logged);
    if (made.ok) claims.push(made.token);
    remap.push(made.ok ? [t.sha256, made.token.sha256, null] : [t.sha256, null, made.detail]);
  }
  lap(`tokens: decoded ${decoded.length}`);
  const verdicts = verifyTokens(decoded, keys, opts);
  verdicts.catch(() => undefined); // awaited by storeTokens; never an unhandled rejection meanwhile
  return { decoded, verdicts, claims, remap, size: tokens.length };
}

/** Wait for the verdicts and store the tokens. Returns how many were stored. */
export async function storeTokens(store: Store, sourceId: number, batch: TokenBatch): Promise<number> {
  if (batch.size === 0) return 0;
  const results = await batch.verdicts;
  lap(`tokens: verified ${batch.decoded.length}`);
  const rows = batch.decoded.map((d) => tokenRow(d, results.get(d.sha256), sourceId));
  const claims = await newClaimsTokens(store, batch.claims);
  rows.push(...claims.map((d) => tokenRow(d, NOT_CAPTURED, sourceId)));
  await appendRows(store, 'tokens', TOKEN_COLUMNS, rows);
  // the store holds claims-only tokens from now on: each later source's raw tokens may be theirs (settleClaims)
  if (claims.length) await store.run(`INSERT OR REPLACE INTO meta VALUES ('claims_only_tokens', 'yes')`);
  if (batch.remap.length) {
    await store.run(`CREATE TEMP TABLE IF NOT EXISTS ${CLAIMS_REMAP} (prov VARCHAR, canon VARCHAR, detail VARCHAR)`);
    await appendRows(store, CLAIMS_REMAP, ['text', 'text', 'text'], batch.remap);
  }
  lap('tokens: stored');
  return rows.length;
}

/** The claims-only tokens neither in the store nor earlier in the list: the same claims in another key order, or
 *  from another gateway's log, are one token. */
async function newClaimsTokens(store: Store, claims: readonly DecodedToken[]): Promise<DecodedToken[]> {
  if (claims.length === 0) return [];
  const known = await store.all<{ sha256: string }>(`SELECT sha256 FROM tokens WHERE sha256 IN (SELECT unnest($shas::VARCHAR[]))`, {
    shas: JSON.stringify(claims.map((d) => d.sha256)),
  });
  const seen = new Set(known.map((r) => r.sha256));
  // of one claims set logged with and without its header, the one with it (a later source's header is not added)
  const headerFirst = [...claims].sort((a, b) => Number(b.header !== null) - Number(a.header !== null));
  return headerFirst.filter((d) => !seen.has(d.sha256) && (seen.add(d.sha256), true));
}

/** A claims-only token's verdict: there is no signature to judge. */
const NOT_CAPTURED: VerifyResult = { status: 'not-captured', kid: null, detail: 'claims-only' };

/** Temp table of this source's marked claims texts → their tokens (storeTokens fills it, settleClaims reads it). */
const CLAIMS_REMAP = 'claims_remap';

/**
 * After a source's tokens are stored: its rows (`events` or `captures`) that carry marked claims texts take their
 * token's sha256 (the canonical claims'); rows whose claims were refused are deleted and returned as rejects, by
 * line. Then the claims-only tokens are tied to their raw tokens (tieClaims). Returns the rejects.
 */
export async function settleClaims(store: Store, sourceId: number, table: 'events' | 'captures', opts: { tie?: boolean } = {}): Promise<RejectRow[]> {
  await store.run(`CREATE TEMP TABLE IF NOT EXISTS ${CLAIMS_REMAP} (prov VARCHAR, canon VARCHAR, detail VARCHAR)`);
  const brought = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${CLAIMS_REMAP}`))?.n ?? 0);
  const refused = brought > 0 ? await moveOntoTokens(store, sourceId, table) : [];
  await store.run(`DROP TABLE ${CLAIMS_REMAP}`);
  if (opts.tie !== false) await tieIfClaimsKnown(store);
  return refused;
}

/** tieClaims, once the store has held a claims-only token (storeTokens notes it in `meta`): a store that never did has
 *  nothing to tie, and pays no pass over its tokens per source. Every reader that stores tokens calls it (or
 *  settleClaims) after: a raw token may be the one earlier claims stand for. */
export async function tieIfClaimsKnown(store: Store): Promise<void> {
  if ((await store.one(`SELECT 1 AS x FROM meta WHERE key = 'claims_only_tokens'`)) !== undefined) await tieClaims(store);
}

async function moveOntoTokens(store: Store, sourceId: number, table: 'events' | 'captures'): Promise<RejectRow[]> {
  const sid = { sid: sourceId };
  await store.run(
    `UPDATE ${table} SET token_sha = m.canon FROM ${CLAIMS_REMAP} m
     WHERE ${table}.source_id = $sid AND ${table}.token_sha = m.prov AND m.canon IS NOT NULL`,
    sid,
  );
  const refused = await store.all<{ line: bigint; detail: string }>(
    `SELECT r.line, any_value(m.detail) AS detail FROM ${table} r JOIN ${CLAIMS_REMAP} m ON m.prov = r.token_sha
     WHERE r.source_id = $sid AND m.canon IS NULL GROUP BY r.line ORDER BY r.line`,
    sid,
  );
  if (refused.length) {
    await store.run(`DELETE FROM ${table} WHERE source_id = $sid AND token_sha IN (SELECT prov FROM ${CLAIMS_REMAP} WHERE canon IS NULL)`, sid);
  }
  return refused.map((r) => ({ line: Number(r.line), reason: 'bad-claims', detail: r.detail }));
}

/**
 * Each claims-only token names the raw token it stands for (`same_as`) when the store holds exactly one raw token of
 * the same issuer and jti with the same subject and expiry: one token seen twice (a gateway's claims log and the
 * provider's token log), never two tokens sharing a jti. Claims that differ (another subject, another expiry) stay
 * apart: that is a jti collision. Recomputed whole, so a second raw token for the jti unties it.
 */
async function tieClaims(store: Store): Promise<void> {
  await store.run(`UPDATE tokens SET same_as = NULL WHERE sig_status = 'not-captured' AND same_as IS NOT NULL`);
  await store.run(
    `UPDATE tokens SET same_as = m.raw FROM (
       SELECT c.sha256 AS claims, any_value(r.sha256) AS raw
       FROM tokens c JOIN tokens r ON r.jti = c.jti AND r.iss IS NOT DISTINCT FROM c.iss AND r.sub IS NOT DISTINCT FROM c.sub
         AND r.exp IS NOT DISTINCT FROM c.exp AND r.decode_ok AND r.sig_status <> 'not-captured'
       WHERE c.sig_status = 'not-captured' AND c.jti IS NOT NULL
       GROUP BY c.sha256 HAVING count(*) = 1) m
     WHERE tokens.sha256 = m.claims`,
  );
}

/** New tokens per chunk, and how many may wait decoded for their verdicts before the oldest chunk is stored. */
export const TOKEN_CHUNK = 10_000;
export const MAX_PENDING = 20_000;

/** New tokens of a source, a chunk at a time: each chunk is decoded and verified while the caller reads the next,
 *  and stored once more than MAX_PENDING tokens wait, so memory holds a few chunks of tokens, never every token of a
 *  file. */
export class TokenChunks {
  private readonly batches: TokenBatch[] = [];
  private waiting = 0;
  private stored = 0;
  /** chunks started (for tests: a file of N new tokens goes through in about N / TOKEN_CHUNK) */
  chunks = 0;
  /** claims texts among the tokens: settleClaims will move their rows onto their tokens */
  claimsTexts = 0;

  constructor(
    private readonly store: Store,
    private readonly sourceId: number,
    private readonly keys: KeyRecord[],
    private readonly opts: VerifyOptions = {},
  ) {}

  /** Start on these tokens (new to the store, and not given before); stores the oldest chunks past MAX_PENDING. */
  async add(tokens: readonly RawToken[]): Promise<void> {
    if (tokens.length === 0) return;
    this.chunks++;
    const batch = startVerifying(this.keys, tokens, this.opts);
    this.claimsTexts += batch.remap.length;
    this.batches.push(batch);
    this.waiting += tokens.length;
    while (this.batches.length > 1 && this.waiting > MAX_PENDING) await this.storeOldest();
  }

  /** Store what waits; returns how many tokens were stored in all. */
  async finish(): Promise<number> {
    while (this.batches.length) await this.storeOldest();
    return this.stored;
  }

  private async storeOldest(): Promise<void> {
    const batch = this.batches[0]!;
    this.stored += await storeTokens(this.store, this.sourceId, batch);
    this.batches.shift();
    this.waiting -= batch.size;
  }
}

/** New keys can settle tokens seen before them: re-verify the ones whose verdict could change. */
export async function reverifyForKeys(store: Store, kids: readonly string[], opts: VerifyOptions = {}): Promise<number> {
  if (kids.length === 0) return 0;
  const rows = await store.all<{ raw: string }>(
    `SELECT raw FROM tokens
     WHERE sig_status IN ('unknown-key', 'invalid') AND (kid IS NULL OR kid IN (SELECT unnest($kids::VARCHAR[])))`,
    { kids: JSON.stringify(kids) },
  );
  if (rows.length === 0) return 0;
  const decoded = rows.map((r) => decodeToken(r.raw));
  const results = await verifyTokens(decoded, await loadKeys(store), opts);
  // One UPDATE for all of them, not one per token.
  await store.run(`CREATE OR REPLACE TEMP TABLE reverified (sha256 VARCHAR, s VARCHAR, k VARCHAR, d VARCHAR, j VARCHAR)`);
  const verdicts = decoded.flatMap((d) => {
    const v = results.get(d.sha256);
    return v ? [[d.sha256, v.status, v.kid, v.detail, v.jkt ?? null] as Cell[]] : [];
  });
  await appendRows(store, 'reverified', ['text', 'text', 'text', 'text', 'text'], verdicts);
  await store.run(`UPDATE tokens SET sig_status = r.s, sig_kid = r.k, sig_detail = r.d, sig_jkt = r.j FROM reverified r WHERE tokens.sha256 = r.sha256`);
  await store.run(`DROP TABLE reverified`);
  return rows.length;
}

function tokenRow(d: DecodedToken, v: VerifyResult | undefined, sourceId: number): Cell[] {
  const json = (o: unknown): string | null => (o === null || o === undefined ? null : JSON.stringify(o));
  return [
    d.sha256, d.fingerprint, d.raw, d.raw.length, d.ok, d.reason, d.detail, d.payloadReason,
    json(d.header), json(d.claims), d.alg, d.kid, d.typ, d.iss, d.sub, d.aud, d.jti, d.iat, d.nbf, d.exp,
    // a claims-only token has no signature segment: its length is unknown, not 0 (alg-none reads 0 as an empty one)
    v?.status === 'not-captured' ? null : d.signatureLength, v?.status ?? 'malformed', v?.kid ?? null, v?.detail ?? null, sourceId,
    v?.jkt ?? null, d.nonCanonical.length ? d.nonCanonical : null, null,
  ];
}
