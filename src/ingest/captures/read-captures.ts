// Token captures: one compact JWT a line, or NDJSON {captured_at, token, source, note}. Malformed tokens are
// kept (decoded with a reason code): a broken token in a capture is still evidence.
import { sha256Hex } from '../../util/sha256.js';
import { appendRows, type Cell } from '../../store/append.js';
import type { Store } from '../../store/db.js';
import type { FileScan } from '../events/file-scan.js';
import { isBlank, readLines } from '../events/line-scan.js';
import { MAX_LINE_BYTES, tooLong } from '../events/line-limits.js';
import { gunzipGuard } from '../gunzip-limit.js';
import { loadKeys } from '../../store/key-registry.js';
import type { LoadResult } from '../load-result.js';
import { tsReject, type RejectRow } from '../line-reasons.js';
import { stageNdjson, type StageSpec } from '../events/ndjson-stage.js';
import { withMemoryCap } from '../events/read-events.js';
import { settleClaims, tieIfClaimsKnown, TOKEN_CHUNK, TokenChunks } from '../register-tokens.js';
import { claimsTokenSql, extraWithoutClaimsSql } from '../events/claims-fields.js';
import { textSql, timestampSql } from '../sql-time.js';
import { lap } from '../../util/profile.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Lines appended at a time. */
const ROW_CHUNK = 50_000;

/** Text form: a line is a token, optionally behind `Bearer `. Read in chunks: every ROW_CHUNK lines the capture rows
 *  go to `captures` and the lines' tokens to a temp table, so memory holds one chunk, not every token of the file
 *  (1M distinct tokens took 3.6 GB when they were kept); the new ones are then found with one anti-join and verified
 *  TOKEN_CHUNK at a time, as the NDJSON form's are. */
export function readCaptureLines(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  return withMemoryCap(store, () => captureLines(store, scan, sourceId));
}

async function captureLines(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const label = scan.label ?? scan.path;
  const rejects: RejectRow[] = [];
  let rows: Cell[][] = [];
  let tokens: Cell[][] = [];
  let total = 0;
  await store.run(`CREATE OR REPLACE TEMP TABLE capture_lines (token_sha VARCHAR, token VARCHAR)`);
  const append = async (): Promise<void> => {
    await appendRows(store, 'captures', ['int', 'bigint', 'text', 'text', 'text', 'text', 'json'], rows);
    await appendRows(store, 'capture_lines', ['text', 'text'], tokens);
    total += rows.length;
    rows = [];
    tokens = [];
  };
  const lines = readLines(scan.path, scan.gzip, { maxLineBytes: MAX_LINE_BYTES, guard: gunzipGuard(label, scan.bytes) });
  for await (const batch of lines) {
    for (const { line, bytes, tooLong: length } of batch) {
      if (length !== undefined) {
        rejects.push(tooLong({ line, bytes: length }));
        continue;
      }
      if (isBlank(bytes)) continue;
      let text: string;
      try {
        text = utf8.decode(bytes);
      } catch {
        rejects.push({ line, reason: 'bad-utf8', detail: 'the line is not valid UTF-8' });
        continue;
      }
      // the schemes events accept (event-fields.ts); a scheme with no token after it is no token, as in the NDJSON form
      const raw = text.replace(/^\uFEFF/, '').trim().replace(/^(?:bearer|dpop)(?:\s+|$)/i, '');
      if (raw === '') {
        rejects.push({ line, reason: 'missing-token', detail: 'a capture needs a token after `Bearer` or `DPoP`' });
        continue;
      }
      const sha = sha256Hex(raw);
      rows.push([sourceId, line, null, sha, null, null, null]);
      tokens.push([sha, raw]);
    }
    if (rows.length >= ROW_CHUNK) await append();
  }
  await append();
  lap('captures: lines read');
  const newTokens = await verifyNew(store, scan, sourceId, 'capture_lines');
  return { rows: total, rejects, newTokens };
}

/** The tokens of `table` (columns token_sha, token; dropped once read) the store does not hold, found with one
 *  anti-join and sorted once in DuckDB, then decoded, verified and stored TOKEN_CHUNK at a time (register-tokens.ts). */
