// Each distinct token is decoded and verified once, whichever source brought it (DESIGN.md: never per event).
import { decodeToken } from '../jwt/decode.js';
import { verifyTokens, type VerifyOptions } from '../jwt/verify.js';
import { appendRows, type Cell, type ColumnKind } from '../store/append.js';
import type { Store } from '../store/db.js';
import { loadKeys } from '../store/key-registry.js';
import type { DecodedToken, KeyRecord, VerifyResult } from '../types.js';
import { lap } from '../util/profile.js';

export interface RawToken {
  sha256: string;
  raw: string;
}

const TOKEN_COLUMNS: readonly ColumnKind[] = [
  'text', 'text', 'text', 'int', 'bool', 'text', 'text', 'text', 'json', 'json', 'text', 'text', 'text', 'text',
  'text', 'text[]', 'text', 'double', 'double', 'double', 'int', 'text', 'text', 'text', 'int', 'text', 'text[]',
];

/** Tokens decoded, with their verification under way (it runs while the caller's next SQL statement does). */
export interface TokenBatch {
  decoded: DecodedToken[];
  verdicts: Promise<Map<string, VerifyResult>>;
}

/** Decode the tokens and start verifying them against these keys (no SQL: it can run while a statement does);
 *  finish with `storeTokens`. */
export function startVerifying(keys: KeyRecord[], tokens: readonly RawToken[], opts: VerifyOptions = {}): TokenBatch {
  const decoded = tokens.map((t) => decodeToken(t.raw));
  lap(`tokens: decoded ${decoded.length}`);
  const verdicts = verifyTokens(decoded, keys, opts);
  verdicts.catch(() => undefined); // awaited by storeTokens; never an unhandled rejection meanwhile
  return { decoded, verdicts };
}

/** Wait for the verdicts and store the tokens. Returns how many were stored. */
export async function storeTokens(store: Store, sourceId: number, batch: TokenBatch): Promise<number> {
  if (batch.decoded.length === 0) return 0;
  const results = await batch.verdicts;
  lap(`tokens: verified ${batch.decoded.length}`);
  const rows = batch.decoded.map((d) => tokenRow(d, results.get(d.sha256), sourceId));
  await appendRows(store, 'tokens', TOKEN_COLUMNS, rows);
  lap('tokens: stored');
  return rows.length;
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
    this.batches.push(startVerifying(this.keys, tokens, this.opts));
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
    this.waiting -= batch.decoded.length;
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
    d.signatureLength, v?.status ?? 'malformed', v?.kid ?? null, v?.detail ?? null, sourceId,
    v?.jkt ?? null, d.nonCanonical.length ? d.nonCanonical : null,
  ];
}