export async function verifyNew(store: Store, scan: FileScan, sourceId: number, table: string): Promise<number> {
  const chunks = new TokenChunks(store, sourceId, await loadKeys(store), scan.verify);
  await store.run(
    `CREATE OR REPLACE TEMP TABLE new_capture_tokens AS SELECT token_sha AS sha, any_value(token) AS raw FROM ${table} s
     WHERE token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tokens k WHERE k.sha256 = s.token_sha)
     GROUP BY token_sha ORDER BY token_sha`,
  );
  await store.run(`DROP TABLE ${table}`);
  lap('captures: new tokens found');
  for (let after = ''; ; ) {
    const page = await store.all<{ sha: string; raw: string }>(
      `SELECT sha, raw FROM new_capture_tokens WHERE sha > $after ORDER BY sha LIMIT ${TOKEN_CHUNK}`,
      { after },
    );
    if (page.length === 0) break;
    await chunks.add(page.map((r) => ({ sha256: r.sha, raw: r.raw })));
    after = page[page.length - 1]!.sha;
  }
  await store.run(`DROP TABLE new_capture_tokens`);
  const stored = await chunks.finish();
  await tieIfClaimsKnown(store); // a new raw token may be the one a gateway's logged claims stand for
  return stored;
}

// A captured token, behind `Bearer` or `DPoP` in any case (the schemes events accept, event-fields.ts): the same
// token gets the same sha256 whichever form brought it.
const CAPTURED_TOKEN = `NULLIF(trim(regexp_replace(r_token, '^\\s*(?:[Bb][Ee][Aa][Rr][Ee][Rr]|[Dd][Pp][Oo][Pp])\\s+', '')), '')`;

// Without a token, the `claims` (and JOSE `header`) a gateway logged stand for it (events/claims-fields.ts); they
// then leave `extra` (the token row holds them).
const CAPTURED = `COALESCE(${CAPTURED_TOKEN}, ${claimsTokenSql('r_claims', 'r_header')})`;

const CAPTURE_STAGE: StageSpec = {
  table: 'stage_captures',
  fields: { ts: '$.captured_at', token: '$.token', origin: '$.source', note: '$.note', claims: '$.claims', header: '$.header' },
  projection: {
    ts: timestampSql('r_ts'),
    ts_raw: 'r_ts',
    token: CAPTURED,
    token_sha: `sha256(${CAPTURED})`,
    origin: textSql('r_origin'),
    note: textSql('r_note'),
    extra: extraWithoutClaimsSql(`(${CAPTURED_TOKEN} IS NULL AND r_claims IS NOT NULL)`, 'x', 'x'),
  },
  omit: { captured_at: null, token: null, source: null, note: null },
};

/** NDJSON form. `captured_at` is optional; when present it must be a time. */
export function readCaptureRecords(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  return withMemoryCap(store, () => captureRecords(store, scan, sourceId));
}

async function captureRecords(store: Store, scan: FileScan, sourceId: number): Promise<LoadResult> {
  const staged = await stageNdjson(store, scan, CAPTURE_STAGE);
  const t = CAPTURE_STAGE.table;
  const invalid = `token IS NULL OR (ts IS NULL AND ts_raw IS NOT NULL)`;
  const bad = await store.all<{ line: bigint; ts_raw: string | null; token: string | null }>(
    `SELECT line, ts_raw, token FROM ${t} WHERE ${invalid} ORDER BY line`,
  );
  const rejects = staged.rejects.concat(
    bad.map((r) =>
      r.token === null ? { line: Number(r.line), reason: 'missing-token', detail: 'a capture needs `token` (or `claims`)' } : tsReject(r),
    ),
  );
  await store.run(`DELETE FROM ${t} WHERE ${invalid}`);
  await store.run(`INSERT INTO captures SELECT $sid, line, ts, token_sha, origin, note, extra FROM ${t}`, { sid: sourceId });
  const rows = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  const newTokens = await verifyNew(store, scan, sourceId, t);
  const refused = await settleClaims(store, sourceId, 'captures', { tie: false }); // verifyNew tied them
  return { rows: rows - refused.length, rejects: rejects.concat(refused).sort((a, b) => (a.line ?? 0) - (b.line ?? 0)), newTokens };
}
